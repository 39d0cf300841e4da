// @kubernetes/client-node 1.4.0 makeInformer over pods (with a selector) and claims: the
// informer's cache equals the simulator's list after add, update and delete, and after a
// compaction + closed watch (ERROR 410 -> silent relist, no `error` event).
#include "conformancefixture.h"

#include <QJsonArray>
#include <QtTest>

using namespace bh::conformance;

class tst_clientnode : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanup();
    void informerCacheMatchesAcrossCompaction_data();
    void informerCacheMatchesAcrossCompaction();

private:
    ConformanceFixture f;
};

namespace {
using Cache = QMap<QString, QString>; // name -> resourceVersion

QList<QJsonObject> lines(const ClientProcess &p)
{
    QList<QJsonObject> out;
    const QList<QByteArray> all = p.outLines();
    for (const QByteArray &line : all)
        out << QJsonDocument::fromJson(line).object();
    return out;
}

Cache lastCache(const ClientProcess &p)
{
    Cache cache;
    const QList<QJsonObject> all = lines(p);
    if (all.isEmpty())
        return cache;
    const QJsonObject c = all.last().value(QStringLiteral("cache")).toObject();
    for (auto it = c.begin(); it != c.end(); ++it)
        cache.insert(it.key(), it.value().toString());
    return cache;
}

int countEvents(const ClientProcess &p, const char *event)
{
    int n = 0;
    const QList<QJsonObject> all = lines(p);
    for (const QJsonObject &o : all)
        n += o.value(QStringLiteral("event")).toString() == QLatin1String(event) ? 1 : 0;
    return n;
}

QByteArray toText(const Cache &c)
{
    QStringList parts;
    for (auto it = c.begin(); it != c.end(); ++it)
        parts << it.key() + QLatin1Char('=') + it.value();
    return parts.join(QLatin1Char(',')).toUtf8();
}
} // namespace

