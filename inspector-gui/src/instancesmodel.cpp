#include "instancesmodel.h"

#include "eventstyle.h"

#include <QBrush>
#include <QFont>
#include <QGuiApplication>
#include <QPalette>

#include <QSet>

#include <algorithm>
#include <climits>

namespace bh::gui {

InstancesModel::InstancesModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(kDefaultFlushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &InstancesModel::flush);
    m_fadeTimer.setInterval(kFadeTickMs);
    connect(&m_fadeTimer, &QTimer::timeout, this, &InstancesModel::fadeTick);
    m_clockTimer.setInterval(kClockTickMs);
    connect(&m_clockTimer, &QTimer::timeout, this, &InstancesModel::clockTick);
    m_clockTimer.start();
}

int InstancesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int InstancesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString InstancesModel::columnName(Column column)
{
    switch (column) {
    case NameColumn:
        return tr("Name");
    case PhaseColumn:
        return tr("Phase");
    case WorkloadColumn:
        return tr("Workload");
    case TenantColumn:
        return tr("Tenant");
    case PoolStatusColumn:
        return tr("Pool status");
    case IpColumn:
        return tr("IP");
    case AgeColumn:
        return tr("Age");
    case ClaimedColumn:
        return tr("Claimed since");
    case ColumnCount:
        break;
    }
    return {};
}

QVariant InstancesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0
        || section >= ColumnCount)
        return {};
    return columnName(Column(section));
}

QString InstancesModel::formatDuration(qint64 seconds)
{
    seconds = std::max<qint64>(0, seconds);
    if (seconds < 60)
        return QStringLiteral("%1s").arg(seconds);
    if (seconds < 3600)
        return QStringLiteral("%1m %2s").arg(seconds / 60).arg(seconds % 60);
    if (seconds < 86400)
        return QStringLiteral("%1h %2m").arg(seconds / 3600).arg((seconds % 3600) / 60);
    return QStringLiteral("%1d %2h").arg(seconds / 86400).arg((seconds % 86400) / 3600);
}

double InstancesModel::fadeOf(const Row &row, const QDateTime &now) const
{
    if (!row.deletedAt.isValid())
        return 0.0;
    return std::clamp(double(row.deletedAt.msecsTo(now)) / kFadeOutMs, 0.0, 1.0);
}

QVariant InstancesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const Row &row = m_rows[std::size_t(index.row())];
    const protocol::InstanceInfo &in = row.state.info;
    const bool deleted = row.deletedAt.isValid();
    const QString &poolStatus = row.state.poolStatus;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return in.name;
        case PhaseColumn:
            return deleted ? QStringLiteral("Deleted") : in.phase;
        case WorkloadColumn:
            return in.workloadRef;
        case TenantColumn:
            return in.tenantId.isEmpty() ? tr("pool") : in.tenantId;
        case PoolStatusColumn:
            return poolStatus;
        case IpColumn:
            return in.ip;
        case AgeColumn:
            if (in.createdAt.isValid())
                return formatDuration(in.createdAt.secsTo(m_clock()));
            // First seen through an event: created at least that long ago.
            return row.state.firstSeen.isValid()
                ? QStringLiteral("≥ %1").arg(formatDuration(row.state.firstSeen.secsTo(m_clock())))
                : QString();
        case ClaimedColumn:
            return in.claimedAt.isValid() ? formatDuration(in.claimedAt.secsTo(m_clock()))
                                          : QString();
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == AgeColumn && in.createdAt.isValid())
            return tr("created %1").arg(in.createdAt.toLocalTime().toString(Qt::ISODate));
        if (index.column() == AgeColumn && row.state.firstSeen.isValid())
            return tr("first seen %1 through an event; the creation time comes with the next "
                      "snapshot")
                .arg(row.state.firstSeen.toLocalTime().toString(Qt::ISODate));
        if (index.column() == ClaimedColumn && in.claimedAt.isValid())
            return tr("claimed %1").arg(in.claimedAt.toLocalTime().toString(Qt::ISODate));
        if (deleted)
            return tr("deleted %1").arg(row.deletedAt.toLocalTime().toString(Qt::ISODate));
        return {};
    case Qt::ForegroundRole: {
        QColor color;
        if (index.column() == PhaseColumn)
            color = EventStyle::phaseColor(deleted ? QStringLiteral("Deleted") : in.phase);
        if (index.column() == TenantColumn && in.tenantId.isEmpty())
            color = QColor(0x70, 0x70, 0x70);
        if (!deleted)
            return color.isValid() ? QVariant(color) : QVariant();
        if (!color.isValid())
            color = QGuiApplication::palette().color(QPalette::Text);
        color.setAlphaF(float(1.0 - 0.8 * fadeOf(row, m_clock())));
        return color;
    }
    case Qt::BackgroundRole:
        if (deleted) {
            QColor bg(0xf2, 0xd7, 0xd5);
            bg.setAlphaF(float(1.0 - fadeOf(row, m_clock())));
            return QBrush(bg);
        }
        return {};
    case Qt::FontRole:
        if (deleted || (index.column() == TenantColumn && in.tenantId.isEmpty())) {
            QFont font;
            font.setItalic(true);
            font.setStrikeOut(deleted && index.column() == NameColumn);
            return font;
        }
        return {};
    case SortRole:
        switch (index.column()) {
        case AgeColumn: { // older first when ascending
            const QDateTime &born = in.createdAt.isValid() ? in.createdAt : row.state.firstSeen;
            return born.isValid() ? -born.toSecsSinceEpoch() : qint64(0);
        }
        case ClaimedColumn:
            return in.claimedAt.isValid() ? -in.claimedAt.toSecsSinceEpoch() : qint64(0);
        default:
            return data(index, Qt::DisplayRole);
        }
    case DeletedRole:
        return deleted;
    case FadeRole:
        return fadeOf(row, m_clock());
    default:
        return {};
    }
}

