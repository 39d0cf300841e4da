#include "clusterfixture.h"

#include "kubesim/objectstore.h"
#include "kubesim/storedobject.h"

#include <QFile>
#include <QJsonArray>
#include <QTest>

using bh::sim::Resource;

namespace {
const QString kNs = QString::fromLatin1(ClusterFixture::Namespace);

void check(const bh::sim::ObjectStore::Result &result, const char *what)
{
    if (!result.ok())
        qWarning("ClusterFixture: %s failed", what);
}
} // namespace

QString ClusterView::describe() const
{
    QStringList out;
    for (auto it = pods.begin(); it != pods.end(); ++it)
        out << it.key() + QLatin1Char('=') + it.value();
    QStringList claims(activeClaims.begin(), activeClaims.end());
    claims.sort();
    return QStringLiteral("pods{%1} active{%2}")
        .arg(out.join(QLatin1Char(',')), claims.join(QLatin1Char(',')));
}

ClusterFixture::ClusterFixture(bh::sim::SimulatorConfig config, QObject *parent)
    : QObject(parent)
    , m_simulator(config)
{ }

ClusterFixture::~ClusterFixture() = default;

bool ClusterFixture::start()
{
    if (!m_simulator.start() || !m_dir.isValid())
        return false;
    QFile file(kubeconfigPath());
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(QStringLiteral("apiVersion: v1\n"
                              "kind: Config\n"
                              "clusters:\n"
                              "- name: sim\n"
                              "  cluster:\n"
                              "    server: %1\n"
                              "users:\n"
                              "- name: dev\n"
                              "  user: {}\n"
                              "contexts:\n"
                              "- name: sim\n"
                              "  context:\n"
                              "    cluster: sim\n"
                              "    user: dev\n"
                              "    namespace: %2\n"
                              "current-context: sim\n")
                   .arg(m_simulator.url().toString(), kNs)
                   .toUtf8());
    return true;
}

QString ClusterFixture::kubeconfigPath() const
{
    return m_dir.filePath(QStringLiteral("kubeconfig"));
}

void ClusterFixture::createPod(const QString &name, const QString &workload, const QString &tenant,
                               const QString &phase, const QString &poolStatus, bool managed)
{
    QJsonObject labels;
    if (managed)
        labels.insert("boilerhouse.dev/managed", "true");
    labels.insert("boilerhouse.dev/workload", workload);
    if (!tenant.isEmpty())
        labels.insert("boilerhouse.dev/tenant", tenant);
    if (!poolStatus.isEmpty())
        labels.insert("boilerhouse.dev/pool-status", poolStatus);
    QJsonObject pod {
        { "apiVersion", "v1" },
        { "kind", "Pod" },
        { "metadata",
          QJsonObject { { "name", name }, { "namespace", kNs }, { "labels", labels } } },
        { "spec",
          QJsonObject { { "containers",
                          QJsonArray { QJsonObject { { "name", "main" }, { "image", "x" } } } } } },
        { "status", QJsonObject { { "phase", phase }, { "podIP", "10.1.0.7" } } }
    };
    check(m_simulator.store()->create(Resource::Pods, kNs, pod), "create pod");
}

void ClusterFixture::setPodPhase(const QString &name, const QString &phase)
{
    check(m_simulator.store()->mergePatch(
              Resource::Pods, kNs, name,
              QJsonObject { { "status", QJsonObject { { "phase", phase } } } }),
          "patch pod");
}

void ClusterFixture::setPodLabel(const QString &name, const QString &key, const QString &value)
{
    const QJsonValue v = value.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(value);
    check(m_simulator.store()->mergePatch(
              Resource::Pods, kNs, name,
              QJsonObject {
                  { "metadata", QJsonObject { { "labels", QJsonObject { { key, v } } } } } }),
          "label pod");
}

void ClusterFixture::deletePod(const QString &name)
{
    check(m_simulator.store()->remove(Resource::Pods, kNs, name), "delete pod");
}

