#include "api/restapi.h"
#include "cache/objectstore.h"

#include <QJsonDocument>
#include <QTest>

using bh::api::ApiConfig;
using bh::api::RestApi;
using bh::cache::ObjectStore;
using bh::http::Request;
using bh::http::Response;

namespace {

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

// A small cluster: a tenant pod, a ready pool pod, an unmanaged pod, four claims.
void populate(ObjectStore &pods, ObjectStore &claims)
{
    pods.applyAdded(json(R"({"metadata":{"name":"my-agent-alice-1a2b3c4d","resourceVersion":"11",
        "creationTimestamp":"2026-04-20T10:30:00Z","labels":{"boilerhouse.dev/managed":"true",
        "boilerhouse.dev/workload":"my-agent","boilerhouse.dev/tenant":"alice"}},
        "status":{"phase":"Running","podIP":"10.0.0.5"}})"));
    pods.applyAdded(json(R"({"metadata":{"name":"my-agent-pool-9f8e7d6c","resourceVersion":"12",
        "creationTimestamp":"2026-04-20T10:00:00.250Z","labels":{"boilerhouse.dev/managed":"true",
        "boilerhouse.dev/workload":"my-agent","boilerhouse.dev/pool-status":"ready"}},
        "status":{"phase":"Running"}})"));
    pods.applyAdded(json(R"({"metadata":{"name":"unmanaged","resourceVersion":"13",
        "creationTimestamp":"2026-04-20T09:00:00Z","labels":{"app":"x"}},"status":{}})"));
    claims.applyAdded(json(R"({"metadata":{"name":"claim-alice-my-agent","resourceVersion":"21",
        "annotations":{"boilerhouse.dev/last-activity":"2026-04-20T10:45:12.345Z"}},
        "spec":{"tenantId":"alice","workloadRef":"my-agent"},
        "status":{"phase":"Active","instanceId":"my-agent-alice-1a2b3c4d",
        "endpoint":{"host":"10.0.0.5","port":8080},"source":"pool","claimedAt":"2026-04-20T10:31:00Z"}})"));
    claims.applyAdded(json(R"({"metadata":{"name":"claim-bob-my-agent","resourceVersion":"22"},
        "spec":{"tenantId":"bob","workloadRef":"my-agent"},"status":{"phase":"Released","detail":"idle"}})"));
    claims.applyAdded(json(R"({"metadata":{"name":"claim-bob-other","resourceVersion":"23"},
        "spec":{"tenantId":"bob","workloadRef":"other"}})"));
    claims.applyAdded(json(R"({"metadata":{"name":"claim-zed-x","resourceVersion":"24"},
        "spec":{"tenantId":"aaron","workloadRef":"x"},"status":{"phase":"Error"}})"));
}

Request request(const QByteArray &method, const QByteArray &target, const QByteArray &auth = {},
                const QByteArray &origin = {})
{
    Request r;
    r.setMethod(method);
    r.setTarget(target);
    r.addHeader("Host", "localhost");
    if (!auth.isEmpty())
        r.addHeader("Authorization", auth);
    if (!origin.isEmpty())
        r.addHeader("Origin", origin);
    return r;
}

const QByteArray kAlice =
    R"({"name":"my-agent-alice-1a2b3c4d","phase":"Running","tenantId":"alice","workloadRef":"my-agent","ip":"10.0.0.5","labels":{"boilerhouse.dev/managed":"true","boilerhouse.dev/tenant":"alice","boilerhouse.dev/workload":"my-agent"},"createdAt":"2026-04-20T10:30:00Z","lastActivity":"2026-04-20T10:45:12Z","claimedAt":"2026-04-20T10:31:00Z"})";
const QByteArray kPool =
    R"({"name":"my-agent-pool-9f8e7d6c","phase":"Running","workloadRef":"my-agent","labels":{"boilerhouse.dev/managed":"true","boilerhouse.dev/pool-status":"ready","boilerhouse.dev/workload":"my-agent"},"createdAt":"2026-04-20T10:00:00Z"})";
