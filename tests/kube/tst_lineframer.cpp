#include "kube/lineframer.h"

#include <QTest>

using bh::kube::LineFramer;

class tst_LineFramer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void splitsLinesAcrossChunks_data();
    void splitsLinesAcrossChunks();
    void splitsAtEveryByteBoundary();
    void rejectsOverlongLine_data();
    void rejectsOverlongLine();
    void resetClearsError();
};

void tst_LineFramer::splitsLinesAcrossChunks_data()
{
    QTest::addColumn<QList<QByteArray>>("chunks");
    QTest::addColumn<QList<QByteArray>>("lines");
    QTest::addColumn<qsizetype>("pending");

    QTest::newRow("one line one chunk")
        << QList<QByteArray> { "{\"a\":1}\n" } << QList<QByteArray> { "{\"a\":1}" } << qsizetype(0);
    QTest::newRow("two lines one chunk")
        << QList<QByteArray> { "a\nb\n" } << QList<QByteArray> { "a", "b" } << qsizetype(0);
    QTest::newRow("line split in three") << QList<QByteArray> { "ab", "cd", "ef\n" }
                                         << QList<QByteArray> { "abcdef" } << qsizetype(0);
    QTest::newRow("newline alone")
        << QList<QByteArray> { "abc", "\n", "d" } << QList<QByteArray> { "abc" } << qsizetype(1);
    QTest::newRow("crlf stripped")
        << QList<QByteArray> { "a\r\nb\r", "\n" } << QList<QByteArray> { "a", "b" } << qsizetype(0);
    QTest::newRow("empty lines skipped") << QList<QByteArray> { "\n\na\n\n", "\nb\n" }
                                         << QList<QByteArray> { "a", "b" } << qsizetype(0);
    QTest::newRow("unterminated tail kept")
        << QList<QByteArray> { "a\nbc" } << QList<QByteArray> { "a" } << qsizetype(2);
    QTest::newRow("empty chunks") << QList<QByteArray> { "", "a", "", "\n", "" }
                                  << QList<QByteArray> { "a" } << qsizetype(0);
}

void tst_LineFramer::splitsLinesAcrossChunks()
{
    QFETCH(QList<QByteArray>, chunks);
    QFETCH(QList<QByteArray>, lines);
    QFETCH(qsizetype, pending);
    LineFramer framer;
    QList<QByteArray> got;
    for (const QByteArray &c : chunks)
        got += framer.feed(c);
    QCOMPARE(got, lines);
    QCOMPARE(framer.pendingBytes(), pending);
    QCOMPARE(framer.error(), LineFramer::Error::None);
}

void tst_LineFramer::splitsAtEveryByteBoundary()
{
    const QByteArray stream =
        "{\"type\":\"ADDED\",\"object\":{}}\n{\"type\":\"BOOKMARK\"}\r\n\nlast\n";
    const QList<QByteArray> expected { "{\"type\":\"ADDED\",\"object\":{}}",
                                       "{\"type\":\"BOOKMARK\"}", "last" };
    for (qsizetype i = 0; i <= stream.size(); ++i) {
        for (qsizetype j = i; j <= stream.size(); ++j) {
            LineFramer framer;
            QList<QByteArray> got = framer.feed(stream.left(i));
            got += framer.feed(stream.mid(i, j - i));
            got += framer.feed(stream.mid(j));
            QCOMPARE(got, expected);
        }
    }
}

void tst_LineFramer::rejectsOverlongLine_data()
{
    QTest::addColumn<QList<QByteArray>>("chunks");
    QTest::addColumn<QList<QByteArray>>("lines");
    QTest::addColumn<bool>("error");

    // The limit is 8 bytes in these rows.
    QTest::newRow("exactly at limit")
        << QList<QByteArray> { "12345678\n" } << QList<QByteArray> { "12345678" } << false;
    QTest::newRow("one over in one chunk")
        << QList<QByteArray> { "ok\n123456789\n" } << QList<QByteArray> { "ok" } << true;
    QTest::newRow("over across chunks")
        << QList<QByteArray> { "1234", "5678", "9" } << QList<QByteArray> {} << true;
    QTest::newRow("over without newline")
        << QList<QByteArray> { "123456789" } << QList<QByteArray> {} << true;
    QTest::newRow("nothing after error")
        << QList<QByteArray> { "123456789\n", "a\n" } << QList<QByteArray> {} << true;
}

void tst_LineFramer::rejectsOverlongLine()
{
    QFETCH(QList<QByteArray>, chunks);
    QFETCH(QList<QByteArray>, lines);
    QFETCH(bool, error);
    LineFramer framer(8);
    QList<QByteArray> got;
    for (const QByteArray &c : chunks)
        got += framer.feed(c);
    QCOMPARE(got, lines);
    QCOMPARE(framer.error(), error ? LineFramer::Error::LineTooLong : LineFramer::Error::None);
    if (error)
        QCOMPARE(framer.pendingBytes(), qsizetype(0)); // the overlong line is not kept
}

void tst_LineFramer::resetClearsError()
{
    LineFramer framer(4);
    QVERIFY(framer.feed("12345\n").isEmpty());
    QCOMPARE(framer.error(), LineFramer::Error::LineTooLong);
    framer.reset();
    QCOMPARE(framer.feed("abc\n"), QList<QByteArray> { "abc" });
    QCOMPARE(framer.error(), LineFramer::Error::None);
    QCOMPARE(LineFramer().maxLineBytes(), LineFramer::DefaultMaxLineBytes);
}

QTEST_GUILESS_MAIN(tst_LineFramer)
#include "tst_lineframer.moc"
