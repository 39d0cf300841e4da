#include "eventstream.h"

#include "client/clientlogging.h"

#include <QNetworkRequest>
#include <QWebSocket>

namespace bh::client {

namespace {
constexpr int kCloseNormal = 1000; // RFC 6455 normal closure
constexpr int kCloseAbnormal = 1006; // RFC 6455: no close frame (connect failed, peer gone)
} // namespace

EventStream::EventStream(const ClientConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
{
    m_pingTimer.setInterval(m_config.pingInterval);
    connect(&m_pingTimer, &QTimer::timeout, this, &EventStream::onPingTimer);
    m_handshakeTimer.setSingleShot(true);
    m_handshakeTimer.setInterval(m_config.handshakeTimeout);
    connect(&m_handshakeTimer, &QTimer::timeout, this, &EventStream::onHandshakeTimeout);
}

EventStream::~EventStream()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
    }
}

void EventStream::open(const std::optional<QString> &since)
{
    if (m_socket)
        return;
    m_url = m_config.streamUrl(since);
    m_connected = false;
    m_closing = false;
    m_heardFromPeer = false;
    m_errorText.clear();
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket->setMaxAllowedIncomingMessageSize(quint64(m_config.maxFrameBytes));
    m_socket->setMaxAllowedIncomingFrameSize(quint64(m_config.maxFrameBytes));
    connect(m_socket, &QWebSocket::connected, this, &EventStream::onConnected);
    connect(m_socket, &QWebSocket::disconnected, this, &EventStream::onDisconnected);
    // Qt 6.4: the signal is error(); errorOccurred() only arrives in 6.5.
    connect(m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            &EventStream::onError);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &EventStream::onTextMessage);
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, &EventStream::onBinaryMessage);
    connect(m_socket, &QWebSocket::pong, this, &EventStream::onPong);

    QNetworkRequest request(m_url);
    if (m_config.sendKeyOnStream && !m_config.apiKey.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_config.apiKey.toUtf8());
    qCDebug(lcClient) << "opening" << m_url.toString();
    m_handshakeTimer.start();
    m_socket->open(request);
}

void EventStream::close()
{
    if (!m_socket || m_closing)
        return;
    m_closing = true;
    m_handshakeTimer.stop();
    m_pingTimer.stop();
    if (m_connected) {
        // The close handshake completes asynchronously; disconnected() follows, or the
        // timeout drops the connection of a server that does not answer.
        QWebSocket *socket = m_socket;
        QTimer::singleShot(kCloseTimeout, socket, [this, socket] {
            if (m_socket == socket)
                socket->abort();
        });
        socket->close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("closed by client"));
    } else {
        // Still connecting: nothing to shake hands with.
        QWebSocket *socket = m_socket;
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();
        m_socket = nullptr;
        QTimer::singleShot(
            0, this, [this] { Q_EMIT closed(kCloseNormal, QStringLiteral("closed by client")); });
    }
}

void EventStream::onConnected()
{
    m_handshakeTimer.stop();
    m_connected = true;
    m_heardFromPeer = true;
    if (m_config.pingInterval.count() > 0)
        m_pingTimer.start();
    qCDebug(lcClient) << "stream open" << m_url.toString();
    Q_EMIT opened();
}

void EventStream::onDisconnected()
{
    if (!m_socket)
        return;
    int code = kCloseAbnormal;
    if (m_errorText.isEmpty() && m_socket->error() != QAbstractSocket::UnknownSocketError)
        m_errorText = m_socket->errorString();
    QString reason = m_errorText;
    if (m_closing) {
        code = kCloseNormal;
        reason = QStringLiteral("closed by client");
    } else if (m_connected) {
        // A close frame from the server sets closeCode/closeReason; a dropped TCP connection
        // leaves closeCode at its default (1000) with an error text instead.
        const bool closeFrame = !m_socket->closeReason().isEmpty()
            || m_socket->closeCode() != QWebSocketProtocol::CloseCodeNormal
            || m_errorText.isEmpty();
        if (closeFrame) {
            code = int(m_socket->closeCode());
            reason = m_socket->closeReason();
        }
    }
    if (reason.isEmpty())
        reason = m_errorText.isEmpty() ? QStringLiteral("connection closed") : m_errorText;
    finishClose(code, reason);
}

void EventStream::onError(QAbstractSocket::SocketError error)
{
    if (!m_socket)
        return;
    if (m_errorText.isEmpty())
        m_errorText = m_socket->errorString();
    qCDebug(lcClient) << "stream error" << error << m_errorText;
    // During the handshake every error is final (refused, HTTP 401/403/404 instead of 101,
    // TLS): Qt may leave the TCP connection open, so end it here. An open stream reports
    // disconnected() after its error.
    if (!m_connected) {
        m_socket->abort();
        if (m_socket)
            finishClose(kCloseAbnormal, m_errorText);
    }
}

void EventStream::onTextMessage(const QString &message)
{
    m_heardFromPeer = true;
    const QDateTime receivedAt = QDateTime::currentDateTimeUtc();
    protocol::DecodeError error = protocol::DecodeError::None;
    QString text;
    const auto decoded = protocol::decodeEvent(message.toUtf8(), &error, &text);
    if (!decoded) {
        if (error == protocol::DecodeError::UnknownType) {
            qCDebug(lcClient) << "skipping frame:" << text;
            return;
        }
        qCWarning(lcClient) << "bad frame:" << text;
        Q_EMIT frameError(text);
        return;
    }
    Q_EMIT event(*decoded, receivedAt);
    if (decoded->type == protocol::EventType::StreamResync)
        Q_EMIT resync(decoded->reason);
}

void EventStream::onBinaryMessage(const QByteArray &message)
{
    m_heardFromPeer = true;
    Q_EMIT frameError(QStringLiteral("unexpected binary frame of %1 bytes").arg(message.size()));
}

void EventStream::onPong(quint64 elapsedTime)
{
    m_heardFromPeer = true;
    Q_EMIT pong(qint64(elapsedTime));
}

void EventStream::onPingTimer()
{
    if (!m_socket || !m_connected)
        return;
    if (!m_heardFromPeer) {
        qCWarning(lcClient) << "no frame and no pong for" << m_config.pingInterval.count()
                            << "ms; closing" << m_url.toString();
        m_errorText = QStringLiteral("server did not answer a ping within %1 ms")
                          .arg(m_config.pingInterval.count());
        QWebSocket *socket = m_socket;
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();
        m_socket = nullptr;
        m_pingTimer.stop();
        m_connected = false;
        Q_EMIT closed(kCloseAbnormal, m_errorText);
        return;
    }
    m_heardFromPeer = false;
    m_socket->ping();
}

void EventStream::onHandshakeTimeout()
{
    if (!m_socket || m_connected)
        return;
    m_errorText = QStringLiteral("WebSocket handshake not completed within %1 ms")
                      .arg(m_config.handshakeTimeout.count());
    QWebSocket *socket = m_socket;
    socket->disconnect(this);
    socket->abort();
    socket->deleteLater();
    m_socket = nullptr;
    Q_EMIT closed(kCloseAbnormal, m_errorText);
}

void EventStream::finishClose(int code, const QString &reason)
{
    QWebSocket *socket = m_socket;
    m_socket = nullptr;
    m_connected = false;
    m_pingTimer.stop();
    m_handshakeTimer.stop();
    if (socket) {
        socket->disconnect(this);
        socket->deleteLater();
    }
    qCDebug(lcClient) << "stream closed" << code << reason;
    Q_EMIT closed(code, reason);
}

} // namespace bh::client
