#pragma once

#include "protocol/snapshot.h"

#include <QDateTime>
#include <QString>

namespace bh::client {

// One instance (managed pod) as the StateStore knows it: the REST fields plus what the
// store derives. A value type.
struct InstanceState
{
    // Label keys of PROTOCOL A.2.
    static constexpr char kPoolStatusLabel[] = "boilerhouse.dev/pool-status";

    // name, phase, tenantId, workloadRef, ip, labels, createdAt, lastActivity, claimedAt.
    // Events update phase, workloadRef and tenantId only; the other fields are those of the
    // last snapshot (empty/invalid for an instance first seen through an event).
    protocol::InstanceInfo info;
    // "warming", "ready", "acquired" or "" (not a pool pod). From the pool-status label in a
    // snapshot; between snapshots: pool.instance.ready → "ready"; an instance.state that gives
    // a pool pod (status non-empty) a tenant → "acquired"; a new pod named <w>-pool-<hex>
    // without tenant → "warming".
    QString poolStatus;
    // Local clock: when the store first saw it, and when a snapshot or event last touched it.
    QDateTime firstSeen;
    QDateTime updatedAt;

    bool isPoolPod() const { return !poolStatus.isEmpty(); }
};

// Instances of one workload by pool status (derived from the instances).
struct PoolCounts
{
    int ready = 0;
    int warming = 0;
    int acquired = 0;

    int total() const { return ready + warming + acquired; }
    bool operator==(const PoolCounts &o) const
    {
        return ready == o.ready && warming == o.warming && acquired == o.acquired;
    }
    bool operator!=(const PoolCounts &o) const { return !(*this == o); }
};

} // namespace bh::client
