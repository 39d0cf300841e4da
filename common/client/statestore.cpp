#include "statestore.h"

#include <algorithm>

namespace bh::client {

namespace {
const QString kDeleted = QStringLiteral("Deleted");
const QString kActive = QStringLiteral("Active");
const QString kReleased = QStringLiteral("Released");
const QString kReady = QStringLiteral("ready");
const QString kWarming = QStringLiteral("warming");
const QString kAcquired = QStringLiteral("acquired");

QDateTime orNow(const QDateTime &at)
{
    return at.isValid() ? at : QDateTime::currentDateTimeUtc();
}

// Pool pods are named <workload>-pool-<8 hex> (PROTOCOL A.2).
bool looksLikePoolPod(const QString &name, const QString &workloadRef)
{
    if (workloadRef.isEmpty())
        return name.contains(QLatin1String("-pool-"));
    return name.startsWith(workloadRef + QLatin1String("-pool-"));
}

template<typename Map>
QStringList sortedKeys(const Map &map)
{
    QStringList keys = map.keys();
    std::sort(keys.begin(), keys.end());
    return keys;
}
} // namespace

StateStore::StateStore(QObject *parent)
    : QObject(parent)
{ }

StateStore::~StateStore() = default;

void StateStore::reset(const protocol::Snapshot &snapshot, const QDateTime &at)
{
    const QDateTime now = orNow(at);
    QHash<QString, InstanceState> instances;
    instances.reserve(snapshot.instances.size());
    for (const protocol::InstanceInfo &info : snapshot.instances) {
        InstanceState state;
        state.info = info;
        state.poolStatus = info.labels.value(QLatin1String(InstanceState::kPoolStatusLabel));
        // Keep firstSeen across resets: the instance did not appear just because we re-read.
        const auto previous = m_instances.constFind(info.name);
        state.firstSeen = previous != m_instances.cend() ? previous->firstSeen : now;
        state.updatedAt = now;
        instances.insert(info.name, std::move(state));
    }
    QHash<QString, protocol::ClaimInfo> claims;
    for (const protocol::TenantInfo &tenant : snapshot.tenants) {
        for (const protocol::ClaimInfo &claim : tenant.claims)
            claims.insert(claim.name, claim);
    }
    m_instances = std::move(instances);
    m_claims = std::move(claims);
    recountPools();
    Q_EMIT wasReset();
    Q_EMIT poolsChanged();
}

void StateStore::clear()
{
    m_instances.clear();
    m_claims.clear();
    m_pools.clear();
    Q_EMIT wasReset();
    Q_EMIT poolsChanged();
}

bool StateStore::apply(const protocol::Event &event, const QDateTime &at)
{
    switch (event.type) {
    case protocol::EventType::InstanceState:
        return applyInstanceState(event, orNow(at));
    case protocol::EventType::PoolInstanceReady:
        return applyPoolReady(event, orNow(at));
    case protocol::EventType::TenantClaimed:
        return applyClaimed(event);
    case protocol::EventType::TenantReleased:
        return applyReleased(event);
    case protocol::EventType::StreamResync:
        return false;
    }
    return false;
}

bool StateStore::applyInstanceState(const protocol::Event &event, const QDateTime &at)
{
    if (event.name.isEmpty())
        return false;
    auto it = m_instances.find(event.name);
    if (event.phase == kDeleted) {
        if (it == m_instances.end())
            return false;
        const InstanceState before = *it;
        m_instances.erase(it);
        Q_EMIT instanceRemoved(event.name);
        movePool(&before, nullptr);
        return true;
    }
    if (it == m_instances.end()) {
        InstanceState state;
        state.info.name = event.name;
        state.info.phase = event.phase;
        state.info.workloadRef = event.workloadRef;
        state.info.tenantId = event.tenantId;
        if (event.tenantId.isEmpty() && looksLikePoolPod(event.name, event.workloadRef))
            state.poolStatus = kWarming;
        state.firstSeen = at;
        state.updatedAt = at;
        const InstanceState &inserted = *m_instances.insert(event.name, state);
        Q_EMIT instanceChanged(event.name);
        movePool(nullptr, &inserted);
        return true;
    }
    const InstanceState before = *it;
    InstanceState &state = *it;
    state.info.phase = event.phase;
    state.info.workloadRef = event.workloadRef;
    state.info.tenantId = event.tenantId;
    if (!event.tenantId.isEmpty() && state.isPoolPod())
        state.poolStatus = kAcquired;
    state.updatedAt = at;
    const bool changed = before.info != state.info || before.poolStatus != state.poolStatus;
    // Every modification is announced (updatedAt moved), even with an unchanged phase.
    Q_EMIT instanceChanged(event.name);
    movePool(&before, &state);
    return changed;
}

bool StateStore::applyPoolReady(const protocol::Event &event, const QDateTime &at)
{
    if (event.name.isEmpty())
        return false;
    auto it = m_instances.find(event.name);
    if (it == m_instances.end()) {
        InstanceState state;
        state.info.name = event.name;
        state.info.workloadRef = event.workloadRef;
        state.poolStatus = kReady;
        state.firstSeen = at;
        state.updatedAt = at;
        const InstanceState &inserted = *m_instances.insert(event.name, state);
        Q_EMIT instanceChanged(event.name);
        movePool(nullptr, &inserted);
        return true;
    }
    const InstanceState before = *it;
    it->poolStatus = kReady;
    if (!event.workloadRef.isEmpty())
        it->info.workloadRef = event.workloadRef;
    it->updatedAt = at;
    Q_EMIT instanceChanged(event.name);
    movePool(&before, &*it);
    return before.poolStatus != it->poolStatus || before.info != it->info;
}

bool StateStore::applyClaimed(const protocol::Event &event)
{
    if (event.name.isEmpty())
        return false;
    auto it = m_claims.find(event.name);
    if (it == m_claims.end()) {
        protocol::ClaimInfo claim;
        claim.name = event.name;
        claim.tenantId = event.tenantId;
        claim.workloadRef = event.workloadRef;
        claim.phase = kActive;
        claim.source = event.source;
        m_claims.insert(event.name, claim);
        Q_EMIT claimChanged(event.name);
        return true;
    }
    const protocol::ClaimInfo before = *it;
    it->phase = kActive;
    if (!event.tenantId.isEmpty())
        it->tenantId = event.tenantId;
    if (!event.workloadRef.isEmpty())
        it->workloadRef = event.workloadRef;
    it->source = event.source;
    if (before == *it)
        return false;
    Q_EMIT claimChanged(event.name);
    return true;
}

bool StateStore::applyReleased(const protocol::Event &event)
{
    auto it = m_claims.find(event.name);
    if (it == m_claims.end() || it->phase == kReleased)
        return false;
    it->phase = kReleased;
    Q_EMIT claimChanged(event.name);
    return true;
}

void StateStore::movePool(const InstanceState *before, const InstanceState *after)
{
    auto adjust = [this](const InstanceState &s, int delta) {
        if (!s.isPoolPod())
            return;
        PoolCounts &counts = m_pools[s.info.workloadRef];
        if (s.poolStatus == kReady)
            counts.ready += delta;
        else if (s.poolStatus == kWarming)
            counts.warming += delta;
        else if (s.poolStatus == kAcquired)
            counts.acquired += delta;
        if (counts.total() == 0)
            m_pools.remove(s.info.workloadRef);
    };
    if (before && after && before->poolStatus == after->poolStatus
        && before->info.workloadRef == after->info.workloadRef)
        return;
    if (before)
        adjust(*before, -1);
    if (after)
        adjust(*after, +1);
    if ((before && before->isPoolPod()) || (after && after->isPoolPod()))
        Q_EMIT poolsChanged();
}

void StateStore::recountPools()
{
    m_pools.clear();
    for (const InstanceState &state : std::as_const(m_instances)) {
        if (!state.isPoolPod())
            continue;
        PoolCounts &counts = m_pools[state.info.workloadRef];
        if (state.poolStatus == kReady)
            ++counts.ready;
        else if (state.poolStatus == kWarming)
            ++counts.warming;
        else if (state.poolStatus == kAcquired)
            ++counts.acquired;
    }
    // Pool pods with an unknown status (not ready/warming/acquired) count nowhere.
    for (auto it = m_pools.begin(); it != m_pools.end();) {
        if (it->total() == 0)
            it = m_pools.erase(it);
        else
            ++it;
    }
}

QStringList StateStore::instanceNames() const
{
    return sortedKeys(m_instances);
}

QList<InstanceState> StateStore::instances() const
{
    QList<InstanceState> out;
    out.reserve(m_instances.size());
    for (const QString &name : instanceNames())
        out.append(m_instances.value(name));
    return out;
}

QStringList StateStore::claimNames() const
{
    return sortedKeys(m_claims);
}

QStringList StateStore::tenantIds() const
{
    QStringList ids;
    for (const protocol::ClaimInfo &claim : m_claims)
        ids.append(claim.tenantId);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

QList<protocol::ClaimInfo> StateStore::claimsOf(const QString &tenantId) const
{
    QList<protocol::ClaimInfo> out;
    for (const protocol::ClaimInfo &claim : m_claims) {
        if (claim.tenantId == tenantId)
            out.append(claim);
    }
    std::sort(
        out.begin(), out.end(),
        [](const protocol::ClaimInfo &a, const protocol::ClaimInfo &b) { return a.name < b.name; });
    return out;
}

QList<protocol::TenantInfo> StateStore::tenants() const
{
    QMap<QString, protocol::TenantInfo> byId;
    for (const QString &name : claimNames()) {
        const protocol::ClaimInfo &claim = *m_claims.constFind(name);
        protocol::TenantInfo &tenant = byId[claim.tenantId];
        tenant.tenantId = claim.tenantId;
        tenant.claims.append(claim);
    }
    return byId.values();
}

QStringList StateStore::differences(const StateStore &truth) const
{
    QStringList out;
    const auto field = [&out](const QString &what, const QString &mine, const QString &theirs) {
        if (mine != theirs)
            out.append(QStringLiteral("%1: \"%2\" here, \"%3\" in truth").arg(what, mine, theirs));
    };
    for (const QString &name : instanceNames()) {
        if (!truth.hasInstance(name))
            out.append(QStringLiteral("instance %1: present here, absent in truth").arg(name));
    }
    for (const QString &name : truth.instanceNames()) {
        const auto mine = m_instances.constFind(name);
        if (mine == m_instances.cend()) {
            out.append(QStringLiteral("instance %1: absent here, present in truth").arg(name));
            continue;
        }
        const InstanceState &theirs = *truth.m_instances.constFind(name);
        const QString prefix = QStringLiteral("instance %1 ").arg(name);
        field(prefix + QLatin1String("phase"), mine->info.phase, theirs.info.phase);
        field(prefix + QLatin1String("workloadRef"), mine->info.workloadRef,
              theirs.info.workloadRef);
        field(prefix + QLatin1String("tenantId"), mine->info.tenantId, theirs.info.tenantId);
        const bool readyHere = mine->poolStatus == kReady;
        const bool readyThere = theirs.poolStatus == kReady;
        if (readyHere != readyThere)
            out.append(QStringLiteral("instance %1: pool status \"%2\" here, \"%3\" in truth")
                           .arg(name, mine->poolStatus, theirs.poolStatus));
    }
    const auto activeNames = [](const StateStore &store) {
        QStringList names;
        for (const protocol::ClaimInfo &claim : store.m_claims) {
            if (claim.phase == kActive)
                names.append(claim.name);
        }
        std::sort(names.begin(), names.end());
        return names;
    };
    const QStringList mineActive = activeNames(*this);
    const QStringList truthActive = activeNames(truth);
    for (const QString &name : mineActive) {
        if (!truthActive.contains(name)) {
            const auto theirs = truth.m_claims.constFind(name);
            // Pending, Releasing, ReleaseFailed and Error emit nothing (A.3): an Active claim
            // that moved to one of them cannot be seen by events.
            if (theirs != truth.m_claims.cend() && theirs->phase != kReleased)
                continue;
            out.append(QStringLiteral("claim %1: Active here, %2 in truth")
                           .arg(name,
                                theirs == truth.m_claims.cend() ? QStringLiteral("absent")
                                                                : theirs->phase));
        }
    }
    for (const QString &name : truthActive) {
        const auto mine = m_claims.constFind(name);
        if (mine == m_claims.cend() || mine->phase != kActive) {
            out.append(
                QStringLiteral("claim %1: %2 here, Active in truth")
                    .arg(name, mine == m_claims.cend() ? QStringLiteral("absent") : mine->phase));
            continue;
        }
        const protocol::ClaimInfo &theirs = *truth.m_claims.constFind(name);
        const QString prefix = QStringLiteral("claim %1 ").arg(name);
        field(prefix + QLatin1String("tenantId"), mine->tenantId, theirs.tenantId);
        field(prefix + QLatin1String("workloadRef"), mine->workloadRef, theirs.workloadRef);
        field(prefix + QLatin1String("source"), mine->source, theirs.source);
    }
    return out;
}

} // namespace bh::client
