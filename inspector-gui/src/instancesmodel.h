#pragma once

#include "client/instancestate.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QTimer>

#include <functional>
#include <optional>
#include <vector>

namespace bh::gui {

// The instances table. Changes are queued (upsert/remove) and applied in batches, updating
// rows in place; a removed instance stays as a greyed "Deleted" row that fades out over
// kFadeOutMs and is then dropped, so an operator sees what went away.
class InstancesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        PhaseColumn,
        WorkloadColumn,
        TenantColumn,
        PoolStatusColumn,
        IpColumn,
        AgeColumn,
        ClaimedColumn,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1, // numeric for times, text otherwise
        DeletedRole, // bool: row is fading out
        FadeRole, // double 0..1: how far the fade has progressed
    };

    // Batching interval for queued changes: 100 ms, like the feed.
    static constexpr int kDefaultFlushIntervalMs = 100;
    // How long a deleted instance stays visible, fading: 4 s.
    static constexpr int kFadeOutMs = 4000;
    // Fade animation step while rows are fading: 250 ms.
    static constexpr int kFadeTickMs = 250;
    // Age and "claimed since" are re-rendered every second.
    static constexpr int kClockTickMs = 1000;

    explicit InstancesModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Queue changes; applied at the next flush.
    void upsert(const client::InstanceState &instance);
    void remove(const QString &name);
    // Replaces everything at once (after a snapshot): instances not in the list fade out.
    void resetTo(const QList<client::InstanceState> &instances);
    void flush();

    void setFlushInterval(int ms) { m_flushTimer.setInterval(ms); }
    // For tests: the clock used for ages and fading (default: the system clock).
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }

    int rowOf(const QString &name) const { return m_index.value(name, -1); }
    const client::InstanceState &instanceAt(int row) const
    {
        return m_rows[std::size_t(row)].state;
    }
    bool isFading(int row) const { return m_rows[std::size_t(row)].deletedAt.isValid(); }
    int liveCount() const;

    static QString columnName(Column column);
    static QString formatDuration(qint64 seconds);

private:
    struct Row
    {
        client::InstanceState state;
        QDateTime deletedAt; // valid while fading
    };
    void scheduleFlush();
    void fadeTick();
    void clockTick();
    void rebuildIndex();
    double fadeOf(const Row &row, const QDateTime &now) const;

    std::vector<Row> m_rows;
    QHash<QString, int> m_index;
    QHash<QString, std::optional<client::InstanceState>> m_pending; // nullopt = removed
    QTimer m_flushTimer;
    QTimer m_fadeTimer;
    QTimer m_clockTimer;
    std::function<QDateTime()> m_clock;
};

} // namespace bh::gui
