#include "rawwebsocket.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QRandomGenerator>
#include <QtEndian>

namespace {

// Opening handshake of RFC 6455 section 1.3 (its sample key).
const QByteArray kHandshake =
    "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n\r\n";

QByteArray header(bool fin, int opcode, quint64 length, bool masked)
{
    QByteArray out;
    out.append(char((fin ? 0x80 : 0) | (opcode & 0x0f)));
    const char maskBit = masked ? char(0x80) : char(0);
    if (length < 126) {
        out.append(char(maskBit | char(length)));
    } else if (length <= 0xffff) {
        out.append(char(maskBit | 126));
        out.append(char(length >> 8)).append(char(length & 0xff));
    } else {
        out.append(char(maskBit | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            out.append(char((length >> shift) & 0xff));
    }
    return out;
}

} // namespace

int RawWebSocket::Frame::closeCode() const
{
    if (payload.size() < 2)
        return 0;
    return (quint8(payload.at(0)) << 8) | quint8(payload.at(1));
}

bool RawWebSocket::open(quint16 port, int timeoutMs)
{
    m_socket.connectToHost(QHostAddress::LocalHost, port);
    if (!m_socket.waitForConnected(timeoutMs)) {
        m_error = m_socket.errorString();
        return false;
    }
    m_socket.write(kHandshake);
    const QDeadlineTimer deadline(timeoutMs);
    while (!m_buffer.contains("\r\n\r\n") && !deadline.hasExpired()
           && m_socket.state() == QAbstractSocket::ConnectedState) {
        m_socket.waitForReadyRead(50);
        m_buffer += m_socket.readAll();
    }
    const qsizetype end = m_buffer.indexOf("\r\n\r\n");
    if (end < 0 || !m_buffer.startsWith("HTTP/1.1 101")) {
        m_error = QStringLiteral("no 101 answer: %1").arg(QString::fromLatin1(m_buffer.left(200)));
        return false;
    }
    m_buffer.remove(0, end + 4);
    return true;
}

void RawWebSocket::sendFrame(int opcode, const QByteArray &payload, bool fin, bool masked)
{
    QByteArray out = header(fin, opcode, quint64(payload.size()), masked);
    if (masked) {
        const quint32 key = QRandomGenerator::global()->generate();
        char mask[4];
        qToBigEndian(key, mask);
        out.append(mask, 4);
        QByteArray body = payload;
        for (qsizetype i = 0; i < body.size(); ++i)
            body[i] = char(body.at(i) ^ mask[i % 4]);
        out += body;
    } else {
        out += payload;
    }
    m_socket.write(out);
}

void RawWebSocket::sendHeaderOnly(int opcode, quint64 length)
{
    QByteArray out = header(true, opcode, length, true);
    out.append("\x01\x02\x03\x04", 4);
    m_socket.write(out);
}

std::optional<RawWebSocket::Frame> RawWebSocket::takeFrame()
{
    if (m_buffer.size() < 2)
        return std::nullopt;
    const auto b0 = quint8(m_buffer.at(0));
    const auto b1 = quint8(m_buffer.at(1));
    qsizetype at = 2;
    quint64 length = b1 & 0x7f;
    if (length == 126) {
        if (m_buffer.size() < 4)
            return std::nullopt;
        length = qFromBigEndian<quint16>(m_buffer.constData() + 2);
        at = 4;
    } else if (length == 127) {
        if (m_buffer.size() < 10)
            return std::nullopt;
        length = qFromBigEndian<quint64>(m_buffer.constData() + 2);
        at = 10;
    }
    if (b1 & 0x80)
        at += 4; // a masked server frame is a protocol error; the test compares payloads
    if (quint64(m_buffer.size() - at) < length)
        return std::nullopt;
    Frame frame;
    frame.fin = b0 & 0x80;
    frame.opcode = b0 & 0x0f;
    frame.payload = m_buffer.mid(at, qsizetype(length));
    m_buffer.remove(0, at + qsizetype(length));
    return frame;
}

std::optional<RawWebSocket::Frame> RawWebSocket::waitForFrame(int opcode, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        while (auto frame = takeFrame()) {
            if (frame->opcode == opcode)
                return frame;
        }
        if (deadline.hasExpired() || m_socket.state() != QAbstractSocket::ConnectedState) {
            m_buffer += m_socket.readAll();
            if (auto frame = takeFrame(); frame && frame->opcode == opcode)
                return frame;
            return std::nullopt;
        }
        m_socket.waitForReadyRead(50);
        m_buffer += m_socket.readAll();
    }
}

bool RawWebSocket::waitForDisconnected(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (m_socket.state() != QAbstractSocket::UnconnectedState && !deadline.hasExpired()) {
        m_socket.waitForReadyRead(50);
        m_buffer += m_socket.readAll();
    }
    return m_socket.state() == QAbstractSocket::UnconnectedState;
}