const QByteArray kAaron =
    R"({"tenantId":"aaron","claims":[{"name":"claim-zed-x","workloadRef":"x","tenantId":"aaron","phase":"Error"}]})";
const QByteArray kAliceTenant =
    R"({"tenantId":"alice","claims":[{"name":"claim-alice-my-agent","workloadRef":"my-agent","tenantId":"alice","phase":"Active","instanceId":"my-agent-alice-1a2b3c4d","endpoint":{"host":"10.0.0.5","port":8080},"source":"pool","claimedAt":"2026-04-20T10:31:00Z"}]})";
const QByteArray kBobTenant =
    R"({"tenantId":"bob","claims":[{"name":"claim-bob-my-agent","workloadRef":"my-agent","tenantId":"bob","phase":"Released","detail":"idle"},{"name":"claim-bob-other","workloadRef":"other","tenantId":"bob","phase":"Pending"}]})";

} // namespace

class tst_restapi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void routesAnswerExactJson_data();
    void routesAnswerExactJson();
    void everyResponseCarriesSecurityHeaders_data();
    void everyResponseCarriesSecurityHeaders();
    void corsEchoesAllowedOrigins_data();
    void corsEchoesAllowedOrigins();
    void statsZeroOnEmptyCluster();
    void readyzReportsReason();
    void snapshotsCarryCursor_data();
    void snapshotsCarryCursor();
    void metricsRouteAuthAndMethods_data();
    void metricsRouteAuthAndMethods();
    void metricsAbsentWithoutProvider();
};

