#pragma once

#include "protocol/event.h"

#include <QList>
#include <QPointF>

#include <array>
#include <deque>

namespace bh::gui {

// Counts received events per type in one-second buckets over a sliding window; feeds the
// events-per-second chart and the status bar's current rate. record() is O(1).
class EventRateTracker
{
public:
    // Default window: the chart shows the last 5 minutes.
    static constexpr int kDefaultWindowSeconds = 300;
    // The "current rate" is the average over the last 5 complete seconds.
    static constexpr int kRateAverageSeconds = 5;
    static constexpr int kTypeCount = int(protocol::EventType::StreamResync) + 1;

    explicit EventRateTracker(int windowSeconds = kDefaultWindowSeconds);

    int windowSeconds() const { return m_window; }

    void record(protocol::EventType type, qint64 msecsSinceEpoch);
    // Events/s of one type, one point per second of the window ending at nowMsecs (excluded
    // the current, incomplete second). x = msecs since epoch of the second, y = count.
    QList<QPointF> series(protocol::EventType type, qint64 nowMsecs) const;
    // Average events/s (all types) over the last kRateAverageSeconds complete seconds.
    double currentRate(qint64 nowMsecs) const;
    void clear() { m_buckets.clear(); }

private:
    struct Bucket
    {
        qint64 second = 0;
        std::array<int, kTypeCount> counts {};
    };
    void dropBefore(qint64 second);

    std::deque<Bucket> m_buckets; // ascending seconds, gaps mean zero
    int m_window;
};

} // namespace bh::gui
