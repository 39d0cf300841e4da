#pragma once

#include "client/clientconfig.h"
#include "protocol/event.h"

#include <QAbstractSocket>
#include <QDateTime>
#include <QObject>
#include <QTimer>

#include <optional>

class QWebSocket;

namespace bh::client {

// One /ws connection (PROTOCOL A.3, B.1): opens a QWebSocket to config.streamUrl(since),
// decodes each text frame with protocol::decodeEvent and emits it.
//
// Life cycle: open() → opened() → event()… → closed(). closed() is emitted exactly once per
// open(), whether the handshake failed (code 1006, reason = the socket error, e.g.
// "Connection refused"), the server closed (its code and reason), the keepalive found the
// peer dead, or close() was called (code 1000, reason "closed by client"). After closed()
// the stream can be opened again.
//
// stream.resync frames are emitted as event() *and* resync(reason). Frames whose type this
// build does not know are skipped (forward compatible, logged at debug level); other frames
// that fail to decode are skipped with frameError(message).
//
// Bounds: config.maxFrameBytes per message (larger → the socket closes with 1009),
// config.handshakeTimeout for the upgrade, config.pingInterval for the keepalive.
class EventStream : public QObject
{
    Q_OBJECT
public:
    // close(): how long the server gets to answer the close handshake before the TCP
    // connection is dropped (closed() is then still 1000 "closed by client").
    static constexpr std::chrono::milliseconds kCloseTimeout { 2000 }; // 2 s

    explicit EventStream(const ClientConfig &config, QObject *parent = nullptr);
    ~EventStream() override;

    // Starts the handshake. With `since`, connects to /ws?since=<cursor>. No-op when open.
    void open(const std::optional<QString> &since = std::nullopt);
    // Closes with 1000; closed() follows (asynchronously, within kCloseTimeout). No-op when
    // not open.
    void close();

    bool isOpen() const { return m_socket != nullptr; }
    bool isConnected() const { return m_connected; }
    QUrl url() const { return m_url; }

Q_SIGNALS:
    void opened();
    void event(const bh::protocol::Event &event, const QDateTime &receivedAt);
    void resync(const QString &reason);
    void frameError(const QString &message);
    // A keepalive pong arrived; rttMs = round trip of the ping.
    void pong(qint64 rttMs);
    void closed(int code, const QString &reason);

private:
    void onConnected();
    void onDisconnected();
    void onError(QAbstractSocket::SocketError error);
    void onTextMessage(const QString &message);
    void onBinaryMessage(const QByteArray &message);
    void onPong(quint64 elapsedTime);
    void onPingTimer();
    void onHandshakeTimeout();
    void finishClose(int code, const QString &reason);

    ClientConfig m_config;
    QWebSocket *m_socket = nullptr;
    QUrl m_url;
    bool m_connected = false;
    bool m_closing = false; // close() called: report 1000 "closed by client"
    bool m_heardFromPeer = false; // a frame or pong since the last ping
    QString m_errorText; // the socket error, if any
    QTimer m_pingTimer;
    QTimer m_handshakeTimer;
};

} // namespace bh::client
