#pragma once

#include <QByteArray>
#include <QString>
#include <QStringView>

#include <optional>

namespace bh::protocol {

// The event types of the /ws stream (PROTOCOL.md A.3, plus B.1's stream.resync).
enum class EventType {
    InstanceState,     // "instance.state"
    PoolInstanceReady, // "pool.instance.ready"
    TenantClaimed,     // "tenant.claimed"
    TenantReleased,    // "tenant.released"
    StreamResync,      // "stream.resync" (part B, only to clients that sent ?since=)
};

QString eventTypeName(EventType type);
std::optional<EventType> eventTypeFromName(QStringView name);

// One event of the /ws stream. Empty fields are omitted on the wire.
struct Event
{
    EventType type = EventType::InstanceState;
    QString name;
    QString phase;
    QString workloadRef;
    QString tenantId;
    QString source;
    QString reason;              // stream.resync only
    std::optional<quint64> seq;  // part B: present only for clients that resume

    bool operator==(const Event &other) const;
    bool operator!=(const Event &other) const { return !(*this == other); }
};

// Encodes one event exactly as the existing server does: compact JSON, keys in the order
// type, name, phase, workloadRef, tenantId, source (then reason, seq), empty fields omitted,
// strings escaped like Go's encoding/json (<, >, &, U+2028, U+2029 as \u escapes).
QByteArray encodeEvent(const Event &event);

// The same encoding with "seq":N appended as last key (PROTOCOL B.1), without re-encoding
// the rest: `encoded` must come from encodeEvent() of an event without seq.
QByteArray withSeq(const QByteArray &encoded, quint64 seq);

// Writes a JSON string literal (with quotes) using Go's escaping rules.
void appendJsonString(QByteArray &out, QStringView value);

enum class DecodeError { None, NotJson, NotObject, MissingType, UnknownType, BadField };

// Decodes one frame. Unknown extra keys are ignored (forward compatible). On failure returns
// std::nullopt and sets *error (when given) with a human-readable *message.
std::optional<Event> decodeEvent(QByteArrayView json, DecodeError *error = nullptr,
                                 QString *message = nullptr);

} // namespace bh::protocol
