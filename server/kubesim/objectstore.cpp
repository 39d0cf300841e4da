#include "objectstore.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QUuid>

namespace bh::sim {

Q_LOGGING_CATEGORY(lcSim, "bh.sim")

namespace {

// Length of a DNS-1123 subdomain (object names).
constexpr int NameMaxLength = 253;
// Random suffix length appended to metadata.generateName (as the apiserver does).
constexpr int GenerateNameSuffixLength = 5;

QString key(const QString &ns, const QString &name)
{
    return ns + QLatin1Char('/') + name;
}

QJsonValue applyMergePatch(const QJsonValue &target, const QJsonValue &patch)
{
    if (!patch.isObject())
        return patch;
    QJsonObject result = target.isObject() ? target.toObject() : QJsonObject();
    const QJsonObject p = patch.toObject();
    for (auto it = p.begin(); it != p.end(); ++it) {
        if (it.value().isNull())
            result.remove(it.key());
        else
            result.insert(it.key(), applyMergePatch(result.value(it.key()), it.value()));
    }
    return result;
}

QString nowTimestamp()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
}

QJsonObject meta(const QJsonObject &o)
{
    return o.value(QLatin1String("metadata")).toObject();
}

} // namespace

ObjectStore::ObjectStore(int historyLimit, std::chrono::milliseconds historyMaxAge, QObject *parent)
    : QObject(parent)
    , m_history(historyLimit, historyMaxAge)
{ }

ObjectStore::Snapshot &ObjectStore::mutableMap(Resource resource)
{
    return resource == Resource::Pods ? m_pods : m_claims;
}

const ObjectStore::Snapshot &ObjectStore::current(Resource resource) const
{
    return resource == Resource::Pods ? m_pods : m_claims;
}

