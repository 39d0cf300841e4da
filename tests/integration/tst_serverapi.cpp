// The existing Boilerhouse server's own assertions, ported, against the real
// boilerhouse-server process watching an in-process Kubernetes API simulator over HTTP.

#include "clusterfixture.h"
#include "eventclient.h"
#include "httpclient.h"
#include "serverprocess.h"

#include "protocol/snapshot.h"

#include <QTcpSocket>
#include <QTest>

namespace {
constexpr int kTimeout = 15'000;
const QByteArray kKey = "integration-k3y";
} // namespace

class tst_serverapi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void healthOk();
    void statsZeroOnEmptyCluster();
    void upgradeReturns101();
    void newManagedPodYieldsInstanceState();
    void closingAtOnceIsHarmless();
    void securityHeadersOnEveryResponse_data();
    void securityHeadersOnEveryResponse();
    void onlyManagedPodsListed();
    void instanceEnrichedFromClaim();
    void unknownInstance404();
    void authRejectsWithExactMessages_data();
    void authRejectsWithExactMessages();
    void wsOpenWhenKeySet();
    void otherUpgradePathIs404();
    void tenantsSortedById();
    void initialReplayOnConnect();

private:
    bool waitReady(ServerProcess &server);

    ClusterFixture m_cluster;
    ServerProcess m_open; // development mode (no API key)
    ServerProcess m_locked; // BOILERHOUSE_API_KEY set
    HttpClient m_http;
};

bool tst_serverapi::waitReady(ServerProcess &server)
{
    for (int i = 0; i < kTimeout / 50; ++i) {
        if (m_http.get(server.url("/readyz")).status == 200)
            return true;
        QTest::qWait(50);
    }
    return false;
}

void tst_serverapi::initTestCase()
{
    QVERIFY(m_cluster.start());
    QProcessEnvironment env = ServerProcess::cleanEnvironment();
    env.insert("KUBECONFIG", m_cluster.kubeconfigPath());
    QVERIFY2(m_open.start({}, env), qPrintable(m_open.errors()));
    env.insert("BOILERHOUSE_API_KEY", QString::fromLatin1(kKey));
    QVERIFY2(m_locked.start({}, env), qPrintable(m_locked.errors()));
    QVERIFY2(waitReady(m_open), qPrintable(m_open.errors()));
    QVERIFY2(waitReady(m_locked), qPrintable(m_locked.errors()));
}

void tst_serverapi::healthOk()
{
    const auto reply = m_http.get(m_open.url("/api/v1/health"));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, QByteArray(R"({"status":"ok"})"));
    QCOMPARE(reply.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(m_http.get(m_locked.url("/api/v1/health")).status, 200);
}

void tst_serverapi::statsZeroOnEmptyCluster()
{
    const auto reply = m_http.get(m_locked.url("/api/v1/stats"));
    QCOMPARE(reply.status, 200);
    QCOMPARE(
        reply.body,
        QByteArray(R"({"instances":{"total":0,"byPhase":{}},"claims":{"total":0,"byPhase":{}}})"));
}

void tst_serverapi::upgradeReturns101()
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_open.port());
    QVERIFY(socket.waitForConnected(kTimeout));
    socket.write(
        "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QByteArray head;
    QTRY_VERIFY_WITH_TIMEOUT((head += socket.readAll()).contains("\r\n\r\n"), kTimeout);
    QVERIFY2(head.startsWith("HTTP/1.1 101"), head.constData());
    QVERIFY(head.contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));

    EventClient client;
    client.open(m_open.wsUrl());
    QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), kTimeout);
}

void tst_serverapi::newManagedPodYieldsInstanceState()
{
    EventClient client;
    client.open(m_open.wsUrl());
    QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), kTimeout);
    m_cluster.createPod("my-agent-alice-0000abcd", "my-agent", "alice", "Pending");
    const QByteArray expected =
        R"({"type":"instance.state","name":"my-agent-alice-0000abcd","phase":"Pending","workloadRef":"my-agent","tenantId":"alice"})";
    QTRY_VERIFY_WITH_TIMEOUT(client.hasFrame(expected), kTimeout);
    m_cluster.setPodPhase("my-agent-alice-0000abcd", "Running");
    QTRY_VERIFY_WITH_TIMEOUT(client.hasFrame(QByteArray(expected).replace("Pending", "Running")),
                             kTimeout);
    QCOMPARE(client.invalidFrames(), 0);
}

