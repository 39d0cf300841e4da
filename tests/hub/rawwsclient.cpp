#include "rawwsclient.h"

#include <QHostAddress>
#include <QRandomGenerator>

namespace {
// A fixed key is fine for a test client (the server only hashes it).
constexpr char kHandshakeKey[] = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr int kSmallKernelBuffer = 4096;
constexpr int kSmallReadBuffer = 1024;

QByteArray handshakeRequest(const QByteArray &target)
{
    return "GET " + target
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: "
        + kHandshakeKey + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
}
} // namespace

RawWsClient::RawWsClient(QObject *parent)
    : QObject(parent)
{
    connect(&m_socket, &QTcpSocket::readyRead, this, &RawWsClient::onReadyRead);
    connect(&m_socket, &QTcpSocket::disconnected, this, [this] {
        m_disconnected = true;
        Q_EMIT closed();
    });
}

void RawWsClient::setSmallBuffers()
{
    m_socket.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, kSmallKernelBuffer);
    m_socket.setReadBufferSize(kSmallReadBuffer);
}

void RawWsClient::connectToHub(quint16 port, const QByteArray &target)
{
    connect(&m_socket, &QTcpSocket::connected, this,
            [this, target] { m_socket.write(handshakeRequest(target)); });
    m_socket.connectToHost(QHostAddress::LocalHost, port);
}

void RawWsClient::connectSilently(quint16 port)
{
    m_socket.connectToHost(QHostAddress::LocalHost, port);
}

void RawWsClient::sendPartialHandshake(const QByteArray &target)
{
    const QByteArray request = handshakeRequest(target);
    m_socket.write(request.left(request.size() / 2));
}

void RawWsClient::setPaused(bool paused)
{
    m_paused = paused;
    if (!paused) {
        m_socket.setReadBufferSize(0);
        onReadyRead();
    }
}

void RawWsClient::sendText(const QByteArray &payload)
{
    sendFrame(0x1, payload);
}

void RawWsClient::sendClose(quint16 code)
{
    QByteArray payload;
    payload.append(static_cast<char>(code >> 8));
    payload.append(static_cast<char>(code & 0xff));
    sendFrame(0x8, payload);
}

void RawWsClient::onReadyRead()
{
    if (m_paused)
        return;
    m_buffer += m_socket.readAll();
    if (!m_upgraded) {
        const int end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        m_head = m_buffer.left(end + 4);
        m_buffer.remove(0, end + 4);
        m_upgraded = m_head.startsWith("HTTP/1.1 101");
        if (!m_upgraded)
            return;
        Q_EMIT upgraded();
    }
    parseFrames();
}

void RawWsClient::parseFrames()
{
    for (;;) {
        if (m_buffer.size() < 2)
            return;
        const auto b0 = static_cast<quint8>(m_buffer[0]);
        const auto b1 = static_cast<quint8>(m_buffer[1]);
        const quint8 opcode = b0 & 0x0f;
        qint64 length = b1 & 0x7f;
        int offset = 2;
        if (length == 126) {
            if (m_buffer.size() < 4)
                return;
            length = (static_cast<quint8>(m_buffer[2]) << 8) | static_cast<quint8>(m_buffer[3]);
            offset = 4;
        } else if (length == 127) {
            if (m_buffer.size() < 10)
                return;
            length = 0;
            for (int i = 2; i < 10; ++i)
                length = (length << 8) | static_cast<quint8>(m_buffer[i]);
            offset = 10;
        }
        if (m_buffer.size() < offset + length)
            return;
        const QByteArray payload = m_buffer.mid(offset, length);
        m_buffer.remove(0, offset + length);
        switch (opcode) {
        case 0x1:
            m_messages.append(payload);
            Q_EMIT messageReceived();
            break;
        case 0x8:
            m_closeReceived = true;
            if (payload.size() >= 2) {
                m_closeCode =
                    (static_cast<quint8>(payload[0]) << 8) | static_cast<quint8>(payload[1]);
                m_closeReason = payload.mid(2);
            }
            break;
        case 0x9:
            ++m_pings;
            if (m_answerPings)
                sendFrame(0xA, payload);
            break;
        default:
            break;
        }
    }
}

void RawWsClient::sendFrame(quint8 opcode, const QByteArray &payload)
{
    QByteArray frame;
    frame.append(static_cast<char>(0x80 | opcode));
    const qsizetype size = payload.size();
    if (size <= 125) {
        frame.append(static_cast<char>(0x80 | size));
    } else if (size <= 0xffff) {
        frame.append(static_cast<char>(0x80 | 126));
        frame.append(static_cast<char>((size >> 8) & 0xff));
        frame.append(static_cast<char>(size & 0xff));
    } else {
        frame.append(static_cast<char>(0x80 | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            frame.append(static_cast<char>((static_cast<quint64>(size) >> shift) & 0xff));
    }
    const quint32 mask = QRandomGenerator::global()->generate();
    char key[4];
    for (int i = 0; i < 4; ++i)
        key[i] = static_cast<char>((mask >> (8 * i)) & 0xff);
    frame.append(key, 4);
    for (qsizetype i = 0; i < size; ++i)
        frame.append(static_cast<char>(payload[i] ^ key[i % 4]));
    m_socket.write(frame);
}
