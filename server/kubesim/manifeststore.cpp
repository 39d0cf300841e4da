#include "manifeststore.h"

#include "strategicmergepatch.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>
#include <QUuid>

namespace bh::sim {

namespace {

// Name limits of apimachinery validation (DNS-1123 subdomain, DNS-1035 label).
constexpr int MaxSubdomainLength = 253;
constexpr int MaxLabelLength = 63;
constexpr int MaxPort = 65535;

QJsonObject meta(const QJsonObject &o)
{
    return o.value(QLatin1String("metadata")).toObject();
}

QString key(const QString &ns, const QString &name)
{
    return ns + QLatin1Char('/') + name;
}

using Causes = QList<KubeStatus::Cause>;

void required(Causes *causes, const QString &field)
{
    causes->append(
        { field, QStringLiteral("FieldValueRequired"), QStringLiteral("Required value") });
}

void invalidValue(Causes *causes, const QString &field, const QString &message)
{
    causes->append({ field, QStringLiteral("FieldValueInvalid"), message });
}

void validateName(const ManifestKind &kind, const QString &name, Causes *causes)
{
    static const QRegularExpression subdomain(
        QStringLiteral("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"));
    static const QRegularExpression label(QStringLiteral("^[a-z]([-a-z0-9]*[a-z0-9])?$"));
    const QString field = QStringLiteral("metadata.name");
    if (name.isEmpty())
        return required(causes, field);
    if (kind.group == QLatin1String("rbac.authorization.k8s.io")) {
        // RBAC names are path segments.
        if (name == QLatin1String(".") || name == QLatin1String("..")
            || name.contains(QLatin1Char('/')) || name.contains(QLatin1Char('%')))
            invalidValue(
                causes, field,
                QStringLiteral("Invalid value: \"%1\": may not contain '/' or '%'").arg(name));
        return;
    }
    if (kind.plural == QLatin1String("services")) {
        if (name.size() > MaxLabelLength || !label.match(name).hasMatch())
            invalidValue(causes, field,
                         QStringLiteral("Invalid value: \"%1\": a DNS-1035 label must consist of "
                                        "lower case alphanumeric characters or '-', start with "
                                        "an alphabetic character, and end with an alphanumeric "
                                        "character")
                             .arg(name));
        return;
    }
    if (name.size() > MaxSubdomainLength || !subdomain.match(name).hasMatch())
        invalidValue(causes, field,
                     QStringLiteral("Invalid value: \"%1\": a lowercase RFC 1123 subdomain must "
                                    "consist of lower case alphanumeric characters, '-' or '.', "
                                    "and must start and end with an alphanumeric character")
                         .arg(name));
}

void validateDeployment(const QJsonObject &o, Causes *causes)
{
    const QJsonObject spec = o.value(QLatin1String("spec")).toObject();
    const QJsonObject matchLabels = spec.value(QLatin1String("selector"))
                                        .toObject()
                                        .value(QLatin1String("matchLabels"))
                                        .toObject();
    const QJsonArray matchExpressions = spec.value(QLatin1String("selector"))
                                            .toObject()
                                            .value(QLatin1String("matchExpressions"))
                                            .toArray();
    if (matchLabels.isEmpty() && matchExpressions.isEmpty())
        required(causes, QStringLiteral("spec.selector"));
    const QJsonObject tmpl = spec.value(QLatin1String("template")).toObject();
    const QJsonObject labels = meta(tmpl).value(QLatin1String("labels")).toObject();
    for (auto it = matchLabels.begin(); it != matchLabels.end(); ++it) {
        if (labels.value(it.key()) != it.value()) {
            invalidValue(
                causes, QStringLiteral("spec.template.metadata.labels"),
                QStringLiteral("Invalid value: `selector` does not match template `labels`"));
            break;
        }
    }
    if (spec.value(QLatin1String("replicas")).toInt(0) < 0)
        invalidValue(causes, QStringLiteral("spec.replicas"),
                     QStringLiteral("Invalid value: must be greater than or equal to 0"));
    const QJsonArray containers =
        tmpl.value(QLatin1String("spec")).toObject().value(QLatin1String("containers")).toArray();
    if (containers.isEmpty())
        required(causes, QStringLiteral("spec.template.spec.containers"));
    for (int i = 0; i < containers.size(); ++i) {
        const QJsonObject c = containers.at(i).toObject();
        const QString at = QStringLiteral("spec.template.spec.containers[%1].").arg(i);
        if (c.value(QLatin1String("name")).toString().isEmpty())
            required(causes, at + QStringLiteral("name"));
        if (c.value(QLatin1String("image")).toString().isEmpty())
            required(causes, at + QStringLiteral("image"));
    }
}

void validateService(const QJsonObject &o, Causes *causes)
{
    const QJsonArray ports =
        o.value(QLatin1String("spec")).toObject().value(QLatin1String("ports")).toArray();
    if (ports.isEmpty())
        required(causes, QStringLiteral("spec.ports"));
    for (int i = 0; i < ports.size(); ++i) {
        const int port = ports.at(i).toObject().value(QLatin1String("port")).toInt(0);
        if (port < 1 || port > MaxPort)
            invalidValue(causes, QStringLiteral("spec.ports[%1].port").arg(i),
                         QStringLiteral("Invalid value: %1: must be between 1 and 65535, inclusive")
                             .arg(port));
    }
}

void validateRole(const QJsonObject &o, Causes *causes)
{
    const QJsonArray rules = o.value(QLatin1String("rules")).toArray();
    for (int i = 0; i < rules.size(); ++i) {
        const QJsonObject r = rules.at(i).toObject();
        if (r.value(QLatin1String("verbs")).toArray().isEmpty())
            required(causes, QStringLiteral("rules[%1].verbs").arg(i));
        if (r.value(QLatin1String("nonResourceURLs")).toArray().size() > 0)
            invalidValue(causes, QStringLiteral("rules[%1].nonResourceURLs").arg(i),
                         QStringLiteral("Invalid value: namespaced rules cannot apply to "
                                        "non-resource URLs"));
        if (r.value(QLatin1String("apiGroups")).toArray().isEmpty())
            required(causes, QStringLiteral("rules[%1].apiGroups").arg(i));
    }
}

void validateRoleBinding(const QJsonObject &o, Causes *causes)
{
    const QJsonObject ref = o.value(QLatin1String("roleRef")).toObject();
    if (ref.value(QLatin1String("apiGroup")).toString()
        != QLatin1String("rbac.authorization.k8s.io"))
        invalidValue(causes, QStringLiteral("roleRef.apiGroup"),
                     QStringLiteral("Unsupported value: \"%1\": supported values: "
                                    "\"rbac.authorization.k8s.io\"")
                         .arg(ref.value(QLatin1String("apiGroup")).toString()));
    const QString kind = ref.value(QLatin1String("kind")).toString();
    if (kind != QLatin1String("Role") && kind != QLatin1String("ClusterRole"))
        invalidValue(causes, QStringLiteral("roleRef.kind"),
                     QStringLiteral("Unsupported value: \"%1\": supported values: \"Role\", "
                                    "\"ClusterRole\"")
                         .arg(kind));
    if (ref.value(QLatin1String("name")).toString().isEmpty())
        required(causes, QStringLiteral("roleRef.name"));
    const QJsonArray subjects = o.value(QLatin1String("subjects")).toArray();
    for (int i = 0; i < subjects.size(); ++i) {
        const QJsonObject s = subjects.at(i).toObject();
        if (s.value(QLatin1String("name")).toString().isEmpty())
            required(causes, QStringLiteral("subjects[%1].name").arg(i));
        const QString sk = s.value(QLatin1String("kind")).toString();
        if (sk != QLatin1String("ServiceAccount") && sk != QLatin1String("User")
            && sk != QLatin1String("Group"))
            invalidValue(causes, QStringLiteral("subjects[%1].kind").arg(i),
                         QStringLiteral("Unsupported value: \"%1\": supported values: "
                                        "\"ServiceAccount\", \"User\", \"Group\"")
                             .arg(sk));
    }
}

// RFC 7386 JSON merge patch.
QJsonObject mergePatchObject(QJsonObject target, const QJsonObject &patch)
{
    for (auto it = patch.begin(); it != patch.end(); ++it) {
        if (it.value().isNull())
            target.remove(it.key());
        else if (it.value().isObject())
            target.insert(
                it.key(),
                mergePatchObject(target.value(it.key()).toObject(), it.value().toObject()));
        else
            target.insert(it.key(), it.value());
    }
    return target;
}

} // namespace

ManifestStore::ManifestStore(ObjectStore *versions, QObject *parent)
    : QObject(parent)
    , m_versions(versions)
{ }

std::optional<KubeStatus> ManifestStore::validate(const ManifestKind &kind,
                                                  const QJsonObject &object) const
{
    Causes causes;
    const QString name = meta(object).value(QLatin1String("name")).toString();
    validateName(kind, name, &causes);
    if (kind.plural == QLatin1String("deployments"))
        validateDeployment(object, &causes);
    else if (kind.plural == QLatin1String("services"))
        validateService(object, &causes);
    else if (kind.plural == QLatin1String("roles"))
        validateRole(object, &causes);
    else if (kind.plural == QLatin1String("rolebindings"))
        validateRoleBinding(object, &causes);
    if (causes.isEmpty())
        return std::nullopt;
    return kind.invalid(name, causes);
}

ManifestStore::Result ManifestStore::commit(const ManifestKind &kind, QJsonObject object,
                                            bool remove, bool dryRun)
{
    QJsonObject m = meta(object);
    if (!dryRun && !remove)
        m.insert(QStringLiteral("resourceVersion"),
                 QString::number(m_versions->allocateResourceVersion()));
    object.insert(QStringLiteral("metadata"), m);
    object.insert(QStringLiteral("kind"), kind.kind);
    object.insert(QStringLiteral("apiVersion"), kind.apiVersion());
    auto stored = std::make_shared<const StoredObject>(std::move(object));
    if (!dryRun) {
        QMap<QString, ObjectPtr> &map = m_objects[kind.plural];
        if (remove)
            map.remove(key(stored->ns(), stored->name()));
        else
            map.insert(key(stored->ns(), stored->name()), stored);
    }
    return { stored, std::nullopt };
}

ManifestStore::Result ManifestStore::create(const ManifestKind &kind, const QString &ns,
                                            QJsonObject object, bool dryRun)
{
    const QString bodyVersion = object.value(QLatin1String("apiVersion")).toString();
    const QString bodyKind = object.value(QLatin1String("kind")).toString();
    if ((!bodyVersion.isEmpty() && bodyVersion != kind.apiVersion())
        || (!bodyKind.isEmpty() && bodyKind != kind.kind))
        return { nullptr,
                 KubeStatus::badRequest(
                     QStringLiteral("the API version in the data (%1) or the "
                                    "kind (%2) does not match the expected "
                                    "%3 %4")
                         .arg(bodyVersion, bodyKind, kind.apiVersion(), kind.kind)) };
    QJsonObject m = meta(object);
    const QString bodyNs = m.value(QLatin1String("namespace")).toString();
    if (!bodyNs.isEmpty() && bodyNs != ns)
        return { nullptr,
                 KubeStatus::badRequest(QStringLiteral("the namespace of the provided object does "
                                                       "not match the namespace sent on the "
                                                       "request")) };
    m.insert(QStringLiteral("namespace"), ns);
    m.insert(QStringLiteral("uid"), QUuid::createUuid().toString(QUuid::WithoutBraces));
    m.insert(QStringLiteral("creationTimestamp"),
             QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    m.remove(QStringLiteral("resourceVersion"));
    m.remove(QStringLiteral("generation"));
    if (kind.plural == QLatin1String("deployments"))
        m.insert(QStringLiteral("generation"), 1);
    object.insert(QStringLiteral("metadata"), m);
    object.remove(QStringLiteral("status"));
    if (auto err = validate(kind, object))
        return { nullptr, err };
    const QString name = m.value(QLatin1String("name")).toString();
    if (m_objects.value(kind.plural).contains(key(ns, name)))
        return { nullptr, kind.alreadyExists(name) };
    return commit(kind, std::move(object), false, dryRun);
}

ManifestStore::Result ManifestStore::update(const ManifestKind &kind, const ObjectPtr &old,
                                            QJsonObject updated, bool dryRun)
{
    const QJsonObject oldMeta = meta(old->json());
    QJsonObject m = meta(updated);
    // Server-owned metadata is kept from the stored object.
    for (const char *k : { "name", "namespace", "uid", "creationTimestamp" })
        m.insert(QLatin1String(k), oldMeta.value(QLatin1String(k)));
    m.remove(QStringLiteral("generation"));
    if (kind.plural == QLatin1String("deployments")) {
        qint64 generation = oldMeta.value(QLatin1String("generation")).toInteger(1);
        if (updated.value(QLatin1String("spec")) != old->json().value(QLatin1String("spec")))
            ++generation;
        m.insert(QStringLiteral("generation"), generation);
    }
    updated.insert(QStringLiteral("metadata"), m);
    if (kind.plural == QLatin1String("rolebindings")
        && updated.value(QLatin1String("roleRef")) != old->json().value(QLatin1String("roleRef")))
        return { nullptr,
                 kind.invalid(old->name(),
                              { { QStringLiteral("roleRef"), QStringLiteral("FieldValueInvalid"),
                                  QStringLiteral("Invalid value: cannot change roleRef") } }) };
    if (auto err = validate(kind, updated))
        return { nullptr, err };
    return commit(kind, std::move(updated), false, dryRun);
}

ManifestStore::Result ManifestStore::replace(const ManifestKind &kind, const QString &ns,
                                             const QString &name, QJsonObject object, bool dryRun)
{
    const QJsonObject m = meta(object);
    const QString bodyName = m.value(QLatin1String("name")).toString();
    if (!bodyName.isEmpty() && bodyName != name)
        return { nullptr,
                 KubeStatus::badRequest(QStringLiteral("the name of the object (%1) does not "
                                                       "match the name on the URL (%2)")
                                            .arg(bodyName, name)) };
    const ObjectPtr old = get(kind, ns, name);
    if (!old)
        return { nullptr, kind.notFound(name) };
    const QString bodyRv = m.value(QLatin1String("resourceVersion")).toString();
    if (!bodyRv.isEmpty() && bodyRv.toULongLong() != old->resourceVersion())
        return { nullptr, kind.conflict(name) };
    return update(kind, old, std::move(object), dryRun);
}

ManifestStore::Result ManifestStore::patch(const ManifestKind &kind, const QString &ns,
                                           const QString &name, const QJsonObject &patch,
                                           PatchType type, bool dryRun)
{
    const ObjectPtr old = get(kind, ns, name);
    if (!old)
        return { nullptr, kind.notFound(name) };
    const QJsonValue patchRv = meta(patch).value(QLatin1String("resourceVersion"));
    if (patchRv.isString() && patchRv.toString().toULongLong() != old->resourceVersion())
        return { nullptr, kind.conflict(name) };
    QJsonObject patched;
    if (type == PatchType::StrategicMerge) {
        const StrategicMergePatch::Result r = StrategicMergePatch::apply(old->json(), patch);
        if (!r.ok())
            return { nullptr, KubeStatus::badRequest(*r.error) };
        patched = r.object;
    } else {
        patched = mergePatchObject(old->json(), patch);
    }
    return update(kind, old, std::move(patched), dryRun);
}

ManifestStore::Result ManifestStore::remove(const ManifestKind &kind, const QString &ns,
                                            const QString &name, bool dryRun)
{
    const ObjectPtr old = get(kind, ns, name);
    if (!old)
        return { nullptr, kind.notFound(name) };
    return commit(kind, old->json(), true, dryRun);
}

ObjectPtr ManifestStore::get(const ManifestKind &kind, const QString &ns, const QString &name) const
{
    return m_objects.value(kind.plural).value(key(ns, name));
}

QList<ObjectPtr> ManifestStore::list(const ManifestKind &kind, const QString &ns) const
{
    QList<ObjectPtr> out;
    const QMap<QString, ObjectPtr> map = m_objects.value(kind.plural);
    for (const ObjectPtr &o : map) {
        if (ns.isEmpty() || o->ns() == ns)
            out.append(o);
    }
    return out;
}

int ManifestStore::count(const ManifestKind &kind) const
{
    return int(m_objects.value(kind.plural).size());
}

} // namespace bh::sim