void ClusterFixture::createClaim(const QString &name, const QString &tenant,
                                 const QString &workload, const QJsonObject &status,
                                 const QJsonObject &annotations)
{
    QJsonObject metadata { { "name", name }, { "namespace", kNs } };
    if (!annotations.isEmpty())
        metadata.insert("annotations", annotations);
    QJsonObject claim { { "apiVersion", "boilerhouse.dev/v1alpha1" },
                        { "kind", "BoilerhouseClaim" },
                        { "metadata", metadata },
                        { "spec",
                          QJsonObject { { "tenantId", tenant }, { "workloadRef", workload } } } };
    if (!status.isEmpty())
        claim.insert("status", status);
    check(m_simulator.store()->create(Resource::Claims, kNs, claim), "create claim");
}

void ClusterFixture::setClaimStatus(const QString &name, const QJsonObject &status)
{
    check(m_simulator.store()->mergePatch(Resource::Claims, kNs, name,
                                          QJsonObject { { "status", status } }),
          "patch claim");
}

void ClusterFixture::deleteClaim(const QString &name)
{
    check(m_simulator.store()->remove(Resource::Claims, kNs, name), "delete claim");
}

void ClusterFixture::randomChange(QRandomGenerator &random)
{
    auto *store = m_simulator.store();
    const QList<bh::sim::ObjectPtr> pods = store->list(Resource::Pods, kNs);
    const QList<bh::sim::ObjectPtr> claims = store->list(Resource::Claims, kNs);
    static const char *podPhases[] = { "Pending", "Running", "Succeeded", "Failed" };
    const int action = int(random.bounded(6));
    if (action == 0 || pods.isEmpty()) {
        const QString tenant = QStringLiteral("t%1").arg(random.bounded(5));
        const bool pool = random.bounded(2) == 0;
        createPod(QStringLiteral("w-%1-%2")
                      .arg(pool ? QStringLiteral("pool") : tenant)
                      .arg(++m_counter, 8, 16, QLatin1Char('0')),
                  QStringLiteral("w"), pool ? QString() : tenant, QStringLiteral("Pending"),
                  pool ? QStringLiteral("warming") : QString());
    } else if (action == 1) {
        setPodPhase(pods.at(int(random.bounded(pods.size())))->name(),
                    QString::fromLatin1(podPhases[random.bounded(4)]));
    } else if (action == 2) {
        setPodLabel(pods.at(int(random.bounded(pods.size())))->name(),
                    "boilerhouse.dev/pool-status",
                    random.bounded(2) ? QStringLiteral("ready") : QStringLiteral("acquired"));
    } else if (action == 3 && pods.size() > 3) {
        deletePod(pods.at(int(random.bounded(pods.size())))->name());
    } else if (action == 4 || claims.isEmpty()) {
        const QString tenant = QStringLiteral("t%1").arg(++m_counter);
        createClaim(QStringLiteral("claim-%1-w").arg(tenant), tenant, QStringLiteral("w"),
                    QJsonObject { { "phase", "Pending" } });
    } else if (random.bounded(4) == 0 && claims.size() > 2) {
        deleteClaim(claims.at(int(random.bounded(claims.size())))->name());
    } else {
        // Claims cycle Pending -> Active -> Released -> Active: the transitions whose events
        // a client can fold into "claimed" without knowing earlier phases.
        const bh::sim::ObjectPtr claim = claims.at(int(random.bounded(claims.size())));
        const QString phase = claim->json().value("status").toObject().value("phase").toString();
        const QString next = phase == QLatin1String("Active") ? QStringLiteral("Released")
                                                              : QStringLiteral("Active");
        setClaimStatus(claim->name(), QJsonObject { { "phase", next }, { "source", "pool" } });
    }
}

ClusterView ClusterFixture::truth() const
{
    ClusterView view;
    auto *store = const_cast<bh::sim::Simulator &>(m_simulator).store();
    for (const bh::sim::ObjectPtr &pod : store->list(Resource::Pods, kNs)) {
        const QJsonObject labels = pod->labels();
        if (labels.value("boilerhouse.dev/managed").toString() != QLatin1String("true"))
            continue;
        view.pods.insert(pod->name(),
                         pod->json().value("status").toObject().value("phase").toString() + '|'
                             + labels.value("boilerhouse.dev/workload").toString() + '|'
                             + labels.value("boilerhouse.dev/tenant").toString());
    }
    for (const bh::sim::ObjectPtr &claim : store->list(Resource::Claims, kNs)) {
        if (claim->json().value("status").toObject().value("phase").toString()
            == QLatin1String("Active"))
            view.activeClaims.insert(claim->name());
    }
    return view;
}
