#include "rawhttpclient.h"

#include "kubesim/simulator.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace bh::sim;

namespace {

constexpr int Timeout = 10000; // generous: the CI machine is shared

QJsonObject podJson(const QString &name, const QJsonObject &labels = {})
{
    return QJsonObject {
        { "metadata", QJsonObject { { "name", name }, { "labels", labels } } },
        { "spec",
          QJsonObject { { "containers", QJsonArray { QJsonObject { { "name", "main" } } } } } }
    };
}

const QJsonObject managed { { "boilerhouse.dev/managed", "true" } };
const QString podsPath = "/api/v1/namespaces/demo/pods";
const QString claimsPath = "/apis/boilerhouse.dev/v1alpha1/namespaces/demo/boilerhouseclaims";

SimulatorConfig demoConfig()
{
    SimulatorConfig c;
    c.namespaces = QStringList { "demo" };
    return c;
}

} // namespace

class tst_Simulator : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<Simulator> m_sim;

    Simulator *start(SimulatorConfig config = demoConfig())
    {
        m_sim = std::make_unique<Simulator>(config);
        if (!m_sim->start())
            qFatal("simulator failed to start: %s", qPrintable(m_sim->errorString()));
        return m_sim.get();
    }

    // A complete request; waits for the whole answer.
    std::unique_ptr<RawHttpClient> call(const QByteArray &method, const QString &target,
                                        const QByteArray &body = {},
                                        QList<QPair<QByteArray, QByteArray>> headers = {})
    {
        auto c = std::make_unique<RawHttpClient>();
        if (!body.isEmpty() && headers.isEmpty())
            headers << qMakePair(QByteArray("Content-Type"), QByteArray("application/json"));
        c->send(m_sim->url(), method, target, headers, body);
        QSignalSpy done(c.get(), &RawHttpClient::finished);
        if (!done.wait(Timeout))
            qWarning() << "no complete answer to" << method << target;
        return c;
    }

    // Opens a watch and waits for its response head.
    std::unique_ptr<RawHttpClient> watch(const QString &target,
                                         QList<QPair<QByteArray, QByteArray>> headers = {})
    {
        auto c = std::make_unique<RawHttpClient>();
        c->send(m_sim->url(), "GET", target, headers);
        RawHttpClient *raw = c.get();
        if (!QTest::qWaitFor([raw] { return raw->status != 0; }, Timeout))
            qWarning() << "no response head for" << target;
        return c;
    }

    void createPod(const QString &name, const QJsonObject &labels = managed)
    {
        const auto r = m_sim->store()->create(Resource::Pods, "demo", podJson(name, labels));
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error->message()));
    }

private Q_SLOTS:
    void cleanup() { m_sim.reset(); }

    void servesDiscovery_data();
    void servesDiscovery();
    void answersErrorsAsStatus_data();
    void answersErrorsAsStatus();
    void writesThroughKubernetesVerbs();
    void listsPodsWithoutKindAndClaimsWith();
    void watchStartsAccordingToResourceVersion_data();
    void watchStartsAccordingToResourceVersion();
    void watchFramesOneCompactObjectPerChunkedLine();
    void watchSendsBookmarksOnlyWhenAllowed();
    void watchEndsCleanlyAtTimeoutSeconds();
    void streamingListEndsInitialEventsWithBookmark();
    void watchTurnsSelectorTransitionsIntoAddedAndDeleted();
    void expiredWatchGetsErrorEvent();
    void expiredWatchGetsHttp410WhenConfigured();
    void rejectsMissingOrWrongToken_data();
    void rejectsMissingOrWrongToken();
    void failsInjectedRequestsThenRecovers();
    void closesAllWatchesCleanly();
    void delaysResponsesWithLatency();
    void stallHoldsAnswersUntilItEnds();
    void restartAbortsConnectionsAndKeepsState();
    void countsWatchesAndRequests();
};

