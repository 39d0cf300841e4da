// kubectl 1.20 and 1.33: `get --watch --output-watch-events -o json` with a label selector,
// on pods and on boilerhouseclaims, across a selector transition.
#include "conformancefixture.h"
#include "jsonstreamsplitter.h"
#include "kubectltrace.h"

#include <QJsonArray>
#include <QtTest>

using namespace bh::conformance;

class tst_kubectlwatch : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanup();
    void watchSeesSelectorTransitions_data();
    void watchSeesSelectorTransitions();

private:
    ConformanceFixture f;
};

void tst_kubectlwatch::initTestCase()
{
    const QString error = f.initOnce();
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_kubectlwatch::cleanup()
{
    f.stopSimulator();
}

void tst_kubectlwatch::watchSeesSelectorTransitions_data()
{
    QTest::addColumn<QString>("version");
    QTest::addColumn<QString>("resource");
    for (const char *version : { "1.20", "1.33" })
        for (const char *resource : { "pods", "boilerhouseclaims" })
            QTest::addRow("kubectl-%s-%s", version, resource)
                << QString::fromLatin1(version) << QString::fromLatin1(resource);
}

void tst_kubectlwatch::watchSeesSelectorTransitions()
{
    QFETCH(QString, version);
    QFETCH(QString, resource);
    const QString startError = f.startSimulator();
    QVERIFY2(startError.isEmpty(), qPrintable(startError));
    KubeApi &api = f.api();
    const bool pods = resource == QLatin1String("pods");
    const QString collection = pods ? KubeApi::podsPath(f.ns()) : KubeApi::claimsPath(f.ns());
    const QString kind = pods ? QStringLiteral("Pod") : QStringLiteral("BoilerhouseClaim");
    const auto object = [pods](const QString &name, const QString &managed) {
        const QJsonObject labels { { QStringLiteral("boilerhouse.dev/managed"), managed },
                                   { QStringLiteral("boilerhouse.dev/tenant"),
                                     QStringLiteral("alice") } };
        return pods ? KubeApi::pod(name, labels) : KubeApi::claim(name, labels);
    };

    auto kubectl = f.kubectl(version,
                             { QStringLiteral("get"), resource, QStringLiteral("-l"),
                               QStringLiteral("boilerhouse.dev/managed=true"),
                               QStringLiteral("--watch"), QStringLiteral("--output-watch-events"),
                               QStringLiteral("-o"), QStringLiteral("json") });
    QVERIFY2(kubectl->start(), qPrintable(kubectl->errorText()));
    BH_WAIT_OR_FAIL(f, api.openWatches(resource) == 1, "kubectl's watch to open",
                    kubectl->describe());

    JsonStreamSplitter splitter;
    const auto events = [&] {
        return splitter.objects(kubectl->stdOut());
    };

    QVERIFY2(api.create(collection, object(QStringLiteral("watched"), QStringLiteral("true"))).ok(),
             qPrintable(api.lastError()));
    BH_WAIT_OR_FAIL(f, events().size() == 1, "ADDED watched", kubectl->describe());
    QVERIFY2(api.mergePatch(collection + QStringLiteral("/watched/status"),
                            QJsonObject { { QStringLiteral("status"),
                                            QJsonObject { { QStringLiteral("phase"),
                                                            QStringLiteral("Running") } } } })
                 .ok(),
             qPrintable(api.lastError()));
    BH_WAIT_OR_FAIL(f, events().size() == 2, "MODIFIED watched", kubectl->describe());
    QVERIFY2(api.mergePatch(
                    collection + QStringLiteral("/watched"),
                    QJsonObject {
                        { QStringLiteral("metadata"),
                          QJsonObject { { QStringLiteral("labels"),
                                          QJsonObject { { QStringLiteral("boilerhouse.dev/managed"),
                                                          QStringLiteral("false") } } } } } })
                 .ok(),
             qPrintable(api.lastError()));
    BH_WAIT_OR_FAIL(f, events().size() == 3, "DELETED watched (relabelled out of the selector)",
                    kubectl->describe());
    // A non-matching object, created and changed: kubectl must print nothing for it. The
    // matching marker that follows proves it (events arrive in resourceVersion order).
    QVERIFY2(api.create(collection, object(QStringLiteral("other"), QStringLiteral("false"))).ok(),
             qPrintable(api.lastError()));
    QVERIFY2(api.mergePatch(collection + QStringLiteral("/other/status"),
                            QJsonObject { { QStringLiteral("status"),
                                            QJsonObject { { QStringLiteral("phase"),
                                                            QStringLiteral("Running") } } } })
                 .ok(),
             qPrintable(api.lastError()));
    QVERIFY2(api.create(collection, object(QStringLiteral("marker"), QStringLiteral("true"))).ok(),
             qPrintable(api.lastError()));
    BH_WAIT_OR_FAIL(f, events().size() >= 4, "ADDED marker", kubectl->describe());

    // kubectl get --watch exits 0 when the stream ends and does not re-watch.
    QVERIFY2(api.closeWatches().ok(), qPrintable(api.lastError()));
    QVERIFY2(kubectl->finish(), kubectl->describe().constData());
    BH_CHECK(f, kubectl->exitCode() == 0, kubectl->describe());

    const QList<QJsonObject> seen = events();
    QStringList got;
    qint64 lastRv = 0;
    for (const QJsonObject &e : seen) {
        const QJsonObject o = e.value(QStringLiteral("object")).toObject();
        const QJsonObject meta = o.value(QStringLiteral("metadata")).toObject();
        got << e.value(QStringLiteral("type")).toString() + QLatin1Char(' ')
                + meta.value(QStringLiteral("name")).toString();
        BH_CHECK(f, o.value(QStringLiteral("kind")).toString() == kind, QJsonDocument(e).toJson());
        const qint64 rv = meta.value(QStringLiteral("resourceVersion")).toString().toLongLong();
        BH_CHECK(f, rv > lastRv, QJsonDocument(e).toJson());
        lastRv = rv;
    }
    const QStringList expected { QStringLiteral("ADDED watched"),
                                 QStringLiteral("MODIFIED watched"),
                                 QStringLiteral("DELETED watched"),
                                 QStringLiteral("ADDED marker") };
    BH_CHECK(f, got == expected, "got: " + got.join(QStringLiteral(", ")).toUtf8());
    BH_CHECK(f, splitter.invalid().isEmpty(), "not JSON: " + splitter.invalid());
    const QJsonObject modified = seen.at(1).value(QStringLiteral("object")).toObject();
    BH_CHECK(f,
             modified.value(QStringLiteral("status"))
                     .toObject()
                     .value(QStringLiteral("phase"))
                     .toString()
                 == QLatin1String("Running"),
             QJsonDocument(modified).toJson());

    // Routes: discovery + the one collection, nothing else, and kubectl saw no error status.
    const QSet<QString> expectedPaths { QStringLiteral("/api"), QStringLiteral("/apis"),
                                        QStringLiteral("/api/v1"),
                                        QStringLiteral("/apis/boilerhouse.dev/v1alpha1"),
                                        collection };
    const RequestLog log = f.requestLog();
    const QString routeDiff = RequestLog::diff(expectedPaths, log.paths());
    BH_CHECK(f, routeDiff.isEmpty(), routeDiff.toUtf8());
    const QList<KubectlRequest> trace = KubectlTrace::parse(kubectl->stdErr());
    BH_CHECK(f, !trace.isEmpty(), kubectl->describe());
    const QStringList failures = KubectlTrace::failures(trace);
    BH_CHECK(f, failures.isEmpty(), failures.join(QLatin1Char('\n')).toUtf8());
    // One list with the selector, then one watch with the selector from the list's version.
    const QList<LoggedRequest> lists = log.lists(collection);
    const QList<LoggedRequest> watches = log.watches(collection);
    BH_CHECK(f, lists.size() == 1 && watches.size() == 1, log.text().toUtf8());
    BH_CHECK(f,
             lists.first().value("labelSelector") == QLatin1String("boilerhouse.dev/managed=true"),
             lists.first().raw.toUtf8());
    BH_CHECK(
        f, watches.first().value("labelSelector") == QLatin1String("boilerhouse.dev/managed=true"),
        watches.first().raw.toUtf8());
    BH_CHECK(f, !watches.first().value("resourceVersion").isEmpty(), watches.first().raw.toUtf8());
}

QTEST_GUILESS_MAIN(tst_kubectlwatch)
#include "tst_kubectlwatch.moc"
