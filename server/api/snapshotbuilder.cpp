#include "snapshotbuilder.h"

#include "cache/objectstore.h"
#include "events/derivation.h"
#include "protocol/event.h"

#include <QJsonArray>
#include <QTimer>

#include <map>
#include <vector>

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

qsizetype heapBytes(const QString &s)
{
    return s.capacity() * qsizetype(sizeof(QChar));
}

// A managed pod, encoded once per change.
struct PodEncoding final : cache::Encoding
{
    QString name;
    QString phase; // status.phase as is ("" counted as Unknown by stats())
    // InstanceInfo::encode() of the pod without a claim, minus the closing brace: the claim's
    // instanceTail and "}" complete it.
    QByteArray head;

    qsizetype memoryBytes() const override
    {
        return qsizetype(sizeof(*this)) + heapBytes(name) + heapBytes(phase) + head.capacity();
    }
};

// A claim, encoded once per change.
struct ClaimEncoding final : cache::Encoding
{
    QString tenantId; // spec.tenantId ("" = no tenant)
    QString instanceId; // status.instanceId
    QString phase; // ClaimInfo::phase (Pending when the claim has no status yet)
    QByteArray json; // ClaimInfo::encode()
    // What the claim adds to its instance's JSON: `,"lastActivity":…,"claimedAt":…` (each
    // only when set), in InstanceInfo::encode()'s key order.
    QByteArray instanceTail;

    bool isActive() const { return phase == QLatin1String("Active"); }
    qsizetype memoryBytes() const override
    {
        return qsizetype(sizeof(*this)) + heapBytes(tenantId) + heapBytes(instanceId)
            + heapBytes(phase) + json.capacity() + instanceTail.capacity();
    }
};

const PodEncoding *asPod(const cache::EncodingPtr &encoding)
{
    return static_cast<const PodEncoding *>(encoding.get());
}

const ClaimEncoding *asClaim(const cache::EncodingPtr &encoding)
{
    return static_cast<const ClaimEncoding *>(encoding.get());
}

void appendTime(QByteArray &out, const char *key, const QDateTime &time)
{
    if (!time.isValid())
        return;
    out += ",\"";
    out += key;
    out += "\":";
    protocol::appendJsonString(out, protocol::formatTimestamp(time));
}

// `{"tenantId":…,"claims":[…]}` as TenantInfo::encode() writes it.
void appendTenant(QByteArray &out, const QString &tenantId,
                  const std::vector<const ClaimEncoding *> &claims)
{
    out += "{\"tenantId\":";
    protocol::appendJsonString(out, tenantId);
    out += ",\"claims\":[";
    for (std::size_t i = 0; i < claims.size(); ++i) {
        if (i)
            out += ',';
        out += claims[i]->json;
    }
    out += "]}";
}

} // namespace

SnapshotBuilder::SnapshotBuilder(const cache::ObjectStore *pods, const cache::ObjectStore *claims)
    : m_pods(pods)
    , m_claims(claims)
{
    // Deferred to the next event-loop turn: the relist (and readiness) is not held up, and
    // a burst of relists warms once.
    const auto schedule = [this]() {
        if (m_warmPending)
            return;
        m_warmPending = true;
        QTimer::singleShot(0, &m_context, [this]() {
            m_warmPending = false;
            warm();
        });
    };
    QObject::connect(m_pods, &cache::ObjectStore::replaced, &m_context, schedule);
    QObject::connect(m_claims, &cache::ObjectStore::replaced, &m_context, schedule);
}

void SnapshotBuilder::warm() const
{
    m_pods->forEachEncoded(&encodePod, [](const cache::EncodingPtr &) {});
    m_claims->forEachEncoded(&encodeClaim, [](const cache::EncodingPtr &) {});
}

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
    m_pods->forEachEncoded(&encodePod, [&stats](const cache::EncodingPtr &encoding) {
        const PodEncoding *pod = asPod(encoding);
        if (!pod)
            return; // not a managed pod
        ++stats.instances.total;
        ++stats.instances.byPhase[pod->phase.isEmpty() ? QStringLiteral("Unknown") : pod->phase];
    });
    m_claims->forEachEncoded(&encodeClaim, [&stats](const cache::EncodingPtr &encoding) {
        ++stats.claims.total;
        ++stats.claims.byPhase[asClaim(encoding)->phase];
    });
    return stats;
}

cache::EncodingPtr SnapshotBuilder::encodePod(const QJsonObject &pod)
{
    if (!isManagedPod(pod))
        return nullptr;
    auto encoding = std::make_shared<PodEncoding>();
    encoding->name = Derivation::name(pod);
    encoding->phase = Derivation::podPhase(pod);
    encoding->head = toInstance(pod, nullptr).encode();
    Q_ASSERT(encoding->head.endsWith('}'));
    encoding->head.chop(1);
    encoding->head.squeeze();
    return encoding;
}

cache::EncodingPtr SnapshotBuilder::encodeClaim(const QJsonObject &claim)
{
    auto encoding = std::make_shared<ClaimEncoding>();
    const protocol::ClaimInfo info = toClaim(claim);
    encoding->tenantId = info.tenantId;
    encoding->instanceId = info.instanceId;
    encoding->phase = info.phase;
    encoding->json = info.encode();
    encoding->json.squeeze();
    // The claim's part of its instance: toInstance() reads exactly these two fields from it.
    const protocol::InstanceInfo part = toInstance(QJsonObject(), &claim);
    appendTime(encoding->instanceTail, "lastActivity", part.lastActivity);
    appendTime(encoding->instanceTail, "claimedAt", part.claimedAt);
    encoding->instanceTail.squeeze();
    return encoding;
}

