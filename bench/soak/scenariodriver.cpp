#include "scenariodriver.h"

#include "httpcaller.h"
#include "soaklogging.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <functional>

namespace bh::soak {

namespace {

const QString Namespace = QStringLiteral("boilerhouse");
const QStringList Workloads { QStringLiteral("agent"), QStringLiteral("coder") };
const QStringList Tenants { QStringLiteral("alice"), QStringLiteral("bob"),
                            QStringLiteral("carol"), QStringLiteral("dave"),
                            QStringLiteral("erin"),  QStringLiteral("frank") };
const QStringList PodPhases { QStringLiteral("Pending"), QStringLiteral("Running"),
                              QStringLiteral("Succeeded"), QStringLiteral("Failed"),
                              QStringLiteral("Unknown") };

QJsonObject podLabels(const QString &name, const QString &workload, const QString &tenant,
                      const QString &poolStatus, bool managed)
{
    QJsonObject labels { { "boilerhouse.dev/managed", managed ? "true" : "false" },
                         { "boilerhouse.dev/workload", workload },
                         { "boilerhouse.dev/instance", name } };
    if (!tenant.isEmpty())
        labels.insert(QStringLiteral("boilerhouse.dev/tenant"), tenant);
    if (!poolStatus.isEmpty())
        labels.insert(QStringLiteral("boilerhouse.dev/pool-status"), poolStatus);
    return labels;
}

QJsonObject podObject(const QString &name, const QJsonObject &labels, const QString &phase)
{
    return QJsonObject {
        { "metadata", QJsonObject { { "name", name }, { "labels", labels } } },
        { "spec",
          QJsonObject { { "containers", QJsonArray { QJsonObject { { "name", "sandbox" } } } } } },
        { "status", QJsonObject { { "phase", phase }, { "podIP", "10.42.0.7" } } }
    };
}

} // namespace

ScenarioDriver::ScenarioDriver(HttpCaller *http, QRandomGenerator *random, QObject *parent)
    : QObject(parent)
    , m_http(http)
    , m_random(random)
{ }

QString ScenarioDriver::podsPath(const QString &name) const
{
    QString p = QStringLiteral("/api/v1/namespaces/%1/pods").arg(Namespace);
    return name.isEmpty() ? p : p + QLatin1Char('/') + name;
}

QString ScenarioDriver::claimsPath(const QString &name) const
{
    QString p = QStringLiteral("/apis/boilerhouse.dev/v1alpha1/namespaces/%1/boilerhouseclaims")
                    .arg(Namespace);
    return name.isEmpty() ? p : p + QLatin1Char('/') + name;
}

QString ScenarioDriver::pick(const QStringList &list)
{
    return list.isEmpty() ? QString() : list.at(int(m_random->bounded(quint32(list.size()))));
}

QString ScenarioDriver::hex8()
{
    return QStringLiteral("%1").arg(m_random->generate(), 8, 16, QLatin1Char('0'));
}

QStringList ScenarioDriver::podsWhere(const std::function<bool(const Pod &)> &pred) const
{
    QStringList out;
    for (auto it = m_pods.cbegin(); it != m_pods.cend(); ++it) {
        if (pred(it.value()))
            out.append(it.key());
    }
    return out;
}

QStringList ScenarioDriver::claimsWhere(const std::function<bool(const Claim &)> &pred) const
{
    QStringList out;
    for (auto it = m_claims.cbegin(); it != m_claims.cend(); ++it) {
        if (pred(it.value()))
            out.append(it.key());
    }
    return out;
}

int ScenarioDriver::managedPods() const
{
    return int(podsWhere([](const Pod &p) { return p.managed; }).size());
}

bool ScenarioDriver::write(const QByteArray &verb, const QString &path, const QJsonObject &body,
                           QString *error, int expectStatus)
{
    QUrl url = m_sim;
    url.setPath(path);
    const QByteArray type = verb == "PATCH" ? QByteArray("application/merge-patch+json")
                                            : QByteArray("application/json");
    int attempts = 0;
    const HttpResult r = m_http->callWithRetry(
        verb, url,
        body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact), type,
        &attempts);
    if (attempts > 1)
        ++m_retried;
    // A retried request may have been applied before its answer was lost (a connection
    // reset): its repetition then meets its own result.
    const bool repeatedOk = attempts > 1
        && ((verb == "POST" && r.status == 409) || (verb == "DELETE" && r.status == 404));
    if (r.status == expectStatus || repeatedOk)
        return true;
    *error = QStringLiteral("%1 %2 → %3 %4 (after %5 attempts)")
                 .arg(QString::fromLatin1(verb), path)
                 .arg(r.status)
                 .arg(r.status ? QString::fromUtf8(r.body.left(300)) : r.error)
                 .arg(attempts);
    return false;
}

