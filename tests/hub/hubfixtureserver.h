#pragma once

#include "hub/clientoptions.h"

#include <QTcpServer>
#include <QUrlQuery>

#include <functional>

namespace bh::hub {
class WsHub;
}

// Stands in for the /ws route of the HTTP layer: a real QTcpServer (port 0) that peeks the
// upgrade request head without consuming it, answers 503 / 400 itself like the route does
// (canAccept(), Filter::fromQuery()), and hands the socket to WsHub::accept() unread.
class HubFixtureServer : public QTcpServer
{
    Q_OBJECT
public:
    enum class Mode {
        PeekHead, // wait for the complete request head, then decide
        Immediate, // hand every socket over at once, before any byte arrived
    };
    using OptionsFor = std::function<bh::hub::ClientOptions(const QUrlQuery &)>;

    explicit HubFixtureServer(bh::hub::WsHub *hub, Mode mode = Mode::PeekHead,
                              QObject *parent = nullptr);

    // Decides a client's options from its query (default: the B.2 filter only).
    void setOptionsFor(OptionsFor optionsFor) { m_optionsFor = std::move(optionsFor); }
    int handedOver() const { return m_handedOver; }

private:
    void onNewConnection();
    void inspect(QTcpSocket *socket);
    static void answer(QTcpSocket *socket, const QByteArray &statusLine);

    bh::hub::WsHub *m_hub;
    Mode m_mode;
    OptionsFor m_optionsFor;
    int m_handedOver = 0;
};
