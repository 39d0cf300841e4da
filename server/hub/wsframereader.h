#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace bh::hub {

// Reads what a client sends (RFC 6455 §5): data frames are skipped without being buffered
// (PROTOCOL A.3: client frames are read and discarded), with the size of each message
// (across its fragments) bounded and text messages checked for valid UTF-8 on the fly
// (unmasked byte by byte, never stored); control frames (ping, pong, close; at most 125
// bytes) are returned unmasked. Keeps at most one partial header or control frame
// (≤ 139 bytes) between calls.
class WsFrameReader
{
public:
    enum class Result {
        Ok,
        ProtocolError, // unmasked frame, reserved bits/opcodes, bad fragmentation: close 1002
        MessageTooBig, // a message above the limit: close 1009
        InvalidUtf8, // a text message that is not valid UTF-8 (RFC 6455 §8.1): close 1007
    };
    struct ControlFrame
    {
        quint8 opcode; // 0x8 close, 0x9 ping, 0xA pong
        QByteArray payload;
    };
    static constexpr quint8 OpClose = 0x8;
    static constexpr quint8 OpPing = 0x9;
    static constexpr quint8 OpPong = 0xA;

    explicit WsFrameReader(qint64 maxMessageBytes);

    // Consumes `data`; appends complete control frames to `controls`. After an error the
    // reader's state is undefined (the connection is to be closed).
    Result consume(QByteArrayView data, QList<ControlFrame> *controls);

    quint64 messagesDiscarded() const { return m_messages; }

private:
    qint64 m_maxMessageBytes;
    QByteArray m_partial; // incomplete header or control frame
    qint64 m_skip = 0; // payload bytes of the current data frame still to skip
    char m_mask[4] = {}; // masking key of the current data frame
    qint64 m_maskOffset = 0; // payload bytes of the current data frame already read
    bool m_textMessage = false; // the current message is text: validate UTF-8
    // Incremental UTF-8 validator (Unicode Table 3-7): continuation bytes still expected
    // and the allowed range of the next one (excludes overlongs and surrogates).
    int m_utf8Need = 0;
    quint8 m_utf8Low = 0x80;
    quint8 m_utf8High = 0xBF;
    bool feedUtf8(quint8 byte);
    qint64 m_messageBytes = 0;
    bool m_inMessage = false;
    quint64 m_messages = 0;
};

} // namespace bh::hub
