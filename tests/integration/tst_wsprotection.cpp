// PROTOCOL B.3 against the real boilerhouse-server process: the Origin allowlist
// (BOILERHOUSE_WS_ORIGINS) and /ws auth (BOILERHOUSE_WS_AUTH=1: Bearer header or the bearer
// subprotocol, echoed in the 101), answered before the upgrade with the REST API's JSON.

#include "clusterfixture.h"
#include "eventclient.h"
#include "httpclient.h"
#include "rawupgrade.h"
#include "serverprocess.h"

#include <QNetworkRequest>
#include <QTest>

namespace {
constexpr int kTimeout = 15'000;
const QByteArray kKey = "wsprotect-k3y";
const QByteArray kListed = "https://dash.example.com";
const QByteArray kBearerPrefix = "base64url.bearer.boilerhouse.dev.";
using Headers = QList<QPair<QByteArray, QByteArray>>;

// Built here, not with the server's code: the browser form of the key.
QByteArray bearerProtocol(const QByteArray &key)
{
    return kBearerPrefix
        + key.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}
} // namespace

class tst_wsprotection : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void answersBeforeTheUpgrade_data();
    void answersBeforeTheUpgrade();
    void refusedOriginIsLoggedWithoutTheKey();
    void qtClientWithListedOriginAndSubprotocolReceivesEvents();
    void qtClientWithBearerHeaderReceivesEvents();
    void restAuthUnchanged();
    void badSettingsExit2_data();
    void badSettingsExit2();

private:
    bool waitReady(ServerProcess &server);
    ServerProcess *server(const QString &name);

    ClusterFixture m_cluster;
    ServerProcess m_origins; // BOILERHOUSE_WS_ORIGINS only
    ServerProcess m_auth; // BOILERHOUSE_WS_AUTH=1 + key + the same allowlist
    ServerProcess m_open; // neither (part A)
    HttpClient m_http;
};

bool tst_wsprotection::waitReady(ServerProcess &server)
{
    for (int i = 0; i < kTimeout / 50; ++i) {
        if (m_http.get(server.url("/readyz")).status == 200)
            return true;
        QTest::qWait(50);
    }
    return false;
}

ServerProcess *tst_wsprotection::server(const QString &name)
{
    if (name == QLatin1String("origins"))
        return &m_origins;
    if (name == QLatin1String("auth"))
        return &m_auth;
    return &m_open;
}

void tst_wsprotection::initTestCase()
{
    QVERIFY(m_cluster.start());
    m_cluster.createPod("prot-pod-1", "agent", "alice", "Running");
    QProcessEnvironment env = ServerProcess::cleanEnvironment();
    env.insert("KUBECONFIG", m_cluster.kubeconfigPath());
    QVERIFY2(m_open.start({}, env), qPrintable(m_open.errors()));
    env.insert("BOILERHOUSE_WS_ORIGINS",
               QString::fromLatin1(" " + kListed + " , http://localhost:8080"));
    QVERIFY2(m_origins.start({}, env), qPrintable(m_origins.errors()));
    env.insert("BOILERHOUSE_API_KEY", QString::fromLatin1(kKey));
    env.insert("BOILERHOUSE_WS_AUTH", "1");
    QVERIFY2(m_auth.start({}, env), qPrintable(m_auth.errors()));
    for (ServerProcess *s : { &m_open, &m_origins, &m_auth })
        QVERIFY2(waitReady(*s), qPrintable(s->errors()));
}

