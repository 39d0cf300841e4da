// Instances, tenants and pools models: in-place updates, fading deletes, tree diffing.
#include "instancesmodel.h"
#include "poolsmodel.h"
#include "tenantsmodel.h"

#include <QSignalSpy>
#include <QtTest>

using namespace bh::gui;
using bh::client::InstanceState;

namespace {
InstanceState makeInstance(const QString &name, const QString &phase, const QString &tenant = {},
                           const QString &poolStatus = {})
{
    InstanceState s;
    s.info.name = name;
    s.info.phase = phase;
    s.info.workloadRef = QStringLiteral("agent");
    s.info.tenantId = tenant;
    s.info.ip = QStringLiteral("10.0.0.7");
    s.info.createdAt = QDateTime(QDate(2026, 11, 29), QTime(5, 0), Qt::UTC);
    s.poolStatus = poolStatus;
    return s;
}

bh::protocol::ClaimInfo makeClaim(const QString &tenant, const QString &workload,
                                  const QString &phase)
{
    bh::protocol::ClaimInfo c;
    c.name = QStringLiteral("claim-%1-%2").arg(tenant, workload);
    c.tenantId = tenant;
    c.workloadRef = workload;
    c.phase = phase;
    c.source = QStringLiteral("pool");
    c.instanceId = QStringLiteral("%1-%2-0000beef").arg(workload, tenant);
    c.endpoint = { QStringLiteral("10.0.0.9"), 8080 };
    return c;
}
} // namespace

class tst_instancesmodel : public QObject
{
    Q_OBJECT
private slots:
    void updatesRowsInPlace();
    void deletedRowsFadeOutThenVanish();
    void recreatedInstanceStopsFading();
    void resetFadesInstancesMissingFromSnapshot();
    void showsPoolForUnclaimedAndFormatsAges_data();
    void showsPoolForUnclaimedAndFormatsAges();
    void ageFallsBackToFirstSeenForEventOnlyInstances();
    void tenantsTreeUpdatesInPlace();
    void poolsUpdateInPlaceAndResortOnNewWorkload();
};

void tst_instancesmodel::updatesRowsInPlace()
{
    InstancesModel model;
    model.upsert(makeInstance(QStringLiteral("agent-pool-1"), QStringLiteral("Pending")));
    model.upsert(makeInstance(QStringLiteral("agent-pool-2"), QStringLiteral("Pending")));
    QCOMPARE(model.rowCount(), 0); // batched
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 2, 10000);

    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    const int row = model.rowOf(QStringLiteral("agent-pool-2"));
    for (int i = 0; i < 100; ++i) // many changes of one instance in one batch: one dataChanged
        model.upsert(makeInstance(QStringLiteral("agent-pool-2"), QStringLiteral("Running"),
                                  QStringLiteral("alice"), QStringLiteral("acquired")));
    model.flush();
    QCOMPARE(model.rowOf(QStringLiteral("agent-pool-2")), row);
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(removed.count(), 0);
    QVERIFY(changed.count() >= 1);
    QCOMPARE(model.index(row, InstancesModel::PhaseColumn).data().toString(),
             QStringLiteral("Running"));
    QCOMPARE(model.index(row, InstancesModel::TenantColumn).data().toString(),
             QStringLiteral("alice"));
    QCOMPARE(model.index(row, InstancesModel::PoolStatusColumn).data().toString(),
             QStringLiteral("acquired"));
    QVERIFY(model.index(row, InstancesModel::PhaseColumn)
                .data(Qt::ForegroundRole)
                .value<QColor>()
                .isValid());
}

