#pragma once

#include <QObject>
#include <QTimer>

namespace bh::client {
class StateStore;
}

namespace bh::gui {

class InstancesModel;
class PoolsModel;
class TenantsModel;

// Connects the client's StateStore to the window's models. Instance changes go to the
// instances model (which batches them); tenant and pool changes are coalesced and re-read from
// the store at most once per kCoalesceIntervalMs. Holds no state of its own.
class StoreBinding : public QObject
{
    Q_OBJECT
public:
    // Tenants and pools are re-read at most every 100 ms.
    static constexpr int kCoalesceIntervalMs = 100;

    StoreBinding(const client::StateStore *store, InstancesModel *instances, TenantsModel *tenants,
                 PoolsModel *pools, QObject *parent = nullptr);

    // Re-reads tenants and pools now (also done by the timer).
    void refresh();

private:
    void onReset();
    void schedule();

    const client::StateStore *m_store;
    InstancesModel *m_instances;
    TenantsModel *m_tenants;
    PoolsModel *m_pools;
    QTimer m_timer;
    bool m_tenantsDirty = false;
    bool m_poolsDirty = false;
};

} // namespace bh::gui
