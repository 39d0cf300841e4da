// Model tests of the live feed: ring bound, batching, pause, filters, export, rates.
#include "eventjson.h"
#include "eventratetracker.h"
#include "feedfilterproxy.h"
#include "feedmodel.h"
#include "jsonlinesexporter.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace bh::gui;
using bh::protocol::Event;
using bh::protocol::EventType;

namespace {
Event makeEvent(EventType type, int i)
{
    Event e;
    e.type = type;
    switch (type) {
    case EventType::InstanceState:
        e.name = QStringLiteral("agent-pool-%1").arg(i, 8, 16, QLatin1Char('0'));
        e.phase = (i % 2) ? QStringLiteral("Running") : QStringLiteral("Pending");
        e.workloadRef = QStringLiteral("agent");
        break;
    case EventType::PoolInstanceReady:
        e.name = QStringLiteral("agent-pool-%1").arg(i);
        e.workloadRef = QStringLiteral("agent");
        break;
    case EventType::TenantClaimed:
        e.name = QStringLiteral("claim-alice-agent");
        e.tenantId = QStringLiteral("alice");
        e.workloadRef = QStringLiteral("agent");
        e.source = QStringLiteral("pool");
        break;
    case EventType::TenantReleased:
        e.name = QStringLiteral("claim-bob-agent");
        e.tenantId = QStringLiteral("bob");
        break;
    case EventType::StreamResync:
        e.reason = QStringLiteral("cursor too old");
        break;
    }
    return e;
}

const QDateTime kT0 = QDateTime(QDate(2026, 11, 29), QTime(5, 0), Qt::UTC);
} // namespace

class tst_feedmodel : public QObject
{
    Q_OBJECT
private slots:
    void ringKeepsLastN_data();
    void ringKeepsLastN();
    void publishesInBatchesNotPerEvent();
    void pauseFreezesViewButKeepsCounting();
    void pausedQueueIsBoundedByCapacity();
    void clearEmptiesViewButKeepsCounters();
    void shrinkingCapacityEvictsOldest();
    void filtersByTypeAndText_data();
    void filtersByTypeAndText();
    void filterFollowsNewBatches();
    void exportWritesJsonLinesParsedBack();
    void exportToUnwritablePathFails();
    void prettyJsonKeepsWireOrder();
    void rateTrackerCountsPerSecondByType();
    void rateTrackerForgetsOutsideWindow();
};

void tst_feedmodel::ringKeepsLastN_data()
{
    QTest::addColumn<int>("capacity");
    QTest::addColumn<int>("appended");
    QTest::addColumn<int>("batches");
    QTest::newRow("under capacity") << 1000 << 600 << 1;
    QTest::newRow("exactly full") << 1000 << 1000 << 1;
    QTest::newRow("overflow in one batch") << 1000 << 2500 << 1;
    QTest::newRow("overflow over batches") << 1000 << 2500 << 5;
    QTest::newRow("default capacity overflow")
        << FeedModel::kDefaultCapacity << FeedModel::kDefaultCapacity + 1234 << 3;
}

void tst_feedmodel::ringKeepsLastN()
{
    QFETCH(int, capacity);
    QFETCH(int, appended);
    QFETCH(int, batches);
    FeedModel model;
    QCOMPARE(model.capacity(), FeedModel::kDefaultCapacity);
    model.setCapacity(capacity);
    int sent = 0;
    for (int b = 0; b < batches; ++b) {
        const int upto = (b + 1) * appended / batches;
        for (; sent < upto; ++sent)
            model.append(makeEvent(EventType::InstanceState, sent), kT0.addMSecs(sent));
        model.flush();
    }
    const int expected = std::min(capacity, appended);
    QCOMPARE(model.rowCount(), expected);
    QCOMPARE(model.totalReceived(), quint64(appended));
    // The oldest kept row is exactly the first one of the last N, the newest the last sent.
    QCOMPARE(model.entryAt(0).serial, quint64(appended - expected + 1));
    QCOMPARE(model.entryAt(expected - 1).serial, quint64(appended));
    QCOMPARE(model.entryAt(expected - 1).event, makeEvent(EventType::InstanceState, appended - 1));
}

