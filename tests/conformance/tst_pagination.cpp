// Chunked lists as real clients page them: kubectl 1.20/1.33 `get --chunk-size` and
// python3-kubernetes `limit` + `_continue` see every matching item exactly once, each page
// at the first page's resourceVersion, with the selector on every page.
#include "conformancefixture.h"

#include <QJsonArray>
#include <QtTest>

using namespace bh::conformance;

class tst_pagination : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanup();
    void chunkedListSeesEveryItemOnce_data();
    void chunkedListSeesEveryItemOnce();

private:
    ConformanceFixture f;
};

namespace {
// Items in the store: ManagedPods match the selector, one more does not.
constexpr int ManagedPods = 5;
constexpr int PageSize = 2;
constexpr int Pages = (ManagedPods + PageSize - 1) / PageSize;
} // namespace

void tst_pagination::initTestCase()
{
    const QString error = f.initOnce();
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_pagination::cleanup()
{
    f.stopSimulator();
}

void tst_pagination::chunkedListSeesEveryItemOnce_data()
{
    QTest::addColumn<QString>("client");
    QTest::newRow("kubectl-1.20") << QStringLiteral("1.20");
    QTest::newRow("kubectl-1.33") << QStringLiteral("1.33");
    QTest::newRow("python") << QStringLiteral("python");
}

void tst_pagination::chunkedListSeesEveryItemOnce()
{
    QFETCH(QString, client);
    const QString error = f.startSimulator();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    KubeApi &api = f.api();
    const QString pods = KubeApi::podsPath(f.ns());
    const QString selector = QStringLiteral("boilerhouse.dev/managed=true");
    QStringList expected;
    for (int i = 0; i < ManagedPods; ++i) {
        const QString name = QStringLiteral("pod-%1").arg(i);
        expected << name;
        QVERIFY2(api.create(pods,
                            KubeApi::pod(name,
                                         { { QStringLiteral("boilerhouse.dev/managed"),
                                             QStringLiteral("true") } }))
                     .ok(),
                 qPrintable(api.lastError()));
    }
    QVERIFY2(api.create(pods, KubeApi::pod(QStringLiteral("unmanaged"), {})).ok(),
             qPrintable(api.lastError()));

    QStringList names;
    std::unique_ptr<ClientProcess> p;
    if (client == QLatin1String("python")) {
        p = f.client(f.tools().python,
                     { f.tools().scriptsDir + QStringLiteral("/python_list.py"),
                       QStringLiteral("--kubeconfig"), f.kubeconfigDataToken(),
                       QStringLiteral("--namespace"), f.ns(), QStringLiteral("--selector"),
                       selector, QStringLiteral("--limit"), QString::number(PageSize) });
    } else {
        p = f.kubectl(client,
                      { QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-l"),
                        selector, QStringLiteral("--chunk-size=%1").arg(PageSize),
                        QStringLiteral("-o"), QStringLiteral("json") });
    }
    QVERIFY2(p->start(), qPrintable(p->errorText()));
    QVERIFY2(p->finish(), p->describe().constData());
    BH_CHECK(f, p->exitCode() == 0, p->describe());
    const QJsonObject out = QJsonDocument::fromJson(p->stdOut()).object();
    if (client == QLatin1String("python")) {
        for (const QJsonValue &v : out.value(QStringLiteral("pods")).toArray())
            names << v.toString();
        BH_CHECK(f, out.value(QStringLiteral("podPages")).toInt() == Pages, p->describe());
        const QJsonArray versions = out.value(QStringLiteral("podListVersions")).toArray();
        for (const QJsonValue &v : versions)
            BH_CHECK(f, v == versions.first(), p->describe());
    } else {
        for (const QJsonValue &item : out.value(QStringLiteral("items")).toArray())
            names << item.toObject()
                         .value(QStringLiteral("metadata"))
                         .toObject()
                         .value(QStringLiteral("name"))
                         .toString();
    }
    names.sort();
    BH_CHECK(f, names == expected, p->describe());

    // The log: Pages list requests, each with the limit and the selector; every page after
    // the first sends the previous page's continue token.
    const RequestLog log = f.requestLog();
    const QList<LoggedRequest> lists = log.lists(pods);
    BH_CHECK(f, lists.size() == Pages, log.text().toUtf8());
    for (qsizetype i = 0; i < lists.size(); ++i) {
        const LoggedRequest &r = lists.at(i);
        BH_CHECK(f, r.value("limit") == QString::number(PageSize), r.raw.toUtf8());
        BH_CHECK(f, r.value("labelSelector") == selector, r.raw.toUtf8());
        BH_CHECK(f, r.has("continue") == (i > 0), r.raw.toUtf8());
    }
}

QTEST_GUILESS_MAIN(tst_pagination)
#include "tst_pagination.moc"
