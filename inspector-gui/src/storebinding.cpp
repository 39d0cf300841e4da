#include "storebinding.h"

#include "client/statestore.h"
#include "instancesmodel.h"
#include "poolsmodel.h"
#include "tenantsmodel.h"

namespace bh::gui {

StoreBinding::StoreBinding(const client::StateStore *store, InstancesModel *instances,
                           TenantsModel *tenants, PoolsModel *pools, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_instances(instances)
    , m_tenants(tenants)
    , m_pools(pools)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(kCoalesceIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &StoreBinding::refresh);
    connect(store, &client::StateStore::wasReset, this, &StoreBinding::onReset);
    connect(store, &client::StateStore::instanceChanged, this,
            [this](const QString &name) { m_instances->upsert(m_store->instance(name)); });
    connect(store, &client::StateStore::instanceRemoved, m_instances, &InstancesModel::remove);
    connect(store, &client::StateStore::claimChanged, this, [this] {
        m_tenantsDirty = true;
        schedule();
    });
    connect(store, &client::StateStore::poolsChanged, this, [this] {
        m_poolsDirty = true;
        schedule();
    });
    onReset();
}

void StoreBinding::schedule()
{
    if (!m_timer.isActive())
        m_timer.start();
}

void StoreBinding::onReset()
{
    m_instances->resetTo(m_store->instances());
    m_tenantsDirty = true;
    m_poolsDirty = true;
    refresh();
}

void StoreBinding::refresh()
{
    m_timer.stop();
    if (m_tenantsDirty)
        m_tenants->setTenants(m_store->tenants());
    if (m_poolsDirty) {
        QList<PoolRow> rows;
        const QMap<QString, client::PoolCounts> pools = m_store->pools();
        for (auto it = pools.cbegin(); it != pools.cend(); ++it)
            rows.append(
                PoolRow { it.key(), it.value().ready, it.value().warming, it.value().acquired });
        m_pools->setPools(rows);
    }
    m_tenantsDirty = false;
    m_poolsDirty = false;
}

} // namespace bh::gui
