#include "simulation.h"

#include "kubesim/scenario.h"
#include "kubesim/simulator.h"

namespace bh::app {

namespace {
sim::SimulatorConfig simulatorConfig(const QString &ns)
{
    sim::SimulatorConfig config;
    config.address = QHostAddress::LocalHost;
    config.port = 0;
    config.namespaces = QStringList { ns };
    return config;
}

sim::ScenarioConfig scenarioConfig(const QString &ns, double eventsPerSecond)
{
    sim::ScenarioConfig config;
    config.ns = ns;
    config.eventsPerSecond = eventsPerSecond;
    return config;
}
} // namespace

Simulation::Simulation(const QString &ns, double eventsPerSecond, QObject *parent)
    : QObject(parent)
    , m_simulator(new sim::Simulator(simulatorConfig(ns), this))
    , m_scenario(new sim::Scenario(m_simulator, scenarioConfig(ns, eventsPerSecond), this))
{ }

Simulation::~Simulation() = default;

bool Simulation::start()
{
    if (!m_simulator->start()) {
        m_error = QStringLiteral("cannot start the simulated cluster: %1")
                      .arg(m_simulator->errorString());
        return false;
    }
    m_scenario->start();
    return true;
}

QUrl Simulation::url() const
{
    return m_simulator->url();
}

} // namespace bh::app
