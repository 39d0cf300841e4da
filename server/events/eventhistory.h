#pragma once

#include "events/encodedevent.h"

#include <QList>

#include <deque>
#include <optional>

namespace bh::events {

// The bounded history of live events (PROTOCOL B.1): the last `capacity` events by seq, for
// clients that resume with /ws?since=<cursor>. Events share their encoded JSON with the
// broadcast (implicitly shared QByteArray), so the history costs little beyond the ring.
class EventHistory
{
public:
    // Events kept for resume (default 10,000: about 30 minutes of a busy demo cluster).
    static constexpr int DefaultCapacity = 10'000;

    explicit EventHistory(int capacity = DefaultCapacity);

    // Appends a live event; its seq must be greater than the last one (else it is ignored).
    void append(const EncodedEvent &event);

    // The events with seq > after, in order. std::nullopt when the history no longer
    // reaches back to `after` (events were evicted) or `after` is in the future.
    std::optional<QList<EncodedEvent>> since(quint64 after) const;

    quint64 lastSeq() const { return m_lastSeq; }
    // Oldest seq still kept (0 when empty).
    quint64 oldestSeq() const { return m_events.empty() ? 0 : m_events.front().seq; }
    int size() const { return static_cast<int>(m_events.size()); }
    int capacity() const { return m_capacity; }
    // Approximate memory held by the kept events (PROTOCOL B.1 "memory reported"): per event
    // the struct, its encoded JSON and its string fields (UTF-16), without allocator overhead.
    qint64 approximateBytes() const { return m_bytes; }
    static qint64 eventBytes(const EncodedEvent &event);

private:
    int m_capacity;
    std::deque<EncodedEvent> m_events;
    quint64 m_lastSeq = 0;
    qint64 m_bytes = 0;
};

} // namespace bh::events