void tst_wsprotection::answersBeforeTheUpgrade_data()
{
    QTest::addColumn<QString>("server");
    QTest::addColumn<Headers>("headers");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body"); // refusals
    QTest::addColumn<QByteArray>("protocol"); // 101: the echoed Sec-WebSocket-Protocol

    const QByteArray good = bearerProtocol(kKey);
    const QByteArray wrong = bearerProtocol("nope");
    const QByteArray forbidden = R"({"error":"origin not allowed"})";
    const QByteArray missing = R"({"error":"missing Authorization header"})";
    const QByteArray invalid = R"({"error":"invalid API key"})";

    QTest::newRow("open: any origin") << "open" << Headers { { "Origin", "https://evil.example" } }
                                      << 101 << QByteArray() << QByteArray();
    QTest::newRow("origins: no Origin header")
        << "origins" << Headers {} << 101 << QByteArray() << QByteArray();
    QTest::newRow("origins: listed")
        << "origins" << Headers { { "Origin", kListed } } << 101 << QByteArray() << QByteArray();
    QTest::newRow("origins: listed, serialized differently")
        << "origins" << Headers { { "Origin", "HTTPS://Dash.Example.com:443" } } << 101
        << QByteArray() << QByteArray();
    QTest::newRow("origins: second entry")
        << "origins" << Headers { { "Origin", "http://localhost:8080" } } << 101 << QByteArray()
        << QByteArray();
    QTest::newRow("origins: unlisted")
        << "origins" << Headers { { "Origin", "https://evil.example" } } << 403 << forbidden
        << QByteArray();
    QTest::newRow("origins: other port")
        << "origins" << Headers { { "Origin", "http://localhost:8081" } } << 403 << forbidden
        << QByteArray();
    QTest::newRow("origins: null")
        << "origins" << Headers { { "Origin", "null" } } << 403 << forbidden << QByteArray();
    QTest::newRow("origins: auth off, bearer offer echoed")
        << "origins" << Headers { { "Origin", kListed }, { "Sec-WebSocket-Protocol", wrong } }
        << 101 << QByteArray() << wrong;
    QTest::newRow("auth: nothing") << "auth" << Headers {} << 401 << missing << QByteArray();
    QTest::newRow("auth: bearer header")
        << "auth" << Headers { { "Authorization", "Bearer " + kKey } } << 101 << QByteArray()
        << QByteArray();
    QTest::newRow("auth: wrong bearer header")
        << "auth" << Headers { { "Authorization", "Bearer x" + kKey } } << 401 << invalid
        << QByteArray();
    QTest::newRow("auth: subprotocol among others, two headers")
        << "auth"
        << Headers { { "Origin", kListed },
                     { "Sec-WebSocket-Protocol", "chat, v2" },
                     { "Sec-WebSocket-Protocol", good } }
        << 101 << QByteArray() << good;
    QTest::newRow("auth: wrong key in subprotocol")
        << "auth" << Headers { { "Sec-WebSocket-Protocol", wrong } } << 401 << invalid
        << QByteArray();
    QTest::newRow("auth: malformed subprotocol")
        << "auth" << Headers { { "Sec-WebSocket-Protocol", kBearerPrefix + "a=b" } } << 401
        << invalid << QByteArray();
    QTest::newRow("auth: unlisted origin with the right key")
        << "auth"
        << Headers { { "Origin", "https://evil.example" }, { "Sec-WebSocket-Protocol", good } }
        << 403 << forbidden << QByteArray();
}

void tst_wsprotection::answersBeforeTheUpgrade()
{
    QFETCH(QString, server);
    QFETCH(Headers, headers);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, protocol);
    const RawUpgrade::Reply reply = RawUpgrade::send(this->server(server)->port(), headers);
    QVERIFY2(reply.status == status, qPrintable(reply.describe()));
    QCOMPARE(reply.header("Sec-WebSocket-Protocol"), protocol);
    if (status == 101) {
        QVERIFY(!reply.header("Sec-WebSocket-Accept").isEmpty());
        return;
    }
    QCOMPARE(reply.body, body);
    QCOMPARE(reply.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(reply.header("X-Content-Type-Options"), QByteArray("nosniff"));
}

void tst_wsprotection::refusedOriginIsLoggedWithoutTheKey()
{
    const QByteArray origin = "https://logged.example";
    const RawUpgrade::Reply reply = RawUpgrade::send(
        m_auth.port(),
        { { "Origin", origin }, { "Sec-WebSocket-Protocol", bearerProtocol(kKey) } });
    QCOMPARE(reply.status, 403);
    QTRY_VERIFY_WITH_TIMEOUT(m_auth.stderrText().contains(QString::fromLatin1(origin)), kTimeout);
    QCOMPARE(m_auth.stderrText().count(QString::fromLatin1(origin)), 1);
    const RawUpgrade::Reply unauthorized =
        RawUpgrade::send(m_auth.port(), { { "Authorization", "Bearer " + kKey + "-wrong" } });
    QCOMPARE(unauthorized.status, 401);
    QTRY_VERIFY_WITH_TIMEOUT(m_auth.stderrText().contains("invalid API key"), kTimeout);
    const QString log = m_auth.stderrText();
    QVERIFY2(!log.contains(QString::fromLatin1(kKey)), qPrintable(log));
    QVERIFY(!log.contains(QString::fromLatin1(bearerProtocol(kKey).mid(kBearerPrefix.size()))));
}

