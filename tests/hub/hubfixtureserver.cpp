#include "hubfixtureserver.h"

#include "hub/filter.h"
#include "hub/wshub.h"

#include <QTcpSocket>
#include <QUrl>

namespace {
constexpr qint64 kMaxHeadBytes = 16 * 1024;
}

HubFixtureServer::HubFixtureServer(bh::hub::WsHub *hub, Mode mode, QObject *parent)
    : QTcpServer(parent)
    , m_hub(hub)
    , m_mode(mode)
{
    connect(this, &QTcpServer::newConnection, this, &HubFixtureServer::onNewConnection);
    listen(QHostAddress::LocalHost, 0);
}

void HubFixtureServer::onNewConnection()
{
    while (QTcpSocket *socket = nextPendingConnection()) {
        if (m_mode == Mode::Immediate) {
            ++m_handedOver;
            m_hub->accept(socket, bh::hub::ClientOptions {});
            continue;
        }
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { inspect(socket); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }
}

void HubFixtureServer::inspect(QTcpSocket *socket)
{
    const QByteArray head = socket->peek(kMaxHeadBytes);
    const int end = head.indexOf("\r\n\r\n");
    if (end < 0) {
        if (head.size() >= kMaxHeadBytes)
            answer(socket, "431 Request Header Fields Too Large");
        return;
    }
    const QByteArray requestLine = head.left(head.indexOf("\r\n"));
    const QList<QByteArray> parts = requestLine.split(' ');
    if (parts.size() != 3) {
        answer(socket, "400 Bad Request");
        return;
    }
    const QUrlQuery query(QUrl::fromEncoded(parts[1]));
    if (!m_hub->canAccept()) {
        answer(socket, "503 Service Unavailable");
        return;
    }
    bh::hub::ClientOptions options;
    if (m_optionsFor) {
        options = m_optionsFor(query);
    } else {
        QString error;
        const auto filter = bh::hub::Filter::fromQuery(query, &error);
        if (!filter) {
            answer(socket, "400 Bad Request");
            return;
        }
        options.filter = *filter;
    }
    socket->disconnect(this);
    disconnect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    ++m_handedOver;
    m_hub->accept(socket, options);
}

void HubFixtureServer::answer(QTcpSocket *socket, const QByteArray &statusLine)
{
    socket->disconnect(nullptr, nullptr, nullptr);
    socket->readAll();
    socket->write("HTTP/1.1 " + statusLine + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    socket->disconnectFromHost();
}
