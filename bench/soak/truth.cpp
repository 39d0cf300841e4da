#include "truth.h"

#include "client/statestore.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace bh::soak {

namespace {

const QLatin1String ManagedLabel("boilerhouse.dev/managed");
const QLatin1String WorkloadLabel("boilerhouse.dev/workload");
const QLatin1String TenantLabel("boilerhouse.dev/tenant");
const QLatin1String PoolStatusLabel("boilerhouse.dev/pool-status");
const QLatin1String Active("Active");
const QLatin1String Released("Released");

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

void compareField(QStringList *out, const QString &what, const QString &mine, const QString &truth)
{
    if (mine != truth)
        out->append(QStringLiteral("%1: \"%2\" seen, \"%3\" in truth").arg(what, mine, truth));
}

} // namespace

Truth Truth::fromObjects(const QJsonArray &pods, const QJsonArray &claims)
{
    Truth t;
    for (const QJsonValue &v : pods) {
        const QJsonObject pod = v.toObject();
        const QJsonObject meta = pod.value(QLatin1String("metadata")).toObject();
        const QJsonObject labels = meta.value(QLatin1String("labels")).toObject();
        if (labels.value(ManagedLabel).toString() != QLatin1String("true"))
            continue;
        Instance i;
        i.name = str(meta, "name");
        i.phase = str(pod.value(QLatin1String("status")).toObject(), "phase");
        i.workloadRef = labels.value(WorkloadLabel).toString();
        i.tenantId = labels.value(TenantLabel).toString();
        i.poolStatus = labels.value(PoolStatusLabel).toString();
        for (auto it = labels.begin(); it != labels.end(); ++it)
            i.labels.insert(it.key(), it.value().toString());
        t.m_instances.insert(i.name, i);
    }
    for (const QJsonValue &v : claims) {
        const QJsonObject claim = v.toObject();
        const QJsonObject spec = claim.value(QLatin1String("spec")).toObject();
        const QJsonObject status = claim.value(QLatin1String("status")).toObject();
        Claim c;
        c.name = str(claim.value(QLatin1String("metadata")).toObject(), "name");
        c.tenantId = str(spec, "tenantId");
        c.workloadRef = str(spec, "workloadRef");
        c.phase = str(status, "phase");
        c.instanceId = str(status, "instanceId");
        c.source = str(status, "source");
        t.m_claims.insert(c.name, c);
    }
    return t;
}

Truth Truth::perturbed() const
{
    Truth t = *this;
    if (!t.m_instances.isEmpty()) {
        Instance &i = t.m_instances.first();
        i.phase += QLatin1String("-perturbed");
    } else {
        Claim c;
        c.name = QStringLiteral("claim-perturbed");
        c.tenantId = QStringLiteral("perturbed");
        c.workloadRef = QStringLiteral("perturbed");
        c.phase = Active;
        t.m_claims.insert(c.name, c);
    }
    return t;
}

QStringList Truth::clientDifferences(const client::StateStore &store) const
{
    QStringList out;
    const QStringList names = store.instanceNames();
    for (const QString &name : names) {
        if (!m_instances.contains(name))
            out.append(
                QStringLiteral("instance %1: present in the client, absent in truth").arg(name));
    }
    for (const Instance &want : m_instances) {
        if (!store.hasInstance(want.name)) {
            out.append(QStringLiteral("instance %1: absent in the client, present in truth")
                           .arg(want.name));
            continue;
        }
        const client::InstanceState have = store.instance(want.name);
        const QString prefix = QStringLiteral("instance %1 ").arg(want.name);
        compareField(&out, prefix + QLatin1String("phase"), have.info.phase, want.phase);
        compareField(&out, prefix + QLatin1String("workloadRef"), have.info.workloadRef,
                     want.workloadRef);
        compareField(&out, prefix + QLatin1String("tenantId"), have.info.tenantId, want.tenantId);
        const bool readyHave = have.poolStatus == QLatin1String("ready");
        const bool readyWant = want.poolStatus == QLatin1String("ready");
        if (readyHave != readyWant)
            out.append(
                QStringLiteral("instance %1: pool status \"%2\" in the client, \"%3\" in truth")
                    .arg(want.name, have.poolStatus, want.poolStatus));
    }
    const QStringList claimNames = store.claimNames();
    for (const QString &name : claimNames) {
        const protocol::ClaimInfo have = store.claim(name);
        if (have.phase != Active)
            continue;
        const auto want = m_claims.constFind(name);
        if (want == m_claims.cend() || want->phase == Released)
            out.append(
                QStringLiteral("claim %1: Active in the client, %2 in truth")
                    .arg(name, want == m_claims.cend() ? QStringLiteral("absent") : want->phase));
    }
    for (const Claim &want : m_claims) {
        if (want.phase != Active)
            continue;
        const protocol::ClaimInfo have = store.claim(want.name);
        if (have.phase != Active) {
            out.append(QStringLiteral("claim %1: \"%2\" in the client, Active in truth")
                           .arg(want.name,
                                store.hasClaim(want.name) ? have.phase : QStringLiteral("absent")));
            continue;
        }
        const QString prefix = QStringLiteral("claim %1 ").arg(want.name);
        compareField(&out, prefix + QLatin1String("tenantId"), have.tenantId, want.tenantId);
        compareField(&out, prefix + QLatin1String("workloadRef"), have.workloadRef,
                     want.workloadRef);
        compareField(&out, prefix + QLatin1String("source"), have.source, want.source);
    }
    return out;
}

