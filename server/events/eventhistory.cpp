#include "eventhistory.h"

#include <algorithm>

namespace bh::events {

EventHistory::EventHistory(int capacity)
    : m_capacity(std::max(1, capacity))
{ }

void EventHistory::append(const EncodedEvent &event)
{
    if (event.seq <= m_lastSeq)
        return;
    m_events.push_back(event);
    m_bytes += eventBytes(event);
    m_lastSeq = event.seq;
    while (static_cast<int>(m_events.size()) > m_capacity) {
        m_bytes -= eventBytes(m_events.front());
        m_events.pop_front();
    }
}

qint64 EventHistory::eventBytes(const EncodedEvent &event)
{
    const protocol::Event &e = event.event;
    const qint64 chars = e.name.size() + e.phase.size() + e.workloadRef.size()
        + e.tenantId.size() + e.source.size() + e.reason.size();
    return qint64(sizeof(EncodedEvent)) + event.json.size() + chars * qint64(sizeof(QChar));
}

std::optional<QList<EncodedEvent>> EventHistory::since(quint64 after) const
{
    if (after > m_lastSeq)
        return std::nullopt;
    if (after == m_lastSeq)
        return QList<EncodedEvent>();
    // Events after `after` must all still be here: the oldest kept must be after + 1 or
    // earlier. (Sequence numbers are contiguous: the deriver numbers every event.)
    if (m_events.empty() || m_events.front().seq > after + 1)
        return std::nullopt;
    const auto first =
        std::upper_bound(m_events.begin(), m_events.end(), after,
                         [](quint64 seq, const EncodedEvent &e) { return seq < e.seq; });
    QList<EncodedEvent> out;
    out.reserve(static_cast<qsizetype>(std::distance(first, m_events.end())));
    for (auto it = first; it != m_events.end(); ++it)
        out.append(*it);
    return out;
}

} // namespace bh::events