void tst_clientnode::initTestCase()
{
    const QString error = f.initOnce();
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_clientnode::cleanup()
{
    f.stopSimulator();
}

void tst_clientnode::informerCacheMatchesAcrossCompaction_data()
{
    // Both forms of "expired" on a watch: HTTP 200 + ERROR event, and HTTP 410.
    QTest::addColumn<QString>("resource");
    QTest::addColumn<QString>("selector");
    QTest::addColumn<QStringList>("simulatorArgs");
    for (const bool http : { false, true }) {
        const QStringList args =
            http ? QStringList { QStringLiteral("--gone-as-http") } : QStringList();
        const char *form = http ? "http-410" : "error-event";
        QTest::addRow("pods-%s", form)
            << QStringLiteral("pods") << QStringLiteral("boilerhouse.dev/managed=true") << args;
        QTest::addRow("boilerhouseclaims-%s", form)
            << QStringLiteral("boilerhouseclaims") << QString() << args;
    }
}

void tst_clientnode::informerCacheMatchesAcrossCompaction()
{
    QFETCH(QString, resource);
    QFETCH(QString, selector);
    QFETCH(QStringList, simulatorArgs);
    const QString startError = f.startSimulator(simulatorArgs);
    QVERIFY2(startError.isEmpty(), qPrintable(startError));
    KubeApi &api = f.api();
    const bool pods = resource == QLatin1String("pods");
    const QString collection = pods ? KubeApi::podsPath(f.ns()) : KubeApi::claimsPath(f.ns());
    const QJsonObject managed { { QStringLiteral("boilerhouse.dev/managed"),
                                  QStringLiteral("true") } };
    // The expected cache, from the simulator's answers to the harness's own writes (a
    // harness list would show up in the request log as a list of the informer's).
    Cache expected;
    const auto track = [&](const ApiReply &reply) {
        const QJsonObject meta = reply.json().value(QStringLiteral("metadata")).toObject();
        expected.insert(meta.value(QStringLiteral("name")).toString(),
                        meta.value(QStringLiteral("resourceVersion")).toString());
        return reply.ok();
    };
    const auto create = [&](const QString &name) {
        return track(api.create(
            collection, pods ? KubeApi::pod(name, managed) : KubeApi::claim(name, managed)));
    };
    const auto simulatorCache = [&] {
        return expected;
    };
    QVERIFY2(create(QStringLiteral("a1")), qPrintable(api.lastError()));

    QStringList args { f.tools().scriptsDir + QStringLiteral("/node_informer.mjs"),
                       f.kubeconfigDataToken(), f.ns(), resource };
    if (!selector.isEmpty())
        args << selector;
    auto node = f.client(f.tools().node, args);
    node->setEnv(QStringLiteral("BH_CLIENT_NODE_DIR"), f.tools().nodeModules);
    node->setTimeLimit(std::chrono::seconds(120));
    QVERIFY2(node->start(), qPrintable(node->errorText()));
    BH_WAIT_OR_FAIL(f, api.openWatches(resource) == 1, "the informer's watch", node->describe());
    BH_WAIT_OR_FAIL(f, lastCache(*node) == simulatorCache(), "the informer's initial cache",
                    node->describe());
    BH_CHECK(f, lastCache(*node).keys() == QStringList { QStringLiteral("a1") }, node->describe());

    const auto expectCache = [&](const char *what) -> bool {
        const bool ok = QTest::qWaitFor([&] { return lastCache(*node) == simulatorCache(); },
                                        ConformanceFixture::EventTimeoutMs);
        if (!ok)
            qWarning("cache mismatch after %s: informer [%s] simulator [%s]", what,
                     toText(lastCache(*node)).constData(), toText(simulatorCache()).constData());
        return ok;
    };
    QVERIFY2(create(QStringLiteral("a2")), qPrintable(api.lastError()));
    BH_CHECK(f, expectCache("add"), node->describe());
    QVERIFY2(track(api.mergePatch(
                 collection + QStringLiteral("/a2/status"),
                 QJsonObject {
                     { QStringLiteral("status"),
                       QJsonObject { { QStringLiteral("phase"), QStringLiteral("Running") } } } })),
             qPrintable(api.lastError()));
    BH_CHECK(f, expectCache("update"), node->describe());
    QVERIFY2(api.remove(collection + QStringLiteral("/a1")).ok(), qPrintable(api.lastError()));
    expected.remove(QStringLiteral("a1"));
    BH_CHECK(f, expectCache("delete"), node->describe());
    BH_CHECK(f, lastCache(*node).keys() == QStringList { QStringLiteral("a2") }, node->describe());

    // A write the informer does not see (an unmanaged pod), a compaction and a closed
    // watch: the informer's re-watch is too old, it relists silently and re-watches.
    const qsizetype listsBefore = f.requestLog().lists(collection).size();
    QVERIFY2(
        api.create(KubeApi::podsPath(f.ns()), KubeApi::pod(QStringLiteral("bystander"), {})).ok(),
        qPrintable(api.lastError()));
    QVERIFY2(api.compact().ok(), qPrintable(api.lastError()));
    QVERIFY2(api.closeWatches().ok(), qPrintable(api.lastError()));
    BH_WAIT_OR_FAIL(
        f, f.requestLog().lists(collection).size() > listsBefore && api.openWatches(resource) == 1,
        "the informer's relist and re-watch", node->describe());
    BH_CHECK(f, expectCache("compaction and relist"), node->describe());
    QVERIFY2(create(QStringLiteral("a3")), qPrintable(api.lastError()));
    BH_CHECK(f, expectCache("add after the relist"), node->describe());
    BH_CHECK(
        f, lastCache(*node).keys() == (QStringList { QStringLiteral("a2"), QStringLiteral("a3") }),
        node->describe());
    BH_CHECK(f, countEvents(*node, "error") == 0, node->describe());

    // The log: the 410'd watch at the stale version, then a list without a version.
    const RequestLog log = f.requestLog();
    const QList<LoggedRequest> lists = log.lists(collection);
    BH_CHECK(f, lists.size() == 2, log.text().toUtf8());
    for (const LoggedRequest &l : lists) {
        BH_CHECK(f, !l.has("resourceVersion"), l.raw.toUtf8());
        BH_CHECK(f, l.value("labelSelector") == selector, l.raw.toUtf8());
    }
    const QList<LoggedRequest> watches = log.watches(collection);
    BH_CHECK(f, watches.size() >= 3, log.text().toUtf8()); // initial, stale re-watch, after relist
    const QSet<QString> expectedPaths { collection };
    const QString routeDiff = RequestLog::diff(expectedPaths, log.paths());
    BH_CHECK(f, routeDiff.isEmpty(), routeDiff.toUtf8());

    // Finally the simulator's own list agrees with what its write answers said.
    QString query = collection;
    if (!selector.isEmpty())
        query += QStringLiteral("?labelSelector=")
            + QString::fromUtf8(QUrl::toPercentEncoding(selector));
    Cache listed;
    const QJsonArray items = api.get(query).json().value(QStringLiteral("items")).toArray();
    for (const QJsonValue &item : items) {
        const QJsonObject meta = item.toObject().value(QStringLiteral("metadata")).toObject();
        listed.insert(meta.value(QStringLiteral("name")).toString(),
                      meta.value(QStringLiteral("resourceVersion")).toString());
    }
    BH_CHECK(f, listed == expected,
             "list [" + toText(listed) + "] writes [" + toText(expected) + "]");
}

QTEST_GUILESS_MAIN(tst_clientnode)
#include "tst_clientnode.moc"
