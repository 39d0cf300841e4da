#include "events/derivation.h"
#include "fixtures.h"

#include <QTest>

#include <optional>

using bh::events::Derivation;
using fixtures::claim;
using fixtures::pod;

using MaybeObject = std::optional<QJsonObject>;
Q_DECLARE_METATYPE(MaybeObject)

// One row per rule of PROTOCOL A.3, with the exact frames the existing server sends.
class tst_derivation : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void podChangeYieldsExactFrames_data();
    void podChangeYieldsExactFrames();
    void claimChangeYieldsExactFrames_data();
    void claimChangeYieldsExactFrames();

private:
    static QStringList frames(const QList<bh::protocol::Event> &events)
    {
        QStringList out;
        for (const auto &e : events)
            out << QString::fromUtf8(bh::protocol::encodeEvent(e));
        return out;
    }
};

void tst_derivation::podChangeYieldsExactFrames_data()
{
    QTest::addColumn<MaybeObject>("previous");
    QTest::addColumn<MaybeObject>("current");
    QTest::addColumn<QStringList>("expected");
    const QString n = "my-agent-alice-1a2b3c4d";
    const QString p = "my-agent-pool-9f8e7d6c";

    QTest::newRow("added -> instance.state")
        << MaybeObject() << MaybeObject(pod(n, "Pending", "my-agent", "alice"))
        << QStringList {
               R"({"type":"instance.state","name":"my-agent-alice-1a2b3c4d","phase":"Pending","workloadRef":"my-agent","tenantId":"alice"})"
           };
    QTest::newRow("modified -> instance.state with new phase")
        << MaybeObject(pod(n, "Pending", "my-agent", "alice"))
        << MaybeObject(pod(n, "Running", "my-agent", "alice", {}, "2"))
        << QStringList {
               R"({"type":"instance.state","name":"my-agent-alice-1a2b3c4d","phase":"Running","workloadRef":"my-agent","tenantId":"alice"})"
           };
    QTest::newRow("modified with unchanged phase still emits")
        << MaybeObject(pod(n, "Running", "my-agent", "alice"))
        << MaybeObject(pod(n, "Running", "my-agent", "alice", {}, "2"))
        << QStringList {
               R"({"type":"instance.state","name":"my-agent-alice-1a2b3c4d","phase":"Running","workloadRef":"my-agent","tenantId":"alice"})"
           };
    QTest::newRow("empty phase and absent tenant are omitted")
        << MaybeObject() << MaybeObject(pod(p, "", "my-agent", {}, "warming"))
        << QStringList {
               R"({"type":"instance.state","name":"my-agent-pool-9f8e7d6c","workloadRef":"my-agent"})"
           };
    QTest::newRow("pool pod added ready -> state then pool.instance.ready")
        << MaybeObject() << MaybeObject(pod(p, "Running", "my-agent", {}, "ready"))
        << QStringList {
               R"({"type":"instance.state","name":"my-agent-pool-9f8e7d6c","phase":"Running","workloadRef":"my-agent"})",
               R"({"type":"pool.instance.ready","name":"my-agent-pool-9f8e7d6c","workloadRef":"my-agent"})"
           };
    QTest::newRow("pool pod warming -> ready emits pool.instance.ready")
        << MaybeObject(pod(p, "Running", "my-agent", {}, "warming"))
        << MaybeObject(pod(p, "Running", "my-agent", {}, "ready", "2"))
        << QStringList {
               R"({"type":"instance.state","name":"my-agent-pool-9f8e7d6c","phase":"Running","workloadRef":"my-agent"})",
               R"({"type":"pool.instance.ready","name":"my-agent-pool-9f8e7d6c","workloadRef":"my-agent"})"
           };
    QTest::newRow("pool pod ready -> ready emits no second ready")
        << MaybeObject(pod(p, "Running", "my-agent", {}, "ready"))
        << MaybeObject(pod(p, "Running", "my-agent", {}, "ready", "2"))
        << QStringList {
               R"({"type":"instance.state","name":"my-agent-pool-9f8e7d6c","phase":"Running","workloadRef":"my-agent"})"
           };
    QTest::newRow("pool pod warming added emits no ready")
        << MaybeObject() << MaybeObject(pod(p, "Pending", "my-agent", {}, "warming"))
        << QStringList {
               R"({"type":"instance.state","name":"my-agent-pool-9f8e7d6c","phase":"Pending","workloadRef":"my-agent"})"
           };
    QTest::newRow("pool pod ready -> acquired by a tenant")
        << MaybeObject(pod(p, "Running", "my-agent", {}, "ready"))
        << MaybeObject(pod(p, "Running", "my-agent", "bob", "acquired", "2"))
        << QStringList {
               R"({"type":"instance.state","name":"my-agent-pool-9f8e7d6c","phase":"Running","workloadRef":"my-agent","tenantId":"bob"})"
           };
    QTest::newRow("deleted -> phase Deleted with last labels")
        << MaybeObject(pod(n, "Running", "my-agent", "alice")) << MaybeObject()
        << QStringList {
               R"({"type":"instance.state","name":"my-agent-alice-1a2b3c4d","phase":"Deleted","workloadRef":"my-agent","tenantId":"alice"})"
           };
    QTest::newRow("strings escaped like Go")
        << MaybeObject() << MaybeObject(pod("a", "Running", "w<&>", "t\"x"))
        << QStringList {
               R"({"type":"instance.state","name":"a","phase":"Running","workloadRef":"w\u003c\u0026\u003e","tenantId":"t\"x"})"
           };
    QTest::newRow("nothing to nothing") << MaybeObject() << MaybeObject() << QStringList {};
}

