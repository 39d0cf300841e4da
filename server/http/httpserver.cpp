#include "httpserver.h"

#include "httpconnection.h"
#include "httplogging.h"
#include "httpresponder.h"
#include "httpresponse.h"

#include <QPointer>
#include <QSet>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <optional>

namespace bh::http {

// Kernel accept queue (listen backlog): bursts of thousands of watch clients connecting at
// once must not be dropped. Default 1024 (the kernel caps it at net.core.somaxconn).
static constexpr int ListenBacklog = 1024;
// Accepted sockets not yet handed to a Connection; with TLS this includes handshakes in
// progress (QSslServer counts them), so thousands of clients reconnecting at once are not
// throttled to Qt's default of 30. Default 1024.
static constexpr int MaxPendingConnections = 1024;
// QTcpServer stops accepting for good on a resource error (EMFILE/ENFILE: out of file
// descriptors). The server resumes accepting after this delay. Default 1 s.
static constexpr std::chrono::milliseconds AcceptRetryDelay { 1000 };

class Server::Private
{
public:
    explicit Private(Server *server, const Limits &l)
        : q(server)
        , limits(l)
    { }

    void acceptPending();
    void reject(QTcpSocket *socket);

    Server *q;
    Limits limits;
    Handler handler;
    std::optional<QSslConfiguration> tls;
    QTcpServer *tcp = nullptr;
    QSet<Connection *> connections;
    quint64 served = 0;
    bool paused = false;
    QString error;
};

void Server::Private::acceptPending()
{
    while (tcp && tcp->hasPendingConnections()) {
        QTcpSocket *socket = tcp->nextPendingConnection();
        if (!socket)
            break;
        if (connections.size() >= limits.maxConnections) {
            reject(socket);
            continue;
        }
        auto *connection = new Connection(socket, limits, q);
        connections.insert(connection);
        QObject::connect(connection, &Connection::requestReady, q, [this](Responder *responder) {
            ++served;
            if (handler)
                handler(responder);
            else
                responder->send(Response::jsonError(503, QStringLiteral("no handler installed")));
        });
        QObject::connect(connection, &Connection::closed, q, [this](Connection *c) {
            if (connections.remove(c))
                emit q->connectionCountChanged(int(connections.size()));
        });
        if (paused)
            connection->setPaused(true);
        emit q->connectionCountChanged(int(connections.size()));
    }
}

void Server::Private::reject(QTcpSocket *socket)
{
    qCDebug(lcHttp) << "rejecting connection from" << socket->peerAddress() << ": limit"
                    << limits.maxConnections << "reached";
    socket->setParent(q);
    const Response error = Response::jsonError(503, QStringLiteral("too many connections"));
    QByteArray out = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                     "Content-Length: "
        + QByteArray::number(error.body().size()) + "\r\nConnection: close\r\n\r\n" + error.body();
    QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    // A peer that never reads must not keep the socket: abort after the request timeout.
    QTimer::singleShot(limits.requestTimeout, socket, [socket] { socket->abort(); });
    socket->write(out);
    socket->disconnectFromHost();
}

Server::Server(QObject *parent)
    : Server(Limits(), parent)
{ }

Server::Server(const Limits &limits, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, limits))
{ }

Server::~Server()
{
    const auto connections = d->connections;
    d->connections.clear();
    qDeleteAll(connections);
    delete d->tcp;
    d->tcp = nullptr;
}

void Server::setHandler(Handler handler)
{
    d->handler = std::move(handler);
}

const Limits &Server::limits() const
{
    return d->limits;
}

void Server::setLimits(const Limits &limits)
{
    d->limits = limits;
}

void Server::setTlsConfiguration(const QSslConfiguration &config)
{
    d->tls = config;
}

bool Server::listen(const QHostAddress &address, quint16 port)
{
    if (d->tcp) {
        d->tcp->close();
        d->tcp->deleteLater();
        d->tcp = nullptr;
    }
    if (d->tls) {
        auto *ssl = new QSslServer(this);
        ssl->setSslConfiguration(*d->tls);
        ssl->setHandshakeTimeout(int(d->limits.requestTimeout.count()));
        connect(ssl, &QSslServer::errorOccurred, this,
                [](QSslSocket *socket, QAbstractSocket::SocketError error) {
                    qCDebug(lcHttp) << "TLS connection from" << socket->peerAddress()
                                    << "failed:" << error << socket->errorString();
                });
        d->tcp = ssl;
    } else {
        d->tcp = new QTcpServer(this);
    }
    d->tcp->setListenBacklogSize(ListenBacklog);
    d->tcp->setMaxPendingConnections(MaxPendingConnections);
    connect(d->tcp, &QTcpServer::pendingConnectionAvailable, this, [this] { d->acceptPending(); });
    connect(d->tcp, &QTcpServer::newConnection, this, [this] { d->acceptPending(); });
    connect(d->tcp, &QTcpServer::acceptError, this, [this](QAbstractSocket::SocketError error) {
        QPointer<QTcpServer> tcp = d->tcp;
        // printf-style: no QDebug stream to set up while out of descriptors.
        qCWarning(lcHttp, "accept failed (socket error %d: %s) - retrying in %lld ms", int(error),
                  qPrintable(tcp ? tcp->errorString() : QString()),
                  static_cast<long long>(AcceptRetryDelay.count()));
        QTimer::singleShot(AcceptRetryDelay, tcp, [tcp] {
            if (tcp && tcp->isListening())
                tcp->resumeAccepting();
        });
    });
    if (!d->tcp->listen(address, port)) {
        d->error = d->tcp->errorString();
        qCWarning(lcHttp) << "cannot listen on" << address << port << ":" << d->error;
        return false;
    }
    d->error.clear();
    qCDebug(lcHttp) << "listening on" << d->tcp->serverAddress() << d->tcp->serverPort()
                    << (d->tls ? "(TLS)" : "");
    return true;
}

bool Server::isListening() const
{
    return d->tcp && d->tcp->isListening();
}

quint16 Server::serverPort() const
{
    return d->tcp ? d->tcp->serverPort() : 0;
}

QHostAddress Server::serverAddress() const
{
    return d->tcp ? d->tcp->serverAddress() : QHostAddress();
}

QString Server::errorString() const
{
    return d->error;
}

void Server::close()
{
    if (d->tcp)
        d->tcp->close();
}

void Server::closeAllConnections()
{
    const auto connections = d->connections.values();
    for (Connection *c : connections) {
        QPointer<Connection> guard(c);
        if (guard)
            guard->abortConnection();
    }
}

void Server::setPaused(bool paused)
{
    d->paused = paused;
    for (Connection *c : std::as_const(d->connections))
        c->setPaused(paused);
}

int Server::connectionCount() const
{
    return int(d->connections.size());
}

quint64 Server::requestsServed() const
{
    return d->served;
}

} // namespace bh::http