void tst_serverapi::closingAtOnceIsHarmless()
{
    {
        QList<EventClient *> clients;
        for (int i = 0; i < 20; ++i) {
            auto *c = new EventClient(this);
            c->open(m_open.wsUrl());
            clients << c;
        }
        // Half close as soon as they connect, half before the handshake could finish.
        for (int i = 0; i < 10; ++i)
            clients.at(i)->close();
        for (int i = 10; i < 20; ++i)
            QTRY_VERIFY_WITH_TIMEOUT(clients.at(i)->isConnected(), kTimeout);
        for (int i = 10; i < 20; ++i)
            clients.at(i)->close();
        for (EventClient *c : clients)
            QTRY_VERIFY_WITH_TIMEOUT(c->isClosed() || !c->isConnected(), kTimeout);
        qDeleteAll(clients);
    }
    QCOMPARE(m_http.get(m_open.url("/api/v1/health")).status, 200);
    EventClient after;
    after.open(m_open.wsUrl());
    QTRY_VERIFY_WITH_TIMEOUT(after.isConnected(), kTimeout);
    m_cluster.createPod("my-agent-bob-0000beef", "my-agent", "bob", "Pending");
    QTRY_VERIFY_WITH_TIMEOUT(
        after.hasFrame(
            R"({"type":"instance.state","name":"my-agent-bob-0000beef","phase":"Pending","workloadRef":"my-agent","tenantId":"bob"})"),
        kTimeout);
    QVERIFY(m_open.isRunning());
}

void tst_serverapi::securityHeadersOnEveryResponse_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("locked");
    QTest::addColumn<int>("status");
    QTest::newRow("200 health") << "/api/v1/health" << false << 200;
    QTest::newRow("200 instances") << "/api/v1/instances" << false << 200;
    QTest::newRow("401") << "/api/v1/instances" << true << 401;
    QTest::newRow("404") << "/api/v1/nothing" << false << 404;
}

void tst_serverapi::securityHeadersOnEveryResponse()
{
    QFETCH(QString, path);
    QFETCH(bool, locked);
    QFETCH(int, status);
    const auto reply = m_http.get((locked ? m_locked : m_open).url(path));
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.header("X-Content-Type-Options"), QByteArray("nosniff"));
    QCOMPARE(reply.header("X-Frame-Options"), QByteArray("DENY"));
    QCOMPARE(reply.header("Content-Type"), QByteArray("application/json"));
}

void tst_serverapi::onlyManagedPodsListed()
{
    m_cluster.createPod("stray-pod", "my-agent", "carol", "Running", {}, false);
    m_cluster.createPod("my-agent-pool-0000cafe", "my-agent", {}, "Running", "ready");
    QTRY_VERIFY_WITH_TIMEOUT(
        m_http.get(m_open.url("/api/v1/instances")).body.contains("my-agent-pool-0000cafe"),
        kTimeout);
    const auto instances =
        bh::protocol::decodeInstances(m_http.get(m_open.url("/api/v1/instances")).body);
    QVERIFY(instances);
    QStringList names;
    for (const auto &i : *instances) {
        names << i.name;
        QCOMPARE(i.labels.value("boilerhouse.dev/managed"), QStringLiteral("true"));
    }
    QVERIFY(!names.contains("stray-pod"));
    QStringList sorted = names;
    sorted.sort();
    QCOMPARE(names, sorted);
    const auto stray = m_http.get(m_open.url("/api/v1/instances/stray-pod"));
    QCOMPARE(stray.status, 404);
    QCOMPARE(stray.body, QByteArray(R"({"error":"instance not found: stray-pod"})"));
}

