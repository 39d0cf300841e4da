#pragma once

#include "feedentry.h"

#include <QAbstractTableModel>
#include <QTimer>

#include <deque>

namespace bh::gui {

// The live feed: a bounded ring of the last N received events, published to views in
// batches. append() only queues; a single-shot timer (flush interval) moves the queue into
// the model with at most one remove and one insert per batch, never one insert per event.
// While paused the view is frozen: events keep arriving (and being counted) in the queue,
// which is itself bounded by the capacity, and appear on resume.
class FeedModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        TimeColumn,
        TypeColumn,
        NameColumn,
        PhaseColumn,
        WorkloadColumn,
        TenantColumn,
        SourceColumn,
        ColumnCount
    };
    enum Role {
        TypeRole = Qt::UserRole + 1, // int(protocol::EventType)
        SerialRole, // quint64 FeedEntry::serial
    };

    // Default ring size N: the feed keeps the last 50,000 events.
    static constexpr int kDefaultCapacity = 50'000;
    // Smallest and largest accepted ring size (setCapacity clamps to these).
    static constexpr int kMinCapacity = 100;
    static constexpr int kMaxCapacity = 2'000'000;
    // Default batching interval: the view is updated at most every 100 ms.
    static constexpr int kDefaultFlushIntervalMs = 100;

    explicit FeedModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Ring size; values outside [kMinCapacity, kMaxCapacity] are clamped. Shrinking evicts
    // the oldest rows at once.
    void setCapacity(int capacity);
    int capacity() const { return m_capacity; }

    void setFlushInterval(int ms);
    int flushInterval() const { return m_timer.interval(); }

    // Queues one event; cheap (no model signal). The batch timer publishes it.
    void append(const protocol::Event &event, const QDateTime &receivedAt);
    // Publishes the queue now (no-op while paused).
    void flush();

    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }

    // Empties the view and the queue. Counters are not reset.
    void clear();

    const FeedEntry &entryAt(int row) const { return m_rows[std::size_t(row)]; }
    // Events received since construction, including those queued or evicted.
    quint64 totalReceived() const { return m_total; }
    // Events waiting for the next flush (or for resume).
    int pendingCount() const { return int(m_pending.size()); }
    // Events that never reached the view because the queue overflowed while paused.
    quint64 skippedWhilePaused() const { return m_skipped; }

    static QString columnName(Column column);

signals:
    void pausedChanged(bool paused);
    // Emitted after each published batch.
    void batchPublished(int inserted, int evicted);

private:
    void trimTo(int capacity);

    std::deque<FeedEntry> m_rows;
    std::deque<FeedEntry> m_pending;
    QTimer m_timer;
    int m_capacity = kDefaultCapacity;
    bool m_paused = false;
    quint64 m_total = 0;
    quint64 m_skipped = 0;
};

} // namespace bh::gui
