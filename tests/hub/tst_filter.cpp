#include "hub/filter.h"

#include <QTest>

using bh::hub::Filter;
using bh::protocol::Event;
using bh::protocol::EventType;

class tst_Filter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesQuery_data();
    void parsesQuery();
    void matchesEvents_data();
    void matchesEvents();
    void streamResyncAlwaysPasses();
};

void tst_Filter::parsesQuery_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("error");
    QTest::addColumn<bool>("passAll");

    QTest::newRow("no parameters") << "" << true << "" << true;
    QTest::newRow("unrelated parameters ignored") << "since=abc&x=1" << true << "" << true;
    QTest::newRow("one type") << "types=instance.state" << true << "" << false;
    QTest::newRow("two types") << "types=instance.state,tenant.claimed" << true << "" << false;
    QTest::newRow("all four types is pass-all")
        << "types=instance.state,pool.instance.ready,tenant.claimed,tenant.released" << true << ""
        << true;
    QTest::newRow("repeated types add up")
        << "types=instance.state&types=tenant.claimed" << true << "" << false;
    QTest::newRow("percent-encoded comma")
        << "types=instance.state%2Ctenant.released" << true << "" << false;
    QTest::newRow("tenant") << "tenant=alice" << true << "" << false;
    QTest::newRow("workload") << "workload=my-agent" << true << "" << false;
    QTest::newRow("unknown type") << "types=instance.state,pod.exploded" << false
                                  << "unknown event type: pod.exploded" << false;
    QTest::newRow("stream.resync is not selectable")
        << "types=stream.resync" << false << "unknown event type: stream.resync" << false;
    QTest::newRow("empty types") << "types=" << false << "parameter types has an empty entry"
                                 << false;
    QTest::newRow("trailing comma")
        << "types=instance.state," << false << "parameter types has an empty entry" << false;
    QTest::newRow("empty tenant") << "tenant=" << false << "parameter tenant is empty" << false;
    QTest::newRow("repeated tenant")
        << "tenant=a&tenant=b" << false << "parameter tenant given more than once" << false;
    QTest::newRow("repeated workload")
        << "workload=a&workload=b" << false << "parameter workload given more than once" << false;
}

void tst_Filter::parsesQuery()
{
    QFETCH(QString, query);
    QFETCH(bool, valid);
    QFETCH(QString, error);
    QFETCH(bool, passAll);

    QString message;
    const auto filter = Filter::fromQuery(QUrlQuery(query), &message);
    QCOMPARE(filter.has_value(), valid);
    QCOMPARE(message, error);
    if (filter)
        QCOMPARE(filter->isPassAll(), passAll);
}

void tst_Filter::matchesEvents_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("tenant");
    QTest::addColumn<QString>("workload");
    QTest::addColumn<bool>("passes");

    const int state = int(EventType::InstanceState);
    const int ready = int(EventType::PoolInstanceReady);
    const int claimed = int(EventType::TenantClaimed);
    const int released = int(EventType::TenantReleased);

    QTest::newRow("no filter") << "" << ready << ""
                               << "w" << true;
    QTest::newRow("type selected") << "types=tenant.claimed" << claimed << "t"
                                   << "w" << true;
    QTest::newRow("type not selected") << "types=tenant.claimed" << state << "t"
                                       << "w" << false;
    QTest::newRow("tenant equal") << "tenant=alice" << state << "alice"
                                  << "w" << true;
    QTest::newRow("tenant differs") << "tenant=alice" << state << "bob"
                                    << "w" << false;
    QTest::newRow("tenant filter drops tenantless event") << "tenant=alice" << ready << ""
                                                          << "w" << false;
    QTest::newRow("workload equal") << "workload=w" << claimed << "t"
                                    << "w" << true;
    QTest::newRow("workload filter drops workloadless event") << "workload=w" << released << "t"
                                                              << "" << false;
    QTest::newRow("all three, all match")
        << "types=instance.state&tenant=alice&workload=w" << state << "alice"
        << "w" << true;
    QTest::newRow("all three, workload differs")
        << "types=instance.state&tenant=alice&workload=w" << state << "alice"
        << "v" << false;
}

void tst_Filter::matchesEvents()
{
    QFETCH(QString, query);
    QFETCH(int, type);
    QFETCH(QString, tenant);
    QFETCH(QString, workload);
    QFETCH(bool, passes);

    const auto filter = Filter::fromQuery(QUrlQuery(query));
    QVERIFY(filter);
    Event event;
    event.type = EventType(type);
    event.name = QStringLiteral("x");
    event.tenantId = tenant;
    event.workloadRef = workload;
    QCOMPARE(filter->matches(event), passes);
}

void tst_Filter::streamResyncAlwaysPasses()
{
    const auto filter =
        Filter::fromQuery(QUrlQuery(QStringLiteral("types=tenant.claimed&tenant=a")));
    QVERIFY(filter);
    Event resync;
    resync.type = EventType::StreamResync;
    resync.reason = QStringLiteral("cursor too old");
    QVERIFY(filter->matches(resync));
}

QTEST_GUILESS_MAIN(tst_Filter)
#include "tst_filter.moc"
