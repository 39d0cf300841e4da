// The soak's independent truth (bench/soak/truth.*): derived from raw simulator objects, and
// its comparisons with a folded client store and with the server's REST bodies must find
// every kind of difference the soak is meant to catch, and tolerate what A.3 cannot carry.
#include "client/statestore.h"
#include "protocol/event.h"
#include "truth.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using bh::protocol::Event;
using bh::protocol::EventType;
using bh::soak::Truth;

namespace {

QJsonObject pod(const QString &name, const QString &phase, const QJsonObject &labels)
{
    return QJsonObject { { "metadata", QJsonObject { { "name", name }, { "labels", labels } } },
                         { "status", QJsonObject { { "phase", phase } } } };
}

QJsonObject claim(const QString &name, const QString &tenant, const QString &phase,
                  const QString &source = {})
{
    QJsonObject status { { "phase", phase } };
    if (!source.isEmpty())
        status.insert("source", source);
    return QJsonObject { { "metadata", QJsonObject { { "name", name } } },
                         { "spec", QJsonObject { { "tenantId", tenant }, { "workloadRef", "w" } } },
                         { "status", status } };
}

// p1 (tenant pod, Running), w-pool-00000001 (ready pool pod), u (unmanaged); claim-t-w
// Active from the pool, claim-x-w Pending.
Truth baseline()
{
    const QJsonArray pods {
        pod("p1", "Running",
            { { "boilerhouse.dev/managed", "true" },
              { "boilerhouse.dev/workload", "w" },
              { "boilerhouse.dev/tenant", "t" } }),
        pod("w-pool-00000001", "Running",
            { { "boilerhouse.dev/managed", "true" },
              { "boilerhouse.dev/workload", "w" },
              { "boilerhouse.dev/pool-status", "ready" } }),
        pod("u", "Running", { { "app", "other" } }),
    };
    const QJsonArray claims { claim("claim-t-w", "t", "Active", "pool"),
                              claim("claim-x-w", "x", "Pending") };
    return Truth::fromObjects(pods, claims);
}

Event ev(EventType type, const QString &name, const QString &phase = {},
         const QString &workload = {}, const QString &tenant = {}, const QString &source = {})
{
    Event e;
    e.type = type;
    e.name = name;
    e.phase = phase;
    e.workloadRef = workload;
    e.tenantId = tenant;
    e.source = source;
    return e;
}

// The events a server sends a new client for baseline() (A.3 initial state).
void foldBaseline(bh::client::StateStore *store)
{
    store->apply(ev(EventType::InstanceState, "p1", "Running", "w", "t"));
    store->apply(ev(EventType::InstanceState, "w-pool-00000001", "Running", "w"));
    store->apply(ev(EventType::PoolInstanceReady, "w-pool-00000001", {}, "w"));
    store->apply(ev(EventType::TenantClaimed, "claim-t-w", {}, "w", "t", "pool"));
}

} // namespace

Q_DECLARE_METATYPE(QList<bh::protocol::Event>)

class tst_Truth : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void derivesInstancesFromManagedPodsOnly();
    void clientComparisonFindsDifferences_data();
    void clientComparisonFindsDifferences();
    void restComparisonFindsDifferences_data();
    void restComparisonFindsDifferences();
    void perturbedTruthAlwaysDiffers();
};

void tst_Truth::derivesInstancesFromManagedPodsOnly()
{
    const Truth t = baseline();
    QCOMPARE(t.instances().keys(), QStringList({ "p1", "w-pool-00000001" }));
    QCOMPARE(t.instances()["p1"].tenantId, QString("t"));
    QCOMPARE(t.instances()["w-pool-00000001"].poolStatus, QString("ready"));
    QCOMPARE(t.claims()["claim-t-w"].source, QString("pool"));
}

void tst_Truth::clientComparisonFindsDifferences_data()
{
    QTest::addColumn<QList<Event>>("extra"); // folded after the baseline's events
    QTest::addColumn<QString>("expected"); // "" = no difference
    QTest::newRow("same") << QList<Event> {} << QString();
    QTest::newRow("missing instance")
        << QList<Event> { ev(EventType::InstanceState, "p1", "Deleted", "w", "t") }
        << "instance p1: absent in the client";
    QTest::newRow("extra instance") << QList<Event> { ev(EventType::InstanceState, "u", "Running") }
                                    << "instance u: present in the client";
    QTest::newRow("phase") << QList<Event> { ev(EventType::InstanceState, "p1", "Failed", "w",
                                                "t") }
                           << "instance p1 phase: \"Failed\" seen, \"Running\" in truth";
    QTest::newRow("tenant") << QList<Event> { ev(EventType::InstanceState, "p1", "Running", "w",
                                                 "other") }
                            << "instance p1 tenantId";
    QTest::newRow("pool pod no longer ready")
        << QList<Event> { ev(EventType::InstanceState, "w-pool-00000001", "Running", "w", "t") }
        << "instance w-pool-00000001: pool status";
    QTest::newRow("active claim released")
        << QList<Event> { ev(EventType::TenantReleased, "claim-t-w", {}, {}, "t") }
        << "claim claim-t-w: \"Released\" in the client, Active in truth";
    QTest::newRow("phantom active claim")
        << QList<Event> { ev(EventType::TenantClaimed, "claim-z-w", {}, "w", "z", "cold") }
        << "claim claim-z-w: Active in the client, absent in truth";
    QTest::newRow("claim source") << QList<Event> { ev(EventType::TenantClaimed, "claim-t-w", {},
                                                       "w", "t", "cold") }
                                  << "claim claim-t-w source: \"cold\" seen, \"pool\" in truth";
    // A.3 announces nothing for Pending: an Active claim that moved there looks Active.
    QTest::newRow("silent phase tolerated")
        << QList<Event> { ev(EventType::TenantClaimed, "claim-x-w", {}, "w", "x", "cold") }
        << QString();
}

