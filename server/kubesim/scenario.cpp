#include "scenario.h"

#include "objectstore.h"
#include "simulator.h"

#include <QDateTime>
#include <QJsonArray>

#include <cmath>

namespace bh::sim {

namespace {

const QString LManaged = QStringLiteral("boilerhouse.dev/managed");
const QString LWorkload = QStringLiteral("boilerhouse.dev/workload");
const QString LTenant = QStringLiteral("boilerhouse.dev/tenant");
const QString LPoolStatus = QStringLiteral("boilerhouse.dev/pool-status");
const QString LInstance = QStringLiteral("boilerhouse.dev/instance");
const QString ALastActivity = QStringLiteral("boilerhouse.dev/last-activity");
// Port every demo instance listens on (status.endpoint.port).
constexpr int InstancePort = 8080;

QString now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
}

QJsonObject labelsOf(const ObjectPtr &o)
{
    return o->labels();
}

QString phaseOf(const ObjectPtr &o)
{
    return o->json()["status"].toObject()["phase"].toString();
}

QJsonObject labelsPatch(const QJsonObject &labels)
{
    return QJsonObject { { "metadata", QJsonObject { { "labels", labels } } } };
}

} // namespace

Scenario::Scenario(Simulator *simulator, ScenarioConfig config, QObject *parent)
    : Scenario(simulator->store(), std::move(config), parent)
{
    m_simulator = simulator;
    simulator->setScenarioStepper([this](int count) {
        for (int i = 0; i < count; ++i)
            step();
        return count;
    });
}

