// Route coverage: against one simulator, the harness's writes and every client's reads
// (kubectl 1.20 + 1.33 get/wait, a NotFound, python3-kubernetes typed + custom-object
// lists, the client-node informer) use exactly the expected set of (method, path) pairs,
// and the only error status any kubectl saw is the one expected 404.
#include "conformancefixture.h"
#include "kubectltrace.h"

#include <QJsonArray>
#include <QtTest>

using namespace bh::conformance;

class tst_routecoverage : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanup();
    void missingObjectIsNotFound_data();
    void missingObjectIsNotFound();
    void clientsUseExactlyTheExpectedRoutes();

private:
    ConformanceFixture f;
};

namespace {
QSet<QString> methodPaths(const RequestLog &log)
{
    QSet<QString> out;
    for (const LoggedRequest &r : log.entries())
        if (!r.isControl())
            out.insert(r.method + QLatin1Char(' ') + r.path);
    return out;
}
} // namespace

void tst_routecoverage::initTestCase()
{
    const QString error = f.initOnce();
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_routecoverage::cleanup()
{
    f.stopSimulator();
}

void tst_routecoverage::missingObjectIsNotFound_data()
{
    QTest::addColumn<QString>("version");
    QTest::addColumn<QStringList>("args");
    const QStringList get { QStringLiteral("get"), QStringLiteral("boilerhouseclaim"),
                            QStringLiteral("nope") };
    const QStringList wait { QStringLiteral("wait"),
                             QStringLiteral("--for=jsonpath={.status.phase}=Bound"),
                             QStringLiteral("boilerhouseclaim/nope"),
                             QStringLiteral("--timeout=30s") };
    QTest::newRow("kubectl-1.20-get") << QStringLiteral("1.20") << get;
    QTest::newRow("kubectl-1.33-get") << QStringLiteral("1.33") << get;
    QTest::newRow("kubectl-1.33-wait") << QStringLiteral("1.33") << wait;
}

void tst_routecoverage::missingObjectIsNotFound()
{
    QFETCH(QString, version);
    QFETCH(QStringList, args);
    const QString error = f.startSimulator();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    auto kubectl = f.kubectl(version, args);
    QVERIFY2(kubectl->start(), qPrintable(kubectl->errorText()));
    QVERIFY2(kubectl->finish(), kubectl->describe().constData());
    BH_CHECK(f, kubectl->exitCode() != 0, kubectl->describe());
    BH_CHECK(
        f,
        kubectl->stdErr().contains(
            "Error from server (NotFound): boilerhouseclaims.boilerhouse.dev \"nope\" not found"),
        kubectl->describe());
    // After the 404 kubectl checks the namespace (GET /api/v1/namespaces/{ns}): it exists.
    const QString nsPath = QStringLiteral("/api/v1/namespaces/") + f.ns();
    bool namespaceOk = false;
    for (const KubectlRequest &r : KubectlTrace::parse(kubectl->stdErr()))
        namespaceOk = namespaceOk || (r.path == nsPath && r.status == 200);
    BH_CHECK(f, namespaceOk, kubectl->describe());
}

void tst_routecoverage::clientsUseExactlyTheExpectedRoutes()
{
    const QString error = f.startSimulator();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    KubeApi &api = f.api();
    const QString ns = f.ns();
    const QString pods = KubeApi::podsPath(ns);
    const QString claims = KubeApi::claimsPath(ns);
    const QJsonObject managed { { QStringLiteral("boilerhouse.dev/managed"),
                                  QStringLiteral("true") } };
    const QJsonObject bound { { QStringLiteral("status"),
                                QJsonObject {
                                    { QStringLiteral("phase"), QStringLiteral("Bound") } } } };

    // The harness's writes: create, merge-patch (object and /status), update, delete.
    QVERIFY2(api.create(pods, KubeApi::pod(QStringLiteral("p1"), managed)).ok(),
             qPrintable(api.lastError()));
    QVERIFY2(api.mergePatch(
                    pods + QStringLiteral("/p1"),
                    QJsonObject { { QStringLiteral("metadata"),
                                    QJsonObject { { QStringLiteral("annotations"),
                                                    QJsonObject { { QStringLiteral("a"),
                                                                    QStringLiteral("b") } } } } } })
                 .ok(),
             qPrintable(api.lastError()));
    QVERIFY2(api.mergePatch(pods + QStringLiteral("/p1/status"),
                            QJsonObject { { QStringLiteral("status"),
                                            QJsonObject { { QStringLiteral("phase"),
                                                            QStringLiteral("Running") } } } })
                 .ok(),
             qPrintable(api.lastError()));
    const ApiReply created = api.create(claims, KubeApi::claim(QStringLiteral("c1"), managed));
    QVERIFY2(created.ok(), qPrintable(api.lastError()));
    QJsonObject updated = created.json();
    QJsonObject spec = updated.value(QStringLiteral("spec")).toObject();
    spec.insert(QStringLiteral("resume"), true);
    updated.insert(QStringLiteral("spec"), spec);
    QVERIFY2(api.send("PUT", claims + QStringLiteral("/c1"),
                      QJsonDocument(updated).toJson(QJsonDocument::Compact))
                 .ok(),
             qPrintable(api.lastError()));
    QVERIFY2(api.mergePatch(claims + QStringLiteral("/c1/status"), bound).ok(),
             qPrintable(api.lastError()));
    QVERIFY2(api.create(pods, KubeApi::pod(QStringLiteral("p2"), managed)).ok(),
             qPrintable(api.lastError()));
    QVERIFY2(api.remove(pods + QStringLiteral("/p2")).ok(), qPrintable(api.lastError()));

    // kubectl reads.
    QList<KubectlRequest> trace;
    const auto runKubectl = [&](const QString &version, const QStringList &args) -> QByteArray {
        auto kubectl = f.kubectl(version, args);
        if (!kubectl->start() || !kubectl->finish() || kubectl->exitCode() != 0)
            return kubectl->describe();
        trace += KubectlTrace::parse(kubectl->stdErr());
        return QByteArray();
    };
    const QStringList runs[] = {
        { QStringLiteral("1.20"), QStringLiteral("get"), QStringLiteral("pods"),
          QStringLiteral("-l"), QStringLiteral("boilerhouse.dev/managed=true"),
          QStringLiteral("-o"), QStringLiteral("json") },
        { QStringLiteral("1.33"), QStringLiteral("get"), QStringLiteral("boilerhouseclaims"),
          QStringLiteral("-o"), QStringLiteral("json") },
        { QStringLiteral("1.33"), QStringLiteral("get"), QStringLiteral("pod"),
          QStringLiteral("p1"), QStringLiteral("-o"), QStringLiteral("json") },
        { QStringLiteral("1.20"), QStringLiteral("get"), QStringLiteral("boilerhouseclaim"),
          QStringLiteral("c1") },
        { QStringLiteral("1.33"), QStringLiteral("wait"),
          QStringLiteral("--for=jsonpath={.status.phase}=Bound"),
          QStringLiteral("boilerhouseclaim/c1"), QStringLiteral("--timeout=30s") },
    };
    for (const QStringList &run : runs) {
        const QByteArray failure = runKubectl(run.first(), run.mid(1));
        BH_CHECK(f, failure.isEmpty(), failure);
    }

    // python3-kubernetes: typed pod list and custom-object list.
    auto python = f.client(f.tools().python,
                           { f.tools().scriptsDir + QStringLiteral("/python_list.py"),
                             QStringLiteral("--kubeconfig"), f.kubeconfigDataToken(),
                             QStringLiteral("--namespace"), ns, QStringLiteral("--selector"),
                             QStringLiteral("boilerhouse.dev/managed=true") });
    QVERIFY2(python->start(), qPrintable(python->errorText()));
    QVERIFY2(python->finish(), python->describe().constData());
    BH_CHECK(f, python->exitCode() == 0, python->describe());
    const QJsonObject listed = QJsonDocument::fromJson(python->stdOut()).object();
    BH_CHECK(f,
             listed.value(QStringLiteral("pods")).toArray() == QJsonArray { QStringLiteral("p1") },
             python->describe());
    BH_CHECK(
        f, listed.value(QStringLiteral("claims")).toArray() == QJsonArray { QStringLiteral("c1") },
        python->describe());

    // client-node: the claims informer lists and watches.
    auto node = f.client(f.tools().node,
                         { f.tools().scriptsDir + QStringLiteral("/node_informer.mjs"),
                           f.kubeconfigDataToken(), ns, QStringLiteral("boilerhouseclaims") });
    node->setEnv(QStringLiteral("BH_CLIENT_NODE_DIR"), f.tools().nodeModules);
    QVERIFY2(node->start(), qPrintable(node->errorText()));
    BH_WAIT_OR_FAIL(f, api.openWatches(QStringLiteral("boilerhouseclaims")) == 1,
                    "the informer's watch", node->describe());
    BH_CHECK(f, !node->stdOut().contains("\"error\""), node->describe());

    // The (method, path) set, and no error status seen by kubectl.
    const QString object = QStringLiteral("%1/%2");
    const QSet<QString> expected {
        QStringLiteral("GET /api"),
        QStringLiteral("GET /apis"),
        QStringLiteral("GET /api/v1"),
        QStringLiteral("GET /apis/boilerhouse.dev/v1alpha1"),
        QStringLiteral("GET ") + pods,
        QStringLiteral("GET ") + claims,
        QStringLiteral("GET ") + object.arg(pods, QStringLiteral("p1")),
        QStringLiteral("GET ") + object.arg(claims, QStringLiteral("c1")),
        QStringLiteral("POST ") + pods,
        QStringLiteral("POST ") + claims,
        QStringLiteral("PATCH ") + object.arg(pods, QStringLiteral("p1")),
        QStringLiteral("PATCH ") + object.arg(pods, QStringLiteral("p1/status")),
        QStringLiteral("PUT ") + object.arg(claims, QStringLiteral("c1")),
        QStringLiteral("PATCH ") + object.arg(claims, QStringLiteral("c1/status")),
        QStringLiteral("DELETE ") + object.arg(pods, QStringLiteral("p2")),
    };
    const RequestLog log = f.requestLog();
    const QString diff = RequestLog::diff(expected, methodPaths(log));
    BH_CHECK(f, diff.isEmpty(), diff.toUtf8());
    BH_CHECK(f, trace.size() >= 5, "kubectl -v=6 trace not parsed");
    const QStringList failures = KubectlTrace::failures(trace);
    BH_CHECK(f, failures.isEmpty(), failures.join(QLatin1Char('\n')).toUtf8());
}

QTEST_GUILESS_MAIN(tst_routecoverage)
#include "tst_routecoverage.moc"