QStringList Truth::restDifferences(const QByteArray &instancesJson,
                                   const QByteArray &tenantsJson) const
{
    QStringList out;
    const QJsonDocument instancesDoc = QJsonDocument::fromJson(instancesJson);
    const QJsonDocument tenantsDoc = QJsonDocument::fromJson(tenantsJson);
    if (!instancesDoc.isArray())
        return { QStringLiteral("REST /api/v1/instances: not a JSON array") };
    if (!tenantsDoc.isArray())
        return { QStringLiteral("REST /api/v1/tenants: not a JSON array") };

    QStringList seenOrder;
    QMap<QString, QJsonObject> seen;
    for (const QJsonValue &v : instancesDoc.array()) {
        const QJsonObject o = v.toObject();
        seenOrder.append(str(o, "name"));
        seen.insert(str(o, "name"), o);
    }
    if (seenOrder != QStringList(m_instances.keys()))
        out.append(QStringLiteral("REST instances: names [%1], truth [%2]")
                       .arg(seenOrder.join(','), QStringList(m_instances.keys()).join(',')));
    for (const Instance &want : m_instances) {
        const auto it = seen.constFind(want.name);
        if (it == seen.cend())
            continue;
        const QString prefix = QStringLiteral("REST instance %1 ").arg(want.name);
        compareField(&out, prefix + QLatin1String("phase"), str(*it, "phase"), want.phase);
        compareField(&out, prefix + QLatin1String("workloadRef"), str(*it, "workloadRef"),
                     want.workloadRef);
        compareField(&out, prefix + QLatin1String("tenantId"), str(*it, "tenantId"), want.tenantId);
        QMap<QString, QString> labels;
        const QJsonObject l = it->value(QLatin1String("labels")).toObject();
        for (auto li = l.begin(); li != l.end(); ++li)
            labels.insert(li.key(), li.value().toString());
        if (labels != want.labels)
            out.append(prefix + QLatin1String("labels differ"));
    }

    // Tenants: claims grouped by spec.tenantId, sorted by tenantId.
    QMap<QString, QMap<QString, Claim>> wantTenants;
    for (const Claim &c : m_claims)
        wantTenants[c.tenantId].insert(c.name, c);
    QStringList seenTenants;
    for (const QJsonValue &v : tenantsDoc.array()) {
        const QJsonObject t = v.toObject();
        const QString id = str(t, "tenantId");
        seenTenants.append(id);
        const QMap<QString, Claim> want = wantTenants.value(id);
        QStringList seenClaims;
        for (const QJsonValue &cv : t.value(QLatin1String("claims")).toArray()) {
            const QJsonObject c = cv.toObject();
            const QString name = str(c, "name");
            seenClaims.append(name);
            const auto w = want.constFind(name);
            if (w == want.cend())
                continue;
            const QString prefix = QStringLiteral("REST claim %1 ").arg(name);
            compareField(&out, prefix + QLatin1String("tenantId"), str(c, "tenantId"), w->tenantId);
            compareField(&out, prefix + QLatin1String("workloadRef"), str(c, "workloadRef"),
                         w->workloadRef);
            compareField(&out, prefix + QLatin1String("phase"), str(c, "phase"), w->phase);
            compareField(&out, prefix + QLatin1String("instanceId"), str(c, "instanceId"),
                         w->instanceId);
            compareField(&out, prefix + QLatin1String("source"), str(c, "source"), w->source);
        }
        QStringList sortedSeen = seenClaims;
        std::sort(sortedSeen.begin(), sortedSeen.end());
        if (sortedSeen != QStringList(want.keys()))
            out.append(QStringLiteral("REST tenant %1: claims [%2], truth [%3]")
                           .arg(id, seenClaims.join(','), QStringList(want.keys()).join(',')));
    }
    if (seenTenants != QStringList(wantTenants.keys()))
        out.append(QStringLiteral("REST tenants: [%1], truth [%2]")
                       .arg(seenTenants.join(','), QStringList(wantTenants.keys()).join(',')));
    return out;
}

} // namespace bh::soak