void tst_instancesmodel::deletedRowsFadeOutThenVanish()
{
    InstancesModel model;
    QDateTime now = QDateTime(QDate(2026, 11, 29), QTime(6, 0), Qt::UTC);
    model.setClock([&now] { return now; });
    model.upsert(makeInstance(QStringLiteral("a"), QStringLiteral("Running")));
    model.upsert(makeInstance(QStringLiteral("b"), QStringLiteral("Running")));
    model.flush();
    model.remove(QStringLiteral("a"));
    model.flush();
    // Still there, marked deleted, greyed, fade at its start.
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.liveCount(), 1);
    const int row = model.rowOf(QStringLiteral("a"));
    QVERIFY(model.isFading(row));
    QCOMPARE(model.index(row, InstancesModel::PhaseColumn).data().toString(),
             QStringLiteral("Deleted"));
    QCOMPARE(model.index(row, 0).data(InstancesModel::FadeRole).toDouble(), 0.0);
    now = now.addMSecs(InstancesModel::kFadeOutMs / 2);
    QCOMPARE(model.index(row, 0).data(InstancesModel::FadeRole).toDouble(), 0.5);
    const double alphaHalf =
        model.index(row, 0).data(Qt::BackgroundRole).value<QBrush>().color().alphaF();
    QVERIFY(alphaHalf > 0.3 && alphaHalf < 0.7);
    // After the fade time the row is dropped by the fade timer.
    now = now.addMSecs(InstancesModel::kFadeOutMs);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 1, 10000);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(model.rowOf(QStringLiteral("a")), -1);
    QCOMPARE(model.rowOf(QStringLiteral("b")), 0);
}

void tst_instancesmodel::recreatedInstanceStopsFading()
{
    InstancesModel model;
    model.upsert(makeInstance(QStringLiteral("a"), QStringLiteral("Running")));
    model.flush();
    model.remove(QStringLiteral("a"));
    model.flush();
    QVERIFY(model.isFading(0));
    model.upsert(makeInstance(QStringLiteral("a"), QStringLiteral("Pending")));
    model.flush();
    QVERIFY(!model.isFading(0));
    QCOMPARE(model.index(0, InstancesModel::PhaseColumn).data().toString(),
             QStringLiteral("Pending"));
}

void tst_instancesmodel::resetFadesInstancesMissingFromSnapshot()
{
    InstancesModel model;
    model.resetTo({ makeInstance(QStringLiteral("a"), QStringLiteral("Running")),
                    makeInstance(QStringLiteral("b"), QStringLiteral("Running")) });
    QCOMPARE(model.rowCount(), 2);
    model.resetTo({ makeInstance(QStringLiteral("b"), QStringLiteral("Failed")),
                    makeInstance(QStringLiteral("c"), QStringLiteral("Pending")) });
    QCOMPARE(model.rowCount(), 3);
    QVERIFY(model.isFading(model.rowOf(QStringLiteral("a"))));
    QCOMPARE(model.liveCount(), 2);
    QCOMPARE(model.index(model.rowOf(QStringLiteral("b")), InstancesModel::PhaseColumn)
                 .data()
                 .toString(),
             QStringLiteral("Failed"));
}

void tst_instancesmodel::showsPoolForUnclaimedAndFormatsAges_data()
{
    QTest::addColumn<QString>("tenant");
    QTest::addColumn<qint64>("ageSeconds");
    QTest::addColumn<QString>("tenantText");
    QTest::addColumn<QString>("ageText");
    QTest::newRow("pool pod, seconds")
        << QString() << qint64(42) << QStringLiteral("pool") << QStringLiteral("42s");
    QTest::newRow("tenant pod, minutes")
        << QStringLiteral("bob") << qint64(125) << QStringLiteral("bob") << QStringLiteral("2m 5s");
    QTest::newRow("hours") << QStringLiteral("bob") << qint64(3 * 3600 + 120)
                           << QStringLiteral("bob") << QStringLiteral("3h 2m");
    QTest::newRow("days") << QString() << qint64(2 * 86400 + 3600) << QStringLiteral("pool")
                          << QStringLiteral("2d 1h");
}

void tst_instancesmodel::showsPoolForUnclaimedAndFormatsAges()
{
    QFETCH(QString, tenant);
    QFETCH(qint64, ageSeconds);
    QFETCH(QString, tenantText);
    QFETCH(QString, ageText);
    InstancesModel model;
    const InstanceState s = makeInstance(QStringLiteral("x"), QStringLiteral("Running"), tenant);
    model.setClock([&s, ageSeconds] { return s.info.createdAt.addSecs(ageSeconds); });
    model.upsert(s);
    model.flush();
    QCOMPARE(model.index(0, InstancesModel::TenantColumn).data().toString(), tenantText);
    QCOMPARE(model.index(0, InstancesModel::AgeColumn).data().toString(), ageText);
    QCOMPARE(model.index(0, InstancesModel::ClaimedColumn).data().toString(), QString());
}

