#pragma once

#include "scenarioconfig.h"

#include <QObject>
#include <QRandomGenerator>
#include <QTimer>

namespace bh::sim {

class Simulator;
class ObjectStore;

// The live demo cluster: workloads with warm pools, tenants claiming (pool or cold start),
// idle release, the occasional Error claim and Failed pod (issue 2, PROTOCOL.md A.2).
// Deterministic for a given seed; rate-controlled by a timer. Writes go through the
// Simulator's ObjectStore, so watchers see them like any other change.
class Scenario : public QObject
{
    Q_OBJECT
public:
    Scenario(Simulator *simulator, ScenarioConfig config, QObject *parent = nullptr);

    void start(); // one step() every 1/eventsPerSecond seconds
    void stop();
    bool isRunning() const;
    void step(); // one scenario action (one or a few store writes)
    quint64 stepsDone() const { return m_steps; }

private:
    ObjectStore *m_store;
    ScenarioConfig m_config;
    QRandomGenerator m_random;
    QTimer m_timer;
    quint64 m_steps = 0;
    friend class ScenarioActions;
};

} // namespace bh::sim
