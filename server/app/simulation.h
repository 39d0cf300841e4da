#pragma once

#include <QObject>
#include <QString>
#include <QUrl>

namespace bh::sim {
class Simulator;
class Scenario;
} // namespace bh::sim

namespace bh::app {

// --simulate: the embedded Kubernetes API simulator on an ephemeral loopback port, driven
// by the live demo scenario. The server then connects to url() over HTTP exactly as to a
// real cluster (its own reflectors, its own QNetworkAccessManagers).
class Simulation : public QObject
{
    Q_OBJECT
public:
    Simulation(const QString &ns, double eventsPerSecond, QObject *parent = nullptr);
    ~Simulation() override;

    // Starts the simulator and the scenario; false + errorString() when it cannot listen.
    bool start();
    QString errorString() const { return m_error; }
    QUrl url() const;

    sim::Simulator *simulator() const { return m_simulator; }

private:
    sim::Simulator *m_simulator;
    sim::Scenario *m_scenario;
    QString m_error;
};

} // namespace bh::app
