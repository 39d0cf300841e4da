#include "tenantsmodel.h"

#include "eventstyle.h"

#include <QSet>

namespace bh::gui {

namespace {
void setText(QStandardItem *item, const QString &text)
{
    if (item->text() != text)
        item->setText(text);
}

QList<QStandardItem *> newRow()
{
    QList<QStandardItem *> row;
    for (int c = 0; c < TenantsModel::ColumnCount; ++c) {
        auto *item = new QStandardItem;
        item->setEditable(false);
        row.append(item);
    }
    return row;
}
} // namespace

TenantsModel::TenantsModel(QObject *parent)
    : QStandardItemModel(0, ColumnCount, parent)
{
    setHorizontalHeaderLabels({ tr("Tenant / claim"), tr("Workload"), tr("Phase"), tr("Source"),
                                tr("Instance"), tr("Endpoint"), tr("Claimed at"), tr("Detail") });
}

QStandardItem *TenantsModel::tenantItem(const QString &tenantId) const
{
    const int row = tenantRow(tenantId);
    return row < 0 ? nullptr : item(row, NameColumn);
}

int TenantsModel::tenantRow(const QString &tenantId) const
{
    for (int r = 0; r < rowCount(); ++r) {
        if (item(r, NameColumn)->text() == tenantId)
            return r;
    }
    return -1;
}

void TenantsModel::updateClaimRow(QStandardItem *tenant, int row, const protocol::ClaimInfo &claim)
{
    const auto cell = [tenant, row](int column) {
        return tenant->child(row, column);
    };
    setText(cell(NameColumn), claim.name);
    setText(cell(WorkloadColumn), claim.workloadRef);
    setText(cell(PhaseColumn), claim.phase);
    cell(PhaseColumn)->setForeground(EventStyle::phaseColor(claim.phase));
    setText(cell(SourceColumn), claim.source);
    setText(cell(InstanceColumn), claim.instanceId);
    QString endpoint;
    if (!claim.endpoint.isEmpty())
        endpoint = claim.endpoint.port
            ? QStringLiteral("%1:%2").arg(claim.endpoint.host).arg(claim.endpoint.port)
            : claim.endpoint.host;
    setText(cell(EndpointColumn), endpoint);
    setText(cell(ClaimedAtColumn),
            claim.claimedAt.isValid()
                ? claim.claimedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                : QString());
    setText(cell(DetailColumn), claim.detail);
}

void TenantsModel::setTenants(const QList<protocol::TenantInfo> &tenants)
{
    QSet<QString> wanted;
    for (const protocol::TenantInfo &tenant : tenants)
        wanted.insert(tenant.tenantId);
    for (int r = rowCount() - 1; r >= 0; --r) {
        if (!wanted.contains(item(r, NameColumn)->text()))
            removeRow(r);
    }
    for (const protocol::TenantInfo &tenant : tenants) {
        QStandardItem *parentItem = tenantItem(tenant.tenantId);
        if (!parentItem) {
            QList<QStandardItem *> row = newRow();
            row[NameColumn]->setText(tenant.tenantId);
            QFont bold = row[NameColumn]->font();
            bold.setBold(true);
            row[NameColumn]->setFont(bold);
            appendRow(row);
            parentItem = row[NameColumn];
        }
        int active = 0;
        QSet<QString> claimNames;
        for (const protocol::ClaimInfo &claim : tenant.claims) {
            claimNames.insert(claim.name);
            if (claim.phase == QLatin1String("Active"))
                ++active;
        }
        setText(item(parentItem->row(), PhaseColumn),
                tr("%n claim(s), %1 active", nullptr, int(tenant.claims.size())).arg(active));
        for (int r = parentItem->rowCount() - 1; r >= 0; --r) {
            if (!claimNames.contains(parentItem->child(r, NameColumn)->text()))
                parentItem->removeRow(r);
        }
        for (const protocol::ClaimInfo &claim : tenant.claims) {
            int row = -1;
            for (int r = 0; r < parentItem->rowCount(); ++r) {
                if (parentItem->child(r, NameColumn)->text() == claim.name) {
                    row = r;
                    break;
                }
            }
            if (row < 0) {
                parentItem->appendRow(newRow());
                row = parentItem->rowCount() - 1;
            }
            updateClaimRow(parentItem, row, claim);
        }
    }
}

} // namespace bh::gui