void InstancesModel::scheduleFlush()
{
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void InstancesModel::upsert(const client::InstanceState &instance)
{
    m_pending.insert(instance.info.name, instance);
    scheduleFlush();
}

void InstancesModel::remove(const QString &name)
{
    m_pending.insert(name, std::nullopt);
    scheduleFlush();
}

void InstancesModel::resetTo(const QList<client::InstanceState> &instances)
{
    m_pending.clear();
    QSet<QString> keep;
    for (const client::InstanceState &in : instances) {
        keep.insert(in.info.name);
        m_pending.insert(in.info.name, in);
    }
    for (const Row &row : m_rows) {
        if (!keep.contains(row.state.info.name) && !row.deletedAt.isValid())
            m_pending.insert(row.state.info.name, std::nullopt);
    }
    flush();
}

void InstancesModel::flush()
{
    m_flushTimer.stop();
    if (m_pending.isEmpty())
        return;
    const QDateTime now = m_clock();
    std::vector<client::InstanceState> added;
    int firstChanged = INT_MAX;
    int lastChanged = -1;
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
        const int row = m_index.value(it.key(), -1);
        if (row < 0) {
            if (it.value())
                added.push_back(*it.value());
            continue;
        }
        Row &r = m_rows[std::size_t(row)];
        if (it.value()) {
            r.state = *it.value();
            r.deletedAt = QDateTime(); // recreated under the same name: alive again
        } else if (!r.deletedAt.isValid()) {
            r.deletedAt = now;
        } else {
            continue;
        }
        firstChanged = std::min(firstChanged, row);
        lastChanged = std::max(lastChanged, row);
    }
    m_pending.clear();
    if (lastChanged >= 0)
        emit dataChanged(index(firstChanged, 0), index(lastChanged, ColumnCount - 1));
    if (!added.empty()) {
        std::sort(added.begin(), added.end(),
                  [](const auto &a, const auto &b) { return a.info.name < b.info.name; });
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(added.size()) - 1);
        for (auto &in : added) {
            m_index.insert(in.info.name, int(m_rows.size()));
            m_rows.push_back(Row { std::move(in), QDateTime() });
        }
        endInsertRows();
    }
    const bool fading = std::any_of(m_rows.begin(), m_rows.end(),
                                    [](const Row &r) { return r.deletedAt.isValid(); });
    if (fading && !m_fadeTimer.isActive())
        m_fadeTimer.start();
}

void InstancesModel::fadeTick()
{
    const QDateTime now = m_clock();
    // Drop fully faded rows, as contiguous ranges from the back so indexes stay valid.
    bool anyFading = false;
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        const Row &r = m_rows[std::size_t(row)];
        if (!r.deletedAt.isValid())
            continue;
        if (r.deletedAt.msecsTo(now) < kFadeOutMs) {
            anyFading = true;
            emit dataChanged(index(row, 0), index(row, ColumnCount - 1),
                             { Qt::ForegroundRole, Qt::BackgroundRole, FadeRole });
            continue;
        }
        beginRemoveRows({}, row, row);
        m_rows.erase(m_rows.begin() + row);
        endRemoveRows();
        rebuildIndex();
    }
    if (!anyFading)
        m_fadeTimer.stop();
}

void InstancesModel::rebuildIndex()
{
    m_index.clear();
    for (int i = 0; i < int(m_rows.size()); ++i)
        m_index.insert(m_rows[std::size_t(i)].state.info.name, i);
}

void InstancesModel::clockTick()
{
    if (!m_rows.empty())
        emit dataChanged(index(0, AgeColumn), index(int(m_rows.size()) - 1, ClaimedColumn),
                         { Qt::DisplayRole, SortRole });
}

int InstancesModel::liveCount() const
{
    return int(std::count_if(m_rows.begin(), m_rows.end(),
                             [](const Row &r) { return !r.deletedAt.isValid(); }));
}

} // namespace bh::gui