void tst_serverapi::instanceEnrichedFromClaim()
{
    m_cluster.createPod("my-agent-dana-0000d00d", "my-agent", "dana", "Running");
    m_cluster.createClaim(
        "claim-dana-my-agent", "dana", "my-agent",
        QJsonObject { { "phase", "Active" },
                      { "instanceId", "my-agent-dana-0000d00d" },
                      { "source", "cold" },
                      { "claimedAt", "2026-04-20T10:31:00Z" },
                      { "endpoint", QJsonObject { { "host", "10.1.0.7" }, { "port", 8080 } } } },
        QJsonObject { { "boilerhouse.dev/last-activity", "2026-04-20T10:45:12.5Z" } });
    HttpClient::Reply reply;
    QTRY_VERIFY_WITH_TIMEOUT(
        (reply = m_http.get(m_open.url("/api/v1/instances/my-agent-dana-0000d00d")))
            .body.contains("claimedAt"),
        kTimeout);
    QCOMPARE(reply.status, 200);
    const auto instance = bh::protocol::decodeInstance(reply.body);
    QVERIFY(instance);
    QCOMPARE(bh::protocol::formatTimestamp(instance->claimedAt),
             QStringLiteral("2026-04-20T10:31:00Z"));
    QCOMPARE(bh::protocol::formatTimestamp(instance->lastActivity),
             QStringLiteral("2026-04-20T10:45:12Z"));
    QVERIFY(reply.body.contains(
        R"("lastActivity":"2026-04-20T10:45:12Z","claimedAt":"2026-04-20T10:31:00Z"})"));
    // The list is enriched the same way.
    const auto list =
        bh::protocol::decodeInstances(m_http.get(m_open.url("/api/v1/instances")).body);
    QVERIFY(list);
    bool found = false;
    for (const auto &i : *list) {
        if (i.name == QLatin1String("my-agent-dana-0000d00d")) {
            found = true;
            QCOMPARE(i, *instance);
        } else if (i.name == QLatin1String("my-agent-alice-0000abcd")) {
            QVERIFY(!i.claimedAt.isValid());
        }
    }
    QVERIFY(found);
}

void tst_serverapi::unknownInstance404()
{
    const auto reply = m_http.get(m_locked.url("/api/v1/instances/does-not-exist"),
                                  { { "Authorization", "Bearer " + kKey } });
    QCOMPARE(reply.status, 404);
    QCOMPARE(reply.body, QByteArray(R"({"error":"instance not found: does-not-exist"})"));
}

void tst_serverapi::authRejectsWithExactMessages_data()
{
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("no header") << QByteArray() << 401
                               << QByteArray(R"({"error":"missing Authorization header"})");
    QTest::newRow("no Bearer prefix")
        << kKey << 401 << QByteArray(R"({"error":"missing Authorization header"})");
    QTest::newRow("wrong key") << QByteArray("Bearer nope") << 401
                               << QByteArray(R"({"error":"invalid API key"})");
    QTest::newRow("right key") << QByteArray("Bearer " + kKey) << 200 << QByteArray();
}

void tst_serverapi::authRejectsWithExactMessages()
{
    QFETCH(QByteArray, authorization);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    for (const char *path : { "/api/v1/instances", "/api/v1/tenants" }) {
        QList<QPair<QByteArray, QByteArray>> headers;
        if (!authorization.isEmpty())
            headers.append({ "Authorization", authorization });
        const auto reply = m_http.get(m_locked.url(path), headers);
        QCOMPARE(reply.status, status);
        if (!body.isEmpty())
            QCOMPARE(reply.body, body);
    }
    // health and stats stay open.
    QCOMPARE(m_http.get(m_locked.url("/api/v1/stats")).status, 200);
}

void tst_serverapi::wsOpenWhenKeySet()
{
    EventClient client;
    client.open(m_locked.wsUrl());
    QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), kTimeout);
    // It gets the replay like any client (the alice pod exists by now).
    QTRY_VERIFY_WITH_TIMEOUT(!client.framesOfType("instance.state").isEmpty(), kTimeout);
}

