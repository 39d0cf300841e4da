// libFuzzer target: the REST snapshot decoders (common/protocol decodeInstances, decodeTenants,
// decodeInstance, decodeTenant, decodeStats, decodeErrorMessage). The first byte selects the
// decoder so one corpus covers all of them. Invariant: the encoding of an accepted instance list
// decodes and re-encodes to the same bytes; a rejection carries an error and a message.
#include "protocol/snapshot.h"

#include <cstdint>
#include <cstdlib>

namespace {

template<typename T>
void requireReason(const std::optional<T> &value, bh::protocol::SnapshotError error,
                   const QString &message)
{
    if (!value && (error == bh::protocol::SnapshotError::None || message.isEmpty()))
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const QByteArrayView bytes(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    bh::protocol::SnapshotError error = bh::protocol::SnapshotError::None;
    QString message;
    switch (data[0] % 6) {
    case 0: {
        const auto list = bh::protocol::decodeInstances(bytes, &error, &message);
        requireReason(list, error, message);
        if (list) {
            // encode() writes whole seconds (formatTimestamp), so a decoded list with
            // fractional timestamps is not equal to its re-decoded encoding; the encoding
            // itself must be a fixed point.
            const QByteArray encoded = bh::protocol::encodeInstances(*list);
            const auto again = bh::protocol::decodeInstances(encoded);
            if (!again || bh::protocol::encodeInstances(*again) != encoded)
                std::abort();
        }
        break;
    }
    case 1:
        requireReason(bh::protocol::decodeTenants(bytes, &error, &message), error, message);
        break;
    case 2:
        requireReason(bh::protocol::decodeInstance(bytes, &error, &message), error, message);
        break;
    case 3:
        requireReason(bh::protocol::decodeTenant(bytes, &error, &message), error, message);
        break;
    case 4:
        requireReason(bh::protocol::decodeStats(bytes, &error, &message), error, message);
        break;
    default:
        (void)bh::protocol::decodeErrorMessage(bytes);
        break;
    }
    return 0;
}