void tst_instancesmodel::ageFallsBackToFirstSeenForEventOnlyInstances()
{
    InstancesModel model;
    InstanceState s = makeInstance(QStringLiteral("x"), QStringLiteral("Running"));
    s.info.createdAt = QDateTime(); // known only from events
    s.firstSeen = QDateTime(QDate(2026, 11, 29), QTime(6, 0), Qt::UTC);
    model.setClock([&s] { return s.firstSeen.addSecs(90); });
    model.upsert(s);
    model.flush();
    QCOMPARE(model.index(0, InstancesModel::AgeColumn).data().toString(),
             QStringLiteral("≥ 1m 30s"));
    QVERIFY(model.index(0, InstancesModel::AgeColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("first seen")));
}

void tst_instancesmodel::tenantsTreeUpdatesInPlace()
{
    TenantsModel model;
    bh::protocol::TenantInfo alice { QStringLiteral("alice"),
                                     { makeClaim(QStringLiteral("alice"), QStringLiteral("agent"),
                                                 QStringLiteral("Active")) } };
    bh::protocol::TenantInfo bob {
        QStringLiteral("bob"),
        { makeClaim(QStringLiteral("bob"), QStringLiteral("agent"), QStringLiteral("Pending")),
          makeClaim(QStringLiteral("bob"), QStringLiteral("db"), QStringLiteral("Active")) }
    };
    model.setTenants({ alice, bob });
    QCOMPARE(model.rowCount(), 2);
    QStandardItem *bobItem = model.tenantItem(QStringLiteral("bob"));
    QVERIFY(bobItem);
    QCOMPARE(bobItem->rowCount(), 2);
    QCOMPARE(bobItem->child(1, TenantsModel::EndpointColumn)->text(),
             QStringLiteral("10.0.0.9:8080"));

    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    bob.claims[0].phase = QStringLiteral("Active");
    model.setTenants({ alice, bob });
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(model.tenantItem(QStringLiteral("bob")), bobItem); // same item, updated
    QCOMPARE(bobItem->child(0, TenantsModel::PhaseColumn)->text(), QStringLiteral("Active"));

    bob.claims.removeFirst();
    model.setTenants({ bob });
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.tenantRow(QStringLiteral("alice")), -1);
    QCOMPARE(model.tenantItem(QStringLiteral("bob"))->rowCount(), 1);
    QCOMPARE(
        model.tenantItem(QStringLiteral("bob"))->child(0, TenantsModel::WorkloadColumn)->text(),
        QStringLiteral("db"));
}

void tst_instancesmodel::poolsUpdateInPlaceAndResortOnNewWorkload()
{
    PoolsModel model;
    model.setPools({ { QStringLiteral("web"), 2, 1, 0 }, { QStringLiteral("agent"), 3, 0, 1 } });
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, PoolsModel::WorkloadColumn).data().toString(), QStringLiteral("agent"));
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setPools({ { QStringLiteral("web"), 2, 1, 0 }, { QStringLiteral("agent"), 0, 3, 1 } });
    QCOMPARE(reset.count(), 0);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.index(0, PoolsModel::ReadyColumn).data().toInt(), 0);
    QVERIFY(!model.index(0, PoolsModel::ReadyColumn).data(Qt::ToolTipRole).toString().isEmpty());
    model.setPools({ { QStringLiteral("web"), 2, 1, 0 },
                     { QStringLiteral("agent"), 0, 3, 1 },
                     { QStringLiteral("batch"), 1, 1, 1 } });
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model.index(1, PoolsModel::WorkloadColumn).data().toString(), QStringLiteral("batch"));
}

QTEST_MAIN(tst_instancesmodel)
#include "tst_instancesmodel.moc"
