#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace bh::hub {

// Server-to-client WebSocket frames (RFC 6455 §5.2: FIN set, unmasked). Built once per
// event and written as-is to every client's socket, instead of QWebSocket::sendTextMessage()
// re-encoding and re-framing the message for each client.
class WsFrame
{
public:
    // Bytes of the header for a payload of this size (2, 4 or 10).
    static int headerSize(qsizetype payloadSize);
    // Appends one text frame (opcode 0x1) carrying `payload` (UTF-8) to `out`.
    static void appendText(QByteArray &out, QByteArrayView payload);
    static QByteArray text(QByteArrayView payload);
    // Control frames (payload at most 125 bytes; longer payloads are truncated).
    static QByteArray ping(QByteArrayView payload = {});
    static QByteArray pong(QByteArrayView payload);
    // Close frame: 2-byte code + UTF-8 reason (truncated to fit 125 bytes); code 0 sends
    // an empty close frame (the answer to a close without status).
    static QByteArray close(quint16 code, QByteArrayView reason = {});
};

} // namespace bh::hub
