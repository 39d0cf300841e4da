#include "snapshotbuilder.h"

#include "cache/objectstore.h"
#include "events/derivation.h"

#include <QJsonArray>

#include <map>

namespace bh::api {

using events::Derivation;

namespace {

QDateTime timestamp(const QString &text)
{
    if (text.isEmpty())
        return {};
    return protocol::parseTimestamp(text).value_or(QDateTime());
}

QJsonObject metadataOf(const QJsonObject &object)
{
    return object.value(QLatin1String("metadata")).toObject();
}

} // namespace

SnapshotBuilder::SnapshotBuilder(const cache::ObjectStore *pods, const cache::ObjectStore *claims)
    : m_pods(pods)
    , m_claims(claims)
{ }

bool SnapshotBuilder::isManagedPod(const QJsonObject &pod)
{
    return Derivation::label(pod, Derivation::ManagedLabel) == QLatin1String("true");
}

protocol::InstanceInfo SnapshotBuilder::toInstance(const QJsonObject &pod, const QJsonObject *claim)
{
    protocol::InstanceInfo info;
    const QJsonObject metadata = metadataOf(pod);
    info.name = metadata.value(QLatin1String("name")).toString();
    info.phase = Derivation::podPhase(pod);
    info.tenantId = Derivation::label(pod, Derivation::TenantLabel);
    info.workloadRef = Derivation::label(pod, Derivation::WorkloadLabel);
    info.ip = Derivation::statusField(pod, "podIP");
    const QJsonObject labels = metadata.value(QLatin1String("labels")).toObject();
    for (auto it = labels.begin(); it != labels.end(); ++it)
        info.labels.insert(it.key(), it.value().toString());
    info.createdAt = timestamp(metadata.value(QLatin1String("creationTimestamp")).toString());
    if (claim) {
        info.lastActivity = timestamp(metadataOf(*claim)
                                          .value(QLatin1String("annotations"))
                                          .toObject()
                                          .value(QLatin1String(LastActivityAnnotation))
                                          .toString());
        info.claimedAt = timestamp(Derivation::statusField(*claim, "claimedAt"));
    }
    return info;
}

protocol::ClaimInfo SnapshotBuilder::toClaim(const QJsonObject &claim)
{
    protocol::ClaimInfo info;
    info.name = Derivation::name(claim);
    info.workloadRef = Derivation::specField(claim, "workloadRef");
    info.tenantId = Derivation::specField(claim, "tenantId");
    info.phase = Derivation::claimPhase(claim);
    if (info.phase.isEmpty())
        info.phase = QStringLiteral("Pending"); // no status yet: the controller has not run
    info.instanceId = Derivation::statusField(claim, "instanceId");
    const QJsonObject endpoint =
        claim.value(QLatin1String("status")).toObject().value(QLatin1String("endpoint")).toObject();
    info.endpoint.host = endpoint.value(QLatin1String("host")).toString();
    const QJsonValue port = endpoint.value(QLatin1String("port"));
    info.endpoint.port = port.isString() ? port.toString().toInt() : port.toInt();
    info.source = Derivation::statusField(claim, "source");
    info.claimedAt = timestamp(Derivation::statusField(claim, "claimedAt"));
    info.detail = Derivation::statusField(claim, "detail");
    return info;
}

QHash<QString, const QJsonObject *> SnapshotBuilder::claimsByInstance() const
{
    QHash<QString, const QJsonObject *> index;
    for (const cache::ObjectPtr &claim : m_claims->list()) {
        const QString instance = Derivation::statusField(*claim, "instanceId");
        if (instance.isEmpty())
            continue;
        auto it = index.find(instance);
        if (it == index.end())
            index.insert(instance, claim.get());
        else if (Derivation::claimPhase(**it) != QLatin1String("Active")
                 && Derivation::claimPhase(*claim) == QLatin1String("Active"))
            *it = claim.get();
    }
    return index;
}

QList<protocol::InstanceInfo> SnapshotBuilder::instances() const
{
    // The index points into objects the claim store owns; nothing changes it meanwhile.
    const QHash<QString, const QJsonObject *> index = claimsByInstance();
    QList<protocol::InstanceInfo> out;
    out.reserve(m_pods->size());
    for (const cache::ObjectPtr &pod : m_pods->list()) {
        if (!isManagedPod(*pod))
            continue;
        out.append(toInstance(*pod, index.value(Derivation::name(*pod), nullptr)));
    }
    return out;
}

std::optional<protocol::InstanceInfo> SnapshotBuilder::instance(const QString &name) const
{
    const cache::ObjectPtr pod = m_pods->get(name);
    if (!pod || !isManagedPod(*pod))
        return std::nullopt;
    const QHash<QString, const QJsonObject *> index = claimsByInstance();
    return toInstance(*pod, index.value(name, nullptr));
}

QList<protocol::TenantInfo> SnapshotBuilder::tenants() const
{
    std::map<QString, protocol::TenantInfo> byTenant; // sorted by tenantId
    for (const cache::ObjectPtr &claim : m_claims->list()) {
        const QString tenantId = Derivation::specField(*claim, "tenantId");
        if (tenantId.isEmpty())
            continue;
        protocol::TenantInfo &tenant = byTenant[tenantId];
        tenant.tenantId = tenantId;
        tenant.claims.append(toClaim(*claim));
    }
    QList<protocol::TenantInfo> out;
    out.reserve(static_cast<qsizetype>(byTenant.size()));
    for (auto &entry : byTenant)
        out.append(std::move(entry.second));
    return out;
}

std::optional<protocol::TenantInfo> SnapshotBuilder::tenant(const QString &tenantId) const
{
    protocol::TenantInfo tenant;
    tenant.tenantId = tenantId;
    for (const cache::ObjectPtr &claim : m_claims->list()) {
        if (!tenantId.isEmpty() && Derivation::specField(*claim, "tenantId") == tenantId)
            tenant.claims.append(toClaim(*claim));
    }
    if (tenant.claims.isEmpty())
        return std::nullopt;
    return tenant;
}

protocol::Stats SnapshotBuilder::stats() const
{
    protocol::Stats stats;
    for (const cache::ObjectPtr &pod : m_pods->list()) {
        if (!isManagedPod(*pod))
            continue;
        QString phase = Derivation::podPhase(*pod);
        if (phase.isEmpty())
            phase = QStringLiteral("Unknown");
        ++stats.instances.total;
        ++stats.instances.byPhase[phase];
    }
    for (const cache::ObjectPtr &claim : m_claims->list()) {
        QString phase = Derivation::claimPhase(*claim);
        if (phase.isEmpty())
            phase = QStringLiteral("Pending");
        ++stats.claims.total;
        ++stats.claims.byPhase[phase];
    }
    return stats;
}

} // namespace bh::api
