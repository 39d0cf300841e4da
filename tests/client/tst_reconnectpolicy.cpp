#include "client/reconnectpolicy.h"

#include <QTest>

using bh::client::ReconnectPolicy;
using std::chrono::milliseconds;

class tst_reconnectpolicy : public QObject
{
    Q_OBJECT

private slots:
    void defaultsDoubleFromOneToThirtySeconds_data();
    void defaultsDoubleFromOneToThirtySeconds();
    void delaysStayWithinBounds_data();
    void delaysStayWithinBounds();
    void validatesSettings_data();
    void validatesSettings();
};

void tst_reconnectpolicy::defaultsDoubleFromOneToThirtySeconds_data()
{
    QTest::addColumn<int>("attempt");
    QTest::addColumn<qint64>("delayMs");
    QTest::newRow("negative counts as first") << -3 << qint64(1000);
    QTest::newRow("1st") << 0 << qint64(1000);
    QTest::newRow("2nd") << 1 << qint64(2000);
    QTest::newRow("3rd") << 2 << qint64(4000);
    QTest::newRow("4th") << 3 << qint64(8000);
    QTest::newRow("5th") << 4 << qint64(16000);
    QTest::newRow("6th capped") << 5 << qint64(30000);
    QTest::newRow("100th capped") << 99 << qint64(30000);
    QTest::newRow("huge attempt, no overflow") << std::numeric_limits<int>::max() << qint64(30000);
}

void tst_reconnectpolicy::defaultsDoubleFromOneToThirtySeconds()
{
    QFETCH(int, attempt);
    QFETCH(qint64, delayMs);
    const ReconnectPolicy policy;
    QCOMPARE(policy.delayForAttempt(attempt).count(), delayMs);
}

void tst_reconnectpolicy::delaysStayWithinBounds_data()
{
    QTest::addColumn<qint64>("initial");
    QTest::addColumn<qint64>("max");
    QTest::addColumn<double>("multiplier");
    QTest::newRow("defaults") << qint64(1000) << qint64(30000) << 2.0;
    QTest::newRow("fast test policy") << qint64(20) << qint64(100) << 2.0;
    QTest::newRow("constant") << qint64(500) << qint64(500) << 1.0;
    QTest::newRow("steep") << qint64(1) << qint64(3600000) << 10.0;
    QTest::newRow("zero initial") << qint64(0) << qint64(1000) << 2.0;
}

void tst_reconnectpolicy::delaysStayWithinBounds()
{
    QFETCH(qint64, initial);
    QFETCH(qint64, max);
    QFETCH(double, multiplier);
    ReconnectPolicy policy;
    policy.initialDelay = milliseconds(initial);
    policy.maxDelay = milliseconds(max);
    policy.multiplier = multiplier;
    QVERIFY(policy.isValid());
    milliseconds previous { 0 };
    for (int attempt = 0; attempt < 200; ++attempt) {
        const milliseconds delay = policy.delayForAttempt(attempt);
        QVERIFY2(delay.count() >= initial && delay.count() <= max,
                 qPrintable(QStringLiteral("attempt %1: %2 ms").arg(attempt).arg(delay.count())));
        QVERIFY(delay >= previous); // never shrinks while failing
        previous = delay;
    }
    QCOMPARE(previous.count(), initial == 0 ? qint64(0) : max);
}

void tst_reconnectpolicy::validatesSettings_data()
{
    QTest::addColumn<qint64>("initial");
    QTest::addColumn<qint64>("max");
    QTest::addColumn<double>("multiplier");
    QTest::addColumn<bool>("valid");
    QTest::newRow("defaults") << qint64(1000) << qint64(30000) << 2.0 << true;
    QTest::newRow("max below initial") << qint64(5000) << qint64(1000) << 2.0 << false;
    QTest::newRow("negative initial") << qint64(-1) << qint64(1000) << 2.0 << false;
    QTest::newRow("shrinking multiplier") << qint64(1000) << qint64(30000) << 0.5 << false;
}

void tst_reconnectpolicy::validatesSettings()
{
    QFETCH(qint64, initial);
    QFETCH(qint64, max);
    QFETCH(double, multiplier);
    QFETCH(bool, valid);
    ReconnectPolicy policy;
    policy.initialDelay = milliseconds(initial);
    policy.maxDelay = milliseconds(max);
    policy.multiplier = multiplier;
    QCOMPARE(policy.isValid(), valid);
}

QTEST_GUILESS_MAIN(tst_reconnectpolicy)
#include "tst_reconnectpolicy.moc"