bool ScenarioDriver::step(QString *description, QString *error)
{
    using Action = QString (ScenarioDriver::*)(QString *);
    struct Weighted
    {
        Action action;
        int weight;
    };
    static const Weighted actions[] = {
        { &ScenarioDriver::createPoolPod, 6 },      { &ScenarioDriver::makePoolPodReady, 6 },
        { &ScenarioDriver::claimFromPool, 5 },      { &ScenarioDriver::claimCold, 4 },
        { &ScenarioDriver::activateClaim, 7 },      { &ScenarioDriver::changePodPhase, 8 },
        { &ScenarioDriver::beginRelease, 4 },       { &ScenarioDriver::finishRelease, 4 },
        { &ScenarioDriver::removeReleased, 4 },     { &ScenarioDriver::failClaim, 2 },
        { &ScenarioDriver::recoverClaim, 2 },       { &ScenarioDriver::deleteClaim, 2 },
        { &ScenarioDriver::deletePod, 3 },          { &ScenarioDriver::toggleManaged, 2 },
        { &ScenarioDriver::createUnmanagedPod, 1 }, { &ScenarioDriver::touchClaim, 2 },
    };
    int total = 0;
    for (const Weighted &w : actions)
        total += w.weight;
    // Some kind always applies (createPoolPod below MaxPods, deletePod above); bounded tries.
    constexpr int MaxTries = 64;
    for (int attempt = 0; attempt < MaxTries; ++attempt) {
        int r = int(m_random->bounded(quint32(total)));
        const Weighted *chosen = &actions[0];
        for (const Weighted &w : actions) {
            if (r < w.weight) {
                chosen = &w;
                break;
            }
            r -= w.weight;
        }
        error->clear();
        const QString d = (this->*chosen->action)(error);
        if (!error->isEmpty())
            return false;
        if (!d.isEmpty()) {
            ++m_actions;
            *description = d;
            return true;
        }
    }
    *description = QStringLiteral("(no applicable action)");
    return true;
}

bool ScenarioDriver::burst(int count, QString *error)
{
    const QStringList pods = podsWhere([](const Pod &p) { return p.managed; });
    if (pods.isEmpty())
        return true;
    for (int i = 0; i < count; ++i) {
        const QString name = pods.at(i % pods.size());
        Pod &pod = m_pods[name];
        pod.phase = pick(PodPhases);
        if (!write("PATCH", podsPath(name) + QLatin1String("/status"),
                   QJsonObject { { "status", QJsonObject { { "phase", pod.phase } } } }, error,
                   200))
            return false;
        ++m_actions;
    }
    return true;
}

bool ScenarioDriver::burstLarge(int count, QString *error)
{
    // A DNS-1123 subdomain of 250 characters (segments of at most 63) and 63-character label
    // values: the largest instance.state events the protocol carries.
    static const QString name = QStringLiteral("soak-burst-") + QString(50, QLatin1Char('x'))
        + QLatin1Char('.') + QString(60, QLatin1Char('y')) + QLatin1Char('.')
        + QString(60, QLatin1Char('z')) + QLatin1Char('.') + QString(60, QLatin1Char('w'));
    static const QString workload = QStringLiteral("burst-") + QString(57, QLatin1Char('w'));
    static const QString tenant = QStringLiteral("burst-") + QString(57, QLatin1Char('t'));
    if (!m_pods.contains(name)) {
        if (!write("POST", podsPath(),
                   podObject(name, podLabels(name, workload, tenant, {}, true),
                             QStringLiteral("Running")),
                   error, 201))
            return false;
        // Not a workload pod of the model: no other action picks it except phase changes.
        m_pods.insert(name, Pod { {}, tenant, {}, QStringLiteral("Running"), true });
    }
    Pod &pod = m_pods[name];
    for (int i = 0; i < count; ++i) {
        pod.phase = pod.phase == QLatin1String("Running") ? QStringLiteral("Pending")
                                                          : QStringLiteral("Running");
        if (!write("PATCH", podsPath(name) + QLatin1String("/status"),
                   QJsonObject { { "status", QJsonObject { { "phase", pod.phase } } } }, error,
                   200))
            return false;
        ++m_actions;
    }
    return true;
}

