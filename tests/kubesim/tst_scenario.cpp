#include "kubesim/objectstore.h"
#include "kubesim/scenario.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace bh::sim;

namespace {

QStringList namesOf(const ObjectStore &store, Resource r)
{
    QStringList out;
    for (const auto &o : store.list(r))
        out << o->name();
    return out;
}

ScenarioConfig config(quint32 seed)
{
    ScenarioConfig c;
    c.seed = seed;
    c.ns = "demo";
    c.errorRate = 0.1;
    return c;
}

} // namespace

class tst_Scenario : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void isDeterministicForASeed();
    void producesTheDocumentedShapes();
    void walksThroughTheClaimLifecycle();
    void runsAtTheConfiguredRate();
};

void tst_Scenario::isDeterministicForASeed()
{
    ObjectStore a, b, c;
    Scenario sa(&a, config(7)), sb(&b, config(7)), sc(&c, config(8));
    for (int i = 0; i < 300; ++i) {
        sa.step();
        sb.step();
        sc.step();
    }
    QCOMPARE(namesOf(a, Resource::Pods), namesOf(b, Resource::Pods));
    QCOMPARE(namesOf(a, Resource::Claims), namesOf(b, Resource::Claims));
    QCOMPARE(a.resourceVersion(), b.resourceVersion());
    QVERIFY(namesOf(a, Resource::Pods) != namesOf(c, Resource::Pods));
}

void tst_Scenario::producesTheDocumentedShapes()
{
    ObjectStore store;
    Scenario s(&store, config(3));
    for (int i = 0; i < 400; ++i)
        s.step();
    const QRegularExpression poolName("^[a-z-]+-pool-[0-9a-f]{8}$");
    const QRegularExpression coldName("^[a-z-]+-tenant-[0-9]+-[0-9a-f]{8}$");
    const QRegularExpression claimName("^claim-tenant-[0-9]+-[a-z-]+$");
    QVERIFY(store.count(Resource::Pods) > 0);
    for (const auto &p : store.list(Resource::Pods)) {
        const QJsonObject l = p->labels();
        QCOMPARE(l["boilerhouse.dev/managed"].toString(), QString("true"));
        QVERIFY(!l["boilerhouse.dev/workload"].toString().isEmpty());
        QCOMPARE(l["boilerhouse.dev/instance"].toString(), p->name());
        QVERIFY(!p->json()["spec"]["containers"][0]["name"].toString().isEmpty());
        QVERIFY(!p->json()["status"]["phase"].toString().isEmpty());
        if (l.contains("boilerhouse.dev/pool-status"))
            QVERIFY2(poolName.match(p->name()).hasMatch(), qPrintable(p->name()));
        else
            QVERIFY2(coldName.match(p->name()).hasMatch(), qPrintable(p->name()));
        if (p->json()["status"]["phase"].toString() == "Running")
            QVERIFY(!p->json()["status"]["podIP"].toString().isEmpty());
    }
    for (const auto &c : store.list(Resource::Claims)) {
        QVERIFY2(claimName.match(c->name()).hasMatch(), qPrintable(c->name()));
        QVERIFY(!c->json()["spec"]["tenantId"].toString().isEmpty());
        QVERIFY(!c->json()["spec"]["workloadRef"].toString().isEmpty());
        QVERIFY(c->json()["metadata"]["annotations"].toObject().contains(
            "boilerhouse.dev/last-activity"));
        if (c->json()["status"]["phase"].toString() == "Active") {
            QVERIFY(!c->json()["status"]["instanceId"].toString().isEmpty());
            QVERIFY(!c->json()["status"]["endpoint"]["host"].toString().isEmpty());
            QCOMPARE(c->json()["status"]["endpoint"]["port"].toInt(), 8080);
            QVERIFY(!c->json()["status"]["claimedAt"].toString().isEmpty());
        }
    }
}

void tst_Scenario::walksThroughTheClaimLifecycle()
{
    ObjectStore store;
    QSet<QString> poolStatuses, claimPhases, sources, podPhases;
    bool claimDeleted = false;
    connect(&store, &ObjectStore::changed, this, [&](const StoreEventPtr &e) {
        const QJsonObject j = e->object()->json();
        if (e->resource() == Resource::Pods) {
            poolStatuses << e->object()->labels()["boilerhouse.dev/pool-status"].toString();
            podPhases << j["status"]["phase"].toString();
        } else {
            claimPhases << j["status"]["phase"].toString();
            sources << j["status"]["source"].toString();
            claimDeleted = claimDeleted || e->type() == StoreEvent::Type::Deleted;
        }
    });
    Scenario s(&store, config(11));
    for (int i = 0; i < 1500; ++i)
        s.step();
    for (const char *v : { "warming", "ready", "acquired" })
        QVERIFY2(poolStatuses.contains(v), v);
    for (const char *v : { "Pending", "Active", "Released", "Error" })
        QVERIFY2(claimPhases.contains(v), v);
    for (const char *v : { "pool", "cold" })
        QVERIFY2(sources.contains(v), v);
    for (const char *v : { "Pending", "Running", "Failed" })
        QVERIFY2(podPhases.contains(v), v);
    QVERIFY(claimDeleted);
}

void tst_Scenario::runsAtTheConfiguredRate()
{
    ObjectStore store;
    ScenarioConfig c = config(1);
    c.eventsPerSecond = 200;
    Scenario s(&store, c);
    QElapsedTimer t;
    t.start();
    s.start();
    QTRY_VERIFY_WITH_TIMEOUT(s.stepsDone() >= 100, 10000);
    s.stop();
    // 100 steps at 200/s cannot take less than ~0.5 s (upper bounds are for bench/).
    QVERIFY2(t.elapsed() >= 450, qPrintable(QString::number(t.elapsed())));
    QVERIFY(!s.isRunning());
}

QTEST_GUILESS_MAIN(tst_Scenario)
#include "tst_scenario.moc"
