#pragma once

#include "storeevent.h"

#include <QList>

#include <chrono>
#include <deque>
#include <functional>

namespace bh::sim {

// The bounded window of past changes (the apiserver's watch cache / etcd's retained
// revisions). Bounded by count and by age; compact() drops everything. A watch from
// resourceVersion R can be served iff R >= oldest() - 1 (the cacher's test); otherwise it
// gets 410 "too old resource version: R (oldest-1)".
class EventHistory
{
public:
    // Events kept at most (default 10,000).
    static constexpr int DefaultLimit = 10'000;
    // Events older than this are dropped (default 300 s, etcd's default compaction period).
    static constexpr std::chrono::seconds DefaultMaxAge { 300 };

    explicit EventHistory(int limit = DefaultLimit,
                          std::chrono::milliseconds maxAge = DefaultMaxAge);

    // Milliseconds of a monotonic clock; tests replace it to age events without sleeping.
    void setClock(std::function<qint64()> nowMs);
    qint64 nowMs() const;

    void append(StoreEventPtr event);
    // Forget everything up to currentRv: every older resourceVersion is now expired.
    void compact(quint64 currentRv);
    // Drops events older than the age bound.
    void prune();

    // The resourceVersion of the oldest event still retained (or, when none is, the next
    // one to be written after the last eviction/compaction).
    quint64 oldest() const { return m_oldest; }
    bool isTooOld(quint64 resourceVersion) const { return resourceVersion + 1 < m_oldest; }

    int size() const { return int(m_events.size()); }
    int limit() const { return m_limit; }
    std::chrono::milliseconds maxAge() const { return m_maxAge; }

    // Events with resourceVersion > rv, oldest first.
    QList<StoreEventPtr> eventsAfter(quint64 rv) const;

private:
    void evictFront();

    int m_limit;
    std::chrono::milliseconds m_maxAge;
    std::function<qint64()> m_clock;
    std::deque<StoreEventPtr> m_events;
    quint64 m_oldest = 1;
};

} // namespace bh::sim