void tst_Simulator::servesDiscovery_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("kind");
    QTest::newRow("api") << "/api"
                         << "APIVersions";
    QTest::newRow("apis") << "/apis"
                          << "APIGroupList";
    QTest::newRow("core-v1") << "/api/v1"
                             << "APIResourceList";
    QTest::newRow("group") << "/apis/boilerhouse.dev"
                           << "APIGroup";
    QTest::newRow("group-version") << "/apis/boilerhouse.dev/v1alpha1"
                                   << "APIResourceList";
    QTest::newRow("namespace") << "/api/v1/namespaces/demo"
                               << "Namespace";
    QTest::newRow("version-ignores-timeout") << "/version?timeout=32s"
                                             << "";
}

void tst_Simulator::servesDiscovery()
{
    QFETCH(QString, path);
    QFETCH(QString, kind);
    start();
    const auto r = call("GET", path);
    QCOMPARE(r->status, 200);
    QCOMPARE(r->header("content-type"), QByteArray("application/json"));
    if (kind.isEmpty())
        QCOMPARE(r->json()["major"].toString(), QString("1"));
    else
        QCOMPARE(r->json()["kind"].toString(), kind);
    if (path == "/apis/boilerhouse.dev/v1alpha1") {
        const auto resources = r->json()["resources"].toArray();
        QCOMPARE(resources.at(0).toObject()["name"].toString(), QString("boilerhouseclaims"));
        QCOMPARE(resources.at(0).toObject()["kind"].toString(), QString("BoilerhouseClaim"));
    }
}

void tst_Simulator::answersErrorsAsStatus_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("target");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("message");
    QTest::newRow("bad-selector") << QByteArray("GET") << podsPath + "?labelSelector=a+in+(b" << 400
                                  << "BadRequest"
                                  << "unable to parse requirement: found '', expected: ',' or ')'";
    QTest::newRow("list-sendInitialEvents")
        << QByteArray("GET") << podsPath + "?sendInitialEvents=true" << 422 << "Invalid"
        << "ListOptions.meta.k8s.io \"\" is invalid: sendInitialEvents: Forbidden: "
           "sendInitialEvents is forbidden for list";
    QTest::newRow("watch-match-without-sendInitialEvents")
        << QByteArray("GET") << podsPath + "?watch=1&resourceVersionMatch=NotOlderThan" << 422
        << "Invalid"
        << "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: "
           "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided";
    QTest::newRow("watch-sendInitialEvents-without-match")
        << QByteArray("GET") << podsPath + "?watch=true&sendInitialEvents=true" << 422 << "Invalid"
        << "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: "
           "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan";
    QTest::newRow("not-found") << QByteArray("GET") << claimsPath + "/nope" << 404 << "NotFound"
                               << "boilerhouseclaims.boilerhouse.dev \"nope\" not found";
    QTest::newRow("forbidden-namespace")
        << QByteArray("GET") << "/api/v1/namespaces/other/pods" << 403 << "Forbidden"
        << "pods is forbidden: User \"system:serviceaccount:other:boilerhouse\" cannot list "
           "resource \"pods\" in API group \"\" in the namespace \"other\"";
    QTest::newRow("unknown-path") << QByteArray("GET") << "/api/v1/namespaces/demo/secrets" << 404
                                  << "NotFound"
                                  << "the server could not find the requested resource";
    QTest::newRow("unknown-namespace")
        << QByteArray("GET") << "/api/v1/namespaces/nope" << 404 << "NotFound"
        << "namespaces \"nope\" not found";
    QTest::newRow("delete-missing")
        << QByteArray("DELETE") << podsPath + "/nope" << 404 << "NotFound"
        << "pods \"nope\" not found";
}

void tst_Simulator::answersErrorsAsStatus()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, target);
    QFETCH(int, code);
    QFETCH(QString, reason);
    QFETCH(QString, message);
    start();
    const auto r = call(method, target);
    QCOMPARE(r->status, code);
    QCOMPARE(r->header("content-type"), QByteArray("application/json"));
    const QJsonObject s = r->json();
    QCOMPARE(s["kind"].toString(), QString("Status"));
    QCOMPARE(s["apiVersion"].toString(), QString("v1"));
    QCOMPARE(s["status"].toString(), QString("Failure"));
    QCOMPARE(s["code"].toInt(), code);
    QCOMPARE(s["reason"].toString(), reason);
    QCOMPARE(s["message"].toString(), message);
}

