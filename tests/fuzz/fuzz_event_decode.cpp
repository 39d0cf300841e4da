// libFuzzer target: the WebSocket event decoder (common/protocol decodeEvent).
// Invariant checked: whatever decodes re-encodes, and the encoding decodes to the same
// event (the codec round-trips), so a decode that accepts garbage fields is caught.
#include "protocol/event.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    bh::protocol::DecodeError error = bh::protocol::DecodeError::None;
    QString message;
    const auto event = bh::protocol::decodeEvent(bytes, &error, &message);
    if (!event) {
        if (error == bh::protocol::DecodeError::None || message.isEmpty())
            std::abort(); // a rejection must say why
        return 0;
    }
    QByteArray encoded = bh::protocol::encodeEvent(*event);
    if (event->seq)
        encoded = bh::protocol::withSeq(encoded, *event->seq);
    const auto again = bh::protocol::decodeEvent(encoded);
    if (!again || *again != *event)
        std::abort();
    return 0;
}
