// Fan-out through the real boilerhouse-server: the apiserver sees exactly two watches however
// many clients connect, and every client receives the same event sequence.

#include "clusterfixture.h"
#include "eventclient.h"
#include "httpclient.h"
#include "serverprocess.h"

#include <QTest>

namespace {
constexpr int kTimeout = 30'000;
}

class tst_fanout : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void twoWatchesForManyClients();
    void concurrentClientsReceiveIdenticalSequences();

private:
    void connectClients(int count);

    ClusterFixture m_cluster;
    ServerProcess m_server;
    HttpClient m_http;
    QList<EventClient *> m_clients;
    QRandomGenerator m_random { 7 };
};

void tst_fanout::initTestCase()
{
    QVERIFY(m_cluster.start());
    for (int i = 0; i < 20; ++i)
        m_cluster.randomChange(m_random);
    QProcessEnvironment env = ServerProcess::cleanEnvironment();
    env.insert("KUBECONFIG", m_cluster.kubeconfigPath());
    QVERIFY2(m_server.start({}, env), qPrintable(m_server.errors()));
    QTRY_COMPARE_WITH_TIMEOUT(m_http.get(m_server.url("/readyz")).status, 200, kTimeout);
}

void tst_fanout::cleanup()
{
    qDeleteAll(m_clients);
    m_clients.clear();
}

void tst_fanout::connectClients(int count)
{
    for (int i = 0; i < count; ++i) {
        m_clients << new EventClient(this);
        m_clients.last()->open(m_server.wsUrl());
    }
    for (EventClient *c : std::as_const(m_clients))
        QTRY_VERIFY_WITH_TIMEOUT(c->isConnected(), kTimeout);
}

void tst_fanout::twoWatchesForManyClients()
{
    connectClients(200);
    if (QTest::currentTestFailed())
        return;
    const ClusterView truth = m_cluster.truth();
    for (EventClient *c : std::as_const(m_clients))
        QTRY_COMPARE_WITH_TIMEOUT(c->fold(), truth, kTimeout);
    QCOMPARE(m_cluster.simulator()->openWatchCount("pods"), 1);
    QCOMPARE(m_cluster.simulator()->openWatchCount("boilerhouseclaims"), 1);
    // Live changes do not open more either.
    for (int i = 0; i < 10; ++i)
        m_cluster.randomChange(m_random);
    const ClusterView after = m_cluster.truth();
    for (EventClient *c : std::as_const(m_clients))
        QTRY_COMPARE_WITH_TIMEOUT(c->fold(), after, kTimeout);
    QCOMPARE(m_cluster.simulator()->openWatchCount("pods"), 1);
    QCOMPARE(m_cluster.simulator()->openWatchCount("boilerhouseclaims"), 1);
}

void tst_fanout::concurrentClientsReceiveIdenticalSequences()
{
    connectClients(500);
    if (QTest::currentTestFailed())
        return;
    for (int i = 0; i < 100; ++i)
        m_cluster.randomChange(m_random);
    const ClusterView truth = m_cluster.truth();
    for (EventClient *c : std::as_const(m_clients))
        QTRY_COMPARE_WITH_TIMEOUT(c->fold(), truth, kTimeout);
    const EventClient *first = m_clients.constFirst();
    // Everyone connected before the changes: the same replay, then the same live events.
    QTRY_VERIFY_WITH_TIMEOUT(
        std::all_of(m_clients.cbegin(), m_clients.cend(),
                    [&](const EventClient *c) { return c->count() >= first->count(); }),
        kTimeout);
    QVERIFY2(first->count() > 50, qPrintable(QString::number(first->count())));
    for (const EventClient *c : std::as_const(m_clients)) {
        QCOMPARE(c->count(), first->count());
        QCOMPARE(c->frames(), first->frames());
        QCOMPARE(c->invalidFrames(), 0);
    }
}

QTEST_GUILESS_MAIN(tst_fanout)
#include "tst_fanout.moc"
