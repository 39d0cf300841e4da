// PROTOCOL B.1 (gapless resume from a REST cursor) and B.2 (filters) through the real
// boilerhouse-server process.

#include "clusterfixture.h"
#include "eventclient.h"
#include "httpclient.h"
#include "serverprocess.h"

#include "protocol/cursor.h"
#include "protocol/event.h"
#include "protocol/snapshot.h"

#include <QTcpSocket>
#include <QTest>

namespace {
constexpr int kTimeout = 15'000;
}

class tst_resume : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void snapshotThenResumeIsGapless();
    void unusableCursorGetsResync_data();
    void unusableCursorGetsResync();
    void filterSelectsEvents();
    void unknownTypeIs400BeforeUpgrade();

private:
    ClusterView snapshot(QString *cursor);

    ClusterFixture m_cluster;
    ServerProcess m_server;
    HttpClient m_http;
    QRandomGenerator m_random { 11 };
};

void tst_resume::initTestCase()
{
    QVERIFY(m_cluster.start());
    for (int i = 0; i < 15; ++i)
        m_cluster.randomChange(m_random);
    QProcessEnvironment env = ServerProcess::cleanEnvironment();
    env.insert("KUBECONFIG", m_cluster.kubeconfigPath());
    QVERIFY2(m_server.start({}, env), qPrintable(m_server.errors()));
    QTRY_COMPARE_WITH_TIMEOUT(m_http.get(m_server.url("/readyz")).status, 200, kTimeout);
}

ClusterView tst_resume::snapshot(QString *cursor)
{
    ClusterView view;
    const auto instances = m_http.get(m_server.url("/api/v1/instances"));
    const auto tenants = m_http.get(m_server.url("/api/v1/tenants"));
    *cursor = QString::fromUtf8(instances.header("X-Boilerhouse-Cursor"));
    if (tenants.header("X-Boilerhouse-Cursor") != instances.header("X-Boilerhouse-Cursor"))
        cursor->clear(); // the cluster changed between the two requests
    for (const auto &i : bh::protocol::decodeInstances(instances.body)
                             .value_or(QList<bh::protocol::InstanceInfo>()))
        view.pods.insert(i.name, i.phase + '|' + i.workloadRef + '|' + i.tenantId);
    for (const auto &t :
         bh::protocol::decodeTenants(tenants.body).value_or(QList<bh::protocol::TenantInfo>())) {
        for (const auto &c : t.claims) {
            if (c.phase == QLatin1String("Active"))
                view.activeClaims.insert(c.name);
        }
    }
    return view;
}

void tst_resume::snapshotThenResumeIsGapless()
{
    // The server has seen the initial state once REST shows it.
    QTRY_COMPARE_WITH_TIMEOUT(
        [&] {
            QString c;
            return snapshot(&c);
        }(),
        m_cluster.truth(), kTimeout);
    QString cursorText;
    const ClusterView base = snapshot(&cursorText);
    const auto cursor = bh::protocol::Cursor::parse(cursorText);
    QVERIFY2(cursor, qPrintable(cursorText));

    // Changes nobody is connected for: the resume must deliver exactly these.
    for (int i = 0; i < 20; ++i)
        m_cluster.randomChange(m_random);
    const ClusterView truth = m_cluster.truth();
    QTRY_COMPARE_WITH_TIMEOUT(
        [&] {
            QString c;
            return snapshot(&c);
        }(),
        truth, kTimeout);

    EventClient client;
    client.open(m_server.wsUrl("/ws?since=" + cursorText));
    QTRY_COMPARE_WITH_TIMEOUT(client.foldOnto(base), truth, kTimeout);
    QVERIFY(client.count() > 0);
    quint64 expectedSeq = cursor->seq + 1;
    for (const QByteArray &frame : client.frames()) {
        const auto event = bh::protocol::decodeEvent(frame);
        QVERIFY(event);
        QVERIFY2(event->seq, frame.constData()); // no replay without seq
        QCOMPARE(*event->seq, expectedSeq++);
        QVERIFY(frame.endsWith(",\"seq\":" + QByteArray::number(*event->seq) + "}"));
    }
    // Then live, still numbered.
    const int before = client.count();
    m_cluster.createPod("w-live-0000aaaa", "w", "t1", "Pending");
    QTRY_VERIFY_WITH_TIMEOUT(client.count() > before, kTimeout);
    QCOMPARE(bh::protocol::decodeEvent(client.frames().constLast())->seq.value_or(0), expectedSeq);
    // A part-A client never sees seq.
    EventClient plain;
    plain.open(m_server.wsUrl());
    QTRY_VERIFY_WITH_TIMEOUT(plain.count() > 0, kTimeout);
    for (const QByteArray &frame : plain.frames())
        QVERIFY2(!frame.contains("\"seq\""), frame.constData());
}

void tst_resume::unusableCursorGetsResync_data()
{
    QTest::addColumn<QString>("since");
    QTest::addColumn<QByteArray>("first");
    QTest::newRow("unreadable") << "not-a-cursor"
                                << QByteArray(
                                       R"({"type":"stream.resync","reason":"invalid cursor"})");
    QTest::newRow("another process")
        << "0123456789abcdef:3"
        << QByteArray(R"({"type":"stream.resync","reason":"cursor from another server process"})");
}

void tst_resume::unusableCursorGetsResync()
{
    QFETCH(QString, since);
    QFETCH(QByteArray, first);
    EventClient client;
    client.open(m_server.wsUrl("/ws?since=" + since));
    QTRY_VERIFY_WITH_TIMEOUT(client.count() > 0, kTimeout);
    QCOMPARE(client.frames().constFirst(), first);
    QCOMPARE(client.count(), 1); // no replay
}

void tst_resume::filterSelectsEvents()
{
    EventClient claimed;
    claimed.open(m_server.wsUrl("/ws?types=tenant.claimed,tenant.released"));
    QTRY_VERIFY_WITH_TIMEOUT(claimed.isConnected(), kTimeout);
    m_cluster.createClaim("claim-filter-w", "filter", "w",
                          QJsonObject { { "phase", "Active" }, { "source", "cold" } });
    m_cluster.createPod("w-filter-0000bbbb", "w", "filter", "Running");
    m_cluster.deleteClaim("claim-filter-w");
    QTRY_VERIFY_WITH_TIMEOUT(
        claimed.hasFrame(
            R"({"type":"tenant.released","name":"claim-filter-w","tenantId":"filter"})"),
        kTimeout);
    QVERIFY(claimed.hasFrame(
        R"({"type":"tenant.claimed","name":"claim-filter-w","workloadRef":"w","tenantId":"filter","source":"cold"})"));
    QVERIFY(claimed.framesOfType("instance.state").isEmpty());
    QVERIFY(claimed.framesOfType("pool.instance.ready").isEmpty());
}

void tst_resume::unknownTypeIs400BeforeUpgrade()
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server.port());
    QVERIFY(socket.waitForConnected(kTimeout));
    socket.write(
        "GET /ws?types=instance.state,bogus HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: "
        "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QByteArray response;
    QTRY_VERIFY_WITH_TIMEOUT((response += socket.readAll()).contains("}"), kTimeout);
    QVERIFY2(response.startsWith("HTTP/1.1 400"), response.constData());
    QVERIFY2(response.contains("bogus"), response.constData());
}

QTEST_GUILESS_MAIN(tst_resume)
#include "tst_resume.moc"
