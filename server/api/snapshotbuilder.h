#pragma once

#include "protocol/snapshot.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace bh::cache {
class ObjectStore;
}

namespace bh::api {

// Reads the caches into the REST snapshot types of PROTOCOL A.4 (encoded by the shared
// codec in protocol/snapshot.h, so server and clients cannot drift). Only pods labelled
// boilerhouse.dev/managed=true are instances; lastActivity and claimedAt come from the
// claim whose status.instanceId is the pod.
class SnapshotBuilder
{
public:
    static constexpr const char *LastActivityAnnotation = "boilerhouse.dev/last-activity";

    SnapshotBuilder(const cache::ObjectStore *pods, const cache::ObjectStore *claims);

    // Sorted by name.
    QList<protocol::InstanceInfo> instances() const;
    std::optional<protocol::InstanceInfo> instance(const QString &name) const;
    // Sorted by tenantId; claims of a tenant sorted by name. Claims without
    // spec.tenantId belong to no tenant.
    QList<protocol::TenantInfo> tenants() const;
    std::optional<protocol::TenantInfo> tenant(const QString &tenantId) const;
    protocol::Stats stats() const;

    static bool isManagedPod(const QJsonObject &pod);
    static protocol::InstanceInfo toInstance(const QJsonObject &pod, const QJsonObject *claim);
    static protocol::ClaimInfo toClaim(const QJsonObject &claim);

private:
    // status.instanceId -> claim (an Active claim wins over others for the same pod).
    QHash<QString, const QJsonObject *> claimsByInstance() const;

    const cache::ObjectStore *m_pods;
    const cache::ObjectStore *m_claims;
};

} // namespace bh::api
