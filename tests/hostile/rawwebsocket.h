#pragma once

#include <QByteArray>
#include <QTcpSocket>

#include <optional>

// A WebSocket client on a raw QTcpSocket, for sending frames a well-behaved client never
// sends (unmasked, bad UTF-8, oversized, broken fragmentation) and reading the server's
// frames as they are on the wire.
class RawWebSocket
{
public:
    struct Frame
    {
        bool fin = true;
        int opcode = 0;
        QByteArray payload;
        // Close frames: the status code (0 when the payload has none).
        int closeCode() const;
    };

    // Connects and completes the opening handshake on /ws; false with errorString() if not.
    bool open(quint16 port, int timeoutMs);
    QTcpSocket &socket() { return m_socket; }
    QString errorString() const { return m_error; }

    // Writes one frame. masked=false produces the (forbidden) unmasked client frame.
    void sendFrame(int opcode, const QByteArray &payload, bool fin = true, bool masked = true);
    // Writes a frame header announcing `length` bytes without the payload.
    void sendHeaderOnly(int opcode, quint64 length);

    // Reads frames until one with `opcode` arrives (others are kept in frames()), the
    // connection closes, or the timeout passes.
    std::optional<Frame> waitForFrame(int opcode, int timeoutMs);
    bool waitForDisconnected(int timeoutMs);

private:
    std::optional<Frame> takeFrame();
    QTcpSocket m_socket;
    QByteArray m_buffer;
    QString m_error;
};
