// python3-kubernetes (Debian, /usr/bin/python3): list + watch, re-watch after a closed
// stream, ApiException 410 after a compaction, relist + rewatch sees the next event.
#include "conformancefixture.h"

#include <QJsonArray>
#include <QtTest>

using namespace bh::conformance;

class tst_pythonclient : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanup();
    void watchRaisesGoneAfterCompactionThenRelists_data();
    void watchRaisesGoneAfterCompactionThenRelists();

private:
    ConformanceFixture f;
};

namespace {
QList<QJsonObject> steps(const ClientProcess &p)
{
    QList<QJsonObject> out;
    const QList<QByteArray> lines = p.outLines();
    for (const QByteArray &line : lines)
        out << QJsonDocument::fromJson(line).object();
    return out;
}

bool hasStep(const ClientProcess &p, const QString &step, const QString &name = QString(),
             const QString &type = QString())
{
    const QList<QJsonObject> all = steps(p);
    for (const QJsonObject &s : all) {
        if (s.value(QStringLiteral("step")).toString() != step)
            continue;
        if (!name.isEmpty() && s.value(QStringLiteral("name")).toString() != name)
            continue;
        if (!type.isEmpty() && s.value(QStringLiteral("type")).toString() != type)
            continue;
        return true;
    }
    return false;
}

int countSteps(const ClientProcess &p, const QString &step)
{
    int n = 0;
    const QList<QJsonObject> all = steps(p);
    for (const QJsonObject &s : all)
        n += s.value(QStringLiteral("step")).toString() == step ? 1 : 0;
    return n;
}

QJsonObject lastStep(const ClientProcess &p, const QString &step)
{
    const QList<QJsonObject> all = steps(p);
    for (auto it = all.crbegin(); it != all.crend(); ++it)
        if (it->value(QStringLiteral("step")).toString() == step)
            return *it;
    return {};
}

QStringList names(const QJsonObject &listed)
{
    QStringList out;
    const QJsonArray array = listed.value(QStringLiteral("names")).toArray();
    for (const QJsonValue &v : array)
        out << v.toString();
    return out;
}
} // namespace

