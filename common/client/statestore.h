#pragma once

#include "client/instancestate.h"
#include "protocol/event.h"
#include "protocol/snapshot.h"

#include <QHash>
#include <QMap>
#include <QObject>
#include <QStringList>

namespace bh::client {

// The client's picture of the cluster: instances by name, claims by name (grouped into
// tenants), pool counts per workload. Filled by reset(snapshot) and kept current by
// apply(event). Lives on one thread; every change is announced by a signal after it happened.
//
// Fold rules (the inverse of PROTOCOL A.3):
// - instance.state, phase "Deleted": removes the instance (instanceRemoved).
// - instance.state, other phase: creates or updates the instance's phase, workloadRef and
//   tenantId (other fields are kept; see InstanceState::poolStatus for the pool status).
// - pool.instance.ready: poolStatus "ready" (creates the instance when unknown: the server
//   always sends its instance.state first, so that only happens on a filtered stream).
// - tenant.claimed: creates or updates the claim: phase Active, tenantId, workloadRef, source
//   (instanceId, endpoint, claimedAt, detail kept from the snapshot when known).
// - tenant.released: a known claim gets phase "Released" (claimChanged). The event does not
//   say whether the claim was released or deleted, so the store keeps it until the next
//   snapshot; an unknown claim is ignored (it may be a deletion of a claim never seen).
// - stream.resync: no change (the client re-snapshots).
// Claims in silent phases (Pending, Releasing, ReleaseFailed, Error) emit no event, so
// between snapshots the store may still show the last announced phase.
class StateStore : public QObject
{
    Q_OBJECT
public:
    explicit StateStore(QObject *parent = nullptr);
    ~StateStore() override;

    // Replaces everything with the snapshot; emits wasReset() and poolsChanged() (no per-item
    // signals). `at` stamps firstSeen/updatedAt (defaults to now).
    void reset(const protocol::Snapshot &snapshot, const QDateTime &at = {});
    // Empties the store; emits wasReset() and poolsChanged().
    void clear();
    // Folds one event; returns true when something changed. `at` = receive time (default now).
    bool apply(const protocol::Event &event, const QDateTime &at = {});

    // Instances.
    int instanceCount() const { return int(m_instances.size()); }
    QStringList instanceNames() const; // sorted
    bool hasInstance(const QString &name) const { return m_instances.contains(name); }
    // A copy; default-constructed (empty name) when unknown.
    InstanceState instance(const QString &name) const { return m_instances.value(name); }
    QList<InstanceState> instances() const; // sorted by name

    // Claims and tenants (a tenant exists while it has at least one claim).
    int claimCount() const { return int(m_claims.size()); }
    QStringList claimNames() const; // sorted
    bool hasClaim(const QString &name) const { return m_claims.contains(name); }
    protocol::ClaimInfo claim(const QString &name) const { return m_claims.value(name); }
    QStringList tenantIds() const; // sorted
    QList<protocol::ClaimInfo> claimsOf(const QString &tenantId) const; // sorted by name
    QList<protocol::TenantInfo> tenants() const; // like GET /api/v1/tenants

    // Pools: workloadRef → counts, for workloads with at least one pool pod.
    QMap<QString, PoolCounts> pools() const { return m_pools; }
    PoolCounts pool(const QString &workloadRef) const { return m_pools.value(workloadRef); }

    // What this store and `truth` disagree on, limited to what events can carry (so a store
    // kept by events can be compared with one reset from a later snapshot): the set of
    // instance names; per instance phase, workloadRef, tenantId and whether it is a ready
    // pool pod; every claim Active in `truth` is Active here with the same tenantId,
    // workloadRef and source; every claim Active here is Active in `truth` or in one of the
    // silent phases (Pending, Releasing, ReleaseFailed, Error: A.3 emits nothing for them), not
    // Released or absent. Empty = same. Each entry is one readable line.
    QStringList differences(const StateStore &truth) const;
    bool sameAs(const StateStore &truth) const { return differences(truth).isEmpty(); }

Q_SIGNALS:
    void wasReset();
    void instanceChanged(const QString &name);
    void instanceRemoved(const QString &name);
    void claimChanged(const QString &name);
    void poolsChanged();

private:
    bool applyInstanceState(const protocol::Event &event, const QDateTime &at);
    bool applyPoolReady(const protocol::Event &event, const QDateTime &at);
    bool applyClaimed(const protocol::Event &event);
    bool applyReleased(const protocol::Event &event);
    // Moves one instance between pool counts (old status/workload → new).
    void movePool(const InstanceState *before, const InstanceState *after);
    void recountPools();

    QHash<QString, InstanceState> m_instances;
    QHash<QString, protocol::ClaimInfo> m_claims;
    QMap<QString, PoolCounts> m_pools;
};

} // namespace bh::client
