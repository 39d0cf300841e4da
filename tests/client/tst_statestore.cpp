#include "client/statestore.h"

#include <QSignalSpy>
#include <QTest>

using namespace bh::client;
using namespace bh::protocol;

Q_DECLARE_METATYPE(bh::protocol::Snapshot)

namespace {
using Events = QList<Event>;

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
Event state(const QString &name, const QString &phase, const QString &workload,
            const QString &tenant = {})
{
    return ev(EventType::InstanceState, name, phase, workload, tenant);
}
Event ready(const QString &name, const QString &workload)
{
    return ev(EventType::PoolInstanceReady, name, {}, workload);
}
Event claimed(const QString &name, const QString &tenant, const QString &workload,
              const QString &source)
{
    return ev(EventType::TenantClaimed, name, {}, workload, tenant, source);
}
Event released(const QString &name, const QString &tenant)
{
    return ev(EventType::TenantReleased, name, {}, {}, tenant);
}

InstanceInfo pod(const QString &name, const QString &phase, const QString &workload,
                 const QString &tenant = {}, const QString &poolStatus = {})
{
    InstanceInfo info;
    info.name = name;
    info.phase = phase;
    info.workloadRef = workload;
    info.tenantId = tenant;
    info.ip = QStringLiteral("10.1.0.1");
    info.createdAt = QDateTime(QDate(2026, 4, 20), QTime(10, 0), Qt::UTC);
    info.labels.insert(QStringLiteral("boilerhouse.dev/managed"), QStringLiteral("true"));
    if (!poolStatus.isEmpty())
        info.labels.insert(QStringLiteral("boilerhouse.dev/pool-status"), poolStatus);
    return info;
}

ClaimInfo claim(const QString &name, const QString &tenant, const QString &workload,
                const QString &phase, const QString &source = {})
{
    ClaimInfo c;
    c.name = name;
    c.tenantId = tenant;
    c.workloadRef = workload;
    c.phase = phase;
    c.source = source;
    c.instanceId = QStringLiteral("some-pod");
    c.endpoint = { QStringLiteral("10.1.0.1"), 8080 };
    return c;
}

Snapshot snapshotOf(const QList<InstanceInfo> &instances, const QList<ClaimInfo> &claims)
{
    Snapshot s;
    s.instances = instances;
    QMap<QString, TenantInfo> tenants;
    for (const ClaimInfo &c : claims) {
        tenants[c.tenantId].tenantId = c.tenantId;
        tenants[c.tenantId].claims.append(c);
    }
    s.tenants = tenants.values();
    return s;
}

// "name phase workload tenant pool" per instance, "|"-joined, sorted by name.
QString describeInstances(const StateStore &store)
{
    QStringList out;
    for (const InstanceState &s : store.instances())
        out.append(QStringList { s.info.name, s.info.phase, s.info.workloadRef, s.info.tenantId,
                                 s.poolStatus }
                       .join(QLatin1Char(' '))
                       .trimmed());
    return out.join(QLatin1Char('|'));
}
// "name tenant workload phase source" per claim.
QString describeClaims(const StateStore &store)
{
    QStringList out;
    for (const QString &name : store.claimNames()) {
        const ClaimInfo c = store.claim(name);
        out.append(QStringList { c.name, c.tenantId, c.workloadRef, c.phase, c.source }
                       .join(QLatin1Char(' '))
                       .trimmed());
    }
    return out.join(QLatin1Char('|'));
}
// "workload ready/warming/acquired".
QString describePools(const StateStore &store)
{
    QStringList out;
    const auto pools = store.pools();
    for (auto it = pools.cbegin(); it != pools.cend(); ++it)
        out.append(QStringLiteral("%1 %2/%3/%4")
                       .arg(it.key())
                       .arg(it->ready)
                       .arg(it->warming)
                       .arg(it->acquired));
    return out.join(QLatin1Char('|'));
}
} // namespace

class tst_statestore : public QObject
{
    Q_OBJECT

private slots:
    void foldsEvents_data();
    void foldsEvents();
    void resetReplacesEverythingAndKeepsFirstSeen();
    void keepsSnapshotDetailsAcrossEvents();
    void signalsEachChange();
    void tenantsGroupClaimsLikeRest();
    void sameAsComparesWhatEventsCarry_data();
    void sameAsComparesWhatEventsCarry();
    void foldBenchmark();
};