namespace {

// status.instanceId -> claim, as claimsByInstance(): the first claim in name order, unless a
// later one is Active and it is not.
QHash<QString, const ClaimEncoding *> claimIndex(const cache::ObjectStore *claims)
{
    QHash<QString, const ClaimEncoding *> index;
    claims->forEachEncoded(&SnapshotBuilder::encodeClaim,
                           [&index](const cache::EncodingPtr &encoding) {
                               const ClaimEncoding *claim = asClaim(encoding);
                               if (claim->instanceId.isEmpty())
                                   return;
                               auto it = index.find(claim->instanceId);
                               if (it == index.end())
                                   index.insert(claim->instanceId, claim);
                               else if (!(*it)->isActive() && claim->isActive())
                                   *it = claim;
                           });
    return index;
}

void appendInstance(QByteArray &out, const PodEncoding *pod, const ClaimEncoding *claim)
{
    out += pod->head;
    if (claim)
        out += claim->instanceTail;
    out += '}';
}

} // namespace

template<typename Build>
QByteArray SnapshotBuilder::cached(CachedBody &cache, Build build) const
{
    const quint64 pods = m_pods->changeCount();
    const quint64 claims = m_claims->changeCount();
    if (!cache.valid || cache.podsVersion != pods || cache.claimsVersion != claims) {
        cache.body = build();
        cache.podsVersion = pods;
        cache.claimsVersion = claims;
        cache.valid = true;
    }
    return cache.body;
}

QByteArray SnapshotBuilder::instancesJson() const
{
    return cached(m_instancesBody, [this]() { return buildInstancesJson(); });
}

QByteArray SnapshotBuilder::tenantsJson() const
{
    return cached(m_tenantsBody, [this]() { return buildTenantsJson(); });
}

QByteArray SnapshotBuilder::buildInstancesJson() const
{
    // The index and the fragments point into encodings the stores own; nothing changes them
    // during this call.
    const QHash<QString, const ClaimEncoding *> index = claimIndex(m_claims);
    std::vector<std::pair<const PodEncoding *, const ClaimEncoding *>> items;
    items.reserve(std::size_t(m_pods->size()));
    qsizetype bytes = 2;
    m_pods->forEachEncoded(&encodePod, [&](const cache::EncodingPtr &encoding) {
        const PodEncoding *pod = asPod(encoding);
        if (!pod)
            return;
        const ClaimEncoding *claim = index.isEmpty() ? nullptr : index.value(pod->name, nullptr);
        bytes += pod->head.size() + 2 + (claim ? claim->instanceTail.size() : 0);
        items.emplace_back(pod, claim);
    });
    QByteArray out;
    out.reserve(bytes);
    out += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i)
            out += ',';
        appendInstance(out, items[i].first, items[i].second);
    }
    out += ']';
    return out;
}

std::optional<QByteArray> SnapshotBuilder::instanceJson(const QString &name) const
{
    const PodEncoding *pod = asPod(m_pods->encoded(name, &encodePod));
    if (!pod)
        return std::nullopt;
    // The claim claimIndex() would pick for this pod, without building the whole index.
    const ClaimEncoding *claim = nullptr;
    m_claims->forEachEncoded(&encodeClaim, [&](const cache::EncodingPtr &encoding) {
        const ClaimEncoding *candidate = asClaim(encoding);
        if (candidate->instanceId != name)
            return;
        if (!claim || (!claim->isActive() && candidate->isActive()))
            claim = candidate;
    });
    QByteArray out;
    appendInstance(out, pod, claim);
    return out;
}

QByteArray SnapshotBuilder::buildTenantsJson() const
{
    std::map<QString, std::vector<const ClaimEncoding *>> byTenant; // sorted by tenantId
    qsizetype bytes = 2;
    m_claims->forEachEncoded(&encodeClaim, [&](const cache::EncodingPtr &encoding) {
        const ClaimEncoding *claim = asClaim(encoding);
        if (claim->tenantId.isEmpty())
            return;
        byTenant[claim->tenantId].push_back(claim); // name order within a tenant
        bytes += claim->json.size() + 1;
    });
    QByteArray out;
    out.reserve(bytes + qsizetype(byTenant.size()) * 64);
    out += '[';
    bool first = true;
    for (const auto &[tenantId, claims] : byTenant) {
        if (!first)
            out += ',';
        first = false;
        appendTenant(out, tenantId, claims);
    }
    out += ']';
    return out;
}

std::optional<QByteArray> SnapshotBuilder::tenantJson(const QString &tenantId) const
{
    if (tenantId.isEmpty())
        return std::nullopt;
    std::vector<const ClaimEncoding *> claims;
    m_claims->forEachEncoded(&encodeClaim, [&](const cache::EncodingPtr &encoding) {
        const ClaimEncoding *claim = asClaim(encoding);
        if (claim->tenantId == tenantId)
            claims.push_back(claim);
    });
    if (claims.empty())
        return std::nullopt;
    QByteArray out;
    appendTenant(out, tenantId, claims);
    return out;
}

} // namespace bh::api
