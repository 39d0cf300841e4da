#pragma once

#include "protocol/event.h"

#include <QSortFilterProxyModel>

namespace bh::gui {

class FeedModel;

// Filters the live feed by event type (toggles) and by a case-insensitive text that must occur
// in the type, name, phase, workload, tenant or source of an event.
class FeedFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit FeedFilterProxy(QObject *parent = nullptr);

    // The source must be a FeedModel.
    void setFeedModel(FeedModel *model);

    void setTypeEnabled(protocol::EventType type, bool enabled);
    bool isTypeEnabled(protocol::EventType type) const;
    // Bit i set = EventType(i) shown; all bits set by default.
    quint32 typeMask() const { return m_typeMask; }
    void setTypeMask(quint32 mask);

    void setText(const QString &text);
    QString text() const { return m_text; }

signals:
    void filterChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    FeedModel *m_feed = nullptr;
    quint32 m_typeMask = ~quint32(0);
    QString m_text;
};

} // namespace bh::gui
