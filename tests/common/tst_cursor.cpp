#include "protocol/cursor.h"

#include <QTest>

using bh::protocol::Cursor;

class tst_cursor : public QObject
{
    Q_OBJECT

private slots:
    void parsesWireForm_data();
    void parsesWireForm();
    void rejectsMalformed_data();
    void rejectsMalformed();
    void advancesWithinEpoch();
};

void tst_cursor::parsesWireForm_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("epoch");
    QTest::addColumn<quint64>("seq");
    QTest::newRow("zero") << QStringLiteral("5f3a9c1e:0") << QStringLiteral("5f3a9c1e")
                          << quint64(0);
    QTest::newRow("large") << QStringLiteral("a_B-9:18446744073709551615")
                           << QStringLiteral("a_B-9") << quint64(18446744073709551615ULL);
    QTest::newRow("one char epoch") << QStringLiteral("x:42") << QStringLiteral("x") << quint64(42);
    QTest::newRow("longest epoch") << QString(64, QLatin1Char('e')) + QStringLiteral(":7")
                                   << QString(64, QLatin1Char('e')) << quint64(7);
}

void tst_cursor::parsesWireForm()
{
    QFETCH(QString, text);
    QFETCH(QString, epoch);
    QFETCH(quint64, seq);
    const auto cursor = Cursor::parse(text);
    QVERIFY(cursor);
    QCOMPARE(cursor->epoch, epoch);
    QCOMPARE(cursor->seq, seq);
    QCOMPARE(cursor->toString(), text);
}

void tst_cursor::rejectsMalformed_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("no colon") << QStringLiteral("abc");
    QTest::newRow("no epoch") << QStringLiteral(":5");
    QTest::newRow("no seq") << QStringLiteral("abc:");
    QTest::newRow("negative") << QStringLiteral("abc:-1");
    QTest::newRow("plus sign") << QStringLiteral("abc:+1");
    QTest::newRow("two colons") << QStringLiteral("a:1:2");
    QTest::newRow("space") << QStringLiteral("abc: 1");
    QTest::newRow("bad epoch char") << QStringLiteral("a/b:1");
    QTest::newRow("overflow") << QStringLiteral("abc:18446744073709551616");
    QTest::newRow("epoch too long") << QString(65, QLatin1Char('e')) + QStringLiteral(":7");
    QTest::newRow("hex seq") << QStringLiteral("abc:0x10");
}

void tst_cursor::rejectsMalformed()
{
    QFETCH(QString, text);
    QVERIFY(!Cursor::parse(text));
}

void tst_cursor::advancesWithinEpoch()
{
    const Cursor start { QStringLiteral("ep"), 10 };
    QCOMPARE(start.advancedTo(11).toString(), QStringLiteral("ep:11"));
    QCOMPARE(start.advancedTo(11).epoch, start.epoch);
    QVERIFY(start.advancedTo(11) != start);
}

QTEST_GUILESS_MAIN(tst_cursor)
#include "tst_cursor.moc"
