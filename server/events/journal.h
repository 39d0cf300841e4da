#pragma once

#include "events/eventhistory.h"
#include "protocol/cursor.h"

#include <QString>

namespace bh::events {

// Gapless resume (PROTOCOL B.1): this process's epoch plus the bounded history of live
// events. cursor() is the position a REST snapshot reflects; resume() answers
// /ws?since=<cursor> with exactly the events after it, or one stream.resync event when the
// cursor is unreadable, from another process (epoch), or older than the history.
class Journal
{
public:
    explicit Journal(QString epoch = randomEpoch(), int capacity = EventHistory::DefaultCapacity);

    const QString &epoch() const { return m_epoch; }
    void record(const EncodedEvent &event) { m_history.append(event); }
    protocol::Cursor cursor() const { return protocol::Cursor { m_epoch, m_history.lastSeq() }; }
    QList<EncodedEvent> resume(const QString &since) const;
    const EventHistory &history() const { return m_history; }

    // 16 random hex digits.
    static QString randomEpoch();
    static EncodedEvent resync(const QString &reason);

private:
    QString m_epoch;
    EventHistory m_history;
};

} // namespace bh::events
