#include "tcpforwarder.h"

#include <QTcpSocket>

TcpForwarder::TcpForwarder(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &TcpForwarder::onNewConnection);
}

TcpForwarder::~TcpForwarder()
{
    dropAll();
}

bool TcpForwarder::listen(quint16 targetPort)
{
    m_target = targetPort;
    return m_server.listen(QHostAddress::LocalHost, 0);
}

int TcpForwarder::connectionCount() const
{
    int n = 0;
    for (const Pair &pair : m_pairs)
        n += (pair.client && pair.upstream) ? 1 : 0;
    return n;
}

void TcpForwarder::dropAll()
{
    const QList<Pair> pairs = std::exchange(m_pairs, {});
    for (const Pair &pair : pairs) {
        if (pair.client)
            pair.client->abort();
        if (pair.upstream)
            pair.upstream->abort();
    }
}

void TcpForwarder::onNewConnection()
{
    while (QTcpSocket *client = m_server.nextPendingConnection()) {
        auto *upstream = new QTcpSocket(this);
        client->setParent(this);
        m_pairs.append(Pair { client, upstream });
        // Bytes from the client wait in its read buffer until the upstream is connected.
        const auto pump = [](QTcpSocket *from, QTcpSocket *to) {
            if (to->state() == QAbstractSocket::ConnectedState && from->bytesAvailable() > 0)
                to->write(from->readAll());
        };
        connect(client, &QTcpSocket::readyRead, upstream, [=] { pump(client, upstream); });
        connect(upstream, &QTcpSocket::connected, client, [=] { pump(client, upstream); });
        connect(upstream, &QTcpSocket::readyRead, client, [=] { pump(upstream, client); });
        // Either side closing closes the other (after flushing what it had).
        connect(client, &QTcpSocket::disconnected, upstream, [=] {
            upstream->disconnectFromHost();
            client->deleteLater();
        });
        connect(upstream, &QTcpSocket::disconnected, client, [=] {
            pump(upstream, client);
            client->disconnectFromHost();
            upstream->deleteLater();
        });
        connect(upstream, &QTcpSocket::errorOccurred, client, [=] {
            if (upstream->state() == QAbstractSocket::UnconnectedState)
                client->abort();
        });
        upstream->connectToHost(QHostAddress::LocalHost, m_target);
    }
}
