// Resilience with clients connected: the apiserver misbehaves (watches closed, history
// compacted -> 410 in both forms, failing, stalled, restarted) while the cluster keeps
// changing. Afterwards every client's state, folded from its events, equals the simulator's
// truth, and the REST snapshot agrees. Real boilerhouse-server process, in-process simulator.

#include "clusterfixture.h"
#include "eventclient.h"
#include "httpclient.h"
#include "serverprocess.h"

#include "protocol/snapshot.h"

#include <QTest>

namespace {
constexpr int kTimeout = 15'000;
// Failing-apiserver rows back off 0.8 s, 1.6 s, 3.2 s (+ jitter) before they recover.
constexpr int kRecoveryTimeout = 40'000;
constexpr int kClients = 5;
constexpr int kChangesPerPhase = 25;

enum class Fault { CloseWatches, Compact, Fail500, Fail429, Stall, Restart };
} // namespace
Q_DECLARE_METATYPE(Fault)

class tst_resilience : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void clientsConvergeToTruthAfterFault_data();
    void clientsConvergeToTruthAfterFault();

private:
    static ClusterView restView(HttpClient &http, const ServerProcess &server);
};

ClusterView tst_resilience::restView(HttpClient &http, const ServerProcess &server)
{
    ClusterView view;
    const auto instances =
        bh::protocol::decodeInstances(http.get(server.url("/api/v1/instances")).body);
    const auto tenants = bh::protocol::decodeTenants(http.get(server.url("/api/v1/tenants")).body);
    if (!instances || !tenants)
        return view;
    for (const auto &i : *instances)
        view.pods.insert(i.name, i.phase + '|' + i.workloadRef + '|' + i.tenantId);
    for (const auto &t : *tenants) {
        for (const auto &c : t.claims) {
            if (c.phase == QLatin1String("Active"))
                view.activeClaims.insert(c.name);
        }
    }
    return view;
}

void tst_resilience::clientsConvergeToTruthAfterFault_data()
{
    QTest::addColumn<Fault>("fault");
    QTest::addColumn<bool>("gone410AsHttpStatus");
    // 1: the server must relist each resource after the fault; 0: it must not (a re-watch
    // from the last resourceVersion suffices); -1: either is correct.
    QTest::addColumn<int>("relist");
    QTest::newRow("watches closed: re-watch from last resourceVersion")
        << Fault::CloseWatches << false << 0;
    QTest::newRow("compaction: 410 as ERROR event, relist diff") << Fault::Compact << false << 1;
    QTest::newRow("compaction: 410 as HTTP status, relist diff") << Fault::Compact << true << 1;
    QTest::newRow("apiserver failing with 500") << Fault::Fail500 << false << -1;
    QTest::newRow("apiserver throttling with 429") << Fault::Fail429 << false << -1;
    QTest::newRow("apiserver stalled") << Fault::Stall << false << 0;
    QTest::newRow("apiserver restarted") << Fault::Restart << false << -1;
}

void tst_resilience::clientsConvergeToTruthAfterFault()
{
    QFETCH(Fault, fault);
    QFETCH(bool, gone410AsHttpStatus);
    QFETCH(int, relist);

    bh::sim::SimulatorConfig simConfig;
    simConfig.gone410AsHttpStatus = gone410AsHttpStatus;
    ClusterFixture cluster(simConfig);
    QVERIFY(cluster.start());
    QRandomGenerator random(42);
    for (int i = 0; i < 10; ++i)
        cluster.randomChange(random);

    QProcessEnvironment env = ServerProcess::cleanEnvironment();
    env.insert("KUBECONFIG", cluster.kubeconfigPath());
    ServerProcess server;
    QVERIFY2(server.start({}, env), qPrintable(server.errors()));
    HttpClient http;
    QTRY_COMPARE_WITH_TIMEOUT(http.get(server.url("/readyz")).status, 200, kTimeout);

    QList<EventClient *> clients;
    for (int i = 0; i < kClients; ++i) {
        clients << new EventClient(this);
        clients.last()->open(server.wsUrl());
    }
    for (EventClient *c : clients)
        QTRY_VERIFY_WITH_TIMEOUT(c->isConnected(), kTimeout);

    // Live changes before the fault.
    for (int i = 0; i < kChangesPerPhase; ++i)
        cluster.randomChange(random);
    for (EventClient *c : clients)
        QTRY_COMPARE_WITH_TIMEOUT(c->fold(), cluster.truth(), kTimeout);

    // The fault, with changes made while the server cannot see them (all in this event-loop
    // turn: the simulator serves nothing in between).
    bh::sim::Simulator *sim = cluster.simulator();
    const qsizetype logBefore = sim->requestLog().size();
    switch (fault) {
    case Fault::CloseWatches:
        sim->closeAllWatches();
        break;
    case Fault::Compact:
        sim->closeAllWatches();
        for (int i = 0; i < kChangesPerPhase; ++i)
            cluster.randomChange(random);
        sim->compactHistory();
        break;
    case Fault::Fail500:
    case Fault::Fail429:
        sim->failNextRequests(3, fault == Fault::Fail500 ? 500 : 429);
        sim->closeAllWatches();
        break;
    case Fault::Stall:
        sim->stall(std::chrono::milliseconds(2'000));
        break;
    case Fault::Restart:
        sim->restart();
        break;
    }
    for (int i = 0; i < kChangesPerPhase; ++i)
        cluster.randomChange(random);

    const ClusterView truth = cluster.truth();
    for (EventClient *c : clients) {
        QTRY_COMPARE_WITH_TIMEOUT(c->fold(), truth, kRecoveryTimeout);
        QVERIFY(c->isConnected() && !c->isClosed());
        QCOMPARE(c->invalidFrames(), 0);
    }
    QTRY_COMPARE_WITH_TIMEOUT(restView(http, server), truth, kTimeout);

    // Still live afterwards, and the server watches again: exactly one watch per resource.
    for (int i = 0; i < 5; ++i)
        cluster.randomChange(random);
    for (EventClient *c : clients)
        QTRY_COMPARE_WITH_TIMEOUT(c->fold(), cluster.truth(), kRecoveryTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(sim->openWatchCount("pods"), 1, kTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(sim->openWatchCount("boilerhouseclaims"), 1, kTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(http.get(server.url("/readyz")).status, 200, kRecoveryTimeout);
    if (relist >= 0) {
        int podLists = 0;
        int claimLists = 0;
        const QStringList log = sim->requestLog().mid(logBefore);
        for (const QString &line : log) {
            if (line.contains("watch="))
                continue;
            podLists += line.contains("/pods?") ? 1 : 0;
            claimLists += line.contains("/boilerhouseclaims?") ? 1 : 0;
        }
        QVERIFY2((podLists > 0) == bool(relist), qPrintable(log.join('\n')));
        QVERIFY2((claimLists > 0) == bool(relist), qPrintable(log.join('\n')));
    }
    if (qEnvironmentVariableIsSet("BH_TEST_DUMP_LOG"))
        qInfo().noquote() << sim->requestLog().join('\n');
    qDeleteAll(clients);
}

QTEST_GUILESS_MAIN(tst_resilience)
#include "tst_resilience.moc"