void tst_feedmodel::publishesInBatchesNotPerEvent()
{
    FeedModel model;
    QCOMPARE(model.flushInterval(), FeedModel::kDefaultFlushIntervalMs);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy batches(&model, &FeedModel::batchPublished);
    for (int i = 0; i < 3000; ++i)
        model.append(makeEvent(EventType::InstanceState, i), kT0);
    // Nothing reaches the view synchronously: append only queues.
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.pendingCount(), 3000);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 3000, 10000);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(batches.count(), 1);
    QCOMPARE(batches.at(0).at(0).toInt(), 3000);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 2999);
}

void tst_feedmodel::pauseFreezesViewButKeepsCounting()
{
    FeedModel model;
    for (int i = 0; i < 10; ++i)
        model.append(makeEvent(EventType::TenantClaimed, i), kT0);
    model.flush();
    QCOMPARE(model.rowCount(), 10);

    QSignalSpy paused(&model, &FeedModel::pausedChanged);
    model.setPaused(true);
    QCOMPARE(paused.count(), 1);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    for (int i = 10; i < 30; ++i)
        model.append(makeEvent(EventType::TenantReleased, i), kT0);
    model.flush(); // a flush while paused publishes nothing
    QCOMPARE(model.rowCount(), 10);
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(model.totalReceived(), quint64(30));
    QCOMPARE(model.pendingCount(), 20);

    model.setPaused(false);
    QCOMPARE(model.rowCount(), 30);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(model.entryAt(29).serial, quint64(30));
}

void tst_feedmodel::pausedQueueIsBoundedByCapacity()
{
    FeedModel model;
    model.setCapacity(FeedModel::kMinCapacity);
    model.setPaused(true);
    const int sent = FeedModel::kMinCapacity * 5 / 2;
    for (int i = 0; i < sent; ++i)
        model.append(makeEvent(EventType::InstanceState, i), kT0);
    QCOMPARE(model.pendingCount(), FeedModel::kMinCapacity);
    QCOMPARE(model.skippedWhilePaused(), quint64(sent - FeedModel::kMinCapacity));
    model.setPaused(false);
    QCOMPARE(model.rowCount(), FeedModel::kMinCapacity);
    QCOMPARE(model.entryAt(0).serial, quint64(sent - FeedModel::kMinCapacity + 1));
    QCOMPARE(model.totalReceived(), quint64(sent));
}

void tst_feedmodel::clearEmptiesViewButKeepsCounters()
{
    FeedModel model;
    for (int i = 0; i < 50; ++i)
        model.append(makeEvent(EventType::InstanceState, i), kT0);
    model.flush();
    model.append(makeEvent(EventType::InstanceState, 50), kT0);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.pendingCount(), 0);
    QCOMPARE(model.totalReceived(), quint64(51));
    model.append(makeEvent(EventType::InstanceState, 51), kT0);
    model.flush();
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.entryAt(0).serial, quint64(52));
}

void tst_feedmodel::shrinkingCapacityEvictsOldest()
{
    FeedModel model;
    for (int i = 0; i < 500; ++i)
        model.append(makeEvent(EventType::InstanceState, i), kT0);
    model.flush();
    model.setCapacity(200);
    QCOMPARE(model.rowCount(), 200);
    QCOMPARE(model.entryAt(0).serial, quint64(301));
    model.setCapacity(1); // clamped
    QCOMPARE(model.capacity(), FeedModel::kMinCapacity);
    model.setCapacity(FeedModel::kMaxCapacity * 2);
    QCOMPARE(model.capacity(), FeedModel::kMaxCapacity);
}