void tst_wsprotection::qtClientWithListedOriginAndSubprotocolReceivesEvents()
{
    // What a browser page does (Qt 6.4 has no handshake-options API: raw request headers).
    QNetworkRequest request(m_auth.wsUrl());
    request.setRawHeader("Origin", kListed);
    const QByteArray protocol = bearerProtocol(kKey);
    request.setRawHeader("Sec-WebSocket-Protocol", "chat, " + protocol);
    EventClient client;
    client.open(request);
    QTRY_VERIFY_WITH_TIMEOUT(client.count() >= 1, kTimeout);
    QVERIFY(client.isConnected());
    QCOMPARE(client.socket().subprotocol(), QString::fromLatin1(protocol));
    QCOMPARE(client.frames().first(),
             QByteArray(R"({"type":"instance.state","name":"prot-pod-1","phase":"Running",)"
                        R"("workloadRef":"agent","tenantId":"alice"})"));
    // Live events too.
    m_cluster.setPodPhase("prot-pod-1", "Succeeded");
    QTRY_VERIFY_WITH_TIMEOUT(client.count() >= 2, kTimeout);
    QVERIFY(client.frames().at(1).contains(R"("phase":"Succeeded")"));
    QCOMPARE(client.invalidFrames(), 0);
    m_cluster.setPodPhase("prot-pod-1", "Running");
}

void tst_wsprotection::qtClientWithBearerHeaderReceivesEvents()
{
    QNetworkRequest request(m_auth.wsUrl());
    request.setRawHeader("Authorization", "Bearer " + kKey);
    EventClient client;
    client.open(request);
    QTRY_VERIFY_WITH_TIMEOUT(client.count() >= 1, kTimeout);
    QVERIFY(client.socket().subprotocol().isEmpty());

    QNetworkRequest refused(m_auth.wsUrl());
    EventClient without;
    without.open(refused);
    QTRY_VERIFY_WITH_TIMEOUT(without.isClosed()
                                 || without.socket().error() != QAbstractSocket::UnknownSocketError,
                             kTimeout);
    QCOMPARE(without.count(), 0);
    QVERIFY(!without.isConnected());
}

void tst_wsprotection::restAuthUnchanged()
{
    // WS_AUTH does not change REST: the key is still needed there, health stays open.
    QCOMPARE(m_http.get(m_auth.url("/api/v1/instances")).status, 401);
    QCOMPARE(m_http.get(m_auth.url("/api/v1/instances"), { { "Authorization", "Bearer " + kKey } })
                 .status,
             200);
    QCOMPARE(m_http.get(m_auth.url("/api/v1/health")).status, 200);
    // The allowlist is for /ws only: REST with a foreign Origin still answers (CORS decides).
    QCOMPARE(
        m_http.get(m_origins.url("/api/v1/instances"), { { "Origin", "https://evil.example" } })
            .status,
        200);
}

void tst_wsprotection::badSettingsExit2_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("variables"); // NAME=value
    QTest::addColumn<QString>("line"); // the one stderr line

    QTest::newRow("WS_AUTH without a key")
        << QStringList {} << QStringList { "BOILERHOUSE_WS_AUTH=1" }
        << "boilerhouse-server: --ws-auth / BOILERHOUSE_WS_AUTH=1 needs an API key (--api-key, "
           "--api-key-file or BOILERHOUSE_API_KEY)";
    QTest::newRow("--ws-auth without a key")
        << QStringList { "--ws-auth" } << QStringList {}
        << "boilerhouse-server: --ws-auth / BOILERHOUSE_WS_AUTH=1 needs an API key (--api-key, "
           "--api-key-file or BOILERHOUSE_API_KEY)";
    QTest::newRow("origin with a path")
        << QStringList { "--ws-origins", "https://a.example/app" } << QStringList {}
        << "boilerhouse-server: invalid origin \"https://a.example/app\" (--ws-origins / "
           "BOILERHOUSE_WS_ORIGINS): expected scheme://host[:port]";
}

void tst_wsprotection::badSettingsExit2()
{
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, variables);
    QFETCH(QString, line);
    QProcessEnvironment env = ServerProcess::cleanEnvironment();
    env.insert("KUBECONFIG", m_cluster.kubeconfigPath());
    for (const QString &assignment : variables)
        env.insert(assignment.section('=', 0, 0), assignment.section('=', 1));
    ServerProcess process;
    QVERIFY(process.run(arguments, env));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 2);
    QCOMPARE(process.stderrText(), line + '\n');
    QVERIFY(process.stdoutLines().isEmpty());
}

QTEST_GUILESS_MAIN(tst_wsprotection)
#include "tst_wsprotection.moc"
