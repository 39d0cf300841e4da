#include "feedfilterproxy.h"

#include "feedmodel.h"

namespace bh::gui {

namespace {
quint32 bitOf(protocol::EventType type)
{
    return quint32(1) << unsigned(type);
}
} // namespace

FeedFilterProxy::FeedFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{ }

void FeedFilterProxy::setFeedModel(FeedModel *model)
{
    m_feed = model;
    setSourceModel(model);
}

void FeedFilterProxy::setTypeEnabled(protocol::EventType type, bool enabled)
{
    setTypeMask(enabled ? (m_typeMask | bitOf(type)) : (m_typeMask & ~bitOf(type)));
}

bool FeedFilterProxy::isTypeEnabled(protocol::EventType type) const
{
    return (m_typeMask & bitOf(type)) != 0;
}

void FeedFilterProxy::setTypeMask(quint32 mask)
{
    if (mask == m_typeMask)
        return;
    m_typeMask = mask;
    invalidateFilter();
    emit filterChanged();
}

void FeedFilterProxy::setText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_text)
        return;
    m_text = trimmed;
    invalidateFilter();
    emit filterChanged();
}

bool FeedFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (!m_feed || sourceParent.isValid())
        return false;
    const protocol::Event &e = m_feed->entryAt(sourceRow).event;
    if (!isTypeEnabled(e.type))
        return false;
    if (m_text.isEmpty())
        return true;
    const auto has = [this](const QString &field) {
        return field.contains(m_text, Qt::CaseInsensitive);
    };
    return has(e.name) || has(e.phase) || has(e.workloadRef) || has(e.tenantId) || has(e.source)
        || has(e.reason) || has(protocol::eventTypeName(e.type));
}

} // namespace bh::gui
