#include "journal.h"

#include <QRandomGenerator>

namespace bh::events {

Journal::Journal(QString epoch, int capacity)
    : m_epoch(std::move(epoch))
    , m_history(capacity)
{ }

QString Journal::randomEpoch()
{
    return QString::number(QRandomGenerator::system()->generate64(), 16)
        .rightJustified(16, QLatin1Char('0'));
}

EncodedEvent Journal::resync(const QString &reason)
{
    protocol::Event event;
    event.type = protocol::EventType::StreamResync;
    event.reason = reason;
    return EncodedEvent::fromEvent(std::move(event));
}

QList<EncodedEvent> Journal::resume(const QString &since) const
{
    const auto cursor = protocol::Cursor::parse(since);
    if (!cursor)
        return { resync(QStringLiteral("invalid cursor")) };
    if (cursor->epoch != m_epoch)
        return { resync(QStringLiteral("cursor from another server process")) };
    auto events = m_history.since(cursor->seq);
    if (!events)
        return { resync(QStringLiteral("cursor no longer in the server's history")) };
    return *events;
}

} // namespace bh::events