void tst_Simulator::writesThroughKubernetesVerbs()
{
    start();
    const QByteArray claim =
        QJsonDocument(
            QJsonObject {
                { "apiVersion", "boilerhouse.dev/v1alpha1" },
                { "kind", "BoilerhouseClaim" },
                { "metadata", QJsonObject { { "name", "c1" } } },
                { "spec", QJsonObject { { "tenantId", "t1" }, { "workloadRef", "w" } } } })
            .toJson();
    auto r = call("POST", claimsPath, claim);
    QCOMPARE(r->status, 201);
    const QString rv1 = r->json()["metadata"].toObject()["resourceVersion"].toString();
    QVERIFY(!r->json()["metadata"].toObject()["uid"].toString().isEmpty());
    QCOMPARE(call("POST", claimsPath, claim)->status, 409);

    r = call("PATCH", claimsPath + "/c1/status", R"({"status":{"phase":"Bound"}})",
             { { "Content-Type", "application/merge-patch+json" } });
    QCOMPARE(r->status, 200);
    QCOMPARE(r->json()["status"].toObject()["phase"].toString(), QString("Bound"));
    // json-patch is not supported.
    QCOMPARE(call("PATCH", claimsPath + "/c1", "[]",
                  { { "Content-Type", "application/json-patch+json" } })
                 ->status,
             415);
    // PUT with the stale version conflicts.
    QJsonObject stale = QJsonDocument::fromJson(claim).object();
    QJsonObject meta = stale["metadata"].toObject();
    meta["resourceVersion"] = rv1;
    stale["metadata"] = meta;
    r = call("PUT", claimsPath + "/c1", QJsonDocument(stale).toJson());
    QCOMPARE(r->status, 409);
    QCOMPARE(r->json()["reason"].toString(), QString("Conflict"));
    r = call("GET", claimsPath + "/c1");
    QCOMPARE(r->status, 200);
    QCOMPARE(r->json()["status"].toObject()["phase"].toString(), QString("Bound"));
    QCOMPARE(call("POST", claimsPath, "{not json")->status, 400);
    r = call("DELETE", claimsPath + "/c1");
    QCOMPARE(r->status, 200);
    QCOMPARE(call("GET", claimsPath + "/c1")->status, 404);
    QCOMPARE(m_sim->store()->count(Resource::Claims), 0);
}

void tst_Simulator::listsPodsWithoutKindAndClaimsWith()
{
    start();
    createPod("p1");
    QVERIFY(m_sim->store()
                ->create(Resource::Claims, "demo",
                         QJsonObject { { "metadata", QJsonObject { { "name", "c" } } } })
                .ok());
    auto r = call("GET", podsPath + "?labelSelector=boilerhouse.dev%2Fmanaged%3Dtrue&limit=500");
    QCOMPARE(r->status, 200);
    QCOMPARE(r->json()["kind"].toString(), QString("PodList"));
    QCOMPARE(r->json()["metadata"].toObject()["resourceVersion"].toString(),
             QString::number(m_sim->store()->resourceVersion()));
    const QJsonObject item = r->json()["items"].toArray().at(0).toObject();
    QVERIFY(!item.contains("kind"));
    QCOMPARE(item["metadata"].toObject()["name"].toString(), QString("p1"));
    r = call("GET", claimsPath);
    QCOMPARE(r->json()["items"].toArray().at(0).toObject()["kind"].toString(),
             QString("BoilerhouseClaim"));
}

void tst_Simulator::watchStartsAccordingToResourceVersion_data()
{
    QTest::addColumn<QString>("rv"); // "unset", "0", "list"
    QTest::addColumn<QStringList>("types"); // events expected after one new pod
    QTest::newRow("unset-synthetic-added") << "unset" << QStringList { "ADDED", "ADDED" };
    QTest::newRow("zero-synthetic-added") << "0" << QStringList { "ADDED", "ADDED" };
    QTest::newRow("specific-only-changes") << "list" << QStringList { "ADDED" };
}

