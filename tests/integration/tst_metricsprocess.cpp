// The process_* metrics: parsing /proc/<pid>/stat and /proc/stat like the Go client, and
// reading this very process.

#include "app/processmetrics.h"

#include <QDateTime>
#include <QTest>

#include <sys/resource.h>

using bh::app::ProcessMetrics;

namespace {
// A real /proc/self/stat line (comm with a space and a parenthesis), fields 14/15 = 250/50
// ticks, 22 = start 1000 ticks after boot, 23 = vsize, 24 = rss pages.
const QByteArray kStat = "4242 (bh server) x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 50 0 0 "
                         "20 0 3 0 1000 123456789 2048 18446744073709551615 1 1 0 0 0 0 0 4096 "
                         "0 0 0 0 17 1 0 0 0 0 0\n";
const QByteArray kProcStat = "cpu  1 2 3 4\ncpu0 1 2 3 4\nintr 1\nctxt 99\nbtime 1764400000\n"
                             "processes 5\n";
} // namespace

class tst_metricsprocess : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesProcStatLikeTheGoClient();
    void rejectsBrokenProcFiles_data();
    void rejectsBrokenProcFiles();
    void readsThisProcess();
};

void tst_metricsprocess::parsesProcStatLikeTheGoClient()
{
    QString error;
    const auto m = ProcessMetrics::parse(kStat, kProcStat, 100, 4096, &error);
    QVERIFY2(m, qPrintable(error));
    QCOMPARE(m->cpuSeconds, 3.0); // (250 + 50) / 100
    QCOMPARE(m->startTimeSeconds, 1764400010.0); // btime + 1000 / 100
    QCOMPARE(m->virtualMemoryBytes, 123456789.0);
    QCOMPARE(m->residentMemoryBytes, 2048.0 * 4096);
}

void tst_metricsprocess::rejectsBrokenProcFiles_data()
{
    QTest::addColumn<QByteArray>("stat");
    QTest::addColumn<QByteArray>("procStat");
    QTest::addColumn<long>("ticks");
    QTest::addColumn<QString>("error");
    QTest::newRow("no comm") << QByteArray("4242 bh S 1") << kProcStat << 100L
                             << QStringLiteral("/proc/self/stat: no \")\" after comm");
    QTest::newRow("too few fields")
        << QByteArray("4242 (bh) S 1 2 3") << kProcStat << 100L
        << QStringLiteral("/proc/self/stat: too few or non-numeric fields");
    QTest::newRow("non-numeric field")
        << QByteArray(kStat).replace(" 250 ", " x ") << kProcStat << 100L
        << QStringLiteral("/proc/self/stat: too few or non-numeric fields");
    QTest::newRow("no btime") << kStat << QByteArray("cpu 1 2 3\n") << 100L
                              << QStringLiteral("/proc/stat: no btime line");
    QTest::newRow("bad btime") << kStat << QByteArray("btime soon\n") << 100L
                               << QStringLiteral("/proc/stat: no btime line");
    QTest::newRow("bad tick rate")
        << kStat << kProcStat << 0L << QStringLiteral("bad clock tick or page size");
}

void tst_metricsprocess::rejectsBrokenProcFiles()
{
    QFETCH(QByteArray, stat);
    QFETCH(QByteArray, procStat);
    QFETCH(long, ticks);
    QFETCH(QString, error);
    QString got;
    QVERIFY(!ProcessMetrics::parse(stat, procStat, ticks, 4096, &got));
    QCOMPARE(got, error);
}

void tst_metricsprocess::readsThisProcess()
{
    QString error;
    const auto m = ProcessMetrics::read(&error);
    QVERIFY2(m, qPrintable(error));
    const double now = double(QDateTime::currentSecsSinceEpoch());
    QVERIFY(m->startTimeSeconds > now - 3600 && m->startTimeSeconds <= now + 1);
    QVERIFY(m->residentMemoryBytes > 1e6);
    QVERIFY(m->virtualMemoryBytes >= m->residentMemoryBytes);
    QVERIFY(m->openFds >= 3);
    rlimit limit {};
    QCOMPARE(getrlimit(RLIMIT_NOFILE, &limit), 0);
    QCOMPARE(m->maxFds, double(limit.rlim_cur));
    // One more descriptor open -> one more counted.
    FILE *extra = std::tmpfile();
    QVERIFY(extra);
    const auto more = ProcessMetrics::read(&error);
    std::fclose(extra);
    QVERIFY2(more, qPrintable(error));
    QCOMPARE(more->openFds, m->openFds + 1);
    // CPU time only grows.
    volatile double sink = 0;
    for (int i = 0; i < 50'000'000; ++i)
        sink = sink + i * 0.5;
    const auto later = ProcessMetrics::read(&error);
    QVERIFY2(later, qPrintable(error));
    QVERIFY(later->cpuSeconds > m->cpuSeconds);
}

QTEST_GUILESS_MAIN(tst_metricsprocess)
#include "tst_metricsprocess.moc"
