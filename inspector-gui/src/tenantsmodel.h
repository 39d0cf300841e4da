#pragma once

#include "protocol/snapshot.h"

#include <QStandardItemModel>

namespace bh::gui {

// The tenants tree: one top-level row per tenant, one child row per claim. setTenants()
// updates rows in place (keyed by tenant id and claim name) so expansion and selection survive.
class TenantsModel : public QStandardItemModel
{
    Q_OBJECT
public:
    enum Column {
        NameColumn, // tenant id, or claim name for children
        WorkloadColumn,
        PhaseColumn,
        SourceColumn,
        InstanceColumn,
        EndpointColumn,
        ClaimedAtColumn,
        DetailColumn,
        ColumnCount
    };

    explicit TenantsModel(QObject *parent = nullptr);

    void setTenants(const QList<protocol::TenantInfo> &tenants);

    // Row of a tenant, -1 when absent.
    int tenantRow(const QString &tenantId) const;
    QStandardItem *tenantItem(const QString &tenantId) const;

private:
    void updateClaimRow(QStandardItem *tenant, int row, const protocol::ClaimInfo &claim);
};

} // namespace bh::gui
