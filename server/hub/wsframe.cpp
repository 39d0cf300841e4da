#include "hub/wsframe.h"

namespace bh::hub {

namespace {
constexpr unsigned char FinText = 0x81; // FIN + opcode 1 (text)
constexpr qsizetype Max7BitLength = 125; // lengths up to this fit in the first byte
constexpr qsizetype Max16BitLength = 0xffff; // 126 + 2-byte length up to this
} // namespace

int WsFrame::headerSize(qsizetype payloadSize)
{
    if (payloadSize <= Max7BitLength)
        return 2;
    if (payloadSize <= Max16BitLength)
        return 4;
    return 10;
}

void WsFrame::appendText(QByteArray &out, QByteArrayView payload)
{
    const qsizetype size = payload.size();
    char header[10];
    int n = 0;
    header[n++] = static_cast<char>(FinText);
    if (size <= Max7BitLength) {
        header[n++] = static_cast<char>(size);
    } else if (size <= Max16BitLength) {
        header[n++] = static_cast<char>(126);
        header[n++] = static_cast<char>((size >> 8) & 0xff);
        header[n++] = static_cast<char>(size & 0xff);
    } else {
        header[n++] = static_cast<char>(127);
        const auto len = static_cast<quint64>(size);
        for (int shift = 56; shift >= 0; shift -= 8)
            header[n++] = static_cast<char>((len >> shift) & 0xff);
    }
    out.append(header, n);
    out.append(payload.data(), size);
}

QByteArray WsFrame::text(QByteArrayView payload)
{
    QByteArray out;
    out.reserve(headerSize(payload.size()) + payload.size());
    appendText(out, payload);
    return out;
}

} // namespace bh::hub
