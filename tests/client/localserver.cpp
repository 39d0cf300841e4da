#include "localserver.h"

#include <QCryptographicHash>
#include <QTcpSocket>
#include <QWebSocket>

namespace {
constexpr qint64 kMaxHeaderBytes = 16 * 1024; // requests larger than this are dropped

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}
} // namespace

LocalServer::LocalServer(QObject *parent)
    : QObject(parent)
    , m_ws(QStringLiteral("local"), QWebSocketServer::NonSecureMode)
{
    connect(&m_tcp, &QTcpServer::newConnection, this, &LocalServer::onNewConnection);
    connect(&m_ws, &QWebSocketServer::newConnection, this, &LocalServer::onWsConnection);
}

LocalServer::~LocalServer()
{
    for (const auto &client : std::as_const(m_clients)) {
        if (client)
            client->abort();
    }
}

bool LocalServer::listen()
{
    return m_tcp.listen(QHostAddress::LocalHost, 0);
}

QUrl LocalServer::url() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(port());
    return url;
}

QList<QWebSocket *> LocalServer::clients() const
{
    QList<QWebSocket *> out;
    for (const auto &client : m_clients) {
        if (client && client->state() == QAbstractSocket::ConnectedState)
            out.append(client);
    }
    return out;
}

void LocalServer::sendToAll(const QByteArray &frame)
{
    for (QWebSocket *client : clients())
        client->sendTextMessage(QString::fromUtf8(frame));
}

void LocalServer::closeAll(int code, const QString &reason)
{
    for (QWebSocket *client : clients())
        client->close(QWebSocketProtocol::CloseCode(code), reason);
}

void LocalServer::abortAll()
{
    for (QWebSocket *client : clients())
        client->abort();
}

void LocalServer::onNewConnection()
{
    while (QTcpSocket *socket = m_tcp.nextPendingConnection()) {
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }
}

void LocalServer::onReadyRead(QTcpSocket *socket)
{
    while (true) {
        const QByteArray peeked = socket->peek(socket->bytesAvailable());
        const qsizetype end = peeked.indexOf("\r\n\r\n");
        if (end < 0) {
            if (peeked.size() > kMaxHeaderBytes)
                socket->abort();
            return;
        }
        const QByteArray head = peeked.left(end);
        const QList<QByteArray> lines = head.split('\n');
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        Request request;
        request.method = requestLine.value(0);
        const QByteArray target = requestLine.value(1);
        const qsizetype q = target.indexOf('?');
        request.path = QString::fromUtf8(q < 0 ? target : target.left(q));
        request.query = q < 0 ? QString() : QString::fromUtf8(target.mid(q + 1));
        bool upgrade = false;
        QByteArray wsKey;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon < 0)
                continue;
            const QByteArray name = line.left(colon).trimmed().toLower();
            const QByteArray value = line.mid(colon + 1).trimmed();
            if (name == "authorization")
                request.authorization = value;
            if (name == "upgrade" && value.toLower() == "websocket")
                upgrade = true;
            if (name == "sec-websocket-key")
                wsKey = value;
        }
        m_requests.append(request);
        if (m_silent)
            return; // swallow: never answer
        if (upgrade && m_hang) {
            // RFC 6455 §4.2.2: accept = base64(sha1(key + GUID)).
            const QByteArray accept =
                QCryptographicHash::hash(wsKey + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
                                         QCryptographicHash::Sha1)
                    .toBase64();
            socket->disconnect(this);
            socket->readAll();
            socket->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\nSec-WebSocket-Accept: "
                          + accept + "\r\n\r\n");
            socket->setReadBufferSize(1); // stop reading: pings pile up unanswered
            return;
        }
        if (upgrade && request.path == QLatin1String("/ws") && m_rejectUpgrade == 0) {
            socket->disconnect(this);
            m_streamUrls.append(
                QUrl(QStringLiteral("ws://127.0.0.1/ws")
                     + (request.query.isEmpty() ? QString() : QLatin1Char('?') + request.query)));
            m_ws.handleConnection(socket);
            return;
        }
        socket->read(end + 4);
        Response response;
        if (upgrade) {
            response.status = m_rejectUpgrade ? m_rejectUpgrade : 404;
            response.body = R"({"error":"upgrade refused"})";
        } else {
            Q_EMIT restRequested(request.path);
            response =
                m_routes.value(request.path, Response { 404, R"({"error":"not found"})", {} });
        }
        QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' '
            + reasonPhrase(response.status) + "\r\nContent-Type: application/json\r\n"
            + "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
        for (const auto &[name, value] : std::as_const(response.headers))
            out += name + ": " + value + "\r\n";
        out += "\r\n" + response.body;
        socket->write(out);
    }
}

void LocalServer::onWsConnection()
{
    while (QWebSocket *socket = m_ws.nextPendingConnection()) {
        socket->setParent(this);
        m_clients.append(socket);
        connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        Q_EMIT streamConnected(socket);
    }
}
