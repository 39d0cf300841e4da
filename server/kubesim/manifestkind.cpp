#include "manifestkind.h"

#include <QJsonArray>
#include <QJsonObject>

namespace bh::sim {

QString ManifestKind::apiVersion() const
{
    return group.isEmpty() ? version : group + QLatin1Char('/') + version;
}

QString ManifestKind::qualifiedName() const
{
    return group.isEmpty() ? plural : plural + QLatin1Char('.') + group;
}

static QJsonObject details(const ManifestKind &k, const QString &name)
{
    QJsonObject d { { "name", name }, { "kind", k.plural } };
    if (!k.group.isEmpty())
        d.insert(QStringLiteral("group"), k.group);
    return d;
}

KubeStatus ManifestKind::notFound(const QString &name) const
{
    return { 404, QStringLiteral("NotFound"),
             QStringLiteral("%1 \"%2\" not found").arg(qualifiedName(), name),
             details(*this, name) };
}

KubeStatus ManifestKind::alreadyExists(const QString &name) const
{
    return { 409, QStringLiteral("AlreadyExists"),
             QStringLiteral("%1 \"%2\" already exists").arg(qualifiedName(), name),
             details(*this, name) };
}

KubeStatus ManifestKind::conflict(const QString &name) const
{
    return { 409, QStringLiteral("Conflict"),
             QStringLiteral("Operation cannot be fulfilled on %1 \"%2\": the object has been "
                            "modified; please apply your changes to the latest version and try "
                            "again")
                 .arg(qualifiedName(), name),
             details(*this, name) };
}

KubeStatus ManifestKind::invalid(const QString &name, const QList<KubeStatus::Cause> &causes) const
{
    QStringList parts;
    QJsonArray causeArray;
    for (const KubeStatus::Cause &c : causes) {
        parts.append(c.field + QStringLiteral(": ") + c.message);
        causeArray.append(
            QJsonObject { { "reason", c.reason }, { "message", c.message }, { "field", c.field } });
    }
    QJsonObject d = details(*this, name);
    d.insert(QStringLiteral("kind"), kind);
    d.insert(QStringLiteral("causes"), causeArray);
    return { 422, QStringLiteral("Invalid"),
             QStringLiteral("%1 \"%2\" is invalid: %3")
                 .arg(kind, name, parts.join(QStringLiteral(", "))),
             d };
}

const QList<ManifestKind> &ManifestKind::all()
{
    static const QList<ManifestKind> kinds {
        { QStringLiteral("serviceaccounts"),
          QStringLiteral("serviceaccount"),
          QStringLiteral("ServiceAccount"),
          QStringLiteral("ServiceAccountList"),
          QString(),
          QStringLiteral("v1"),
          { QStringLiteral("sa") } },
        { QStringLiteral("services"),
          QStringLiteral("service"),
          QStringLiteral("Service"),
          QStringLiteral("ServiceList"),
          QString(),
          QStringLiteral("v1"),
          { QStringLiteral("svc") } },
        { QStringLiteral("deployments"),
          QStringLiteral("deployment"),
          QStringLiteral("Deployment"),
          QStringLiteral("DeploymentList"),
          QStringLiteral("apps"),
          QStringLiteral("v1"),
          { QStringLiteral("deploy") } },
        { QStringLiteral("roles"),
          QStringLiteral("role"),
          QStringLiteral("Role"),
          QStringLiteral("RoleList"),
          QStringLiteral("rbac.authorization.k8s.io"),
          QStringLiteral("v1"),
          {} },
        { QStringLiteral("rolebindings"),
          QStringLiteral("rolebinding"),
          QStringLiteral("RoleBinding"),
          QStringLiteral("RoleBindingList"),
          QStringLiteral("rbac.authorization.k8s.io"),
          QStringLiteral("v1"),
          {} },
    };
    return kinds;
}

const ManifestKind *ManifestKind::find(const QString &group, const QString &version,
                                       const QString &plural)
{
    for (const ManifestKind &k : all()) {
        if (k.group == group && k.version == version && k.plural == plural)
            return &k;
    }
    return nullptr;
}

QStringList ManifestKind::groups()
{
    QStringList out;
    for (const ManifestKind &k : all()) {
        if (!out.contains(k.group))
            out.append(k.group);
    }
    return out;
}

} // namespace bh::sim
