#pragma once

#include "feedentry.h"

#include <QByteArray>

namespace bh::gui {

// The JSON texts the inspector shows and writes, all built on protocol::encodeEvent() so they
// carry exactly the bytes and key order of the wire.
class EventJson
{
public:
    // The wire object, compact, with "receivedAt" (UTC, ISO 8601 with milliseconds) appended
    // as last key: one JSON Lines record. protocol::decodeEvent() reads it back (it ignores
    // the extra key).
    static QByteArray jsonLine(const FeedEntry &entry);
    // The wire object indented one key per line, in wire order.
    static QByteArray pretty(const protocol::Event &event);
};

} // namespace bh::gui
