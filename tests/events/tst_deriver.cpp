#include "cache/objectstore.h"
#include "events/deriver.h"
#include "fixtures.h"

#include <QSignalSpy>
#include <QTest>

using bh::cache::ObjectStore;
using bh::events::Deriver;
using bh::events::EncodedEvent;
using fixtures::claim;
using fixtures::pod;

class tst_deriver : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void liveEventsAreNumberedInChangeOrder();
    void replayIsCurrentStateAsAdded();
    void relistGapBecomesEvents();
    void duplicateResourceVersionEmitsNothing();

private:
    static QStringList jsons(const QList<EncodedEvent> &events)
    {
        QStringList out;
        for (const auto &e : events)
            out << QString::fromUtf8(e.json);
        return out;
    }
    static QList<EncodedEvent> taken(QSignalSpy &spy)
    {
        QList<EncodedEvent> out;
        for (const auto &args : spy)
            out << args.at(0).value<EncodedEvent>();
        spy.clear();
        return out;
    }
};

void tst_deriver::liveEventsAreNumberedInChangeOrder()
{
    ObjectStore pods("pods"), claims("boilerhouseclaims");
    Deriver deriver(&pods, &claims);
    QList<EncodedEvent> events;
    connect(&deriver, &Deriver::derived, this, [&](const EncodedEvent &e) { events << e; });

    pods.applyAdded(pod("w-pool-00000001", "Running", "w", {}, "ready"));
    claims.applyAdded(claim("claim-t-w", "Active", "t", "w", "pool"));
    pods.applyDeleted(pod("w-pool-00000001", "Running", "w", {}, "ready", "2"));

    QCOMPARE(
        jsons(events),
        (QStringList {
            R"({"type":"instance.state","name":"w-pool-00000001","phase":"Running","workloadRef":"w"})",
            R"({"type":"pool.instance.ready","name":"w-pool-00000001","workloadRef":"w"})",
            R"({"type":"tenant.claimed","name":"claim-t-w","workloadRef":"w","tenantId":"t","source":"pool"})",
            R"({"type":"instance.state","name":"w-pool-00000001","phase":"Deleted","workloadRef":"w"})" }));
    for (int i = 0; i < events.size(); ++i)
        QCOMPARE(events.at(i).seq, quint64(i + 1));
    QCOMPARE(deriver.lastSeq(), quint64(4));
    QCOMPARE(deriver.derivedCount(bh::protocol::EventType::InstanceState), quint64(2));
    QCOMPARE(deriver.derivedCount(bh::protocol::EventType::TenantClaimed), quint64(1));
    QCOMPARE(events.at(2).event.tenantId, QStringLiteral("t"));
}

void tst_deriver::replayIsCurrentStateAsAdded()
{
    ObjectStore pods("pods"), claims("boilerhouseclaims");
    Deriver deriver(&pods, &claims);
    pods.applyAdded(pod("w-t-00000002", "Running", "w", "t"));
    pods.applyAdded(pod("w-pool-00000001", "Running", "w", {}, "ready"));
    pods.applyAdded(pod("w-pool-00000003", "Pending", "w", {}, "warming"));
    claims.applyAdded(claim("claim-b-w", "Released", "b", "w"));
    claims.applyAdded(claim("claim-a-w", "Active", "a", "w", "cold"));
    claims.applyAdded(claim("claim-c-w", "Pending", "c", "w"));

    const QList<EncodedEvent> replay = deriver.replay();
    QCOMPARE(
        jsons(replay),
        (QStringList {
            R"({"type":"instance.state","name":"w-pool-00000001","phase":"Running","workloadRef":"w"})",
            R"({"type":"pool.instance.ready","name":"w-pool-00000001","workloadRef":"w"})",
            R"({"type":"instance.state","name":"w-pool-00000003","phase":"Pending","workloadRef":"w"})",
            R"({"type":"instance.state","name":"w-t-00000002","phase":"Running","workloadRef":"w","tenantId":"t"})",
            R"({"type":"tenant.claimed","name":"claim-a-w","workloadRef":"w","tenantId":"a","source":"cold"})",
            R"({"type":"tenant.released","name":"claim-b-w","tenantId":"b"})" }));
    for (const auto &e : replay)
        QCOMPARE(e.seq, quint64(0));
    // Replay does not consume sequence numbers.
    QCOMPARE(deriver.lastSeq(), quint64(6));
}

void tst_deriver::relistGapBecomesEvents()
{
    ObjectStore pods("pods"), claims("boilerhouseclaims");
    Deriver deriver(&pods, &claims);
    pods.applyAdded(pod("a", "Running", "w", "t", {}, "1"));
    pods.applyAdded(pod("b", "Pending", "w", "t", {}, "2"));
    claims.applyAdded(claim("claim-t-w", "Active", "t", "w", "pool", "3"));
    QSignalSpy spy(&deriver, &Deriver::derived);

    // During the gap: a deleted, b became Running, c added; the claim was deleted.
    pods.replace(
        { pod("b", "Running", "w", "t", {}, "5"), pod("c", "Pending", "w", {}, "warming", "6") });
    claims.replace({});
    QCOMPARE(
        jsons(taken(spy)),
        (QStringList {
            R"({"type":"instance.state","name":"a","phase":"Deleted","workloadRef":"w","tenantId":"t"})",
            R"({"type":"instance.state","name":"b","phase":"Running","workloadRef":"w","tenantId":"t"})",
            R"({"type":"instance.state","name":"c","phase":"Pending","workloadRef":"w"})",
            R"({"type":"tenant.released","name":"claim-t-w","tenantId":"t"})" }));
}

void tst_deriver::duplicateResourceVersionEmitsNothing()
{
    ObjectStore pods("pods"), claims("boilerhouseclaims");
    Deriver deriver(&pods, &claims);
    pods.applyAdded(pod("a", "Running", "w", "t", {}, "1"));
    QSignalSpy spy(&deriver, &Deriver::derived);
    pods.applyModified(pod("a", "Running", "w", "t", {}, "1"));
    pods.replace({ pod("a", "Running", "w", "t", {}, "1") });
    QCOMPARE(spy.size(), 0);
}

QTEST_GUILESS_MAIN(tst_deriver)
#include "tst_deriver.moc"
