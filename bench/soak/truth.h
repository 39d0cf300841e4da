#pragma once

#include <QJsonArray>
#include <QMap>
#include <QString>
#include <QStringList>

namespace bh::client {
class StateStore;
}

namespace bh::soak {

// What every client and the REST snapshot must show, derived here from the simulator's raw
// objects (GET pods / boilerhouseclaims) by the rules of PROTOCOL A.2–A.5 — independently of
// the server's deriver and caches, so a bug there cannot hide itself.
class Truth
{
public:
    struct Instance
    {
        QString name;
        QString phase; // status.phase
        QString workloadRef; // label boilerhouse.dev/workload
        QString tenantId; // label boilerhouse.dev/tenant
        QString poolStatus; // label boilerhouse.dev/pool-status
        QMap<QString, QString> labels;
    };
    struct Claim
    {
        QString name;
        QString tenantId; // spec.tenantId
        QString workloadRef; // spec.workloadRef
        QString phase; // status.phase
        QString instanceId; // status.instanceId
        QString source; // status.source
    };

    // Pods without boilerhouse.dev/managed=true are not instances (A.2).
    static Truth fromObjects(const QJsonArray &pods, const QJsonArray &claims);

    // A copy with one deliberate error (the first instance's phase changed, or a phantom
    // Active claim when there is no instance): the soak checks that its comparisons see it,
    // so a blind comparison cannot pass silently.
    Truth perturbed() const;

    const QMap<QString, Instance> &instances() const { return m_instances; }
    const QMap<QString, Claim> &claims() const { return m_claims; }

    // How a client's folded store differs, limited to what /ws events carry (A.3): the
    // instance set with phase, workloadRef, tenantId and "is a ready pool pod"; every Active
    // claim Active in the store with the same tenantId, workloadRef and source; an Active
    // claim in the store must be Active here or in a silent phase (Pending, Releasing,
    // ReleaseFailed, Error — A.3 announces none of them). One line per difference.
    QStringList clientDifferences(const client::StateStore &store) const;
    // How GET /api/v1/instances and /api/v1/tenants (raw JSON) differ: every field the
    // truth determines, exactly (A.4, A.5: sorted, claims grouped by spec.tenantId).
    QStringList restDifferences(const QByteArray &instancesJson,
                                const QByteArray &tenantsJson) const;

private:
    QMap<QString, Instance> m_instances;
    QMap<QString, Claim> m_claims;
};

} // namespace bh::soak
