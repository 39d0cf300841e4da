#include "deriver.h"

#include "cache/objectstore.h"
#include "derivation.h"

Q_LOGGING_CATEGORY(lcEvents, "bh.events", QtInfoMsg)

namespace bh::events {

Deriver::Deriver(cache::ObjectStore *pods, cache::ObjectStore *claims, QObject *parent)
    : QObject(parent)
    , m_pods(pods)
    , m_claims(claims)
{
    Q_ASSERT(pods && claims);
    connect(pods, &cache::ObjectStore::changed, this,
            [this](const cache::ObjectPtr &prev, const cache::ObjectPtr &cur) {
                publish(Derivation::pod(prev.get(), cur.get()));
            });
    connect(claims, &cache::ObjectStore::changed, this,
            [this](const cache::ObjectPtr &prev, const cache::ObjectPtr &cur) {
                publish(Derivation::claim(prev.get(), cur.get()));
            });
}

Deriver::~Deriver() = default;

void Deriver::publish(const QList<protocol::Event> &events)
{
    // The watch event reached the server in this call stack (Reflector -> ObjectStore ->
    // here, synchronously): now is its arrival, to within the decode of one line.
    const auto receivedAt = std::chrono::steady_clock::now();
    for (const protocol::Event &event : events) {
        ++m_counts[static_cast<std::size_t>(event.type)];
        EncodedEvent encoded = EncodedEvent::fromEvent(event, ++m_seq);
        encoded.receivedAt = receivedAt;
        qCDebug(lcEvents).noquote() << "event" << m_seq << encoded.json;
        Q_EMIT derived(encoded);
    }
}

quint64 Deriver::derivedCount(protocol::EventType type) const
{
    const auto index = static_cast<std::size_t>(type);
    return index < m_counts.size() ? m_counts[index] : 0;
}

QList<EncodedEvent> Deriver::replay() const
{
    QList<EncodedEvent> out;
    out.reserve(m_pods->size() + m_claims->size());
    for (const cache::ObjectPtr &pod : m_pods->list()) {
        for (protocol::Event &e : Derivation::pod(nullptr, pod.get()))
            out.append(EncodedEvent::fromEvent(std::move(e)));
    }
    for (const cache::ObjectPtr &claim : m_claims->list()) {
        for (protocol::Event &e : Derivation::claim(nullptr, claim.get()))
            out.append(EncodedEvent::fromEvent(std::move(e)));
    }
    return out;
}

} // namespace bh::events
