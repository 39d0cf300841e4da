#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

// The REST snapshot types of PROTOCOL.md A.4, shared by the server (encode) and the clients
// (decode) so the two cannot drift.
//
// Encoding rules (all types):
// - encode() writes compact JSON with the keys in the documented order (the order of the
//   existing Go server's structs), strings escaped like Go's encoding/json (appendJsonString),
//   maps (labels, byPhase) sorted by key like Go.
// - Optional fields are omitted when empty (empty string, empty map, invalid QDateTime, port 0).
//   Required fields are always written, even when empty.
// - Timestamps are UTC with second precision: "2026-04-20T10:30:00Z" (milliseconds are
//   dropped). A required timestamp that is invalid is written as Go's zero time
//   "0001-01-01T00:00:00Z".
// - toJson() gives the same content as a QJsonObject (key order then is QJsonObject's).
//
// Decoding rules: unknown keys are ignored (forward compatible); a missing required field, a
// field of the wrong JSON type or a timestamp that is not RFC 3339 is an error with a message
// naming the field path (for example `instances[3].createdAt`). `null` counts as absent.
// Timestamps with fractional seconds or a numeric offset are accepted and converted to UTC.

namespace bh::protocol {

enum class SnapshotError {
    None,
    NotJson, // the body is not parseable JSON
    WrongType, // the document or a nested value is not the JSON type expected
    MissingField, // a required field is absent
    BadField, // a field has the wrong JSON type (or a negative count)
    BadTimestamp, // a timestamp string is not RFC 3339
};

// Formats as "2026-04-20T10:30:00Z" (UTC, seconds). Invalid → "0001-01-01T00:00:00Z".
QString formatTimestamp(const QDateTime &time);
// Parses RFC 3339 ("Z" or numeric offset, optional fraction); result in UTC. nullopt on error.
std::optional<QDateTime> parseTimestamp(const QString &text);

// One managed pod: an element of GET /api/v1/instances (and the body of /instances/{name}).
struct InstanceInfo
{
    QString name; // required
    QString phase; // required (pod status.phase; may be "")
    QString tenantId; // optional: absent on unclaimed pool pods
    QString workloadRef; // optional
    QString ip; // optional (status.podIP)
    QMap<QString, QString> labels; // optional: all pod labels
    QDateTime createdAt; // required
    QDateTime lastActivity; // optional: from the claim whose status.instanceId is the pod
    QDateTime claimedAt; // optional: idem

    QByteArray encode() const;
    QJsonObject toJson() const;
    static std::optional<InstanceInfo>
    fromJson(const QJsonValue &value, SnapshotError *error = nullptr, QString *message = nullptr);

    bool operator==(const InstanceInfo &other) const;
    bool operator!=(const InstanceInfo &other) const { return !(*this == other); }
};

// status.endpoint of a claim. Omitted entirely when both parts are empty.
struct Endpoint
{
    QString host; // optional
    int port = 0; // optional: 0 = absent

    bool isEmpty() const { return host.isEmpty() && port == 0; }
    bool operator==(const Endpoint &o) const { return host == o.host && port == o.port; }
    bool operator!=(const Endpoint &o) const { return !(*this == o); }
};

// One BoilerhouseClaim as it appears inside a tenant of GET /api/v1/tenants.
struct ClaimInfo
{
    QString name; // required (addition of A.5: joins tenant.* events to claims)
    QString workloadRef; // required
    QString tenantId; // required
    QString phase; // required (Pending, Active, Releasing, Released, ReleaseFailed, Error)
    QString instanceId; // optional
    Endpoint endpoint; // optional
    QString source; // optional (existing, cold, cold+data, pool, pool+data)
    QDateTime claimedAt; // optional
    QString detail; // optional

    QByteArray encode() const;
    QJsonObject toJson() const;
    static std::optional<ClaimInfo>
    fromJson(const QJsonValue &value, SnapshotError *error = nullptr, QString *message = nullptr);

    bool operator==(const ClaimInfo &other) const;
    bool operator!=(const ClaimInfo &other) const { return !(*this == other); }
};

// An element of GET /api/v1/tenants, and the body of /tenants/{id}.
struct TenantInfo
{
    QString tenantId; // required
    QList<ClaimInfo> claims; // required (written as [] when empty)

    QByteArray encode() const;
    QJsonObject toJson() const;
    static std::optional<TenantInfo>
    fromJson(const QJsonValue &value, SnapshotError *error = nullptr, QString *message = nullptr);

    bool operator==(const TenantInfo &other) const;
    bool operator!=(const TenantInfo &other) const { return !(*this == other); }
};

// GET /api/v1/stats.
struct Stats
{
    struct Counts
    {
        qint64 total = 0;
        QMap<QString, qint64> byPhase; // always written ({} when empty)

        bool operator==(const Counts &o) const { return total == o.total && byPhase == o.byPhase; }
        bool operator!=(const Counts &o) const { return !(*this == o); }
    };
    Counts instances; // empty pod phase counted as "Unknown" (the server's job)
    Counts claims; // empty claim phase counted as "Pending" (the server's job)

    QByteArray encode() const;
    QJsonObject toJson() const;
    static std::optional<Stats> fromJson(const QJsonValue &value, SnapshotError *error = nullptr,
                                         QString *message = nullptr);

    bool operator==(const Stats &o) const { return instances == o.instances && claims == o.claims; }
    bool operator!=(const Stats &o) const { return !(*this == o); }
};

// Whole response bodies (arrays) of /api/v1/instances and /api/v1/tenants.
QByteArray encodeInstances(const QList<InstanceInfo> &instances);
QByteArray encodeTenants(const QList<TenantInfo> &tenants);
std::optional<QList<InstanceInfo>>
decodeInstances(QByteArrayView json, SnapshotError *error = nullptr, QString *message = nullptr);
std::optional<QList<TenantInfo>> decodeTenants(QByteArrayView json, SnapshotError *error = nullptr,
                                               QString *message = nullptr);
// Single-object bodies (/instances/{name}, /tenants/{id}, /stats).
std::optional<InstanceInfo> decodeInstance(QByteArrayView json, SnapshotError *error = nullptr,
                                           QString *message = nullptr);
std::optional<TenantInfo> decodeTenant(QByteArrayView json, SnapshotError *error = nullptr,
                                       QString *message = nullptr);
std::optional<Stats> decodeStats(QByteArrayView json, SnapshotError *error = nullptr,
                                 QString *message = nullptr);

// The body of an error response: {"error":"…"}. encodeError writes it; decodeErrorMessage
// returns the message, or nullopt when the body is not such an object.
QByteArray encodeError(const QString &message);
std::optional<QString> decodeErrorMessage(QByteArrayView json);

// The REST name of the cursor header of PROTOCOL B.1.
inline constexpr char kCursorHeader[] = "X-Boilerhouse-Cursor";

// What a client reads to start following: both lists plus the cursor (B.1) when the server
// sent one (absent on servers without part B).
struct Snapshot
{
    QList<InstanceInfo> instances;
    QList<TenantInfo> tenants;
    std::optional<QString> cursor;

    bool operator==(const Snapshot &o) const
    {
        return instances == o.instances && tenants == o.tenants && cursor == o.cursor;
    }
    bool operator!=(const Snapshot &o) const { return !(*this == o); }
};

} // namespace bh::protocol