void tst_restapi::routesAnswerExactJson_data()
{
    QTest::addColumn<QByteArray>("apiKey");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("auth");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("allow");

    const QByteArray key = "k3y";
    const QByteArray good = "Bearer k3y";
    QTest::newRow("health ok") << QByteArray() << QByteArray("GET") << QByteArray("/api/v1/health")
                               << QByteArray() << 200 << QByteArray(R"({"status":"ok"})")
                               << QByteArray();
    QTest::newRow("health open when key set")
        << key << QByteArray("GET") << QByteArray("/api/v1/health") << QByteArray() << 200
        << QByteArray(R"({"status":"ok"})") << QByteArray();
    QTest::newRow("stats open when key set, counts by phase")
        << key << QByteArray("GET") << QByteArray("/api/v1/stats") << QByteArray() << 200
        << QByteArray(
               R"({"instances":{"total":2,"byPhase":{"Running":2}},"claims":{"total":4,"byPhase":{"Active":1,"Error":1,"Pending":1,"Released":1}}})")
        << QByteArray();
    QTest::newRow("instances: only managed, sorted, enriched")
        << QByteArray() << QByteArray("GET") << QByteArray("/api/v1/instances") << QByteArray()
        << 200 << QByteArray("[" + kAlice + "," + kPool + "]") << QByteArray();
    QTest::newRow("instance by name, enriched")
        << key << QByteArray("GET") << QByteArray("/api/v1/instances/my-agent-alice-1a2b3c4d")
        << good << 200 << kAlice << QByteArray();
    QTest::newRow("unknown instance 404")
        << QByteArray() << QByteArray("GET") << QByteArray("/api/v1/instances/nope") << QByteArray()
        << 404 << QByteArray(R"({"error":"instance not found: nope"})") << QByteArray();
    QTest::newRow("unmanaged pod is not an instance")
        << QByteArray() << QByteArray("GET") << QByteArray("/api/v1/instances/unmanaged")
        << QByteArray() << 404 << QByteArray(R"({"error":"instance not found: unmanaged"})")
        << QByteArray();
    QTest::newRow("tenants sorted by tenantId")
        << QByteArray() << QByteArray("GET") << QByteArray("/api/v1/tenants") << QByteArray() << 200
        << QByteArray("[" + kAaron + "," + kAliceTenant + "," + kBobTenant + "]") << QByteArray();
    QTest::newRow("tenant by spec.tenantId")
        << key << QByteArray("GET") << QByteArray("/api/v1/tenants/bob") << good << 200
        << kBobTenant << QByteArray();
    QTest::newRow("unknown tenant 404")
        << QByteArray() << QByteArray("GET") << QByteArray("/api/v1/tenants/carol") << QByteArray()
        << 404 << QByteArray(R"({"error":"tenant not found"})") << QByteArray();
    QTest::newRow("missing Authorization")
        << key << QByteArray("GET") << QByteArray("/api/v1/instances") << QByteArray() << 401
        << QByteArray(R"({"error":"missing Authorization header"})") << QByteArray();
    QTest::newRow("no Bearer prefix")
        << key << QByteArray("GET") << QByteArray("/api/v1/tenants") << QByteArray("Token k3y")
        << 401 << QByteArray(R"({"error":"missing Authorization header"})") << QByteArray();
    QTest::newRow("wrong key") << key << QByteArray("GET") << QByteArray("/api/v1/instances/x")
                               << QByteArray("Bearer nope") << 401
                               << QByteArray(R"({"error":"invalid API key"})") << QByteArray();
    QTest::newRow("right key") << key << QByteArray("GET") << QByteArray("/api/v1/tenants/alice")
                               << good << 200 << kAliceTenant << QByteArray();
    QTest::newRow("HEAD answers like GET")
        << QByteArray() << QByteArray("HEAD") << QByteArray("/api/v1/health") << QByteArray() << 200
        << QByteArray(R"({"status":"ok"})") << QByteArray();
    QTest::newRow("unknown route 404 JSON")
        << QByteArray() << QByteArray("GET") << QByteArray("/api/v1/nothing") << QByteArray() << 404
        << QByteArray(R"({"error":"not found"})") << QByteArray();
    QTest::newRow("path outside the API 404 JSON")
        << QByteArray() << QByteArray("GET") << QByteArray("/") << QByteArray() << 404
        << QByteArray(R"({"error":"not found"})") << QByteArray();
    QTest::newRow("too deep 404") << QByteArray() << QByteArray("GET")
                                  << QByteArray("/api/v1/instances/a/b") << QByteArray() << 404
                                  << QByteArray(R"({"error":"not found"})") << QByteArray();
    QTest::newRow("wrong method 405 with Allow")
        << QByteArray() << QByteArray("POST") << QByteArray("/api/v1/instances") << QByteArray()
        << 405 << QByteArray(R"({"error":"method not allowed"})") << QByteArray("GET, HEAD");
    QTest::newRow("DELETE instance 405")
        << QByteArray() << QByteArray("DELETE")
        << QByteArray("/api/v1/instances/my-agent-alice-1a2b3c4d") << QByteArray() << 405
        << QByteArray(R"({"error":"method not allowed"})") << QByteArray("GET, HEAD");
    QTest::newRow("auth before routing when key set")
        << key << QByteArray("POST") << QByteArray("/api/v1/instances") << QByteArray() << 401
        << QByteArray(R"({"error":"missing Authorization header"})") << QByteArray();
    QTest::newRow("livez") << key << QByteArray("GET") << QByteArray("/livez") << QByteArray()
                           << 200 << QByteArray(R"({"status":"ok"})") << QByteArray();
    QTest::newRow("query string ignored")
        << QByteArray() << QByteArray("GET") << QByteArray("/api/v1/health?x=1") << QByteArray()
        << 200 << QByteArray(R"({"status":"ok"})") << QByteArray();
}

void tst_restapi::routesAnswerExactJson()
{
    QFETCH(QByteArray, apiKey);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, auth);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, allow);

    ObjectStore pods("pods"), claims("boilerhouseclaims");
    populate(pods, claims);
    ApiConfig config;
    config.apiKey = apiKey;
    RestApi api(config, &pods, &claims);
    const Response r = api.respond(request(method, target, auth));
    QCOMPARE(r.status(), status);
    QCOMPARE(r.body(), body);
    QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(r.header("Allow"), allow);
    // RFC 9110: every 401 names its scheme, nothing else carries the header.
    QCOMPARE(r.header("WWW-Authenticate"),
             status == 401 ? QByteArray(R"(Bearer realm="boilerhouse")") : QByteArray());
}