void tst_Simulator::watchStartsAccordingToResourceVersion()
{
    QFETCH(QString, rv);
    QFETCH(QStringList, types);
    start();
    createPod("existing");
    QString q = podsPath + "?watch=true";
    if (rv == "0")
        q += "&resourceVersion=0";
    else if (rv == "list")
        q += "&resourceVersion=" + QString::number(m_sim->store()->resourceVersion());
    auto w = watch(q);
    QCOMPARE(w->status, 200);
    createPod("new");
    QTRY_COMPARE_WITH_TIMEOUT(w->events.size(), types.size(), Timeout);
    QCOMPARE(w->eventTypes(), types);
    QCOMPARE(w->events.last()["object"].toObject()["metadata"].toObject()["name"].toString(),
             QString("new"));
    // Watch events carry kind/apiVersion, even for pods.
    QCOMPARE(w->events.last()["object"].toObject()["kind"].toString(), QString("Pod"));
}

void tst_Simulator::watchFramesOneCompactObjectPerChunkedLine()
{
    start();
    auto w = watch(podsPath + "?watch=1&resourceVersion="
                   + QString::number(m_sim->store()->resourceVersion()));
    QCOMPARE(w->status, 200);
    QVERIFY(w->chunked);
    QCOMPARE(w->header("content-type"), QByteArray("application/json"));
    createPod("a");
    QVERIFY(m_sim->store()
                ->mergePatch(Resource::Pods, "demo", "a",
                             QJsonObject { { "status", QJsonObject { { "phase", "Running" } } } })
                .ok());
    QVERIFY(m_sim->store()->remove(Resource::Pods, "demo", "a").ok());
    QTRY_COMPARE_WITH_TIMEOUT(w->events.size(), 3, Timeout);
    QCOMPARE(w->eventTypes(), QStringList({ "ADDED", "MODIFIED", "DELETED" }));
    QCOMPARE(w->chunks.size(), 3); // flushed per event
    quint64 last = 0;
    for (const QByteArray &chunk : w->chunks) {
        QVERIFY(chunk.endsWith('\n'));
        QCOMPARE(chunk.count('\n'), 1); // compact: one line per object
        QVERIFY(chunk.startsWith("{\"type\":"));
        const quint64 rv = QJsonDocument::fromJson(chunk)["object"]["metadata"]["resourceVersion"]
                               .toString()
                               .toULongLong();
        QVERIFY(rv > last); // resourceVersions rise
        last = rv;
    }
    QVERIFY(!w->framingError);
}

void tst_Simulator::watchSendsBookmarksOnlyWhenAllowed()
{
    SimulatorConfig c = demoConfig();
    c.bookmarkInterval = std::chrono::milliseconds(100);
    start(c);
    createPod("a");
    const QString rv = QString::number(m_sim->store()->resourceVersion());
    auto with = watch(podsPath + "?watch=True&allowWatchBookmarks=True&resourceVersion=" + rv);
    auto without = watch(podsPath + "?watch=true&resourceVersion=" + rv);
    QTRY_VERIFY_WITH_TIMEOUT(with->events.size() >= 2, Timeout);
    for (const auto &e : with->events) {
        QCOMPARE(e["type"].toString(), QString("BOOKMARK"));
        const QJsonObject obj = e["object"].toObject();
        QCOMPARE(obj["kind"].toString(), QString("Pod"));
        QCOMPARE(obj["apiVersion"].toString(), QString("v1"));
        QCOMPARE(obj["metadata"].toObject()["resourceVersion"].toString(), rv);
    }
    createPod("b"); // a real event reaches the watcher without bookmarks too
    QTRY_COMPARE_WITH_TIMEOUT(without->events.size(), 1, Timeout);
    QCOMPARE(without->eventTypes(), QStringList { "ADDED" });
}

