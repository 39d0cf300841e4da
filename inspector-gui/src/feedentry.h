#pragma once

#include "protocol/event.h"

#include <QDateTime>

namespace bh::gui {

// One received event as the live feed keeps it: the decoded event, when it arrived, and its
// 1-based position in everything received since the window opened (stable across eviction).
struct FeedEntry
{
    quint64 serial = 0;
    QDateTime receivedAt;
    protocol::Event event;
};

} // namespace bh::gui