std::optional<KubeStatus> ObjectStore::validate(const ResourceType &type,
                                                const QJsonObject &object) const
{
    static const QRegularExpression nameRe(
        QStringLiteral("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"));
    const QString name = meta(object).value(QLatin1String("name")).toString();
    QList<KubeStatus::Cause> causes;
    if (name.isEmpty()) {
        causes.append({ QStringLiteral("metadata.name"), QStringLiteral("FieldValueRequired"),
                        QStringLiteral("Required value: name or generateName is required") });
    } else if (name.size() > NameMaxLength || !nameRe.match(name).hasMatch()) {
        causes.append(
            { QStringLiteral("metadata.name"), QStringLiteral("FieldValueInvalid"),
              QStringLiteral("Invalid value: \"%1\": a lowercase RFC 1123 subdomain must consist "
                             "of lower case alphanumeric characters, '-' or '.', and must start "
                             "and end with an alphanumeric character (e.g. 'example.com', regex "
                             "used for validation is "
                             "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
                  .arg(name) });
    }
    const QJsonObject labels = meta(object).value(QLatin1String("labels")).toObject();
    for (auto it = labels.begin(); it != labels.end(); ++it) {
        if (!it.value().isString())
            causes.append(
                { QStringLiteral("metadata.labels"), QStringLiteral("FieldValueInvalid"),
                  QStringLiteral("Invalid value: label %1 must be a string").arg(it.key()) });
    }
    if (type.resource == Resource::Pods) {
        const QJsonArray containers = object.value(QLatin1String("spec"))
                                          .toObject()
                                          .value(QLatin1String("containers"))
                                          .toArray();
        if (containers.isEmpty())
            causes.append({ QStringLiteral("spec.containers"), QStringLiteral("FieldValueRequired"),
                            QStringLiteral("Required value") });
        for (int i = 0; i < containers.size(); ++i) {
            if (containers.at(i).toObject().value(QLatin1String("name")).toString().isEmpty())
                causes.append({ QStringLiteral("spec.containers[%1].name").arg(i),
                                QStringLiteral("FieldValueRequired"),
                                QStringLiteral("Required value") });
        }
    }
    if (causes.isEmpty())
        return std::nullopt;
    return KubeStatus::invalidObject(type, name, causes);
}

ObjectStore::Result ObjectStore::commit(Resource resource, StoreEvent::Type type,
                                        QJsonObject object, const ObjectPtr &previous)
{
    const ResourceType &rt = ResourceType::of(resource);
    const quint64 rv = ++m_resourceVersion;
    QJsonObject m = meta(object);
    m.insert(QStringLiteral("resourceVersion"), QString::number(rv));
    object.insert(QStringLiteral("metadata"), m);
    object.insert(QStringLiteral("kind"), rt.kind);
    object.insert(QStringLiteral("apiVersion"), rt.apiVersion);
    auto stored = std::make_shared<const StoredObject>(std::move(object));
    const QString k = key(stored->ns(), stored->name());
    Snapshot &map = mutableMap(resource);
    if (type == StoreEvent::Type::Deleted)
        map.remove(k);
    else
        map.insert(k, stored);
    auto event =
        std::make_shared<const StoreEvent>(resource, type, rv, stored, previous, m_history.nowMs());
    m_history.append(event);
    Q_EMIT changed(event);
    return Result { stored, std::nullopt };
}

ObjectStore::Result ObjectStore::create(Resource resource, const QString &ns, QJsonObject object)
{
    const ResourceType &rt = ResourceType::of(resource);
    QJsonObject m = meta(object);
    const QString bodyNs = m.value(QLatin1String("namespace")).toString();
    if (!bodyNs.isEmpty() && bodyNs != ns)
        return { nullptr,
                 KubeStatus::badRequest(QStringLiteral("the namespace of the provided object does "
                                                       "not match the namespace sent on the "
                                                       "request")) };
    if (m.value(QLatin1String("name")).toString().isEmpty()) {
        const QString gen = m.value(QLatin1String("generateName")).toString();
        if (!gen.isEmpty()) {
            static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
            QString suffix;
            for (int i = 0; i < GenerateNameSuffixLength; ++i)
                suffix.append(QLatin1Char(
                    alphabet[QRandomGenerator::global()->bounded(int(sizeof(alphabet) - 1))]));
            m.insert(QStringLiteral("name"), gen + suffix);
        }
    }
    m.insert(QStringLiteral("namespace"), ns);
    m.insert(QStringLiteral("uid"), QUuid::createUuid().toString(QUuid::WithoutBraces));
    m.insert(QStringLiteral("creationTimestamp"), nowTimestamp());
    m.insert(QStringLiteral("generation"), 1);
    m.remove(QStringLiteral("resourceVersion"));
    object.insert(QStringLiteral("metadata"), m);
    if (resource == Resource::Pods
        && object.value(QLatin1String("status"))
               .toObject()
               .value(QLatin1String("phase"))
               .isUndefined()) {
        QJsonObject status = object.value(QLatin1String("status")).toObject();
        status.insert(QStringLiteral("phase"), QStringLiteral("Pending"));
        object.insert(QStringLiteral("status"), status);
    }
    if (auto err = validate(rt, object))
        return { nullptr, err };
    const QString name = m.value(QLatin1String("name")).toString();
    if (current(resource).contains(key(ns, name)))
        return { nullptr, KubeStatus::alreadyExists(rt, name) };
    return commit(resource, StoreEvent::Type::Added, std::move(object), nullptr);
}

static QJsonObject mergeScoped(const QJsonObject &old, QJsonObject updated,
                               ObjectStore::Scope scope)
{
    // Server-owned metadata is kept from the stored object.
    const QJsonObject oldMeta = meta(old);
    QJsonObject result;
    if (scope == ObjectStore::Scope::Status) {
        result = old;
        if (updated.contains(QLatin1String("status")))
            result.insert(QStringLiteral("status"), updated.value(QLatin1String("status")));
        else
            result.remove(QStringLiteral("status"));
    } else {
        result = std::move(updated);
        if (scope == ObjectStore::Scope::Main) {
            if (old.contains(QLatin1String("status")))
                result.insert(QStringLiteral("status"), old.value(QLatin1String("status")));
            else
                result.remove(QStringLiteral("status"));
        }
    }
    QJsonObject m = meta(result);
    for (const char *k : { "name", "namespace", "uid", "creationTimestamp" })
        m.insert(QLatin1String(k), oldMeta.value(QLatin1String(k)));
    qint64 generation = oldMeta.value(QLatin1String("generation")).toInteger(1);
    if (result.value(QLatin1String("spec")) != old.value(QLatin1String("spec")))
        ++generation;
    m.insert(QStringLiteral("generation"), generation);
    result.insert(QStringLiteral("metadata"), m);
    return result;
}

ObjectStore::Result ObjectStore::replace(Resource resource, const QString &ns, const QString &name,
                                         QJsonObject object, Scope scope)
{
    const ResourceType &rt = ResourceType::of(resource);
    const QJsonObject m = meta(object);
    const QString bodyName = m.value(QLatin1String("name")).toString();
    if (!bodyName.isEmpty() && bodyName != name)
        return { nullptr,
                 KubeStatus::badRequest(
                     QStringLiteral("the name of the object (%1) does not match the "
                                    "name on the URL (%2)")
                         .arg(bodyName, name)) };
    const ObjectPtr old = get(resource, ns, name);
    if (!old)
        return { nullptr, KubeStatus::notFound(rt, name) };
    const QString bodyRv = m.value(QLatin1String("resourceVersion")).toString();
    if (!bodyRv.isEmpty() && bodyRv.toULongLong() != old->resourceVersion())
        return { nullptr, KubeStatus::conflict(rt, name) };
    QJsonObject merged = mergeScoped(old->json(), std::move(object), scope);
    if (auto err = validate(rt, merged))
        return { nullptr, err };
    return commit(resource, StoreEvent::Type::Modified, std::move(merged), old);
}

ObjectStore::Result ObjectStore::mergePatch(Resource resource, const QString &ns,
                                            const QString &name, const QJsonObject &patch,
                                            Scope scope)
{
    const ResourceType &rt = ResourceType::of(resource);
    const ObjectPtr old = get(resource, ns, name);
    if (!old)
        return { nullptr, KubeStatus::notFound(rt, name) };
    const QJsonValue patchRv = meta(patch).value(QLatin1String("resourceVersion"));
    if (patchRv.isString() && patchRv.toString().toULongLong() != old->resourceVersion())
        return { nullptr, KubeStatus::conflict(rt, name) };
    QJsonObject patched = applyMergePatch(old->json(), patch).toObject();
    QJsonObject merged = mergeScoped(old->json(), std::move(patched), scope);
    if (auto err = validate(rt, merged))
        return { nullptr, err };
    return commit(resource, StoreEvent::Type::Modified, std::move(merged), old);
}

ObjectStore::Result ObjectStore::remove(Resource resource, const QString &ns, const QString &name)
{
    const ResourceType &rt = ResourceType::of(resource);
    const ObjectPtr old = get(resource, ns, name);
    if (!old)
        return { nullptr, KubeStatus::notFound(rt, name) };
    return commit(resource, StoreEvent::Type::Deleted, old->json(), old);
}

ObjectPtr ObjectStore::get(Resource resource, const QString &ns, const QString &name) const
{
    return current(resource).value(key(ns, name));
}

QList<ObjectPtr> ObjectStore::list(Resource resource, const QString &ns) const
{
    const Snapshot &map = current(resource);
    QList<ObjectPtr> out;
    if (ns.isEmpty()) {
        out.reserve(map.size());
        for (const auto &o : map)
            out.append(o);
        return out;
    }
    const QString prefix = ns + QLatin1Char('/');
    for (auto it = map.lowerBound(prefix); it != map.end() && it.key().startsWith(prefix); ++it)
        out.append(it.value());
    return out;
}

std::optional<ObjectStore::Snapshot> ObjectStore::snapshotAt(Resource resource, quint64 rv,
                                                             KubeStatus *error) const
{
    if (rv > m_resourceVersion) {
        if (error)
            *error = KubeStatus::tooLargeResourceVersion(rv, m_resourceVersion);
        return std::nullopt;
    }
    if (m_history.isTooOld(rv)) {
        if (error)
            *error = KubeStatus::tooOldResourceVersion(rv, m_history.oldest() - 1);
        return std::nullopt;
    }
    Snapshot snap = current(resource);
    const QList<StoreEventPtr> after = m_history.eventsAfter(rv);
    for (auto it = after.crbegin(); it != after.crend(); ++it) {
        const StoreEvent &e = **it;
        if (e.resource() != resource)
            continue;
        const QString k = key(e.object()->ns(), e.object()->name());
        if (e.type() == StoreEvent::Type::Added)
            snap.remove(k);
        else
            snap.insert(k, e.previous());
    }
    return snap;
}

void ObjectStore::compact()
{
    m_history.compact(m_resourceVersion);
    qCInfo(lcSim) << "history compacted at resourceVersion" << m_resourceVersion;
}

QJsonObject ObjectStore::saveState() const
{
    QJsonObject state { { "resourceVersion", QString::number(m_resourceVersion) } };
    for (Resource r : { Resource::Pods, Resource::Claims }) {
        QJsonArray items;
        for (const ObjectPtr &o : current(r))
            items.append(o->json());
        state.insert(ResourceType::of(r).plural, items);
    }
    return state;
}

bool ObjectStore::restoreState(const QJsonObject &state, QString *error)
{
    const auto fail = [error](const QString &msg) {
        if (error)
            *error = msg;
        return false;
    };
    bool ok = false;
    const quint64 rv = state.value(QLatin1String("resourceVersion")).toString().toULongLong(&ok);
    if (!ok || rv == 0)
        return fail(QStringLiteral("state: \"resourceVersion\" must be a positive number string"));
    Snapshot maps[2];
    int index = 0;
    for (Resource r : { Resource::Pods, Resource::Claims }) {
        const ResourceType &rt = ResourceType::of(r);
        const QJsonValue items = state.value(rt.plural);
        if (!items.isArray())
            return fail(QStringLiteral("state: \"%1\" must be an array").arg(rt.plural));
        for (const QJsonValue &item : items.toArray()) {
            if (!item.isObject())
                return fail(
                    QStringLiteral("state: an item of \"%1\" is not an object").arg(rt.plural));
            auto stored = std::make_shared<const StoredObject>(item.toObject());
            if (stored->name().isEmpty() || stored->ns().isEmpty())
                return fail(QStringLiteral("state: an item of \"%1\" has no metadata.name or "
                                           "metadata.namespace")
                                .arg(rt.plural));
            if (stored->resourceVersion() == 0 || stored->resourceVersion() > rv)
                return fail(QStringLiteral("state: %1 %2/%3 has resourceVersion %4, not in 1..%5")
                                .arg(rt.plural, stored->ns(), stored->name())
                                .arg(stored->resourceVersion())
                                .arg(rv));
            const QString k = key(stored->ns(), stored->name());
            if (maps[index].contains(k))
                return fail(QStringLiteral("state: %1 %2 appears twice").arg(rt.plural, k));
            maps[index].insert(k, std::move(stored));
        }
        ++index;
    }
    m_pods = std::move(maps[0]);
    m_claims = std::move(maps[1]);
    m_resourceVersion = rv;
    m_history.compact(rv);
    qCInfo(lcSim) << "state restored at resourceVersion" << rv << ":" << m_pods.size() << "pods,"
                  << m_claims.size() << "claims";
    return true;
}

} // namespace bh::sim