void tst_Simulator::watchEndsCleanlyAtTimeoutSeconds()
{
    start();
    QElapsedTimer t;
    t.start();
    auto w = watch(podsPath + "?watch=true&timeoutSeconds=1");
    QSignalSpy done(w.get(), &RawHttpClient::finished);
    QVERIFY(done.wait(Timeout));
    QVERIFY(w->ended); // terminating chunk, not a dropped connection
    QVERIFY(t.elapsed() >= 900);
    QTRY_COMPARE_WITH_TIMEOUT(m_sim->openWatchCount("pods"), 0, Timeout);
}

void tst_Simulator::streamingListEndsInitialEventsWithBookmark()
{
    start();
    createPod("a");
    createPod("b");
    const quint64 old = m_sim->store()->resourceVersion() - 1;
    m_sim->compactHistory(); // an old RV is not a 410 for NotOlderThan
    auto w = watch(podsPath
                   + "?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"
                     "&allowWatchBookmarks=true&resourceVersion="
                   + QString::number(old));
    QCOMPARE(w->status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(w->events.size(), 3, Timeout);
    QCOMPARE(w->eventTypes(), QStringList({ "ADDED", "ADDED", "BOOKMARK" }));
    const QJsonObject meta = w->events[2]["object"].toObject()["metadata"].toObject();
    QCOMPARE(meta["annotations"].toObject()["k8s.io/initial-events-end"].toString(),
             QString("true"));
    QCOMPARE(meta["resourceVersion"].toString(),
             QString::number(m_sim->store()->resourceVersion()));
    createPod("c");
    QTRY_COMPARE_WITH_TIMEOUT(w->events.size(), 4, Timeout);
    QCOMPARE(w->events[3]["type"].toString(), QString("ADDED"));
}

void tst_Simulator::watchTurnsSelectorTransitionsIntoAddedAndDeleted()
{
    start();
    createPod("a", QJsonObject { { "boilerhouse.dev/managed", "false" } });
    auto w = watch(podsPath
                   + "?watch=true&labelSelector=boilerhouse.dev%2Fmanaged%3Dtrue&"
                     "resourceVersion="
                   + QString::number(m_sim->store()->resourceVersion()));
    auto relabel = [this](const QString &value) {
        return m_sim->store()
            ->mergePatch(
                Resource::Pods, "demo", "a",
                QJsonObject {
                    { "metadata",
                      QJsonObject {
                          { "labels", QJsonObject { { "boilerhouse.dev/managed", value } } } } } })
            .ok();
    };
    QVERIFY(relabel("true")); // moves in: ADDED
    QVERIFY(m_sim->store()
                ->mergePatch(Resource::Pods, "demo", "a",
                             QJsonObject { { "status", QJsonObject { { "phase", "Running" } } } })
                .ok()); // stays in: MODIFIED
    QVERIFY(relabel("false")); // moves out: DELETED
    createPod("other", QJsonObject { { "boilerhouse.dev/managed", "no" } }); // never seen
    QTRY_COMPARE_WITH_TIMEOUT(w->events.size(), 3, Timeout);
    QCOMPARE(w->eventTypes(), QStringList({ "ADDED", "MODIFIED", "DELETED" }));
    const QJsonObject deleted = w->events[2]["object"].toObject()["metadata"].toObject();
    QCOMPARE(deleted["name"].toString(), QString("a"));
    // Nothing more arrives for the non-matching pod: a marker pod proves the stream is live.
    createPod("marker");
    QTRY_COMPARE_WITH_TIMEOUT(w->events.size(), 4, Timeout);
    QCOMPARE(w->events[3]["object"].toObject()["metadata"].toObject()["name"].toString(),
             QString("marker"));
}

void tst_Simulator::expiredWatchGetsErrorEvent()
{
    start();
    createPod("a");
    const quint64 old = m_sim->store()->resourceVersion();
    createPod("b");
    m_sim->compactHistory();
    const quint64 cur = m_sim->store()->resourceVersion();
    auto w = watch(podsPath + "?watch=true&resourceVersion=" + QString::number(old));
    QCOMPARE(w->status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(w->ended, Timeout);
    QCOMPARE(w->events.size(), 1);
    QCOMPARE(w->events[0]["type"].toString(), QString("ERROR"));
    const QJsonObject s = w->events[0]["object"].toObject();
    QCOMPARE(s["kind"].toString(), QString("Status"));
    QCOMPARE(s["code"].toInt(), 410);
    QCOMPARE(s["reason"].toString(), QString("Expired"));
    QCOMPARE(s["message"].toString(),
             QString("too old resource version: %1 (%2)").arg(old).arg(cur));
    // The current version itself is still watchable after a compaction.
    auto ok = watch(podsPath + "?watch=true&resourceVersion=" + QString::number(cur));
    QCOMPARE(ok->status, 200);
    createPod("c");
    QTRY_COMPARE_WITH_TIMEOUT(ok->events.size(), 1, Timeout);
    QCOMPARE(ok->eventTypes(), QStringList { "ADDED" });
}

void tst_Simulator::expiredWatchGetsHttp410WhenConfigured()
{
    SimulatorConfig c = demoConfig();
    c.gone410AsHttpStatus = true;
    start(c);
    createPod("a");
    const quint64 old = m_sim->store()->resourceVersion();
    createPod("b");
    m_sim->compactHistory();
    const auto r = call("GET", podsPath + "?watch=true&resourceVersion=" + QString::number(old));
    QCOMPARE(r->status, 410);
    QCOMPARE(r->json()["reason"].toString(), QString("Expired"));
    QCOMPARE(r->json()["code"].toInt(), 410);
}

void tst_Simulator::rejectsMissingOrWrongToken_data()
{
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<int>("status");
    QTest::newRow("missing") << QByteArray() << 401;
    QTest::newRow("wrong") << QByteArray("Bearer nope") << 401;
    QTest::newRow("not-bearer") << QByteArray("Basic c2VjcmV0") << 401;
    QTest::newRow("right") << QByteArray("Bearer s3cret") << 200;
}

void tst_Simulator::rejectsMissingOrWrongToken()
{
    QFETCH(QByteArray, authorization);
    QFETCH(int, status);
    SimulatorConfig c = demoConfig();
    c.token = "s3cret";
    start(c);
    QList<QPair<QByteArray, QByteArray>> h;
    if (!authorization.isEmpty())
        h << qMakePair(QByteArray("Authorization"), authorization);
    const auto r = call("GET", podsPath, {}, h);
    QCOMPARE(r->status, status);
    if (status == 401) {
        QCOMPARE(r->json()["reason"].toString(), QString("Unauthorized"));
        QCOMPARE(r->json()["message"].toString(), QString("Unauthorized"));
    }
    // Control endpoints are not subject to auth.
    QCOMPARE(call("GET", "/_sim/stats")->status, 200);
}

void tst_Simulator::failsInjectedRequestsThenRecovers()
{
    start();
    QCOMPARE(call("POST", "/_sim/fail?count=2&code=503")->status, 200);
    auto r = call("GET", podsPath);
    QCOMPARE(r->status, 503);
    QCOMPARE(r->json()["reason"].toString(), QString("ServiceUnavailable"));
    QCOMPARE(r->header("retry-after"), QByteArray("1"));
    QCOMPARE(call("GET", "/_sim/stats")->status, 200); // control endpoints are exempt
    QCOMPARE(call("GET", "/api")->status, 503);
    QCOMPARE(call("GET", podsPath)->status, 200);
    QCOMPARE(call("POST", "/_sim/fail?count=x&code=503")->status, 400);
    m_sim->failNextRequests(1, 429);
    QCOMPARE(call("GET", podsPath)->json()["reason"].toString(), QString("TooManyRequests"));
}

void tst_Simulator::closesAllWatchesCleanly()
{
    start();
    auto a = watch(podsPath + "?watch=true");
    auto b = watch(claimsPath + "?watch=true");
    QTRY_COMPARE_WITH_TIMEOUT(
        m_sim->openWatchCount("pods") + m_sim->openWatchCount("boilerhouseclaims"), 2, Timeout);
    const auto r = call("POST", "/_sim/close-watches");
    QCOMPARE(r->status, 200);
    QCOMPARE(r->json()["closed"].toInt(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(a->ended && b->ended, Timeout);
    QVERIFY(!a->framingError);
    QCOMPARE(m_sim->openWatchCount("pods"), 0);
}

void tst_Simulator::delaysResponsesWithLatency()
{
    start();
    QCOMPARE(call("POST", "/_sim/latency?ms=300")->status, 200);
    QElapsedTimer t;
    t.start();
    QCOMPARE(call("GET", "/api")->status, 200);
    QVERIFY2(t.elapsed() >= 290, qPrintable(QString::number(t.elapsed())));
    m_sim->setLatency(std::chrono::milliseconds(0));
    QCOMPARE(call("GET", "/api")->status, 200);
}

void tst_Simulator::stallHoldsAnswersUntilItEnds()
{
    start();
    auto w = watch(podsPath + "?watch=true&resourceVersion="
                   + QString::number(m_sim->store()->resourceVersion()));
    QCOMPARE(call("POST", "/_sim/stall?ms=600")->status, 200);
    QElapsedTimer t;
    t.start();
    createPod("during-stall");
    auto pending = std::make_unique<RawHttpClient>();
    pending->send(m_sim->url(), "GET", "/api");
    QSignalSpy done(pending.get(), &RawHttpClient::finished);
    QVERIFY(done.wait(Timeout));
    QVERIFY2(t.elapsed() >= 550, qPrintable(QString::number(t.elapsed())));
    QCOMPARE(pending->status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(w->events.size(), 1, Timeout); // held event delivered after
    QVERIFY(t.elapsed() >= 550);
}

void tst_Simulator::restartAbortsConnectionsAndKeepsState()
{
    start();
    createPod("kept");
    auto w = watch(podsPath + "?watch=true");
    QTRY_COMPARE_WITH_TIMEOUT(w->events.size(), 1, Timeout);
    QCOMPARE(call("POST", "/_sim/restart")->status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(w->disconnected, Timeout);
    QVERIFY(!w->ended); // aborted, no terminating chunk
    const auto r = call("GET", podsPath + "/kept");
    QCOMPARE(r->status, 200);
}

void tst_Simulator::countsWatchesAndRequests()
{
    start();
    QSignalSpy opened(m_sim.get(), &Simulator::watchOpened);
    QSignalSpy closed(m_sim.get(), &Simulator::watchClosed);
    auto w = watch(podsPath + "?watch=true&labelSelector=app%3Dx");
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, Timeout);
    QCOMPARE(opened.at(0).at(0).toString(), QString("pods"));
    QCOMPARE(m_sim->openWatchCount("pods"), 1);
    QCOMPARE(m_sim->openWatchQueries("pods"), QStringList { "watch=true&labelSelector=app%3Dx" });
    auto stats = call("GET", "/_sim/stats");
    QCOMPARE(stats->json()["watches"].toObject()["pods"].toArray().size(), 1);
    QCOMPARE(stats->json()["objects"].toObject()["pods"].toInt(), 0);
    w->abort();
    QTRY_COMPARE_WITH_TIMEOUT(closed.count(), 1, Timeout);
    QCOMPARE(m_sim->openWatchCount("pods"), 0);
    const auto log = call("GET", "/_sim/requests");
    const QJsonArray lines = QJsonDocument::fromJson(log->body).array();
    QVERIFY(lines.contains(QString("GET " + podsPath + "?watch=true&labelSelector=app%3Dx")));
    QVERIFY(m_sim->requestsServed() >= 3);
    QVERIFY(m_sim->requestLog().contains("GET /_sim/stats"));
}

QTEST_GUILESS_MAIN(tst_Simulator)
#include "tst_simulator.moc"