QString ScenarioDriver::createPoolPod(QString *error)
{
    if (managedPods() >= MaxPods)
        return {};
    const QString workload = pick(Workloads);
    const int pool = int(podsWhere([&](const Pod &p) {
                             return p.workload == workload && !p.poolStatus.isEmpty()
                                 && p.poolStatus != QLatin1String("acquired");
                         }).size());
    if (pool >= MaxPoolPerWorkload)
        return {};
    const QString name = QStringLiteral("%1-pool-%2").arg(workload, hex8());
    if (!write("POST", podsPath(),
               podObject(name, podLabels(name, workload, {}, QStringLiteral("warming"), true),
                         QStringLiteral("Pending")),
               error, 201))
        return {};
    m_pods.insert(name,
                  Pod { workload, {}, QStringLiteral("warming"), QStringLiteral("Pending"), true });
    return QStringLiteral("create pool pod %1").arg(name);
}

QString ScenarioDriver::makePoolPodReady(QString *error)
{
    const QString name = pick(podsWhere(
        [](const Pod &p) { return p.managed && p.poolStatus == QLatin1String("warming"); }));
    if (name.isEmpty())
        return {};
    Pod &pod = m_pods[name];
    if (!write("PATCH", podsPath(name),
               QJsonObject { { "metadata",
                               QJsonObject { { "labels",
                                               QJsonObject { { "boilerhouse.dev/pool-status",
                                                               "ready" } } } } } },
               error, 200))
        return {};
    pod.poolStatus = QStringLiteral("ready");
    if (!write("PATCH", podsPath(name) + QLatin1String("/status"),
               QJsonObject { { "status", QJsonObject { { "phase", "Running" } } } }, error, 200))
        return {};
    pod.phase = QStringLiteral("Running");
    return QStringLiteral("pool pod %1 ready").arg(name);
}

QString ScenarioDriver::claimFromPool(QString *error)
{
    const QString tenant = pick(Tenants);
    const QString workload = pick(Workloads);
    const QString claimName = QStringLiteral("claim-%1-%2").arg(tenant, workload);
    if (m_claims.contains(claimName))
        return {};
    const QString podName = pick(podsWhere([&](const Pod &p) {
        return p.managed && p.workload == workload && p.poolStatus == QLatin1String("ready");
    }));
    if (podName.isEmpty())
        return {};
    Pod &pod = m_pods[podName];
    if (!write("PATCH", podsPath(podName),
               QJsonObject {
                   { "metadata",
                     QJsonObject { { "labels",
                                     QJsonObject { { "boilerhouse.dev/pool-status", "acquired" },
                                                   { "boilerhouse.dev/tenant", tenant } } } } } },
               error, 200))
        return {};
    pod.poolStatus = QStringLiteral("acquired");
    pod.tenant = tenant;
    const QJsonObject claim {
        { "apiVersion", "boilerhouse.dev/v1alpha1" },
        { "kind", "BoilerhouseClaim" },
        { "metadata", QJsonObject { { "name", claimName } } },
        { "spec", QJsonObject { { "tenantId", tenant }, { "workloadRef", workload } } },
        { "status", QJsonObject { { "phase", "Pending" } } }
    };
    if (!write("POST", claimsPath(), claim, error, 201))
        return {};
    m_claims.insert(
        claimName,
        Claim { tenant, workload, QStringLiteral("Pending"), podName, QStringLiteral("pool") });
    return QStringLiteral("claim %1 from pool pod %2").arg(claimName, podName);
}