void tst_restapi::everyResponseCarriesSecurityHeaders_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::newRow("200") << QByteArray("GET") << QByteArray("/api/v1/health");
    QTest::newRow("401") << QByteArray("GET") << QByteArray("/api/v1/instances");
    QTest::newRow("404") << QByteArray("GET") << QByteArray("/nope");
    QTest::newRow("405") << QByteArray("PUT") << QByteArray("/api/v1/stats");
}

void tst_restapi::everyResponseCarriesSecurityHeaders()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    ObjectStore pods("pods"), claims("boilerhouseclaims");
    RestApi api(ApiConfig { "key", {} }, &pods, &claims);
    for (const Response &r :
         { api.respond(request(method, target)), api.notFound(request(method, target)) }) {
        QCOMPARE(r.header("X-Content-Type-Options"), QByteArray("nosniff"));
        QCOMPARE(r.header("X-Frame-Options"), QByteArray("DENY"));
        QVERIFY(r.header("Access-Control-Allow-Origin").isEmpty());
    }
}

void tst_restapi::corsEchoesAllowedOrigins_data()
{
    QTest::addColumn<QStringList>("origins");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("allowed");
    const QStringList list { "https://a.example", "https://b.example" };
    QTest::newRow("listed origin echoed")
        << list << QByteArray("GET") << QByteArray("https://b.example") << 200 << true;
    QTest::newRow("unlisted origin not echoed")
        << list << QByteArray("GET") << QByteArray("https://evil.example") << 200 << false;
    QTest::newRow("star allows any") << QStringList { "*" } << QByteArray("GET")
                                     << QByteArray("https://x.example") << 200 << true;
    QTest::newRow("preflight 204 without auth")
        << list << QByteArray("OPTIONS") << QByteArray("https://a.example") << 204 << true;
}

void tst_restapi::corsEchoesAllowedOrigins()
{
    QFETCH(QStringList, origins);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, origin);
    QFETCH(int, status);
    QFETCH(bool, allowed);
    ObjectStore pods("pods"), claims("boilerhouseclaims");
    RestApi api(ApiConfig { {}, origins }, &pods, &claims);
    const Response r = api.respond(request(method, "/api/v1/instances", {}, origin));
    QCOMPARE(r.status(), status);
    QCOMPARE(r.header("Vary"), QByteArray("Origin"));
    QCOMPARE(r.header("Access-Control-Allow-Origin"), allowed ? origin : QByteArray());
    if (allowed) {
        QCOMPARE(r.header("Access-Control-Allow-Credentials"), QByteArray("true"));
        QCOMPARE(r.header("Access-Control-Allow-Methods"),
                 QByteArray("GET, POST, PUT, DELETE, OPTIONS"));
        QCOMPARE(r.header("Access-Control-Allow-Headers"),
                 QByteArray("Content-Type, Authorization"));
    }
}

void tst_restapi::statsZeroOnEmptyCluster()
{
    ObjectStore pods("pods"), claims("boilerhouseclaims");
    RestApi api(ApiConfig {}, &pods, &claims);
    QCOMPARE(
        api.respond(request("GET", "/api/v1/stats")).body(),
        QByteArray(R"({"instances":{"total":0,"byPhase":{}},"claims":{"total":0,"byPhase":{}}})"));
    QCOMPARE(api.respond(request("GET", "/api/v1/instances")).body(), QByteArray("[]"));
    QCOMPARE(api.respond(request("GET", "/api/v1/tenants")).body(), QByteArray("[]"));
}

void tst_restapi::readyzReportsReason()
{
    ObjectStore pods("pods"), claims("boilerhouseclaims");
    RestApi api(ApiConfig {}, &pods, &claims);
    QString reason = "pods: not synced";
    api.setReadinessProvider([&] { return reason; });
    Response r = api.respond(request("GET", "/readyz"));
    QCOMPARE(r.status(), 503);
    QCOMPARE(r.body(), QByteArray(R"({"error":"pods: not synced"})"));
    reason.clear();
    r = api.respond(request("GET", "/readyz"));
    QCOMPARE(r.status(), 200);
}

