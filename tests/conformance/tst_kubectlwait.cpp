// kubectl 1.33 `wait --for=jsonpath=…` (the client-go Reflector path) across a closed
// watch and a compaction (ERROR 410 -> relist), plainly and with
// KUBE_FEATURE_WatchListClient=true (streaming list, sendInitialEvents=true).
#include "conformancefixture.h"
#include "kubectltrace.h"

#include <QtTest>

using namespace bh::conformance;

class tst_kubectlwait : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanup();
    void waitSurvivesCloseAndCompaction_data();
    void waitSurvivesCloseAndCompaction();

private:
    ConformanceFixture f;
};

namespace {
QJsonObject phase(const char *value)
{
    return QJsonObject { { QStringLiteral("status"),
                           QJsonObject {
                               { QStringLiteral("phase"), QString::fromLatin1(value) } } } };
}

bool isWatchList(const LoggedRequest &r)
{
    return r.value("sendInitialEvents") == QLatin1String("true");
}
} // namespace

void tst_kubectlwait::initTestCase()
{
    const QString error = f.initOnce();
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_kubectlwait::cleanup()
{
    f.stopSimulator();
}

void tst_kubectlwait::waitSurvivesCloseAndCompaction_data()
{
    // Both forms of "expired" on a watch: HTTP 200 + ERROR event, and HTTP 410.
    QTest::addColumn<bool>("watchList");
    QTest::addColumn<QStringList>("simulatorArgs");
    const QStringList http410 { QStringLiteral("--gone-as-http") };
    QTest::newRow("plain-error-event") << false << QStringList();
    QTest::newRow("plain-http-410") << false << http410;
    QTest::newRow("KUBE_FEATURE_WatchListClient-error-event") << true << QStringList();
    QTest::newRow("KUBE_FEATURE_WatchListClient-http-410") << true << http410;
}

void tst_kubectlwait::waitSurvivesCloseAndCompaction()
{
    QFETCH(bool, watchList);
    QFETCH(QStringList, simulatorArgs);
    const QString startError = f.startSimulator(simulatorArgs);
    QVERIFY2(startError.isEmpty(), qPrintable(startError));
    KubeApi &api = f.api();
    const QString claims = KubeApi::claimsPath(f.ns());
    const QString resource = QStringLiteral("boilerhouseclaims");
    QVERIFY2(api.create(claims, KubeApi::claim(QStringLiteral("c1"), {})).ok(),
             qPrintable(api.lastError()));
    QVERIFY2(api.mergePatch(claims + QStringLiteral("/c1/status"), phase("Pending")).ok(),
             qPrintable(api.lastError()));
    QVERIFY2(api.create(claims, KubeApi::claim(QStringLiteral("c2"), {})).ok(),
             qPrintable(api.lastError()));

    auto kubectl =
        f.kubectl(QStringLiteral("1.33"),
                  { QStringLiteral("wait"), QStringLiteral("--for=jsonpath={.status.phase}=Bound"),
                    QStringLiteral("boilerhouseclaim/c1"), QStringLiteral("--timeout=90s") });
    kubectl->setTimeLimit(std::chrono::seconds(120));
    if (watchList)
        kubectl->setEnv(QStringLiteral("KUBE_FEATURE_WatchListClient"), QStringLiteral("true"));
    QVERIFY2(kubectl->start(), qPrintable(kubectl->errorText()));
    BH_WAIT_OR_FAIL(f, api.openWatches(resource) == 1, "kubectl wait's watch", kubectl->describe());

    // client-go treats a watch that ends within 1 s without any event as an error ("very
    // short watch") and relists; so before each close kubectl's watch gets one event that
    // does not meet the condition (an annotation on c1), whose version the reply tells us.
    int step = 0;
    const auto touchC1 = [&]() -> QString {
        const ApiReply reply = api.mergePatch(
            claims + QStringLiteral("/c1"),
            QJsonObject { { QStringLiteral("metadata"),
                            QJsonObject { { QStringLiteral("annotations"),
                                            QJsonObject { { QStringLiteral("conformance/step"),
                                                            QString::number(++step) } } } } } });
        return reply.ok() ? reply.json()
                                .value(QStringLiteral("metadata"))
                                .toObject()
                                .value(QStringLiteral("resourceVersion"))
                                .toString()
                          : QString();
    };

    // 1. Close the watch: the reflector re-watches from its last resourceVersion, no relist.
    const QString firstRv = touchC1();
    QVERIFY2(!firstRv.isEmpty(), qPrintable(api.lastError()));
    const int watchesBefore = int(f.requestLog().watches(claims).size());
    const qsizetype listsAtStart = f.requestLog().lists(claims).size();
    QVERIFY2(api.closeWatches().ok(), qPrintable(api.lastError()));
    BH_WAIT_OR_FAIL(
        f, f.requestLog().watches(claims).size() > watchesBefore && api.openWatches(resource) == 1,
        "the re-watch after close", kubectl->describe());
    {
        const RequestLog log = f.requestLog();
        const LoggedRequest &rewatch = log.watches(claims).last();
        BH_CHECK(f, !isWatchList(rewatch), rewatch.raw.toUtf8());
        BH_CHECK(f, rewatch.value("resourceVersion") == firstRv, rewatch.raw.toUtf8());
        BH_CHECK(f, rewatch.value("fieldSelector") == QLatin1String("metadata.name=c1"),
                 rewatch.raw.toUtf8());
        BH_CHECK(f, log.lists(claims).size() == listsAtStart, log.text().toUtf8());
    }

    // 2. kubectl sees one more event (version staleRv), then a change it does not see
    //    (claim c2), a compaction and a close: the re-watch from staleRv gets ERROR 410 and
    //    the reflector relists.
    const QString staleRv = touchC1();
    QVERIFY2(!staleRv.isEmpty(), qPrintable(api.lastError()));
    const RequestLog beforeCompaction = f.requestLog();
    const qsizetype listsBefore = beforeCompaction.lists(claims).size();
    const qsizetype watchListsBefore = [&] {
        qsizetype n = 0;
        for (const LoggedRequest &r : beforeCompaction.watches(claims))
            n += isWatchList(r) ? 1 : 0;
        return n;
    }();
    QVERIFY2(api.mergePatch(claims + QStringLiteral("/c2/status"), phase("Active")).ok(),
             qPrintable(api.lastError()));
    QVERIFY2(api.compact().ok(), qPrintable(api.lastError()));
    QVERIFY2(api.closeWatches().ok(), qPrintable(api.lastError()));
    const auto relisted = [&] {
        const RequestLog log = f.requestLog();
        if (!watchList)
            return log.lists(claims).size() > listsBefore;
        qsizetype n = 0;
        for (const LoggedRequest &r : log.watches(claims))
            n += isWatchList(r) ? 1 : 0;
        return n > watchListsBefore;
    };
    BH_WAIT_OR_FAIL(f, relisted() && api.openWatches(resource) == 1, "the relist after 410",
                    kubectl->describe());
    BH_CHECK(f, kubectl->isRunning(), kubectl->describe());

    // 3. The condition becomes true: kubectl exits 0.
    QVERIFY2(api.mergePatch(claims + QStringLiteral("/c1/status"), phase("Bound")).ok(),
             qPrintable(api.lastError()));
    QVERIFY2(kubectl->finish(), kubectl->describe().constData());
    BH_CHECK(f, kubectl->exitCode() == 0, kubectl->describe());
    BH_CHECK(f, kubectl->stdOut().contains("boilerhouseclaim.boilerhouse.dev/c1 condition met"),
             kubectl->describe());

    // The request log tells the reflector's story.
    const RequestLog log = f.requestLog();
    const QList<LoggedRequest> watches = log.watches(claims);
    const QList<LoggedRequest> lists = log.lists(claims);
    // The watch that got the 410 asked for the stale version; the relist followed it.
    qsizetype staleIndex = -1;
    for (qsizetype i = 0; i < log.entries().size(); ++i) {
        const LoggedRequest &r = log.entries().at(i);
        if (r.path == claims && r.isWatch() && r.value("resourceVersion") == staleRv
            && !isWatchList(r))
            staleIndex = i;
    }
    BH_CHECK(f, staleIndex >= 0, "no watch at the stale version " + staleRv.toUtf8());
    bool relistAfter = false;
    for (qsizetype i = staleIndex + 1; i < log.entries().size(); ++i) {
        const LoggedRequest &r = log.entries().at(i);
        if (r.path != claims)
            continue;
        relistAfter = watchList ? (r.isWatch() && isWatchList(r)) : !r.isWatch();
        if (relistAfter) {
            // client-go relists "not older than" its last version first (KUBE-API §8).
            BH_CHECK(f,
                     r.value("resourceVersion") == staleRv || r.value("resourceVersion").isEmpty(),
                     r.raw.toUtf8());
            break;
        }
    }
    BH_CHECK(f, relistAfter, "no relist after the 410'd watch at " + staleRv.toUtf8());
    if (watchList) {
        // The streaming list replaces LIST entirely: the first collection request is one.
        BH_CHECK(f, !watches.isEmpty() && isWatchList(watches.first()), log.text().toUtf8());
        BH_CHECK(f, lists.isEmpty(), log.text().toUtf8());
        BH_CHECK(f, watches.first().value("resourceVersionMatch") == QLatin1String("NotOlderThan"),
                 watches.first().raw.toUtf8());
    } else {
        BH_CHECK(f, lists.size() == 2, log.text().toUtf8());
        for (const LoggedRequest &w : watches)
            BH_CHECK(f, !w.has("sendInitialEvents"), w.raw.toUtf8());
        BH_CHECK(f, lists.first().value("fieldSelector") == QLatin1String("metadata.name=c1"),
                 lists.first().raw.toUtf8());
    }

    qInfo().noquote() << "kubectl wait's requests:\n" + log.text();

    // Routes: discovery, the object, its collection; kubectl saw no error status.
    const QSet<QString> expectedPaths { QStringLiteral("/api"),
                                        QStringLiteral("/apis"),
                                        QStringLiteral("/api/v1"),
                                        QStringLiteral("/apis/boilerhouse.dev/v1alpha1"),
                                        claims,
                                        claims + QStringLiteral("/c1") };
    const QString routeDiff = RequestLog::diff(expectedPaths, log.paths());
    BH_CHECK(f, routeDiff.isEmpty(), routeDiff.toUtf8());
    // With --gone-as-http the stale watch is the one expected HTTP 410.
    const QList<int> allowed = simulatorArgs.isEmpty() ? QList<int>() : QList<int> { 410 };
    const QStringList failures =
        KubectlTrace::failures(KubectlTrace::parse(kubectl->stdErr()), allowed);
    BH_CHECK(f, failures.isEmpty(), failures.join(QLatin1Char('\n')).toUtf8());
}

QTEST_GUILESS_MAIN(tst_kubectlwait)
#include "tst_kubectlwait.moc"