void tst_serverapi::otherUpgradePathIs404()
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_open.port());
    QVERIFY(socket.waitForConnected(kTimeout));
    socket.write(
        "GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: "
        "Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QByteArray response;
    QTRY_VERIFY_WITH_TIMEOUT((response += socket.readAll()).contains("{\"error\":"), kTimeout);
    QVERIFY2(response.startsWith("HTTP/1.1 404"), response.constData());
    QVERIFY(response.contains("X-Frame-Options: DENY"));
}

void tst_serverapi::tenantsSortedById()
{
    m_cluster.createClaim("claim-zoe-x", "zoe", "x", QJsonObject { { "phase", "Pending" } });
    m_cluster.createClaim("claim-adam-x", "adam", "x",
                          QJsonObject { { "phase", "Active" }, { "source", "pool" } });
    m_cluster.createClaim("claim-a-mia-x", "mia", "x", QJsonObject { { "phase", "Released" } });
    std::optional<QList<bh::protocol::TenantInfo>> tenants;
    QTRY_VERIFY_WITH_TIMEOUT(
        (tenants = bh::protocol::decodeTenants(m_http.get(m_open.url("/api/v1/tenants")).body))
            && tenants->size() >= 4,
        kTimeout);
    QStringList ids;
    for (const auto &t : *tenants)
        ids << t.tenantId;
    QStringList sorted = ids;
    sorted.sort();
    QCOMPARE(ids, sorted);
    QVERIFY(ids.contains("zoe") && ids.contains("adam") && ids.contains("mia"));
    const auto mia = m_http.get(m_open.url("/api/v1/tenants/mia"));
    QCOMPARE(mia.status, 200);
    QCOMPARE(
        mia.body,
        QByteArray(
            R"({"tenantId":"mia","claims":[{"name":"claim-a-mia-x","workloadRef":"x","tenantId":"mia","phase":"Released"}]})"));
    const auto nobody = m_http.get(m_open.url("/api/v1/tenants/nobody"));
    QCOMPARE(nobody.status, 404);
    QCOMPARE(nobody.body, QByteArray(R"({"error":"tenant not found"})"));
}

void tst_serverapi::initialReplayOnConnect()
{
    // The server has seen everything created so far once the last object shows in REST.
    m_cluster.createPod("my-agent-pool-0000f00d", "my-agent", {}, "Running", "ready");
    QTRY_VERIFY_WITH_TIMEOUT(
        m_http.get(m_open.url("/api/v1/instances/my-agent-pool-0000f00d")).status == 200, kTimeout);
    const ClusterView truth = m_cluster.truth();
    EventClient client;
    client.open(m_open.wsUrl());
    QTRY_VERIFY_WITH_TIMEOUT(client.fold() == truth, kTimeout);
    // Replay = one instance.state per pod, pool.instance.ready per ready pool pod,
    // tenant.claimed per Active claim, tenant.released per Released claim.
    QCOMPARE(client.framesOfType("instance.state").size(), truth.pods.size());
    QVERIFY(client.hasFrame(
        R"({"type":"pool.instance.ready","name":"my-agent-pool-0000f00d","workloadRef":"my-agent"})"));
    QVERIFY(client.hasFrame(
        R"({"type":"pool.instance.ready","name":"my-agent-pool-0000cafe","workloadRef":"my-agent"})"));
    QVERIFY(client.hasFrame(
        R"({"type":"tenant.claimed","name":"claim-adam-x","workloadRef":"x","tenantId":"adam","source":"pool"})"));
    QVERIFY(
        client.hasFrame(R"({"type":"tenant.released","name":"claim-a-mia-x","tenantId":"mia"})"));
    QCOMPARE(client.framesOfType("tenant.claimed").size(), truth.activeClaims.size());
    // Then live events.
    m_cluster.setPodPhase("my-agent-pool-0000f00d", "Failed");
    QTRY_VERIFY_WITH_TIMEOUT(
        client.hasFrame(
            R"({"type":"instance.state","name":"my-agent-pool-0000f00d","phase":"Failed","workloadRef":"my-agent"})"),
        kTimeout);
}

QTEST_GUILESS_MAIN(tst_serverapi)
#include "tst_serverapi.moc"