void tst_statestore::foldsEvents_data()
{
    QTest::addColumn<Snapshot>("snapshot");
    QTest::addColumn<Events>("events");
    QTest::addColumn<QString>("instances");
    QTest::addColumn<QString>("claims");
    QTest::addColumn<QString>("pools");

    const QString w = QStringLiteral("agent");
    const QString p1 = QStringLiteral("agent-pool-00000001");
    const QString p2 = QStringLiteral("agent-pool-00000002");
    const QString t1 = QStringLiteral("agent-alice-0000000a");
    const QString c1 = QStringLiteral("claim-alice-agent");
    const QString alice = QStringLiteral("alice");

    QTest::newRow("empty stays empty")
        << Snapshot() << Events() << QString() << QString() << QString();
    QTest::newRow("snapshot only")
        << snapshotOf({ pod(p1, QStringLiteral("Running"), w, {}, QStringLiteral("ready")),
                        pod(t1, QStringLiteral("Running"), w, alice) },
                      { claim(c1, alice, w, QStringLiteral("Active"), QStringLiteral("cold")) })
        << Events()
        << QStringLiteral("agent-alice-0000000a Running agent alice|"
                          "agent-pool-00000001 Running agent  ready")
        << QStringLiteral("claim-alice-agent alice agent Active cold")
        << QStringLiteral("agent 1/0/0");
    QTest::newRow("new pool pod warms then becomes ready")
        << Snapshot()
        << Events { state(p1, QStringLiteral("Pending"), w),
                    state(p1, QStringLiteral("Running"), w), ready(p1, w) }
        << QStringLiteral("agent-pool-00000001 Running agent  ready") << QString()
        << QStringLiteral("agent 1/0/0");
    QTest::newRow("pool pod still warming")
        << Snapshot() << Events { state(p1, QStringLiteral("Pending"), w) }
        << QStringLiteral("agent-pool-00000001 Pending agent  warming") << QString()
        << QStringLiteral("agent 0/1/0");
    QTest::newRow("ready pool pod acquired by tenant")
        << snapshotOf({ pod(p1, QStringLiteral("Running"), w, {}, QStringLiteral("ready")) }, {})
        << Events { state(p1, QStringLiteral("Running"), w, alice),
                    claimed(c1, alice, w, QStringLiteral("pool")) }
        << QStringLiteral("agent-pool-00000001 Running agent alice acquired")
        << QStringLiteral("claim-alice-agent alice agent Active pool")
        << QStringLiteral("agent 0/0/1");
    QTest::newRow("deleted instance removed, pool emptied")
        << snapshotOf({ pod(p1, QStringLiteral("Running"), w, {}, QStringLiteral("ready")),
                        pod(p2, QStringLiteral("Running"), w, {}, QStringLiteral("warming")) },
                      {})
        << Events { state(p1, QStringLiteral("Deleted"), w) }
        << QStringLiteral("agent-pool-00000002 Running agent  warming") << QString()
        << QStringLiteral("agent 0/1/0");
    QTest::newRow("delete of unknown instance ignored")
        << Snapshot() << Events { state(p1, QStringLiteral("Deleted"), w) } << QString()
        << QString() << QString();
    QTest::newRow("cold tenant pod is no pool pod")
        << Snapshot() << Events { state(t1, QStringLiteral("Pending"), w, alice) }
        << QStringLiteral("agent-alice-0000000a Pending agent alice") << QString() << QString();
    QTest::newRow("tenant released keeps claim as Released")
        << snapshotOf({}, { claim(c1, alice, w, QStringLiteral("Active"), QStringLiteral("cold")) })
        << Events { released(c1, alice) } << QString()
        << QStringLiteral("claim-alice-agent alice agent Released cold") << QString();
    QTest::newRow("release of unknown claim ignored")
        << Snapshot() << Events { released(c1, alice) } << QString() << QString() << QString();
    QTest::newRow("claim re-activated after release")
        << Snapshot()
        << Events { claimed(c1, alice, w, QStringLiteral("cold")), released(c1, alice),
                    claimed(c1, alice, w, QStringLiteral("existing")) }
        << QString() << QStringLiteral("claim-alice-agent alice agent Active existing")
        << QString();
    QTest::newRow("pending claim in snapshot becomes active")
        << snapshotOf({}, { claim(c1, alice, w, QStringLiteral("Pending")) })
        << Events { claimed(c1, alice, w, QStringLiteral("pool+data")) } << QString()
        << QStringLiteral("claim-alice-agent alice agent Active pool+data") << QString();
    QTest::newRow("resync changes nothing")
        << snapshotOf({ pod(p1, QStringLiteral("Running"), w, {}, QStringLiteral("ready")) }, {})
        << Events { ev(EventType::StreamResync, {}) }
        << QStringLiteral("agent-pool-00000001 Running agent  ready") << QString()
        << QStringLiteral("agent 1/0/0");
    QTest::newRow("replayed window converges (last writer wins)")
        << snapshotOf({ pod(p1, QStringLiteral("Running"), w, {}, QStringLiteral("ready")) },
                      { claim(c1, alice, w, QStringLiteral("Released")) })
        << Events { state(p1, QStringLiteral("Running"), w),
                    ready(p1, w),
                    claimed(c1, alice, w, QStringLiteral("cold")),
                    released(c1, alice),
                    state(p2, QStringLiteral("Pending"), w),
                    state(p2, QStringLiteral("Deleted"), w) }
        << QStringLiteral("agent-pool-00000001 Running agent  ready")
        << QStringLiteral("claim-alice-agent alice agent Released cold")
        << QStringLiteral("agent 1/0/0");
}