void tst_pythonclient::initTestCase()
{
    const QString error = f.initOnce();
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_pythonclient::cleanup()
{
    f.stopSimulator();
}

void tst_pythonclient::watchRaisesGoneAfterCompactionThenRelists_data()
{
    // The two legal forms of "expired" on a watch (KUBE-API §5): HTTP 200 + one ERROR event
    // (the client retries once, then raises with the Status's reason and message), and
    // HTTP 410 (raised at once, reason = the HTTP reason phrase, the Status in the body).
    QTest::addColumn<QStringList>("simulatorArgs");
    QTest::addColumn<int>("requestsAtExpiredVersion");
    QTest::addColumn<bool>("errorEvent");
    QTest::newRow("error-event") << QStringList() << 2 << true;
    QTest::newRow("http-410") << QStringList { QStringLiteral("--gone-as-http") } << 1 << false;
}

void tst_pythonclient::watchRaisesGoneAfterCompactionThenRelists()
{
    QFETCH(QStringList, simulatorArgs);
    QFETCH(int, requestsAtExpiredVersion);
    QFETCH(bool, errorEvent);
    const QString startError = f.startSimulator(simulatorArgs);
    QVERIFY2(startError.isEmpty(), qPrintable(startError));
    KubeApi &api = f.api();
    const QString pods = KubeApi::podsPath(f.ns());
    const QJsonObject managed { { QStringLiteral("boilerhouse.dev/managed"),
                                  QStringLiteral("true") } };
    const auto create = [&](const char *name) {
        return api.create(pods, KubeApi::pod(QString::fromLatin1(name), managed)).ok();
    };
    QVERIFY2(create("p1"), qPrintable(api.lastError()));
    QVERIFY2(api.create(pods, KubeApi::pod(QStringLiteral("unmanaged"), {})).ok(),
             qPrintable(api.lastError()));

    auto python = f.client(f.tools().python,
                           { f.tools().scriptsDir + QStringLiteral("/python_watch.py"),
                             QStringLiteral("--kubeconfig"), f.kubeconfigDataToken(),
                             QStringLiteral("--namespace"), f.ns(), QStringLiteral("--selector"),
                             QStringLiteral("boilerhouse.dev/managed=true") });
    QVERIFY2(python->start(), qPrintable(python->errorText()));
    BH_WAIT_OR_FAIL(f, hasStep(*python, QStringLiteral("listed")), "python's list",
                    python->describe());
    BH_CHECK(f,
             names(lastStep(*python, QStringLiteral("listed")))
                 == QStringList { QStringLiteral("p1") },
             python->describe());
    BH_WAIT_OR_FAIL(f, api.openWatches(QStringLiteral("pods")) == 1, "python's watch",
                    python->describe());

    QVERIFY2(create("p2"), qPrintable(api.lastError()));
    BH_WAIT_OR_FAIL(
        f, hasStep(*python, QStringLiteral("event"), QStringLiteral("p2"), QStringLiteral("ADDED")),
        "ADDED p2", python->describe());

    // The server ends the stream: the client re-watches from the last event's version.
    QVERIFY2(api.closeWatches().ok(), qPrintable(api.lastError()));
    BH_WAIT_OR_FAIL(
        f, f.requestLog().watches(pods).size() == 2 && api.openWatches(QStringLiteral("pods")) == 1,
        "python's re-watch", python->describe());
    QVERIFY2(api.mergePatch(pods + QStringLiteral("/p2/status"),
                            QJsonObject { { QStringLiteral("status"),
                                            QJsonObject { { QStringLiteral("phase"),
                                                            QStringLiteral("Running") } } } })
                 .ok(),
             qPrintable(api.lastError()));
    BH_WAIT_OR_FAIL(
        f,
        hasStep(*python, QStringLiteral("event"), QStringLiteral("p2"), QStringLiteral("MODIFIED")),
        "MODIFIED p2 after the re-watch", python->describe());

    // The script stops watching at pause-1; while it does not watch, one event and a
    // compaction make its version too old.
    QVERIFY2(create("pause-1"), qPrintable(api.lastError()));
    BH_WAIT_OR_FAIL(f, hasStep(*python, QStringLiteral("paused")), "python paused",
                    python->describe());
    const QString pausedRv =
        lastStep(*python, QStringLiteral("paused")).value(QStringLiteral("rv")).toString();
    QVERIFY2(create("p3"), qPrintable(api.lastError()));
    QVERIFY2(api.compact().ok(), qPrintable(api.lastError()));
    python->writeLine("resume");
    BH_WAIT_OR_FAIL(f, hasStep(*python, QStringLiteral("exception")), "ApiException",
                    python->describe());
    const QJsonObject exception = lastStep(*python, QStringLiteral("exception"));
    BH_CHECK(f, exception.value(QStringLiteral("status")).toInt() == 410, python->describe());
    const QString tooOld =
        QLatin1String("too old resource version: ") + pausedRv + QLatin1String(" (");
    const QString reason = exception.value(QStringLiteral("reason")).toString();
    if (errorEvent) {
        BH_CHECK(f, reason.startsWith(QLatin1String("Expired: ") + tooOld), python->describe());
    } else {
        BH_CHECK(f, reason == QLatin1String("Gone"), python->describe());
        const QJsonObject status =
            QJsonDocument::fromJson(exception.value(QStringLiteral("body")).toString().toUtf8())
                .object();
        BH_CHECK(f, status.value(QStringLiteral("reason")).toString() == QLatin1String("Expired"),
                 python->describe());
        BH_CHECK(f, status.value(QStringLiteral("message")).toString().startsWith(tooOld),
                 python->describe());
    }

    // Relist sees everything; the rewatch sees the next event.
    BH_WAIT_OR_FAIL(f, countSteps(*python, QStringLiteral("listed")) == 2, "python's relist",
                    python->describe());
    const QStringList relisted = names(lastStep(*python, QStringLiteral("listed")));
    const QStringList expected { QStringLiteral("p1"), QStringLiteral("p2"), QStringLiteral("p3"),
                                 QStringLiteral("pause-1") };
    BH_CHECK(f, relisted == expected, python->describe());
    BH_WAIT_OR_FAIL(f, api.openWatches(QStringLiteral("pods")) == 1, "python's rewatch",
                    python->describe());
    QVERIFY2(create("final"), qPrintable(api.lastError()));
    QVERIFY2(python->finish(), python->describe().constData());
    BH_CHECK(f, python->exitCode() == 0 && hasStep(*python, QStringLiteral("done")),
             python->describe());
    BH_CHECK(f, !hasStep(*python, QStringLiteral("error")), python->describe());

    // The log: python's spelling (watch=True, allowWatchBookmarks=True), the retry once at
    // the expired version, and only the pods collection.
    const RequestLog log = f.requestLog();
    int atPaused = 0;
    for (const LoggedRequest &w : log.watches(pods)) {
        BH_CHECK(f, w.value("watch") == QLatin1String("True"), w.raw.toUtf8());
        BH_CHECK(f, w.value("allowWatchBookmarks") == QLatin1String("True"), w.raw.toUtf8());
        BH_CHECK(f, w.value("labelSelector") == QLatin1String("boilerhouse.dev/managed=true"),
                 w.raw.toUtf8());
        atPaused += w.value("resourceVersion") == pausedRv ? 1 : 0;
    }
    BH_CHECK(f, atPaused == requestsAtExpiredVersion, log.text().toUtf8());
    BH_CHECK(f, log.lists(pods).size() == 2, log.text().toUtf8());
    const QString routeDiff = RequestLog::diff({ pods }, log.paths());
    BH_CHECK(f, routeDiff.isEmpty(), routeDiff.toUtf8());
}

QTEST_GUILESS_MAIN(tst_pythonclient)
#include "tst_pythonclient.moc"