Scenario::Scenario(ObjectStore *store, ScenarioConfig config, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_config(std::move(config))
    , m_random(m_config.seed)
{
    connect(&m_timer, &QTimer::timeout, this, &Scenario::tick);
}

Scenario::~Scenario()
{
    if (m_simulator)
        m_simulator->setScenarioStepper({});
}

void Scenario::start()
{
    if (m_config.eventsPerSecond <= 0)
        return;
    m_clock.start();
    m_stepsAtStart = m_steps;
    const double intervalMs = 1000.0 / m_config.eventsPerSecond;
    m_timer.start(std::max(1, int(std::lround(std::max(intervalMs, 1.0)))));
}

void Scenario::stop()
{
    m_timer.stop();
}

void Scenario::tick()
{
    const auto due = quint64(double(m_clock.elapsed()) * m_config.eventsPerSecond / 1000.0);
    int n = 0;
    while (m_steps - m_stepsAtStart < due && n < MaxStepsPerTick) {
        step();
        ++n;
    }
    if (n == MaxStepsPerTick) // fell behind: do not try to catch up forever
        m_stepsAtStart = m_steps - due;
}

QString Scenario::hex8()
{
    return QStringLiteral("%1").arg(m_random.generate(), 8, 16, QLatin1Char('0'));
}

QString Scenario::podIp()
{
    return QStringLiteral("10.42.%1.%2").arg(m_random.bounded(256)).arg(1 + m_random.bounded(254));
}

QJsonObject Scenario::podObject(const QString &name, const QString &workload,
                                const QJsonObject &labels)
{
    QJsonObject l = labels;
    l.insert(LManaged, QStringLiteral("true"));
    l.insert(LWorkload, workload);
    l.insert(LInstance, name);
    return QJsonObject {
        { "apiVersion", "v1" },
        { "kind", "Pod" },
        { "metadata", QJsonObject { { "name", name }, { "labels", l } } },
        { "spec",
          QJsonObject {
              { "containers",
                QJsonArray { QJsonObject {
                    { "name", workload },
                    { "image", QStringLiteral("ghcr.io/boilerhouse/%1:latest").arg(workload) },
                    { "ports",
                      QJsonArray { QJsonObject { { "containerPort", InstancePort } } } } } } } } },
        { "status", QJsonObject { { "phase", "Pending" } } }
    };
}

void Scenario::step()
{
    ++m_steps;
    using Action = bool (Scenario::*)();
    struct Weighted
    {
        Action action;
        int weight;
    };
    static const Weighted actions[] = {
        { &Scenario::warmPoolPod, 4 },   { &Scenario::settleClaim, 4 },
        { &Scenario::replenishPool, 3 }, { &Scenario::createClaim, 3 },
        { &Scenario::touchClaim, 2 },    { &Scenario::releaseClaim, 2 },
        { &Scenario::cleanUp, 3 },       { &Scenario::failPod, 0 },
    };
    int total = 0;
    for (const auto &a : actions)
        total += a.weight;
    // Pick by weight; if the pick cannot act now, try the others in order.
    int pick = int(m_random.bounded(total));
    qsizetype first = 0;
    for (qsizetype i = 0; i < qsizetype(std::size(actions)); ++i) {
        if (pick < actions[i].weight) {
            first = i;
            break;
        }
        pick -= actions[i].weight;
    }
    for (qsizetype k = 0; k < qsizetype(std::size(actions)); ++k) {
        const auto &a = actions[(first + k) % qsizetype(std::size(actions))];
        if ((this->*a.action)())
            return;
    }
}

bool Scenario::replenishPool()
{
    const QList<ObjectPtr> pods = m_store->list(Resource::Pods, m_config.ns);
    for (const QString &w : m_config.workloads) {
        int pool = 0;
        for (const auto &p : pods) {
            const QJsonObject l = labelsOf(p);
            const QString ps = l.value(LPoolStatus).toString();
            if (l.value(LWorkload).toString() == w && (ps == "warming" || ps == "ready"))
                ++pool;
        }
        if (pool < m_config.poolSize) {
            const QString name = QStringLiteral("%1-pool-%2").arg(w, hex8());
            return m_store
                ->create(Resource::Pods, m_config.ns,
                         podObject(name, w, QJsonObject { { LPoolStatus, "warming" } }))
                .ok();
        }
    }
    return false;
}

bool Scenario::warmPoolPod()
{
    for (const auto &p : m_store->list(Resource::Pods, m_config.ns)) {
        if (labelsOf(p).value(LPoolStatus).toString() != QLatin1String("warming"))
            continue;
        QJsonObject patch = labelsPatch(QJsonObject { { LPoolStatus, "ready" } });
        patch.insert(
            "status",
            QJsonObject { { "phase", "Running" }, { "podIP", podIp() }, { "startTime", now() } });
        return m_store->mergePatch(Resource::Pods, m_config.ns, p->name(), patch).ok();
    }
    return false;
}

bool Scenario::createClaim()
{
    const int tenants = std::max(1, m_config.tenantCount);
    if (m_config.workloads.isEmpty())
        return false;
    // A few random tries for a (tenant, workload) pair without a claim.
    for (int attempt = 0; attempt < 4; ++attempt) {
        const QString tenant = QStringLiteral("tenant-%1").arg(1 + m_random.bounded(tenants));
        const QString workload =
            m_config.workloads.at(m_random.bounded(int(m_config.workloads.size())));
        const QString name = QStringLiteral("claim-%1-%2").arg(tenant, workload);
        if (m_store->get(Resource::Claims, m_config.ns, name))
            continue;
        const QJsonObject claim {
            { "apiVersion", "boilerhouse.dev/v1alpha1" },
            { "kind", "BoilerhouseClaim" },
            { "metadata",
              QJsonObject { { "name", name },
                            { "labels",
                              QJsonObject { { LManaged, "true" },
                                            { LTenant, tenant },
                                            { LWorkload, workload } } },
                            { "annotations", QJsonObject { { ALastActivity, now() } } } } },
            { "spec", QJsonObject { { "tenantId", tenant }, { "workloadRef", workload } } },
            { "status", QJsonObject { { "phase", "Pending" } } }
        };
        return m_store->create(Resource::Claims, m_config.ns, claim).ok();
    }
    return false;
}

bool Scenario::settleClaim()
{
    for (const auto &c : m_store->list(Resource::Claims, m_config.ns)) {
        if (phaseOf(c) != QLatin1String("Pending"))
            continue;
        const QJsonObject spec = c->json()["spec"].toObject();
        const QString tenant = spec["tenantId"].toString();
        const QString workload = spec["workloadRef"].toString();
        if (m_random.generateDouble() < m_config.errorRate) {
            return m_store
                ->mergePatch(
                    Resource::Claims, m_config.ns, c->name(),
                    QJsonObject {
                        { "status",
                          QJsonObject {
                              { "phase", "Error" },
                              { "detail", "instance failed to start: image pull backoff" } } } })
                .ok();
        }
        // Prefer a ready pool pod of the workload; else cold-start a tenant pod.
        ObjectPtr poolPod;
        for (const auto &p : m_store->list(Resource::Pods, m_config.ns)) {
            const QJsonObject l = labelsOf(p);
            if (l.value(LWorkload).toString() == workload
                && l.value(LPoolStatus).toString() == QLatin1String("ready")) {
                poolPod = p;
                break;
            }
        }
        QString podName;
        QString ip;
        QString source;
        if (poolPod) {
            podName = poolPod->name();
            ip = poolPod->json()["status"].toObject()["podIP"].toString();
            source = QStringLiteral("pool");
            if (!m_store
                     ->mergePatch(Resource::Pods, m_config.ns, podName,
                                  labelsPatch(QJsonObject { { LPoolStatus, "acquired" },
                                                            { LTenant, tenant } }))
                     .ok())
                return false;
        } else {
            podName = QStringLiteral("%1-%2-%3").arg(workload, tenant, hex8());
            ip = podIp();
            source = QStringLiteral("cold");
            QJsonObject pod = podObject(podName, workload, QJsonObject { { LTenant, tenant } });
            pod.insert(
                "status",
                QJsonObject { { "phase", "Running" }, { "podIP", ip }, { "startTime", now() } });
            if (!m_store->create(Resource::Pods, m_config.ns, pod).ok())
                return false;
        }
        const QJsonObject status { { "phase", "Active" },
                                   { "instanceId", podName },
                                   { "endpoint",
                                     QJsonObject { { "host", ip }, { "port", InstancePort } } },
                                   { "source", source },
                                   { "claimedAt", now() } };
        return m_store
            ->mergePatch(
                Resource::Claims, m_config.ns, c->name(),
                QJsonObject { { "status", status },
                              { "metadata",
                                QJsonObject { { "annotations",
                                                QJsonObject { { ALastActivity, now() } } } } } })
            .ok();
    }
    return false;
}

bool Scenario::touchClaim()
{
    QList<ObjectPtr> active;
    for (const auto &c : m_store->list(Resource::Claims, m_config.ns))
        if (phaseOf(c) == QLatin1String("Active"))
            active << c;
    if (active.isEmpty())
        return false;
    const ObjectPtr c = active.at(m_random.bounded(int(active.size())));
    return m_store
        ->mergePatch(
            Resource::Claims, m_config.ns, c->name(),
            QJsonObject {
                { "metadata",
                  QJsonObject { { "annotations", QJsonObject { { ALastActivity, now() } } } } } })
        .ok();
}

bool Scenario::releaseClaim()
{
    QList<ObjectPtr> active;
    for (const auto &c : m_store->list(Resource::Claims, m_config.ns))
        if (phaseOf(c) == QLatin1String("Active"))
            active << c;
    if (active.isEmpty())
        return false;
    const ObjectPtr c = active.at(m_random.bounded(int(active.size())));
    return m_store
        ->mergePatch(Resource::Claims, m_config.ns, c->name(),
                     QJsonObject { { "status",
                                     QJsonObject { { "phase", "Released" },
                                                   { "detail", "idle timeout" } } } })
        .ok();
}

bool Scenario::cleanUp()
{
    for (const auto &c : m_store->list(Resource::Claims, m_config.ns)) {
        const QString phase = phaseOf(c);
        if (phase != QLatin1String("Released") && phase != QLatin1String("Error"))
            continue;
        const QString pod = c->json()["status"].toObject()["instanceId"].toString();
        if (!pod.isEmpty() && m_store->get(Resource::Pods, m_config.ns, pod))
            m_store->remove(Resource::Pods, m_config.ns, pod);
        return m_store->remove(Resource::Claims, m_config.ns, c->name()).ok();
    }
    return failPod();
}

bool Scenario::failPod()
{
    // Rarely, an acquired or tenant pod crashes: Failed, and its claim goes to Error.
    if (m_random.generateDouble() >= m_config.errorRate)
        return false;
    for (const auto &c : m_store->list(Resource::Claims, m_config.ns)) {
        if (phaseOf(c) != QLatin1String("Active"))
            continue;
        const QString pod = c->json()["status"].toObject()["instanceId"].toString();
        if (pod.isEmpty() || !m_store->get(Resource::Pods, m_config.ns, pod))
            continue;
        m_store->mergePatch(
            Resource::Pods, m_config.ns, pod,
            QJsonObject {
                { "status", QJsonObject { { "phase", "Failed" }, { "reason", "Error" } } } });
        return m_store
            ->mergePatch(
                Resource::Claims, m_config.ns, c->name(),
                QJsonObject { { "status",
                                QJsonObject { { "phase", "Error" },
                                              { "detail", "instance exited with code 137" } } } })
            .ok();
    }
    return false;
}

} // namespace bh::sim
