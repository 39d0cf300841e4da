#pragma once

#include "cache/encoding.h"
#include "protocol/snapshot.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>

#include <optional>

namespace bh::cache {
class ObjectStore;
}

namespace bh::api {

// Reads the caches into the REST snapshot types of PROTOCOL A.4 (encoded by the shared
// codec in protocol/snapshot.h, so server and clients cannot drift). Only pods labelled
// boilerhouse.dev/managed=true are instances; lastActivity and claimedAt come from the
// claim whose status.instanceId is the pod.
//
// Two ways to the same bytes:
//   - typed: instances(), tenants(), ... then protocol::encodeInstances() etc. — every object
//     read and encoded per call (≈ 120 ms at 10,000 pods);
//   - pre-encoded: instancesJson(), tenantsJson(), ... — each object is encoded once per
//     change by the shared codec (encodePod/encodeClaim, memoized in the store entry, see
//     cache/encoding.h) and a response is the concatenation of those fragments in the
//     required order. Byte-for-byte the typed path's output (tst_snapshotbuilder compares
//     them over randomized stores).
// The pre-encoded path keeps the stores' encoding slots filled; it is the only encoder used
// on them (see ObjectStore "Encodings"). On top, the last instances and tenants bodies are
// kept whole and handed out again (implicitly shared, no copy) while neither store has
// changed since (ObjectStore::changeCount()): an idle cluster's snapshot costs no encoding.
class SnapshotBuilder
{
public:
    static constexpr const char *LastActivityAnnotation = "boilerhouse.dev/last-activity";

    // Connects to both stores' replaced() signals: after every relist (the initial list
    // included) the objects are encoded in the next event-loop turn (warm()), so the first
    // snapshot after a start or a 410 does not pay for encoding every object.
    SnapshotBuilder(const cache::ObjectStore *pods, const cache::ObjectStore *claims);
    Q_DISABLE_COPY_MOVE(SnapshotBuilder)

    // Fills every store entry's encoding slot that is empty (a no-op when all are filled).
    void warm() const;

    // Sorted by name.
    QList<protocol::InstanceInfo> instances() const;
    std::optional<protocol::InstanceInfo> instance(const QString &name) const;
    // Sorted by tenantId; claims of a tenant sorted by name. Claims without
    // spec.tenantId belong to no tenant.
    QList<protocol::TenantInfo> tenants() const;
    std::optional<protocol::TenantInfo> tenant(const QString &tenantId) const;
    // Counted from the stores' encodings (no per-object JSON reads).
    protocol::Stats stats() const;

    // Whole bodies, byte-for-byte protocol::encodeInstances(instances()),
    // instance(name)->encode(), encodeTenants(tenants()), tenant(id)->encode().
    QByteArray instancesJson() const;
    std::optional<QByteArray> instanceJson(const QString &name) const;
    QByteArray tenantsJson() const;
    std::optional<QByteArray> tenantJson(const QString &tenantId) const;

    // The store encoders (cache::Encoder): a managed pod's instance JSON without its claim
    // fields (nullptr for other pods); a claim's ClaimInfo JSON, the fields it adds to its
    // instance, and the keys it is grouped by. Set them on the stores with
    // ObjectStore::setEncoder() to encode at change time instead of on first read.
    static cache::EncodingPtr encodePod(const QJsonObject &pod);
    static cache::EncodingPtr encodeClaim(const QJsonObject &claim);

    static bool isManagedPod(const QJsonObject &pod);
    static protocol::InstanceInfo toInstance(const QJsonObject &pod, const QJsonObject *claim);
    static protocol::ClaimInfo toClaim(const QJsonObject &claim);

private:
    // status.instanceId -> claim (an Active claim wins over others for the same pod).
    QHash<QString, const QJsonObject *> claimsByInstance() const;

    // A whole body and the store versions it was built from.
    struct CachedBody
    {
        QByteArray body;
        quint64 podsVersion = 0;
        quint64 claimsVersion = 0;
        bool valid = false;
    };
    template<typename Build>
    QByteArray cached(CachedBody &cache, Build build) const;
    // Concatenate the fragments (the cached bodies' builders).
    QByteArray buildInstancesJson() const;
    QByteArray buildTenantsJson() const;

    const cache::ObjectStore *m_pods;
    const cache::ObjectStore *m_claims;
    mutable CachedBody m_instancesBody;
    mutable CachedBody m_tenantsBody;
    QObject m_context; // receives the stores' replaced(); disconnects when we go
    bool m_warmPending = false;
};

} // namespace bh::api
