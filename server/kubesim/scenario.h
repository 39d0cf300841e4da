#pragma once

#include "scenarioconfig.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QRandomGenerator>
#include <QTimer>

namespace bh::sim {

class Simulator;
class ObjectStore;

// The live demo cluster: workloads with warm pools, tenants claiming (pool or cold start),
// idle release, the occasional Error claim and Failed pod (issue 2, PROTOCOL.md A.2).
// Deterministic for a given seed; rate-controlled by a timer. Every step reads the current
// objects from the store and makes one change (a few for a claim or a cleanup), so
// watchers see it like any other write.
class Scenario : public QObject
{
    Q_OBJECT
public:
    // At most this many steps run in one timer tick when catching up (default 1000).
    static constexpr int MaxStepsPerTick = 1000;

    Scenario(Simulator *simulator, ScenarioConfig config, QObject *parent = nullptr);
    // Drives a bare store (benchmarks, tests).
    Scenario(ObjectStore *store, ScenarioConfig config, QObject *parent = nullptr);
    ~Scenario() override;

    void start(); // eventsPerSecond steps per second
    void stop();
    bool isRunning() const { return m_timer.isActive(); }
    void step(); // one scenario action
    quint64 stepsDone() const { return m_steps; }
    const ScenarioConfig &config() const { return m_config; }

private:
    void tick();
    QString hex8();
    QString podIp();
    QJsonObject podObject(const QString &name, const QString &workload, const QJsonObject &labels);
    bool replenishPool();
    bool warmPoolPod();
    bool createClaim();
    bool settleClaim();
    bool touchClaim();
    bool releaseClaim();
    bool cleanUp();
    bool failPod();

    QPointer<Simulator> m_simulator;
    ObjectStore *m_store;
    ScenarioConfig m_config;
    QRandomGenerator m_random;
    QTimer m_timer;
    QElapsedTimer m_clock;
    quint64 m_steps = 0;
    quint64 m_stepsAtStart = 0;
};

} // namespace bh::sim