void tst_feedmodel::filtersByTypeAndText_data()
{
    QTest::addColumn<quint32>("typeMask");
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("expected");
    // 40 events: 10 of each of the four types; instance names agent-pool-<hex>.
    const quint32 all = ~quint32(0);
    const auto bit = [](EventType t) {
        return quint32(1) << unsigned(t);
    };
    QTest::newRow("everything") << all << QString() << 40;
    QTest::newRow("instance.state only") << bit(EventType::InstanceState) << QString() << 10;
    QTest::newRow("tenant types") << (bit(EventType::TenantClaimed)
                                      | bit(EventType::TenantReleased))
                                  << QString() << 20;
    QTest::newRow("none") << quint32(0) << QString() << 0;
    QTest::newRow("text tenant, any case") << all << QStringLiteral("ALICE") << 10;
    QTest::newRow("text phase") << all << QStringLiteral("running") << 5;
    QTest::newRow("text workload") << all << QStringLiteral("agent") << 40;
    QTest::newRow("text type name") << all << QStringLiteral("pool.instance") << 10;
    QTest::newRow("text and type")
        << bit(EventType::TenantReleased) << QStringLiteral("alice") << 0;
    QTest::newRow("no match") << all << QStringLiteral("zebra") << 0;
}

void tst_feedmodel::filtersByTypeAndText()
{
    QFETCH(quint32, typeMask);
    QFETCH(QString, text);
    QFETCH(int, expected);
    FeedModel model;
    FeedFilterProxy proxy;
    proxy.setFeedModel(&model);
    const EventType types[] = { EventType::InstanceState, EventType::PoolInstanceReady,
                                EventType::TenantClaimed, EventType::TenantReleased };
    for (int i = 0; i < 40; ++i)
        model.append(makeEvent(types[i % 4], i / 4), kT0);
    model.flush();
    QCOMPARE(proxy.rowCount(), 40);
    QSignalSpy changed(&proxy, &FeedFilterProxy::filterChanged);
    proxy.setTypeMask(typeMask);
    proxy.setText(text);
    QCOMPARE(proxy.rowCount(), expected);
    QCOMPARE(changed.isEmpty(), typeMask == ~quint32(0) && text.isEmpty());
    for (int r = 0; r < proxy.rowCount(); ++r) {
        const int type = proxy.index(r, 0).data(FeedModel::TypeRole).toInt();
        QVERIFY(typeMask & (quint32(1) << unsigned(type)));
    }
}

void tst_feedmodel::filterFollowsNewBatches()
{
    FeedModel model;
    FeedFilterProxy proxy;
    proxy.setFeedModel(&model);
    proxy.setTypeEnabled(EventType::InstanceState, false);
    QVERIFY(!proxy.isTypeEnabled(EventType::InstanceState));
    for (int i = 0; i < 30; ++i)
        model.append(makeEvent(i % 3 ? EventType::InstanceState : EventType::TenantClaimed, i),
                     kT0);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 30, 10000);
    QCOMPARE(proxy.rowCount(), 10);
    proxy.setTypeEnabled(EventType::InstanceState, true);
    QCOMPARE(proxy.rowCount(), 30);
}

void tst_feedmodel::exportWritesJsonLinesParsedBack()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QList<FeedEntry> entries;
    const EventType types[] = { EventType::InstanceState, EventType::PoolInstanceReady,
                                EventType::TenantClaimed, EventType::TenantReleased,
                                EventType::StreamResync };
    for (int i = 0; i < 25; ++i) {
        Event e = makeEvent(types[i % 5], i);
        if (i == 3)
            e.name = QStringLiteral("we<ird> \"name\"\n\u00e9\u2028");
        if (i % 7 == 0)
            e.seq = quint64(1000 + i);
        entries.append(FeedEntry { quint64(i + 1), kT0.addMSecs(i * 37), e });
    }
    const QString path = dir.filePath(QStringLiteral("feed.jsonl"));
    const JsonLinesExporter::Result result = JsonLinesExporter::write(path, entries);
    QVERIFY2(result.ok(), qPrintable(result.message));
    QCOMPARE(result.lines, qint64(entries.size()));

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray all = file.readAll();
    QVERIFY(all.endsWith('\n'));
    const QList<QByteArray> lines = all.chopped(1).split('\n');
    QCOMPARE(lines.size(), entries.size());
    for (int i = 0; i < lines.size(); ++i) {
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(lines[i], &err);
        QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
        QVERIFY(doc.isObject());
        QCOMPARE(QDateTime::fromString(doc.object().value(QLatin1String("receivedAt")).toString(),
                                       Qt::ISODateWithMs),
                 entries[i].receivedAt);
        bh::protocol::DecodeError derr = bh::protocol::DecodeError::None;
        QString message;
        const auto decoded = bh::protocol::decodeEvent(lines[i], &derr, &message);
        QVERIFY2(decoded, qPrintable(message));
        QCOMPARE(*decoded, entries[i].event);
    }
}

