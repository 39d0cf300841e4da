#include "feedmodel.h"

#include "eventstyle.h"

#include <algorithm>

namespace bh::gui {

FeedModel::FeedModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(kDefaultFlushIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &FeedModel::flush);
}

int FeedModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int FeedModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString FeedModel::columnName(Column column)
{
    switch (column) {
    case TimeColumn:
        return tr("Received");
    case TypeColumn:
        return tr("Type");
    case NameColumn:
        return tr("Name");
    case PhaseColumn:
        return tr("Phase");
    case WorkloadColumn:
        return tr("Workload");
    case TenantColumn:
        return tr("Tenant");
    case SourceColumn:
        return tr("Source");
    case ColumnCount:
        break;
    }
    return {};
}

QVariant FeedModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0
        || section >= ColumnCount)
        return {};
    return columnName(Column(section));
}

QVariant FeedModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const FeedEntry &entry = m_rows[std::size_t(index.row())];
    const protocol::Event &e = entry.event;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return entry.receivedAt.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
        case TypeColumn:
            return protocol::eventTypeName(e.type);
        case NameColumn:
            return e.name;
        case PhaseColumn:
            return e.type == protocol::EventType::StreamResync ? e.reason : e.phase;
        case WorkloadColumn:
            return e.workloadRef;
        case TenantColumn:
            return e.tenantId;
        case SourceColumn:
            return e.source;
        default:
            return {};
        }
    case Qt::ForegroundRole:
        if (index.column() == TypeColumn)
            return EventStyle::typeColor(e.type);
        if (index.column() == PhaseColumn && !e.phase.isEmpty())
            return EventStyle::phaseColor(e.phase);
        return {};
    case Qt::ToolTipRole:
        if (index.column() == TimeColumn)
            return entry.receivedAt.toLocalTime().toString(Qt::ISODateWithMs);
        return {};
    case TypeRole:
        return int(e.type);
    case SerialRole:
        return entry.serial;
    default:
        return {};
    }
}

void FeedModel::setCapacity(int capacity)
{
    capacity = std::clamp(capacity, kMinCapacity, kMaxCapacity);
    if (capacity == m_capacity)
        return;
    m_capacity = capacity;
    while (int(m_pending.size()) > m_capacity) {
        m_pending.pop_front();
        ++m_skipped;
    }
    trimTo(m_capacity);
}

void FeedModel::setFlushInterval(int ms)
{
    m_timer.setInterval(std::max(0, ms));
}

void FeedModel::append(const protocol::Event &event, const QDateTime &receivedAt)
{
    ++m_total;
    if (int(m_pending.size()) >= m_capacity) {
        // Only reachable while paused (or with a flush interval longer than the ring takes
        // to fill): the oldest queued event would be evicted on publish anyway.
        m_pending.pop_front();
        ++m_skipped;
    }
    m_pending.push_back(FeedEntry { m_total, receivedAt, event });
    if (!m_paused && !m_timer.isActive())
        m_timer.start();
}

void FeedModel::trimTo(int capacity)
{
    const int overflow = int(m_rows.size()) - capacity;
    if (overflow <= 0)
        return;
    beginRemoveRows({}, 0, overflow - 1);
    m_rows.erase(m_rows.begin(), m_rows.begin() + overflow);
    endRemoveRows();
}

void FeedModel::flush()
{
    m_timer.stop();
    if (m_paused || m_pending.empty())
        return;
    const int incoming = int(m_pending.size()); // <= m_capacity, see append()
    const int before = int(m_rows.size());
    trimTo(m_capacity - incoming);
    const int evicted = before - int(m_rows.size());
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + incoming - 1);
    std::move(m_pending.begin(), m_pending.end(), std::back_inserter(m_rows));
    m_pending.clear();
    endInsertRows();
    emit batchPublished(incoming, evicted);
}

void FeedModel::setPaused(bool paused)
{
    if (paused == m_paused)
        return;
    m_paused = paused;
    emit pausedChanged(paused);
    if (!paused)
        flush();
}

void FeedModel::clear()
{
    m_pending.clear();
    m_timer.stop();
    if (m_rows.empty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

} // namespace bh::gui
