// libFuzzer target: the watch-stream line path of server/kube. The bytes are cut into random
// chunks (first byte = chunk size seed) and fed to a LineFramer with a small line limit, as
// the network delivers them; each line goes through the same JSON decoding as
// WatchStream::handleLine (that member is private; see README: a public WatchEventDecoder
// would let this target call the real one). Invariants: the framer never buffers more than
// its limit, and chunking does not change the lines produced.
#include "kube/lineframer.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstdint>
#include <cstdlib>

namespace {

// Line limit used by the target (small so that LineTooLong is reachable). Default 4 KiB.
constexpr qsizetype FuzzMaxLineBytes = 4 * 1024;

void decodeLine(const QByteArray &line)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &pe);
    const QJsonObject root = doc.object();
    const QString type = root.value(QLatin1String("type")).toString();
    const QJsonObject object = root.value(QLatin1String("object")).toObject();
    if (type == QLatin1String("ERROR")) {
        (void)object.value(QLatin1String("code")).toInt();
        (void)object.value(QLatin1String("reason")).toString();
    }
    (void)object.value(QLatin1String("metadata")).toObject().value(QLatin1String("name"));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const qsizetype chunk = 1 + data[0] % 64;
    const QByteArray all(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));

    bh::kube::LineFramer chunked(FuzzMaxLineBytes);
    QList<QByteArray> chunkedLines;
    for (qsizetype at = 0; at < all.size() && chunked.error() == bh::kube::LineFramer::Error::None;
         at += chunk) {
        chunkedLines += chunked.feed(all.mid(at, chunk));
        if (chunked.pendingBytes() > FuzzMaxLineBytes)
            std::abort();
    }
    for (const QByteArray &line : std::as_const(chunkedLines))
        decodeLine(line);

    bh::kube::LineFramer whole(FuzzMaxLineBytes);
    const QList<QByteArray> wholeLines = whole.feed(all);
    // Without an error, the chunking must not matter.
    if (chunked.error() == bh::kube::LineFramer::Error::None
        && whole.error() == bh::kube::LineFramer::Error::None && wholeLines != chunkedLines)
        std::abort();
    return 0;
}