void tst_statestore::foldsEvents()
{
    QFETCH(Snapshot, snapshot);
    QFETCH(Events, events);
    QFETCH(QString, instances);
    QFETCH(QString, claims);
    QFETCH(QString, pools);

    StateStore store;
    store.reset(snapshot);
    for (const Event &e : std::as_const(events))
        store.apply(e);
    QCOMPARE(describeInstances(store), instances);
    QCOMPARE(describeClaims(store), claims);
    QCOMPARE(describePools(store), pools);

    // Incremental pool counts must equal a recount from scratch.
    StateStore recount;
    Snapshot again;
    for (const InstanceState &s : store.instances()) {
        InstanceInfo info = s.info;
        if (!s.poolStatus.isEmpty())
            info.labels.insert(QStringLiteral("boilerhouse.dev/pool-status"), s.poolStatus);
        again.instances.append(info);
    }
    recount.reset(again);
    QCOMPARE(recount.pools(), store.pools());
}

void tst_statestore::resetReplacesEverythingAndKeepsFirstSeen()
{
    StateStore store;
    const QDateTime t0(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC);
    const QDateTime t1 = t0.addSecs(60);
    store.reset(
        snapshotOf({ pod(QStringLiteral("a"), QStringLiteral("Running"), QStringLiteral("w")),
                     pod(QStringLiteral("b"), QStringLiteral("Running"), QStringLiteral("w")) },
                   { claim(QStringLiteral("c"), QStringLiteral("t"), QStringLiteral("w"),
                           QStringLiteral("Active")) }),
        t0);
    store.reset(
        snapshotOf({ pod(QStringLiteral("b"), QStringLiteral("Failed"), QStringLiteral("w")),
                     pod(QStringLiteral("d"), QStringLiteral("Running"), QStringLiteral("w")) },
                   {}),
        t1);
    QCOMPARE(store.instanceNames(), (QStringList { QStringLiteral("b"), QStringLiteral("d") }));
    QCOMPARE(store.claimCount(), 0);
    QCOMPARE(store.instance(QStringLiteral("b")).info.phase, QStringLiteral("Failed"));
    QCOMPARE(store.instance(QStringLiteral("b")).firstSeen, t0);
    QCOMPARE(store.instance(QStringLiteral("b")).updatedAt, t1);
    QCOMPARE(store.instance(QStringLiteral("d")).firstSeen, t1);
    store.clear();
    QCOMPARE(store.instanceCount(), 0);
}

void tst_statestore::keepsSnapshotDetailsAcrossEvents()
{
    StateStore store;
    const InstanceInfo original = pod(QStringLiteral("agent-pool-1"), QStringLiteral("Running"),
                                      QStringLiteral("agent"), {}, QStringLiteral("ready"));
    ClaimInfo c = claim(QStringLiteral("claim-bob-agent"), QStringLiteral("bob"),
                        QStringLiteral("agent"), QStringLiteral("Pending"));
    c.detail = QStringLiteral("warming up");
    store.reset(snapshotOf({ original }, { c }));
    const QDateTime at(QDate(2026, 5, 1), QTime(12, 0), Qt::UTC);
    QVERIFY(store.apply(state(QStringLiteral("agent-pool-1"), QStringLiteral("Running"),
                              QStringLiteral("agent"), QStringLiteral("bob")),
                        at));
    QVERIFY(store.apply(claimed(QStringLiteral("claim-bob-agent"), QStringLiteral("bob"),
                                QStringLiteral("agent"), QStringLiteral("pool"))));
    const InstanceState s = store.instance(QStringLiteral("agent-pool-1"));
    QCOMPARE(s.info.ip, original.ip);
    QCOMPARE(s.info.labels, original.labels);
    QCOMPARE(s.info.createdAt, original.createdAt);
    QCOMPARE(s.info.tenantId, QStringLiteral("bob"));
    QCOMPARE(s.updatedAt, at);
    const ClaimInfo after = store.claim(QStringLiteral("claim-bob-agent"));
    QCOMPARE(after.endpoint, c.endpoint);
    QCOMPARE(after.instanceId, c.instanceId);
    QCOMPARE(after.detail, c.detail);
    QCOMPARE(after.phase, QStringLiteral("Active"));
    // Applying the same event twice changes nothing the second time.
    QVERIFY(!store.apply(claimed(QStringLiteral("claim-bob-agent"), QStringLiteral("bob"),
                                 QStringLiteral("agent"), QStringLiteral("pool"))));
}

