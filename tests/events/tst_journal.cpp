#include "events/journal.h"

#include <QTest>

using bh::events::EncodedEvent;
using bh::events::EventHistory;
using bh::events::Journal;

namespace {
EncodedEvent makeEvent(quint64 seq)
{
    bh::protocol::Event e;
    e.type = bh::protocol::EventType::InstanceState;
    e.name = QStringLiteral("pod-%1").arg(seq);
    e.phase = QStringLiteral("Running");
    return EncodedEvent::fromEvent(e, seq);
}

QList<quint64> seqs(const QList<EncodedEvent> &events)
{
    QList<quint64> out;
    for (const auto &e : events)
        out << e.seq;
    return out;
}
} // namespace

class tst_journal : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void historyAnswersEventsAfterSeq_data();
    void historyAnswersEventsAfterSeq();
    void resumeAnswersEventsOrResync_data();
    void resumeAnswersEventsOrResync();
    void cursorIsEpochAndLastSeq();
};

void tst_journal::historyAnswersEventsAfterSeq_data()
{
    QTest::addColumn<int>("capacity");
    QTest::addColumn<int>("appended"); // events 1..appended
    QTest::addColumn<quint64>("after");
    QTest::addColumn<bool>("available");
    QTest::addColumn<QList<quint64>>("expected");
    QTest::newRow("empty history, from 0") << 5 << 0 << quint64(0) << true << QList<quint64> {};
    QTest::newRow("all from 0") << 5 << 3 << quint64(0) << true << QList<quint64> { 1, 2, 3 };
    QTest::newRow("tail") << 5 << 4 << quint64(2) << true << QList<quint64> { 3, 4 };
    QTest::newRow("up to date") << 5 << 4 << quint64(4) << true << QList<quint64> {};
    QTest::newRow("future cursor") << 5 << 4 << quint64(9) << false << QList<quint64> {};
    QTest::newRow("oldest kept is next")
        << 3 << 6 << quint64(3) << true << QList<quint64> { 4, 5, 6 };
    QTest::newRow("evicted") << 3 << 6 << quint64(2) << false << QList<quint64> {};
}

void tst_journal::historyAnswersEventsAfterSeq()
{
    QFETCH(int, capacity);
    QFETCH(int, appended);
    QFETCH(quint64, after);
    QFETCH(bool, available);
    QFETCH(QList<quint64>, expected);
    EventHistory history(capacity);
    for (int i = 1; i <= appended; ++i)
        history.append(makeEvent(quint64(i)));
    if (appended > 0)
        history.append(makeEvent(1)); // not after the last seq: ignored
    QCOMPARE(history.size(), qMin(capacity, appended));
    const auto result = history.since(after);
    QCOMPARE(result.has_value(), available);
    if (result)
        QCOMPARE(seqs(*result), expected);
}

void tst_journal::resumeAnswersEventsOrResync_data()
{
    QTest::addColumn<QString>("since");
    QTest::addColumn<QByteArrayList>("expected");
    QTest::newRow("own epoch") << "e1:2" << QByteArrayList { makeEvent(3).json, makeEvent(4).json };
    QTest::newRow("own epoch, up to date") << "e1:4" << QByteArrayList {};
    QTest::newRow("other epoch")
        << "e2:2"
        << QByteArrayList {
               R"({"type":"stream.resync","reason":"cursor from another server process"})"
           };
    QTest::newRow("unreadable") << "garbage"
                                << QByteArrayList {
                                       R"({"type":"stream.resync","reason":"invalid cursor"})"
                                   };
    QTest::newRow("evicted")
        << "e1:0"
        << QByteArrayList {
               R"({"type":"stream.resync","reason":"cursor no longer in the server's history"})"
           };
}

void tst_journal::resumeAnswersEventsOrResync()
{
    QFETCH(QString, since);
    QFETCH(QByteArrayList, expected);
    Journal journal(QStringLiteral("e1"), 3);
    for (quint64 i = 1; i <= 4; ++i)
        journal.record(makeEvent(i));
    QByteArrayList frames;
    for (const auto &e : journal.resume(since))
        frames << e.json;
    QCOMPARE(frames, expected);
}

void tst_journal::cursorIsEpochAndLastSeq()
{
    Journal journal(QStringLiteral("abc"));
    QCOMPARE(journal.cursor().toString(), QStringLiteral("abc:0"));
    journal.record(makeEvent(1));
    journal.record(makeEvent(2));
    QCOMPARE(journal.cursor().toString(), QStringLiteral("abc:2"));
    const QString epoch = Journal::randomEpoch();
    QCOMPARE(epoch.size(), 16);
    QVERIFY(bh::protocol::Cursor::parse(epoch + ":7"));
    QVERIFY(Journal::randomEpoch() != epoch);
}

QTEST_GUILESS_MAIN(tst_journal)
#include "tst_journal.moc"
