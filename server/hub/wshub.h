#pragma once

#include "events/encodedevent.h"
#include "hub/clientoptions.h"
#include "hub/hubconfig.h"
#include "hub/hubstats.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QWebSocketProtocol>

#include <functional>
#include <memory>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

namespace bh::http {
class Request;
}

namespace bh::hub {

// The WebSocket fan-out of /ws (PROTOCOL A.3, B.2, B.3). One per server, single-threaded.
//
// Sockets arrive with the upgrade request still unread (Responder::takeSocket()); the hub
// does the RFC 6455 handshake itself (WsHandshake), under its own handshake timeout. At
// handshake completion the client gets the replay (current state as synthetic events, from
// the ReplayProvider) and becomes a broadcast target in the same event-loop turn, so
// nothing is lost or duplicated between replay and live events.
//
// No QWebSocket per client (measured: it costs ~10 KiB and ~20 % more CPU per message than
// writing frames directly; see bh_hub_bench): each event is framed once, and once per
// event-loop turn every client gets the batch's frames in one socket write + flush
// (coalescing). Per client: a bounded outgoing buffer and a write deadline (1008 "slow
// consumer"), incoming frames parsed and discarded up to a maximum message size (1009),
// ping/pong keepalive.
class WsHub : public QObject
{
    Q_OBJECT
public:
    // Current state as synthetic events (PROTOCOL A.3, last bullet).
    using ReplayProvider = std::function<QList<events::EncodedEvent>()>;

    explicit WsHub(HubConfig config = {}, QObject *parent = nullptr);
    ~WsHub() override;

    const HubConfig &config() const;

    void setReplayProvider(ReplayProvider provider);

    // Takes ownership of a socket whose WebSocket upgrade request is still unread and
    // completes the handshake (invalid handshakes get 400/426/431 and are closed). The
    // client's filter comes from the request query (B.2).
    // A socket that cannot be accepted (limit reached, bad filter) gets an HTTP error
    // (503 / 400, JSON body) and is closed — the route should have checked canAccept() and
    // Filter::fromQuery() before taking the socket.
    void accept(QTcpSocket *socket, const http::Request &request);
    // The same with options decided by the caller (filter, B.1 seq and replay).
    void accept(QTcpSocket *socket, const ClientOptions &options);

    // Queues one event for every client whose filter matches; written at the end of the
    // current event-loop turn (or by flush()).
    void broadcast(const events::EncodedEvent &event);
    // Writes queued events now.
    void flush();

    // True while connected clients plus handshakes in progress are below maxClients.
    bool canAccept() const;
    // Clients past the handshake (not counting those being closed).
    int clientCount() const;
    // Closes every client (and aborts pending handshakes); 1001 by default (shutdown).
    void closeAll(QWebSocketProtocol::CloseCode code = QWebSocketProtocol::CloseCodeGoingAway,
                  const QString &reason = {});

    HubStats stats() const;

Q_SIGNALS:
    void clientConnected();
    void clientDisconnected();
    void slowConsumerClosed();

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace bh::hub
