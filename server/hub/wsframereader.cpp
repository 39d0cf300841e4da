#include "hub/wsframereader.h"

#include <algorithm>
#include <limits>

namespace bh::hub {

namespace {
constexpr quint8 FinBit = 0x80;
constexpr quint8 ReservedBits = 0x70;
constexpr quint8 MaskBit = 0x80;
constexpr quint8 ControlBit = 0x08;
constexpr quint8 OpContinuation = 0x0;
constexpr quint8 OpText = 0x1;
constexpr quint8 OpBinary = 0x2;
constexpr qint64 MaxControlPayload = 125;
constexpr int MaskKeyBytes = 4;

quint8 byteAt(QByteArrayView data, qsizetype i)
{
    return static_cast<quint8>(data[i]);
}
} // namespace

WsFrameReader::WsFrameReader(qint64 maxMessageBytes)
    : m_maxMessageBytes(maxMessageBytes)
{ }

bool WsFrameReader::feedUtf8(quint8 b)
{
    if (m_utf8Need == 0) {
        if (b <= 0x7F)
            return true;
        m_utf8Low = 0x80;
        m_utf8High = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) {
            m_utf8Need = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            m_utf8Need = 2;
            if (b == 0xE0)
                m_utf8Low = 0xA0; // no overlong 3-byte forms
            else if (b == 0xED)
                m_utf8High = 0x9F; // no UTF-16 surrogates
        } else if (b >= 0xF0 && b <= 0xF4) {
            m_utf8Need = 3;
            if (b == 0xF0)
                m_utf8Low = 0x90; // no overlong 4-byte forms
            else if (b == 0xF4)
                m_utf8High = 0x8F; // nothing above U+10FFFF
        } else {
            return false;
        }
        return true;
    }
    if (b < m_utf8Low || b > m_utf8High)
        return false;
    m_utf8Low = 0x80;
    m_utf8High = 0xBF;
    --m_utf8Need;
    return true;
}

WsFrameReader::Result WsFrameReader::consume(QByteArrayView input, QList<ControlFrame> *controls)
{
    QByteArray joined;
    QByteArrayView data = input;
    if (!m_partial.isEmpty()) {
        joined = m_partial;
        joined.append(input);
        data = joined;
        m_partial.clear();
    }
    qsizetype pos = 0;
    while (pos < data.size()) {
        if (m_skip > 0) {
            const qint64 n = std::min<qint64>(m_skip, data.size() - pos);
            if (m_textMessage) {
                for (qint64 i = 0; i < n; ++i) {
                    const auto byte = static_cast<quint8>(data[pos + i]
                                                          ^ m_mask[(m_maskOffset + i) % MaskKeyBytes]);
                    if (!feedUtf8(byte))
                        return Result::InvalidUtf8;
                }
                m_maskOffset += n;
            }
            m_skip -= n;
            pos += n;
            if (m_skip == 0 && !m_inMessage && m_textMessage && m_utf8Need != 0)
                return Result::InvalidUtf8; // the message ended inside a sequence
            continue;
        }
        const qsizetype avail = data.size() - pos;
        if (avail < 2)
            break;
        const quint8 b0 = byteAt(data, pos);
        const quint8 b1 = byteAt(data, pos + 1);
        if ((b0 & ReservedBits) != 0 || (b1 & MaskBit) == 0)
            return Result::ProtocolError; // no extension negotiated; clients must mask
        const quint8 opcode = b0 & 0x0f;
        const bool fin = (b0 & FinBit) != 0;
        qint64 length = b1 & 0x7f;
        qsizetype header = 2;
        if (length == 126) {
            if (avail < 4)
                break;
            length = (qint64(byteAt(data, pos + 2)) << 8) | byteAt(data, pos + 3);
            header = 4;
        } else if (length == 127) {
            if (avail < 10)
                break;
            quint64 wide = 0;
            for (int i = 2; i < 10; ++i)
                wide = (wide << 8) | byteAt(data, pos + i);
            if (wide > quint64(std::numeric_limits<qint64>::max()))
                return Result::ProtocolError;
            length = qint64(wide);
            header = 10;
        }
        header += MaskKeyBytes;
        if (avail < header)
            break;

        if (opcode & ControlBit) {
            if (!fin || length > MaxControlPayload
                || (opcode != OpClose && opcode != OpPing && opcode != OpPong)) {
                return Result::ProtocolError;
            }
            if (avail < header + length)
                break;
            const char *mask = data.data() + pos + header - MaskKeyBytes;
            QByteArray payload(data.data() + pos + header, qsizetype(length));
            for (qsizetype i = 0; i < payload.size(); ++i)
                payload[i] = char(payload[i] ^ mask[i % MaskKeyBytes]);
            controls->append(ControlFrame { opcode, payload });
            pos += header + length;
            continue;
        }

        if (opcode == OpContinuation) {
            if (!m_inMessage)
                return Result::ProtocolError;
        } else if (opcode == OpText || opcode == OpBinary) {
            if (m_inMessage)
                return Result::ProtocolError;
            m_inMessage = true;
            m_messageBytes = 0;
            m_textMessage = opcode == OpText;
            m_utf8Need = 0;
        } else {
            return Result::ProtocolError;
        }
        if (length > m_maxMessageBytes - m_messageBytes)
            return Result::MessageTooBig;
        m_messageBytes += length;
        if (fin) {
            m_inMessage = false;
            ++m_messages;
        }
        std::copy_n(data.data() + pos + header - MaskKeyBytes, MaskKeyBytes, m_mask);
        m_maskOffset = 0;
        pos += header;
        m_skip = length;
        if (length == 0 && fin && m_textMessage && m_utf8Need != 0)
            return Result::InvalidUtf8;
    }
    if (pos < data.size())
        m_partial = data.sliced(pos).toByteArray();
    return Result::Ok;
}

} // namespace bh::hub