void tst_derivation::podChangeYieldsExactFrames()
{
    QFETCH(MaybeObject, previous);
    QFETCH(MaybeObject, current);
    QFETCH(QStringList, expected);
    QCOMPARE(
        frames(Derivation::pod(previous ? &*previous : nullptr, current ? &*current : nullptr)),
        expected);
}

void tst_derivation::claimChangeYieldsExactFrames_data()
{
    QTest::addColumn<MaybeObject>("previous");
    QTest::addColumn<MaybeObject>("current");
    QTest::addColumn<QStringList>("expected");
    const QString c = "claim-alice-my-agent";
    const QString claimed =
        R"({"type":"tenant.claimed","name":"claim-alice-my-agent","workloadRef":"my-agent","tenantId":"alice","source":"pool"})";
    const QString released =
        R"({"type":"tenant.released","name":"claim-alice-my-agent","tenantId":"alice"})";

    QTest::newRow("added Active -> tenant.claimed")
        << MaybeObject() << MaybeObject(claim(c, "Active", "alice", "my-agent", "pool"))
        << QStringList { claimed };
    QTest::newRow("Pending -> Active -> tenant.claimed")
        << MaybeObject(claim(c, "Pending", "alice", "my-agent"))
        << MaybeObject(claim(c, "Active", "alice", "my-agent", "pool", "2"))
        << QStringList { claimed };
    QTest::newRow("Active -> Active emits nothing")
        << MaybeObject(claim(c, "Active", "alice", "my-agent", "pool"))
        << MaybeObject(claim(c, "Active", "alice", "my-agent", "pool", "2")) << QStringList {};
    QTest::newRow("Active without source omits source")
        << MaybeObject() << MaybeObject(claim(c, "Active", "alice", "my-agent"))
        << QStringList {
               R"({"type":"tenant.claimed","name":"claim-alice-my-agent","workloadRef":"my-agent","tenantId":"alice"})"
           };
    QTest::newRow("Releasing -> Released -> tenant.released")
        << MaybeObject(claim(c, "Releasing", "alice", "my-agent", "pool"))
        << MaybeObject(claim(c, "Released", "alice", "my-agent", "pool", "2"))
        << QStringList { released };
    QTest::newRow("added Released -> tenant.released")
        << MaybeObject() << MaybeObject(claim(c, "Released", "alice", "my-agent"))
        << QStringList { released };
    QTest::newRow("Released -> Released emits nothing")
        << MaybeObject(claim(c, "Released", "alice", "my-agent"))
        << MaybeObject(claim(c, "Released", "alice", "my-agent", {}, "2")) << QStringList {};
    QTest::newRow("deleted while Active -> tenant.released")
        << MaybeObject(claim(c, "Active", "alice", "my-agent", "pool")) << MaybeObject()
        << QStringList { released };
    QTest::newRow("deleted while Pending -> tenant.released")
        << MaybeObject(claim(c, "Pending", "alice", "my-agent")) << MaybeObject()
        << QStringList { released };
    QTest::newRow("added Pending emits nothing")
        << MaybeObject() << MaybeObject(claim(c, "Pending", "alice", "my-agent")) << QStringList {};
    QTest::newRow("Active -> Releasing emits nothing")
        << MaybeObject(claim(c, "Active", "alice", "my-agent", "pool"))
        << MaybeObject(claim(c, "Releasing", "alice", "my-agent", "pool", "2")) << QStringList {};
    QTest::newRow("Releasing -> ReleaseFailed emits nothing")
        << MaybeObject(claim(c, "Releasing", "alice", "my-agent"))
        << MaybeObject(claim(c, "ReleaseFailed", "alice", "my-agent", {}, "2")) << QStringList {};
    QTest::newRow("Pending -> Error emits nothing")
        << MaybeObject(claim(c, "Pending", "alice", "my-agent"))
        << MaybeObject(claim(c, "Error", "alice", "my-agent", {}, "2")) << QStringList {};
    QTest::newRow("Released -> Active again -> tenant.claimed")
        << MaybeObject(claim(c, "Released", "alice", "my-agent"))
        << MaybeObject(claim(c, "Active", "alice", "my-agent", "pool", "2"))
        << QStringList { claimed };
}

void tst_derivation::claimChangeYieldsExactFrames()
{
    QFETCH(MaybeObject, previous);
    QFETCH(MaybeObject, current);
    QFETCH(QStringList, expected);
    QCOMPARE(
        frames(Derivation::claim(previous ? &*previous : nullptr, current ? &*current : nullptr)),
        expected);
}

QTEST_GUILESS_MAIN(tst_derivation)
#include "tst_derivation.moc"
