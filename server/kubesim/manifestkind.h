#pragma once

#include "kubestatus.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace bh::sim {

// The kinds `kubectl apply -k deploy/` creates (ServiceAccount, Service, Deployment, Role,
// RoleBinding), described as the apiserver names them. They are stored by ManifestStore
// (get/list/create/update/patch/delete, no watch), apart from the watched pods and claims.
struct ManifestKind
{
    QString plural; // "deployments"
    QString singular; // "deployment"
    QString kind; // "Deployment"
    QString listKind; // "DeploymentList"
    QString group; // "apps" ("" for core)
    QString version; // "v1"
    QStringList shortNames; // {"deploy"}

    QString apiVersion() const; // "apps/v1" / "v1"
    QString qualifiedName() const; // "deployments.apps" / "services"

    // Status errors as the apiserver words them for this kind.
    KubeStatus notFound(const QString &name) const;
    KubeStatus alreadyExists(const QString &name) const;
    KubeStatus conflict(const QString &name) const;
    KubeStatus invalid(const QString &name, const QList<KubeStatus::Cause> &causes) const;

    static const QList<ManifestKind> &all();
    // nullptr when the group/version does not serve that plural.
    static const ManifestKind *find(const QString &group, const QString &version,
                                    const QString &plural);
    // Group/versions that serve at least one kind ("" for core v1), in discovery order.
    static QStringList groups();
};

} // namespace bh::sim