void tst_restapi::snapshotsCarryCursor_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<bool>("cursor");
    QTest::newRow("instances") << QByteArray("/api/v1/instances") << true;
    QTest::newRow("instance") << QByteArray("/api/v1/instances/my-agent-alice-1a2b3c4d") << true;
    QTest::newRow("tenants") << QByteArray("/api/v1/tenants") << true;
    QTest::newRow("tenant") << QByteArray("/api/v1/tenants/bob") << true;
    QTest::newRow("not on errors") << QByteArray("/api/v1/tenants/nobody") << false;
    QTest::newRow("not on health") << QByteArray("/api/v1/health") << false;
}

void tst_restapi::snapshotsCarryCursor()
{
    QFETCH(QByteArray, target);
    QFETCH(bool, cursor);
    ObjectStore pods("pods"), claims("boilerhouseclaims");
    populate(pods, claims);
    RestApi api(ApiConfig {}, &pods, &claims);
    QCOMPARE(api.respond(request("GET", target)).header("X-Boilerhouse-Cursor"), QByteArray());
    api.setCursorProvider([] { return QStringLiteral("ep0ch:42"); });
    QCOMPARE(api.respond(request("GET", target)).header("X-Boilerhouse-Cursor"),
             cursor ? QByteArray("ep0ch:42") : QByteArray());
}

void tst_restapi::metricsRouteAuthAndMethods_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("auth");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    const QByteArray metrics = "# HELP m h\n# TYPE m gauge\nm 1\n";
    QTest::newRow("open without a key") << QByteArray() << QByteArray("GET") << QByteArray() << 200
                                        << metrics;
    QTest::newRow("HEAD like GET") << QByteArray() << QByteArray("HEAD") << QByteArray() << 200
                                   << metrics;
    QTest::newRow("key set, no header")
        << QByteArray("s3cret") << QByteArray("GET") << QByteArray() << 401
        << QByteArray(R"({"error":"missing Authorization header"})");
    QTest::newRow("key set, wrong key")
        << QByteArray("s3cret") << QByteArray("GET") << QByteArray("Bearer nope") << 401
        << QByteArray(R"({"error":"invalid API key"})");
    QTest::newRow("key set, right key") << QByteArray("s3cret") << QByteArray("GET")
                                        << QByteArray("Bearer s3cret") << 200 << metrics;
    QTest::newRow("POST is 405") << QByteArray() << QByteArray("POST") << QByteArray() << 405
                                 << QByteArray(R"({"error":"method not allowed"})");
    QTest::newRow("POST without the key is 401 first")
        << QByteArray("s3cret") << QByteArray("POST") << QByteArray() << 401
        << QByteArray(R"({"error":"missing Authorization header"})");
}

void tst_restapi::metricsRouteAuthAndMethods()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, auth);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    ObjectStore pods("pods"), claims("boilerhouseclaims");
    RestApi api(ApiConfig { key, {} }, &pods, &claims);
    int scrapes = 0;
    api.setMetricsProvider([&scrapes] {
        ++scrapes;
        return QByteArray("# HELP m h\n# TYPE m gauge\nm 1\n");
    });
    const Response r = api.respond(request(method, "/metrics", auth));
    QCOMPARE(r.status(), status);
    QCOMPARE(r.body(), body);
    QCOMPARE(r.header("X-Content-Type-Options"), QByteArray("nosniff"));
    if (status == 200)
        QCOMPARE(r.header("Content-Type"),
                 QByteArray("text/plain; version=0.0.4; charset=utf-8"));
    else
        QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
    if (status == 405)
        QCOMPARE(r.header("Allow"), QByteArray("GET, HEAD"));
    QCOMPARE(scrapes, status == 200 ? 1 : 0); // nothing collected for a refused request
}

void tst_restapi::metricsAbsentWithoutProvider()
{
    ObjectStore pods("pods"), claims("boilerhouseclaims");
    RestApi api(ApiConfig {}, &pods, &claims);
    const Response r = api.respond(request("GET", "/metrics"));
    QCOMPARE(r.status(), 404);
    QCOMPARE(r.body(), QByteArray(R"({"error":"not found"})"));
}

QTEST_GUILESS_MAIN(tst_restapi)
#include "tst_restapi.moc"
