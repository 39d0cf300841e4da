#include "poolsmodel.h"

#include "eventstyle.h"

#include <QFont>

#include <algorithm>

namespace bh::gui {

PoolsModel::PoolsModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

int PoolsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PoolsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PoolsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case WorkloadColumn:
        return tr("Workload");
    case ReadyColumn:
        return tr("Ready");
    case WarmingColumn:
        return tr("Warming");
    case AcquiredColumn:
        return tr("Acquired");
    default:
        return {};
    }
}

QVariant PoolsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const PoolRow &row = m_rows[index.row()];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case WorkloadColumn:
            return row.workload;
        case ReadyColumn:
            return row.ready;
        case WarmingColumn:
            return row.warming;
        case AcquiredColumn:
            return row.acquired;
        default:
            return {};
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() != WorkloadColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole) {
        if (index.column() == ReadyColumn)
            return row.ready == 0 ? EventStyle::phaseColor(QStringLiteral("Failed"))
                                  : EventStyle::phaseColor(QStringLiteral("Running"));
        if (index.column() == WarmingColumn && row.warming > 0)
            return EventStyle::phaseColor(QStringLiteral("Pending"));
    }
    if (role == Qt::ToolTipRole && index.column() == ReadyColumn && row.ready == 0)
        return tr("No warm instance ready: the next claim of %1 starts cold").arg(row.workload);
    return {};
}

void PoolsModel::setPools(QList<PoolRow> pools)
{
    std::sort(pools.begin(), pools.end(),
              [](const PoolRow &a, const PoolRow &b) { return a.workload < b.workload; });
    // Same workloads in the same order: update values in place; otherwise reset.
    bool sameKeys = pools.size() == m_rows.size();
    for (int i = 0; sameKeys && i < pools.size(); ++i)
        sameKeys = pools[i].workload == m_rows[i].workload;
    if (!sameKeys) {
        beginResetModel();
        m_rows = std::move(pools);
        endResetModel();
        return;
    }
    for (int i = 0; i < pools.size(); ++i) {
        if (pools[i] == m_rows[i])
            continue;
        m_rows[i] = pools[i];
        emit dataChanged(index(i, 0), index(i, ColumnCount - 1));
    }
}

} // namespace bh::gui