void tst_statestore::signalsEachChange()
{
    StateStore store;
    QSignalSpy reset(&store, &StateStore::wasReset);
    QSignalSpy changed(&store, &StateStore::instanceChanged);
    QSignalSpy removed(&store, &StateStore::instanceRemoved);
    QSignalSpy claimChanged(&store, &StateStore::claimChanged);
    QSignalSpy pools(&store, &StateStore::poolsChanged);

    store.reset(snapshotOf({}, {}));
    QCOMPARE(reset.count(), 1);
    QCOMPARE(pools.count(), 1);

    store.apply(state(QStringLiteral("w-pool-1"), QStringLiteral("Pending"), QStringLiteral("w")));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.last().at(0).toString(), QStringLiteral("w-pool-1"));
    QCOMPARE(pools.count(), 2); // a warming pod appeared

    store.apply(state(QStringLiteral("w-pool-1"), QStringLiteral("Pending"), QStringLiteral("w")));
    QCOMPARE(changed.count(), 2); // every modification is announced
    QCOMPARE(pools.count(), 2); // counts unchanged: no poolsChanged

    store.apply(ready(QStringLiteral("w-pool-1"), QStringLiteral("w")));
    QCOMPARE(pools.count(), 3);

    store.apply(claimed(QStringLiteral("claim-t-w"), QStringLiteral("t"), QStringLiteral("w"),
                        QStringLiteral("pool")));
    QCOMPARE(claimChanged.count(), 1);
    store.apply(released(QStringLiteral("claim-t-w"), QStringLiteral("t")));
    QCOMPARE(claimChanged.count(), 2);
    store.apply(released(QStringLiteral("claim-t-w"), QStringLiteral("t")));
    QCOMPARE(claimChanged.count(), 2); // already Released

    store.apply(state(QStringLiteral("w-pool-1"), QStringLiteral("Deleted"), QStringLiteral("w")));
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.last().at(0).toString(), QStringLiteral("w-pool-1"));
    QCOMPARE(pools.count(), 4);
    QVERIFY(store.pools().isEmpty());
}

void tst_statestore::tenantsGroupClaimsLikeRest()
{
    StateStore store;
    const Snapshot snapshot =
        snapshotOf({},
                   { claim(QStringLiteral("claim-bob-x"), QStringLiteral("bob"),
                           QStringLiteral("x"), QStringLiteral("Active")),
                     claim(QStringLiteral("claim-alice-y"), QStringLiteral("alice"),
                           QStringLiteral("y"), QStringLiteral("Released")),
                     claim(QStringLiteral("claim-alice-x"), QStringLiteral("alice"),
                           QStringLiteral("x"), QStringLiteral("Active")) });
    store.reset(snapshot);
    QCOMPARE(store.tenantIds(), (QStringList { QStringLiteral("alice"), QStringLiteral("bob") }));
    const QList<TenantInfo> tenants = store.tenants();
    QCOMPARE(tenants.size(), 2);
    QCOMPARE(tenants.at(0).claims.size(), 2);
    QCOMPARE(tenants.at(0).claims.at(0).name, QStringLiteral("claim-alice-x"));
    QCOMPARE(store.claimsOf(QStringLiteral("bob")).size(), 1);
    QVERIFY(store.claimsOf(QStringLiteral("carol")).isEmpty());
}

