#include "slowclient.h"

#include "soaklogging.h"

#include <QRandomGenerator>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace bh::soak {

SlowClient::SlowClient(QObject *parent)
    : QObject(parent)
{ }

void SlowClient::connectTo(quint16 port)
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    m_buffer.clear();
    m_sawClose = false;
    // The receive buffer must be set before connect() to bound the TCP window.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return;
    const int size = ReceiveBufferBytes;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    const int mss = MaxSegmentBytes;
    ::setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof mss);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        ::close(fd);
        m_state = State::Disconnected;
        return;
    }
    m_socket = new QTcpSocket(this);
    if (!m_socket->setSocketDescriptor(fd)) {
        ::close(fd);
        m_socket->deleteLater();
        m_socket = nullptr;
        return;
    }
    m_localPort = m_socket->localPort();
    connect(m_socket, &QTcpSocket::readyRead, this, &SlowClient::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &SlowClient::onEnded);
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this] {
        if (m_socket && m_socket->state() != QAbstractSocket::ConnectedState)
            onEnded();
    });
    QByteArray key(16, Qt::Uninitialized);
    for (char &c : key)
        c = char(QRandomGenerator::global()->bounded(256));
    m_socket->write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                    + key.toBase64() + "\r\nSec-WebSocket-Version: 13\r\n\r\n");
    m_state = State::Handshaking;
    ++m_connects;
}

void SlowClient::stall()
{
    if (m_state != State::Reading || !m_socket)
        return;
    m_state = State::Stalled;
    m_socket->setReadBufferSize(StalledReadBufferBytes);
}

void SlowClient::resume()
{
    if (m_state != State::Stalled || !m_socket)
        return;
    m_state = State::Draining;
    m_socket->setReadBufferSize(0);
    onReadyRead();
}

void SlowClient::onReadyRead()
{
    if (!m_socket || m_state == State::Stalled)
        return;
    m_buffer += m_socket->readAll();
    if (m_state == State::Handshaking) {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        if (!m_buffer.startsWith("HTTP/1.1 101")) {
            qCWarning(lcSoak) << "slow client: handshake refused:" << m_buffer.left(end);
            m_socket->abort();
            return;
        }
        m_buffer.remove(0, end + 4);
        m_state = State::Reading;
    }
    parseFrames();
}

void SlowClient::parseFrames()
{
    for (;;) {
        if (m_buffer.size() < 2)
            return;
        const auto b0 = quint8(m_buffer[0]);
        const auto b1 = quint8(m_buffer[1]);
        const int opcode = b0 & 0x0f;
        qint64 len = b1 & 0x7f;
        int header = 2;
        if (len == 126) {
            if (m_buffer.size() < 4)
                return;
            len = (quint8(m_buffer[2]) << 8) | quint8(m_buffer[3]);
            header = 4;
        } else if (len == 127) {
            if (m_buffer.size() < 10)
                return;
            len = 0;
            for (int i = 2; i < 10; ++i)
                len = (len << 8) | quint8(m_buffer[i]);
            header = 10;
        }
        if (len > MaxFramePayload) {
            m_socket->abort();
            return;
        }
        if (m_buffer.size() < header + len)
            return;
        const QByteArray payload = m_buffer.mid(header, len);
        m_buffer.remove(0, header + len);
        ++m_frames;
        if (opcode == 0x9 && m_state == State::Reading) { // ping → masked pong
            QByteArray pong;
            pong.append(char(0x8a));
            pong.append(char(0x80 | payload.size())); // control payloads are ≤ 125 bytes
            pong.append(4, '\0'); // zero mask: payload unchanged
            pong.append(payload);
            m_socket->write(pong);
        } else if (opcode == 0x8) {
            const int code =
                payload.size() >= 2 ? (quint8(payload[0]) << 8) | quint8(payload[1]) : 1005;
            m_sawClose = true;
            if (code == 1008)
                ++m_closes1008;
            else
                ++m_otherCloses;
            qCDebug(lcSoak) << "slow client: close" << code << payload.mid(2);
        }
    }
}

void SlowClient::onEnded()
{
    if (m_state == State::Disconnected)
        return;
    if (m_socket && m_socket->bytesAvailable() > 0 && m_state != State::Stalled) {
        m_buffer += m_socket->readAll();
        parseFrames();
    }
    if (!m_sawClose)
        ++m_cutsWithoutClose;
    m_state = State::Disconnected;
    Q_EMIT ended();
}

} // namespace bh::soak