void tst_Truth::clientComparisonFindsDifferences()
{
    QFETCH(QList<Event>, extra);
    QFETCH(QString, expected);
    bh::client::StateStore store;
    foldBaseline(&store);
    for (const Event &e : extra)
        store.apply(e);
    const QStringList diffs = baseline().clientDifferences(store);
    if (expected.isEmpty()) {
        QVERIFY2(diffs.isEmpty(), qPrintable(diffs.join('\n')));
    } else {
        QVERIFY2(!diffs.isEmpty(), "no difference found");
        QVERIFY2(diffs.join('\n').contains(expected), qPrintable(diffs.join('\n')));
    }
}

void tst_Truth::restComparisonFindsDifferences_data()
{
    const QByteArray instances =
        R"([{"name":"p1","phase":"Running","tenantId":"t","workloadRef":"w","labels":{"boilerhouse.dev/managed":"true","boilerhouse.dev/tenant":"t","boilerhouse.dev/workload":"w"},"createdAt":"2026-04-20T10:30:00Z"},)"
        R"({"name":"w-pool-00000001","phase":"Running","workloadRef":"w","labels":{"boilerhouse.dev/managed":"true","boilerhouse.dev/pool-status":"ready","boilerhouse.dev/workload":"w"},"createdAt":"2026-04-20T10:30:00Z"}])";
    const QByteArray tenants =
        R"([{"tenantId":"t","claims":[{"name":"claim-t-w","workloadRef":"w","tenantId":"t","phase":"Active","source":"pool"}]},)"
        R"({"tenantId":"x","claims":[{"name":"claim-x-w","workloadRef":"w","tenantId":"x","phase":"Pending"}]}])";
    QTest::addColumn<QByteArray>("instances");
    QTest::addColumn<QByteArray>("tenants");
    QTest::addColumn<QString>("expected");
    QTest::newRow("same") << instances << tenants << QString();
    QTest::newRow("not json") << QByteArray("{") << tenants << "not a JSON array";
    QTest::newRow("missing instance")
        << QByteArray(instances).replace(R"("name":"p1")", R"("name":"p0")") << tenants
        << "REST instances: names";
    QTest::newRow("labels") << QByteArray(instances).replace(
        R"("boilerhouse.dev/pool-status":"ready")", R"("boilerhouse.dev/pool-status":"acquired")")
                            << tenants << "REST instance w-pool-00000001 labels differ";
    QTest::newRow("claim phase") << instances
                                 << QByteArray(tenants).replace(R"("phase":"Pending")",
                                                                R"("phase":"Error")")
                                 << "REST claim claim-x-w phase";
    QTest::newRow("tenant missing")
        << instances
        << QByteArray(
               R"([{"tenantId":"t","claims":[{"name":"claim-t-w","workloadRef":"w","tenantId":"t","phase":"Active","source":"pool"}]}])")
        << "REST tenants: [t], truth [t,x]";
}

void tst_Truth::restComparisonFindsDifferences()
{
    QFETCH(QByteArray, instances);
    QFETCH(QByteArray, tenants);
    QFETCH(QString, expected);
    const QStringList diffs = baseline().restDifferences(instances, tenants);
    if (expected.isEmpty()) {
        QVERIFY2(diffs.isEmpty(), qPrintable(diffs.join('\n')));
    } else {
        QVERIFY2(diffs.join('\n').contains(expected), qPrintable(diffs.join('\n')));
    }
}

void tst_Truth::perturbedTruthAlwaysDiffers()
{
    bh::client::StateStore store;
    foldBaseline(&store);
    QVERIFY(baseline().clientDifferences(store).isEmpty());
    QVERIFY(!baseline().perturbed().clientDifferences(store).isEmpty());
    bh::client::StateStore empty;
    const Truth none = Truth::fromObjects({}, {});
    QVERIFY(none.clientDifferences(empty).isEmpty());
    QVERIFY(!none.perturbed().clientDifferences(empty).isEmpty());
}

QTEST_GUILESS_MAIN(tst_Truth)
#include "tst_truth.moc"