void tst_statestore::sameAsComparesWhatEventsCarry_data()
{
    QTest::addColumn<Snapshot>("mine");
    QTest::addColumn<Snapshot>("truth");
    QTest::addColumn<QString>("difference"); // empty = same

    const QString w = QStringLiteral("w");
    const Snapshot base = snapshotOf({ pod(QStringLiteral("w-pool-1"), QStringLiteral("Running"), w,
                                           {}, QStringLiteral("ready")) },
                                     { claim(QStringLiteral("claim-a-w"), QStringLiteral("a"), w,
                                             QStringLiteral("Active"), QStringLiteral("cold")) });
    QTest::newRow("identical") << base << base << QString();

    Snapshot otherDetails = base;
    otherDetails.instances[0].ip = QStringLiteral("10.9.9.9");
    otherDetails.instances[0].createdAt = QDateTime();
    otherDetails.tenants[0].claims[0].endpoint = {};
    QTest::newRow("details events cannot carry are ignored") << otherDetails << base << QString();

    Snapshot phase = base;
    phase.instances[0].phase = QStringLiteral("Pending");
    QTest::newRow("phase differs") << phase << base << QStringLiteral("instance w-pool-1 phase");

    Snapshot missing = base;
    missing.instances.clear();
    QTest::newRow("instance missing")
        << missing << base << QStringLiteral("instance w-pool-1: absent here");
    QTest::newRow("extra instance")
        << base << missing << QStringLiteral("instance w-pool-1: present here");

    Snapshot notReady = base;
    notReady.instances[0].labels.insert(QStringLiteral("boilerhouse.dev/pool-status"),
                                        QStringLiteral("warming"));
    QTest::newRow("readiness differs") << notReady << base << QStringLiteral("pool status");

    Snapshot releasing = base;
    releasing.tenants[0].claims[0].phase = QStringLiteral("Releasing");
    QTest::newRow("active here, silent Releasing in truth") << base << releasing << QString();
    QTest::newRow("releasing here, active in truth")
        << releasing << base << QStringLiteral("claim claim-a-w: Releasing here, Active in truth");

    Snapshot releasedTruth = base;
    releasedTruth.tenants[0].claims[0].phase = QStringLiteral("Released");
    QTest::newRow("active here, released in truth")
        << base << releasedTruth << QStringLiteral("claim claim-a-w: Active here, Released");
    QTest::newRow("released here, deleted in truth")
        << releasedTruth << snapshotOf(base.instances, {}) << QString();

    Snapshot source = base;
    source.tenants[0].claims[0].source = QStringLiteral("pool");
    QTest::newRow("source differs") << source << base << QStringLiteral("claim claim-a-w source");
}

void tst_statestore::sameAsComparesWhatEventsCarry()
{
    QFETCH(Snapshot, mine);
    QFETCH(Snapshot, truth);
    QFETCH(QString, difference);
    StateStore a;
    StateStore b;
    a.reset(mine);
    b.reset(truth);
    const QStringList differences = a.differences(b);
    if (difference.isEmpty()) {
        QVERIFY2(differences.isEmpty(), qPrintable(differences.join(QLatin1Char('\n'))));
        QVERIFY(a.sameAs(b));
    } else {
        QCOMPARE(differences.size(), 1);
        QVERIFY2(differences.first().contains(difference), qPrintable(differences.first()));
        QVERIFY(!a.sameAs(b));
    }
}

// Not a speed target (no assertion on time): prints the cost of folding a realistic event mix
// with `tst_statestore foldBenchmark` (add -iterations N for stable numbers).
void tst_statestore::foldBenchmark()
{
    constexpr int kPods = 1000; // pods in the folded cluster
    constexpr int kRounds = 10; // event rounds per pod per benchmark iteration
    Events events;
    events.reserve(kPods * kRounds * 3);
    for (int round = 0; round < kRounds; ++round) {
        for (int i = 0; i < kPods; ++i) {
            const QString workload = QStringLiteral("w%1").arg(i % 10);
            const QString name =
                QStringLiteral("%1-pool-%2").arg(workload).arg(i, 8, 16, QLatin1Char('0'));
            events << state(name, QStringLiteral("Running"), workload) << ready(name, workload)
                   << claimed(QStringLiteral("claim-t%1-%2").arg(i).arg(workload),
                              QStringLiteral("t%1").arg(i), workload, QStringLiteral("pool"));
        }
    }
    StateStore store;
    qsizetype folded = 0;
    QBENCHMARK
    {
        for (const Event &e : std::as_const(events))
            store.apply(e);
        folded += events.size();
    }
    QCOMPARE(store.instanceCount(), kPods);
    QVERIFY(folded >= events.size());
}

QTEST_GUILESS_MAIN(tst_statestore)
#include "tst_statestore.moc"