QString ScenarioDriver::claimCold(QString *error)
{
    if (managedPods() >= MaxPods)
        return {};
    const QString tenant = pick(Tenants);
    const QString workload = pick(Workloads);
    const QString claimName = QStringLiteral("claim-%1-%2").arg(tenant, workload);
    if (m_claims.contains(claimName))
        return {};
    const QString podName = QStringLiteral("%1-%2-%3").arg(workload, tenant, hex8());
    if (!write("POST", podsPath(),
               podObject(podName, podLabels(podName, workload, tenant, {}, true),
                         QStringLiteral("Pending")),
               error, 201))
        return {};
    m_pods.insert(podName, Pod { workload, tenant, {}, QStringLiteral("Pending"), true });
    const QJsonObject claim {
        { "apiVersion", "boilerhouse.dev/v1alpha1" },
        { "kind", "BoilerhouseClaim" },
        { "metadata", QJsonObject { { "name", claimName } } },
        { "spec", QJsonObject { { "tenantId", tenant }, { "workloadRef", workload } } },
        { "status", QJsonObject { { "phase", "Pending" } } }
    };
    if (!write("POST", claimsPath(), claim, error, 201))
        return {};
    m_claims.insert(
        claimName,
        Claim { tenant, workload, QStringLiteral("Pending"), podName,
                m_random->bounded(2) ? QStringLiteral("cold") : QStringLiteral("cold+data") });
    return QStringLiteral("claim %1 cold with pod %2").arg(claimName, podName);
}

QString ScenarioDriver::activateClaim(QString *error)
{
    const QString name =
        pick(claimsWhere([](const Claim &c) { return c.phase == QLatin1String("Pending"); }));
    if (name.isEmpty())
        return {};
    Claim &c = m_claims[name];
    const QJsonObject status { { "phase", "Active" },
                               { "instanceId", c.instance },
                               { "source", c.source },
                               { "endpoint",
                                 QJsonObject { { "host", "10.42.0.7" }, { "port", 8080 } } },
                               { "claimedAt", "2026-04-20T10:30:00Z" } };
    if (!write("PATCH", claimsPath(name) + QLatin1String("/status"),
               QJsonObject { { "status", status } }, error, 200))
        return {};
    c.phase = QStringLiteral("Active");
    return QStringLiteral("claim %1 Active").arg(name);
}

QString ScenarioDriver::changePodPhase(QString *error)
{
    const QString name = pick(m_pods.keys());
    if (name.isEmpty())
        return {};
    Pod &pod = m_pods[name];
    const QString phase = pick(PodPhases);
    if (!write("PATCH", podsPath(name) + QLatin1String("/status"),
               QJsonObject { { "status", QJsonObject { { "phase", phase } } } }, error, 200))
        return {};
    pod.phase = phase;
    return QStringLiteral("pod %1 phase %2").arg(name, phase);
}

QString ScenarioDriver::beginRelease(QString *error)
{
    return moveClaimPhase(QStringLiteral("Active"), QStringLiteral("Releasing"), error);
}

QString ScenarioDriver::finishRelease(QString *error)
{
    return moveClaimPhase(QStringLiteral("Releasing"), QStringLiteral("Released"), error);
}

QString ScenarioDriver::moveClaimPhase(const QString &from, const QString &to, QString *error)
{
    const QString name = pick(claimsWhere([&from](const Claim &c) { return c.phase == from; }));
    if (name.isEmpty())
        return {};
    if (!write("PATCH", claimsPath(name) + QLatin1String("/status"),
               QJsonObject { { "status", QJsonObject { { "phase", to } } } }, error, 200))
        return {};
    m_claims[name].phase = to;
    return QStringLiteral("claim %1 %2").arg(name, to);
}

QString ScenarioDriver::removeReleased(QString *error)
{
    const QString name =
        pick(claimsWhere([](const Claim &c) { return c.phase == QLatin1String("Released"); }));
    if (name.isEmpty())
        return {};
    const QString pod = m_claims.value(name).instance;
    if (!write("DELETE", claimsPath(name), {}, error, 200))
        return {};
    m_claims.remove(name);
    if (m_pods.contains(pod)) {
        if (!write("DELETE", podsPath(pod), {}, error, 200))
            return {};
        m_pods.remove(pod);
    }
    return QStringLiteral("claim %1 and pod %2 deleted").arg(name, pod);
}

