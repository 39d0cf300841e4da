#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <QString>

namespace bh::gui {

// Warm-pool counts of one workload, as the client's state store derives them.
struct PoolRow
{
    QString workload;
    int ready = 0;
    int warming = 0;
    int acquired = 0;

    bool operator==(const PoolRow &o) const
    {
        return workload == o.workload && ready == o.ready && warming == o.warming
            && acquired == o.acquired;
    }
};

// Per workload: ready / warming / acquired. setPools() updates rows in place.
class PoolsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { WorkloadColumn, ReadyColumn, WarmingColumn, AcquiredColumn, ColumnCount };

    explicit PoolsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Rows are kept sorted by workload.
    void setPools(QList<PoolRow> pools);
    const QList<PoolRow> &pools() const { return m_rows; }

private:
    QList<PoolRow> m_rows;
};

} // namespace bh::gui
