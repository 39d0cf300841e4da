#include "cutproxy.h"

#include <QHostAddress>

namespace bh::soak {

CutProxy::CutProxy(quint16 targetPort, QObject *parent)
    : QObject(parent)
    , m_targetPort(targetPort)
{
    connect(&m_server, &QTcpServer::newConnection, this, &CutProxy::onNewConnection);
}

CutProxy::~CutProxy()
{
    qDeleteAll(m_pairs);
}

bool CutProxy::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

void CutProxy::onNewConnection()
{
    while (QTcpSocket *client = m_server.nextPendingConnection()) {
        auto *pair = new Pair;
        pair->client = client;
        auto *upstream = new QTcpSocket(this);
        pair->upstream = upstream;
        client->setParent(this);
        m_pairs.append(pair);
        connect(client, &QTcpSocket::readyRead, this, [this, pair] {
            if (!pair->client)
                return;
            const QByteArray data = pair->client->readAll();
            if (pair->upstream && pair->upstream->state() == QAbstractSocket::ConnectedState) {
                pair->upstream->write(data);
            } else {
                pair->pendingUp += data;
                if (pair->pendingUp.size() > MaxPendingBytes)
                    drop(pair);
            }
        });
        connect(upstream, &QTcpSocket::connected, this, [pair] {
            if (pair->upstream && !pair->pendingUp.isEmpty())
                pair->upstream->write(pair->pendingUp);
            pair->pendingUp.clear();
        });
        connect(upstream, &QTcpSocket::readyRead, this, [pair] {
            if (pair->upstream && pair->client)
                pair->client->write(pair->upstream->readAll());
        });
        // Either side ending ends the pair (half-close is not needed by HTTP/WebSocket here).
        connect(client, &QTcpSocket::disconnected, this, [this, pair] { drop(pair); });
        connect(upstream, &QTcpSocket::disconnected, this, [this, pair] { drop(pair); });
        connect(upstream, &QTcpSocket::errorOccurred, this, [this, pair] { drop(pair); });
        upstream->connectToHost(QHostAddress::LocalHost, m_targetPort);
    }
}

void CutProxy::drop(Pair *pair)
{
    const int index = int(m_pairs.indexOf(pair));
    if (index < 0)
        return;
    m_pairs.removeAt(index);
    // Flush what the upstream already sent before closing the client side gracefully.
    if (pair->upstream) {
        if (pair->client && pair->upstream->bytesAvailable() > 0)
            pair->client->write(pair->upstream->readAll());
        pair->upstream->disconnect(this);
        pair->upstream->abort();
        pair->upstream->deleteLater();
    }
    if (pair->client) {
        QTcpSocket *client = pair->client;
        client->disconnect(this);
        connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
        client->disconnectFromHost(); // after the queued bytes are written
    }
    delete pair;
}

int CutProxy::cut()
{
    const QList<Pair *> pairs = m_pairs;
    m_pairs.clear();
    for (Pair *pair : pairs) {
        if (pair->client) {
            pair->client->disconnect(this);
            pair->client->abort();
            pair->client->deleteLater();
        }
        if (pair->upstream) {
            pair->upstream->disconnect(this);
            pair->upstream->abort();
            pair->upstream->deleteLater();
        }
        delete pair;
    }
    ++m_cuts;
    return int(pairs.size());
}

} // namespace bh::soak
