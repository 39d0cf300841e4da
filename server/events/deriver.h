#pragma once

#include "events/encodedevent.h"

#include <QList>
#include <QLoggingCategory>
#include <QObject>

#include <array>

Q_DECLARE_LOGGING_CATEGORY(lcEvents)

namespace bh::cache {
class ObjectStore;
}

namespace bh::events {

// Turns the changes of the two caches (managed Pods, BoilerhouseClaims) into the events of
// PROTOCOL A.3, each encoded once, numbered in one sequence (seq 1, 2, ...), and emitted
// with derived() in the order the changes happened. replay() gives the current state as
// synthetic events (seq 0) for a client that just connected; because the caches and this
// object live on one thread, replay() followed by the live derived() events loses and
// duplicates nothing.
class Deriver : public QObject
{
    Q_OBJECT
public:
    Deriver(cache::ObjectStore *pods, cache::ObjectStore *claims, QObject *parent = nullptr);
    ~Deriver() override;

    // PROTOCOL A.3 last bullet: an instance.state per managed pod, a pool.instance.ready per
    // ready pool pod, a tenant.claimed per Active claim, a tenant.released per Released
    // claim. Pods first, then claims, each in name order.
    QList<EncodedEvent> replay() const;

    // Sequence number of the last live event (0 before the first).
    quint64 lastSeq() const { return m_seq; }
    // Live events derived so far, by type.
    quint64 derivedCount(protocol::EventType type) const;

Q_SIGNALS:
    void derived(const bh::events::EncodedEvent &event);

private:
    void publish(const QList<protocol::Event> &events);

    cache::ObjectStore *m_pods;
    cache::ObjectStore *m_claims;
    quint64 m_seq = 0;
    std::array<quint64, 5> m_counts {};
};

} // namespace bh::events