void tst_feedmodel::exportToUnwritablePathFails()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("missing-dir/feed.jsonl"));
    const auto result = JsonLinesExporter::write(path, {});
    QCOMPARE(result.error, JsonLinesExporter::Error::OpenFailed);
    QVERIFY(result.message.contains(path));
    QVERIFY(!QFile::exists(path));
}

void tst_feedmodel::prettyJsonKeepsWireOrder()
{
    Event e = makeEvent(EventType::TenantClaimed, 0);
    e.seq = 42;
    const QByteArray pretty = EventJson::pretty(e);
    QCOMPARE(
        pretty,
        QByteArray("{\n    \"type\": \"tenant.claimed\",\n    \"name\": \"claim-alice-agent\",\n"
                   "    \"workloadRef\": \"agent\",\n    \"tenantId\": \"alice\",\n"
                   "    \"source\": \"pool\",\n    \"seq\": 42\n}"));
    QCOMPARE(QJsonDocument::fromJson(pretty).object(),
             QJsonDocument::fromJson(
                 bh::protocol::withSeq(
                     bh::protocol::encodeEvent(makeEvent(EventType::TenantClaimed, 0)), 42))
                 .object());
}

void tst_feedmodel::rateTrackerCountsPerSecondByType()
{
    EventRateTracker tracker(60);
    const qint64 t0 = kT0.toMSecsSinceEpoch();
    for (int i = 0; i < 300; ++i) // 300 in second 0
        tracker.record(EventType::InstanceState, t0 + i);
    for (int i = 0; i < 50; ++i) // 50 in second 2
        tracker.record(EventType::TenantClaimed, t0 + 2000 + i);
    tracker.record(EventType::InstanceState, t0 + 5000); // second 5 is still incomplete
    const qint64 now = t0 + 5500;
    const QList<QPointF> inst = tracker.series(EventType::InstanceState, now);
    QCOMPARE(inst.size(), 60);
    QCOMPARE(inst.last().x(), double(t0 + 4000));
    QCOMPARE(inst[inst.size() - 5].y(), 300.0); // second 0
    QCOMPARE(inst[inst.size() - 3].y(), 0.0); // second 2 had no instance.state
    const QList<QPointF> claimed = tracker.series(EventType::TenantClaimed, now);
    QCOMPARE(claimed[claimed.size() - 3].y(), 50.0);
    QCOMPARE(tracker.currentRate(now), 350.0 / EventRateTracker::kRateAverageSeconds);
}

void tst_feedmodel::rateTrackerForgetsOutsideWindow()
{
    EventRateTracker tracker(10);
    const qint64 t0 = kT0.toMSecsSinceEpoch();
    tracker.record(EventType::InstanceState, t0);
    tracker.record(EventType::InstanceState, t0 + 30'000);
    const QList<QPointF> s = tracker.series(EventType::InstanceState, t0 + 31'000);
    QCOMPARE(s.size(), 10);
    double sum = 0;
    for (const QPointF &p : s)
        sum += p.y();
    QCOMPARE(sum, 1.0);
    QCOMPARE(tracker.currentRate(t0 + 60'000), 0.0);
}

QTEST_MAIN(tst_feedmodel)
#include "tst_feedmodel.moc"
