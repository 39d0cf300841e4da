// boilerhouse_history_bytes: EventHistory's running approximate memory follows appends and
// evictions exactly (the sum over the kept events).

#include "events/eventhistory.h"

#include <QTest>

using bh::events::EncodedEvent;
using bh::events::EventHistory;

namespace {
EncodedEvent makeEvent(quint64 seq, const QString &name)
{
    bh::protocol::Event e;
    e.type = bh::protocol::EventType::InstanceState;
    e.name = name;
    e.phase = QStringLiteral("Running");
    e.workloadRef = QStringLiteral("my-agent");
    e.tenantId = QStringLiteral("alice");
    return EncodedEvent::fromEvent(e, seq);
}
} // namespace

class tst_metricshistory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bytesFollowAppendsAndEvictions();
    void ignoredAppendsCostNothing();
};

void tst_metricshistory::bytesFollowAppendsAndEvictions()
{
    EventHistory history(2);
    QCOMPARE(history.approximateBytes(), 0);
    const EncodedEvent a = makeEvent(1, QStringLiteral("a"));
    const EncodedEvent b = makeEvent(2, QStringLiteral("bbbbbbbbbbbbbbbbbbbb"));
    const EncodedEvent c = makeEvent(3, QStringLiteral("cc"));
    // The struct, the JSON frame and the UTF-16 string fields.
    QVERIFY(EventHistory::eventBytes(a) > qint64(sizeof(EncodedEvent)) + a.json.size());
    QCOMPARE(EventHistory::eventBytes(b) - EventHistory::eventBytes(a),
             qint64(b.json.size() - a.json.size()) + 19 * qint64(sizeof(QChar)));
    history.append(a);
    QCOMPARE(history.approximateBytes(), EventHistory::eventBytes(a));
    history.append(b);
    QCOMPARE(history.approximateBytes(), EventHistory::eventBytes(a) + EventHistory::eventBytes(b));
    history.append(c); // evicts a
    QCOMPARE(history.size(), 2);
    QCOMPARE(history.approximateBytes(), EventHistory::eventBytes(b) + EventHistory::eventBytes(c));
}

void tst_metricshistory::ignoredAppendsCostNothing()
{
    EventHistory history(10);
    history.append(makeEvent(5, QStringLiteral("x")));
    const qint64 before = history.approximateBytes();
    history.append(makeEvent(5, QStringLiteral("duplicate seq")));
    history.append(makeEvent(4, QStringLiteral("older seq")));
    QCOMPARE(history.size(), 1);
    QCOMPARE(history.approximateBytes(), before);
}

QTEST_GUILESS_MAIN(tst_metricshistory)
#include "tst_metricshistory.moc"
