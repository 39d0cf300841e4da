#pragma once

#include "kubestatus.h"
#include "manifestkind.h"
#include "objectstore.h"
#include "storedobject.h"

#include <QJsonObject>
#include <QMap>
#include <QObject>

#include <optional>

namespace bh::sim {

// The typed store for the kinds `kubectl apply` creates from deploy/ (ManifestKind::all()):
// objects keyed "namespace/name" per kind; resourceVersions from the ObjectStore's one global
// counter; uid / creationTimestamp set on create; generation on Deployments (bumped when the
// spec changes). Semantics as the apiserver: 409 AlreadyExists / Conflict (stale
// metadata.resourceVersion), 404, 422 Invalid, 400 on a namespace/name/kind mismatch.
// Every write can be a dry run (?dryRun=All): validated and answered, not stored.
class ManifestStore : public QObject
{
    Q_OBJECT
public:
    // How a PATCH body is applied.
    enum class PatchType { Merge, StrategicMerge };

    struct Result
    {
        ObjectPtr object;
        std::optional<KubeStatus> error;
        bool ok() const { return !error.has_value(); }
    };

    explicit ManifestStore(ObjectStore *versions, QObject *parent = nullptr);

    Result create(const ManifestKind &kind, const QString &ns, QJsonObject object,
                  bool dryRun = false);
    Result replace(const ManifestKind &kind, const QString &ns, const QString &name,
                   QJsonObject object, bool dryRun = false);
    Result patch(const ManifestKind &kind, const QString &ns, const QString &name,
                 const QJsonObject &patch, PatchType type, bool dryRun = false);
    Result remove(const ManifestKind &kind, const QString &ns, const QString &name,
                  bool dryRun = false);

    ObjectPtr get(const ManifestKind &kind, const QString &ns, const QString &name) const;
    // Objects of a namespace (empty = all namespaces), sorted by namespace/name.
    QList<ObjectPtr> list(const ManifestKind &kind, const QString &ns = {}) const;
    int count(const ManifestKind &kind) const;
    quint64 resourceVersion() const { return m_versions->resourceVersion(); }

private:
    std::optional<KubeStatus> validate(const ManifestKind &kind, const QJsonObject &object) const;
    Result commit(const ManifestKind &kind, QJsonObject object, bool remove, bool dryRun);
    Result update(const ManifestKind &kind, const ObjectPtr &old, QJsonObject updated, bool dryRun);

    ObjectStore *m_versions;
    QMap<QString, QMap<QString, ObjectPtr>> m_objects; // plural -> "ns/name" -> object
};

} // namespace bh::sim
