#include "eventhistory.h"

#include <QElapsedTimer>

#include <algorithm>

namespace bh::sim {

EventHistory::EventHistory(int limit, std::chrono::milliseconds maxAge)
    : m_limit(std::max(1, limit))
    , m_maxAge(maxAge)
{
    m_clock = [] {
        static QElapsedTimer timer = [] {
            QElapsedTimer t;
            t.start();
            return t;
        }();
        return timer.elapsed();
    };
}

void EventHistory::setClock(std::function<qint64()> nowMs)
{
    m_clock = std::move(nowMs);
}

qint64 EventHistory::nowMs() const
{
    return m_clock();
}

void EventHistory::evictFront()
{
    m_oldest = m_events.front()->resourceVersion() + 1;
    m_events.pop_front();
}

void EventHistory::append(StoreEventPtr event)
{
    m_events.push_back(std::move(event));
    while (int(m_events.size()) > m_limit)
        evictFront();
    prune();
}

void EventHistory::compact(quint64 currentRv)
{
    m_events.clear();
    m_oldest = currentRv + 1;
}

void EventHistory::prune()
{
    const qint64 cutoff = nowMs() - qint64(m_maxAge.count());
    while (!m_events.empty() && m_events.front()->timeMs() < cutoff)
        evictFront();
}

QList<StoreEventPtr> EventHistory::eventsAfter(quint64 rv) const
{
    auto it = std::upper_bound(
        m_events.begin(), m_events.end(), rv,
        [](quint64 v, const StoreEventPtr &e) { return v < e->resourceVersion(); });
    QList<StoreEventPtr> out;
    out.reserve(int(std::distance(it, m_events.end())));
    for (; it != m_events.end(); ++it)
        out.append(*it);
    return out;
}

} // namespace bh::sim