QString ScenarioDriver::failClaim(QString *error)
{
    const QString name = pick(claimsWhere([](const Claim &c) {
        return c.phase == QLatin1String("Pending") || c.phase == QLatin1String("Active");
    }));
    if (name.isEmpty())
        return {};
    if (!write("PATCH", claimsPath(name) + QLatin1String("/status"),
               QJsonObject {
                   { "status",
                     QJsonObject { { "phase", "Error" }, { "detail", "sandbox crashed" } } } },
               error, 200))
        return {};
    m_claims[name].phase = QStringLiteral("Error");
    return QStringLiteral("claim %1 Error").arg(name);
}

QString ScenarioDriver::recoverClaim(QString *error)
{
    const QString name =
        pick(claimsWhere([](const Claim &c) { return c.phase == QLatin1String("Error"); }));
    if (name.isEmpty())
        return {};
    const Claim &c = m_claims[name];
    if (!write("PATCH", claimsPath(name) + QLatin1String("/status"),
               QJsonObject { { "status",
                               QJsonObject { { "phase", "Active" },
                                             { "source", c.source },
                                             { "instanceId", c.instance },
                                             { "detail", QJsonValue::Null } } } },
               error, 200))
        return {};
    m_claims[name].phase = QStringLiteral("Active");
    return QStringLiteral("claim %1 Active again").arg(name);
}

QString ScenarioDriver::deleteClaim(QString *error)
{
    const QString name = pick(m_claims.keys());
    if (name.isEmpty())
        return {};
    if (!write("DELETE", claimsPath(name), {}, error, 200))
        return {};
    m_claims.remove(name);
    return QStringLiteral("claim %1 deleted").arg(name);
}

QString ScenarioDriver::deletePod(QString *error)
{
    const QString name = pick(m_pods.keys());
    if (name.isEmpty())
        return {};
    if (!write("DELETE", podsPath(name), {}, error, 200))
        return {};
    m_pods.remove(name);
    return QStringLiteral("pod %1 deleted").arg(name);
}

QString ScenarioDriver::toggleManaged(QString *error)
{
    const QString name = pick(podsWhere([](const Pod &p) {
        // Only pods the simulator created managed: unmanaged noise pods stay unmanaged.
        return !p.workload.isEmpty();
    }));
    if (name.isEmpty())
        return {};
    Pod &pod = m_pods[name];
    const bool managed = !pod.managed;
    if (!write(
            "PATCH", podsPath(name),
            QJsonObject { { "metadata",
                            QJsonObject { { "labels",
                                            QJsonObject { { "boilerhouse.dev/managed",
                                                            managed ? "true" : "false" } } } } } },
            error, 200))
        return {};
    pod.managed = managed;
    return QStringLiteral("pod %1 %2").arg(name, managed ? "managed again" : "no longer managed");
}

QString ScenarioDriver::createUnmanagedPod(QString *error)
{
    if (m_pods.size() >= 2 * MaxPods)
        return {};
    const QString name = QStringLiteral("sidecar-%1").arg(hex8());
    QJsonObject labels { { "app", "sidecar" } };
    if (!write("POST", podsPath(), podObject(name, labels, QStringLiteral("Running")), error, 201))
        return {};
    m_pods.insert(name, Pod { {}, {}, {}, QStringLiteral("Running"), false });
    return QStringLiteral("unmanaged pod %1").arg(name);
}

QString ScenarioDriver::touchClaim(QString *error)
{
    const QString name = pick(m_claims.keys());
    if (name.isEmpty())
        return {};
    const QJsonObject patch {
        { "metadata",
          QJsonObject {
              { "annotations",
                QJsonObject { { "boilerhouse.dev/last-activity",
                                QStringLiteral("2026-04-20T10:%1:00Z")
                                    .arg(m_random->bounded(60), 2, 10, QLatin1Char('0')) } } } } }
    };
    if (!write("PATCH", claimsPath(name), patch, error, 200))
        return {};
    return QStringLiteral("claim %1 activity").arg(name);
}

} // namespace bh::soak
