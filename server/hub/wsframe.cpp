#include "hub/wsframe.h"

#include <algorithm>

namespace bh::hub {

namespace {
constexpr unsigned char FinText = 0x81; // FIN + opcode 1 (text)
constexpr qsizetype Max7BitLength = 125; // lengths up to this fit in the first byte
constexpr qsizetype Max16BitLength = 0xffff; // 126 + 2-byte length up to this
constexpr unsigned char FinClose = 0x88;
constexpr unsigned char FinPing = 0x89;
constexpr unsigned char FinPong = 0x8a;

QByteArray control(unsigned char first, QByteArrayView payload)
{
    const QByteArrayView body = payload.first(std::min<qsizetype>(payload.size(), Max7BitLength));
    QByteArray out;
    out.reserve(2 + body.size());
    out.append(static_cast<char>(first));
    out.append(static_cast<char>(body.size()));
    out.append(body.data(), body.size());
    return out;
}
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

QByteArray WsFrame::ping(QByteArrayView payload)
{
    return control(FinPing, payload);
}

QByteArray WsFrame::pong(QByteArrayView payload)
{
    return control(FinPong, payload);
}

QByteArray WsFrame::close(quint16 code, QByteArrayView reason)
{
    if (code == 0)
        return control(FinClose, {});
    QByteArray payload;
    payload.append(static_cast<char>(code >> 8));
    payload.append(static_cast<char>(code & 0xff));
    payload.append(reason.first(std::min<qsizetype>(reason.size(), Max7BitLength - 2)));
    return control(FinClose, payload);
}

} // namespace bh::hub
