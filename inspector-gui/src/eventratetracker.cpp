#include "eventratetracker.h"

#include <algorithm>

namespace bh::gui {

EventRateTracker::EventRateTracker(int windowSeconds)
    : m_window(std::max(1, windowSeconds))
{ }

void EventRateTracker::record(protocol::EventType type, qint64 msecsSinceEpoch)
{
    const qint64 second = msecsSinceEpoch / 1000;
    if (m_buckets.empty() || second > m_buckets.back().second) {
        Bucket bucket;
        bucket.second = second;
        m_buckets.push_back(bucket);
        dropBefore(second - m_window);
    }
    // A clock stepping backwards counts into the newest bucket rather than rewriting history.
    ++m_buckets.back().counts[std::size_t(type)];
}

void EventRateTracker::dropBefore(qint64 second)
{
    while (!m_buckets.empty() && m_buckets.front().second < second)
        m_buckets.pop_front();
}

QList<QPointF> EventRateTracker::series(protocol::EventType type, qint64 nowMsecs) const
{
    const qint64 end = nowMsecs / 1000; // excluded: still filling
    const qint64 begin = end - m_window;
    QList<QPointF> points;
    points.reserve(m_window);
    auto it = std::lower_bound(m_buckets.begin(), m_buckets.end(), begin,
                               [](const Bucket &b, qint64 s) { return b.second < s; });
    for (qint64 s = begin; s < end; ++s) {
        int count = 0;
        if (it != m_buckets.end() && it->second == s) {
            count = it->counts[std::size_t(type)];
            ++it;
        }
        points.append(QPointF(double(s * 1000), double(count)));
    }
    return points;
}

double EventRateTracker::currentRate(qint64 nowMsecs) const
{
    const qint64 end = nowMsecs / 1000;
    const qint64 begin = end - kRateAverageSeconds;
    qint64 total = 0;
    for (auto it = m_buckets.rbegin(); it != m_buckets.rend() && it->second >= begin; ++it) {
        if (it->second >= end)
            continue;
        for (int c : it->counts)
            total += c;
    }
    return double(total) / kRateAverageSeconds;
}

} // namespace bh::gui
