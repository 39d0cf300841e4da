#include "kubesim/continuetoken.h"
#include "kubesim/listoptions.h"
#include "kubesim/listquery.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace bh::sim;

namespace {

QJsonObject pod(const QString &name, const QString &app = "web")
{
    return QJsonObject {
        { "metadata",
          QJsonObject { { "name", name }, { "labels", QJsonObject { { "app", app } } } } },
        { "spec",
          QJsonObject { { "containers", QJsonArray { QJsonObject { { "name", "main" } } } } } }
    };
}

ListOptions options(const QString &query)
{
    KubeStatus err;
    auto o = ListOptions::parse(QUrlQuery(query), &err);
    if (!o)
        qWarning() << "unexpected option error" << err.message();
    return o.value_or(ListOptions());
}

QJsonObject bodyOf(const ListQuery::Result &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

QStringList names(const QJsonObject &list)
{
    QStringList out;
    for (const auto &v : list["items"].toArray())
        out << v.toObject()["metadata"].toObject()["name"].toString();
    return out;
}

} // namespace

class tst_ListQuery : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesGoBooleans_data();
    void parsesGoBooleans();
    void rejectsInvalidOptions_data();
    void rejectsInvalidOptions();
    void listsWithKindAndResourceVersion();
    void filtersByNamespaceAndSelectors();
    void paginatesAtFirstPageVersion();
    void expiredContinueTokenIsGone();
    void malformedContinueTokenIsBadRequest();
    void resourceVersionSemantics_data();
    void resourceVersionSemantics();
};

void tst_ListQuery::parsesGoBooleans_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("expected"); // 1 true, 0 false, -1 invalid
    for (const char *t : { "1", "t", "T", "true", "TRUE", "True" })
        QTest::newRow(t) << QString(t) << 1;
    for (const char *f : { "0", "f", "F", "false", "FALSE", "False" })
        QTest::newRow(f) << QString(f) << 0;
    QTest::newRow("yes") << "yes" << -1;
    QTest::newRow("empty") << "" << -1;
}

void tst_ListQuery::parsesGoBooleans()
{
    QFETCH(QString, text);
    QFETCH(int, expected);
    const auto b = ListOptions::parseBool(text);
    QCOMPARE(b.has_value() ? int(*b) : -1, expected);
}

void tst_ListQuery::rejectsInvalidOptions_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("message");
    const QString prefix = "ListOptions.meta.k8s.io \"\" is invalid: ";
    QTest::newRow("list-sendInitialEvents")
        << "sendInitialEvents=true" << 422
        << prefix + "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list";
    QTest::newRow("watch-sendInitialEvents-without-match")
        << "watch=true&sendInitialEvents=true" << 422
        << prefix
            + "resourceVersionMatch: Forbidden: sendInitialEvents requires setting "
              "resourceVersionMatch to NotOlderThan";
    QTest::newRow("watch-match-without-sendInitialEvents")
        << "watch=1&resourceVersionMatch=NotOlderThan" << 422
        << prefix
            + "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for "
              "watch unless sendInitialEvents is provided";
    QTest::newRow("watch-exact") << "watch=1&sendInitialEvents=true&resourceVersionMatch=Exact"
                                 << 422
                                 << prefix
            + "[resourceVersionMatch: Forbidden: sendInitialEvents requires setting "
              "resourceVersionMatch to NotOlderThan, resourceVersionMatch: Unsupported "
              "value: \"Exact\": supported values: \"NotOlderThan\"]";
    QTest::newRow("list-match-without-rv") << "resourceVersionMatch=NotOlderThan" << 422
                                           << prefix
            + "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless "
              "resourceVersion is provided";
    QTest::newRow("list-exact-zero") << "resourceVersion=0&resourceVersionMatch=Exact" << 422
                                     << prefix
            + "resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is "
              "forbidden for resourceVersion \"0\"";
    QTest::newRow("bad-selector") << "labelSelector=a%20in%20(b" << 400
                                  << "unable to parse requirement: found '', expected: ',' or ')'";
    QTest::newRow("bad-bool") << "watch=yes" << 400
                              << "strconv.ParseBool: parsing \"yes\": invalid syntax";
    QTest::newRow("bad-limit") << "limit=x" << 400
                               << "strconv.ParseInt: parsing \"x\": invalid syntax";
    QTest::newRow("continue-with-rv")
        << "continue=abc&resourceVersion=5" << 400
        << "specifying resource version is not allowed when using continue";
    QTest::newRow("bad-rv") << "resourceVersion=abc" << 400
                            << "invalid resource version: strconv.ParseUint: parsing \"abc\": "
                               "invalid syntax";
}

void tst_ListQuery::rejectsInvalidOptions()
{
    QFETCH(QString, query);
    QFETCH(int, code);
    QFETCH(QString, message);
    KubeStatus err;
    QVERIFY(!ListOptions::parse(QUrlQuery(query), &err));
    QCOMPARE(err.code(), code);
    QCOMPARE(err.message(), message);
    QCOMPARE(err.reason(), QString(code == 422 ? "Invalid" : "BadRequest"));
}

void tst_ListQuery::listsWithKindAndResourceVersion()
{
    ObjectStore store;
    QVERIFY(store.create(Resource::Pods, "ns", pod("a")).ok());
    const auto r = ListQuery::run(store, Resource::Pods, "ns", options(""));
    QVERIFY(r.ok());
    const QJsonObject list = bodyOf(r);
    QCOMPARE(list["kind"].toString(), QString("PodList"));
    QCOMPARE(list["apiVersion"].toString(), QString("v1"));
    QCOMPARE(list["metadata"].toObject()["resourceVersion"].toString(),
             QString::number(store.resourceVersion()));
    QVERIFY(!list["metadata"].toObject().contains("continue"));
    const QJsonObject item = list["items"].toArray().at(0).toObject();
    QVERIFY(!item.contains("kind"));
    QVERIFY(!item.contains("apiVersion"));

    QVERIFY(store
                .create(Resource::Claims, "ns",
                        QJsonObject { { "metadata", QJsonObject { { "name", "c" } } } })
                .ok());
    const QJsonObject claims = bodyOf(ListQuery::run(store, Resource::Claims, "ns", options("")));
    QCOMPARE(claims["kind"].toString(), QString("BoilerhouseClaimList"));
    QCOMPARE(claims["apiVersion"].toString(), QString("boilerhouse.dev/v1alpha1"));
    QCOMPARE(claims["items"].toArray().at(0).toObject()["kind"].toString(),
             QString("BoilerhouseClaim"));
}

void tst_ListQuery::filtersByNamespaceAndSelectors()
{
    ObjectStore store;
    QVERIFY(store.create(Resource::Pods, "ns", pod("a", "web")).ok());
    QVERIFY(store.create(Resource::Pods, "ns", pod("b", "db")).ok());
    QVERIFY(store.create(Resource::Pods, "ns2", pod("c", "web")).ok());
    QVERIFY(store.create(Resource::Pods, "ns-x", pod("d", "web")).ok());
    QCOMPARE(names(bodyOf(ListQuery::run(store, Resource::Pods, "ns", options("")))),
             QStringList({ "a", "b" }));
    QCOMPARE(names(bodyOf(
                 ListQuery::run(store, Resource::Pods, "ns", options("labelSelector=app%3Dweb")))),
             QStringList({ "a" }));
    QCOMPARE(names(bodyOf(ListQuery::run(store, Resource::Pods, "ns",
                                         options("fieldSelector=metadata.name%3Db")))),
             QStringList({ "b" }));
    QCOMPARE(names(bodyOf(ListQuery::run(store, Resource::Pods, "", options("")))),
             QStringList({ "d", "a", "b", "c" })); // sorted by "namespace/name" like etcd keys
}

void tst_ListQuery::paginatesAtFirstPageVersion()
{
    ObjectStore store;
    for (int i = 0; i < 5; ++i)
        QVERIFY(store.create(Resource::Pods, "ns", pod(QString("p%1").arg(i))).ok());
    const quint64 firstRv = store.resourceVersion();
    auto r = ListQuery::run(store, Resource::Pods, "ns", options("limit=2"));
    QVERIFY(r.ok());
    QJsonObject list = bodyOf(r);
    QCOMPARE(names(list), QStringList({ "p0", "p1" }));
    QCOMPARE(list["metadata"].toObject()["remainingItemCount"].toInt(), 3);
    QString token = list["metadata"].toObject()["continue"].toString();
    QVERIFY(!token.isEmpty());

    // Changes between pages do not show up: the pages are served at the first page's version.
    QVERIFY(store.remove(Resource::Pods, "ns", "p3").ok());
    QVERIFY(store.create(Resource::Pods, "ns", pod("p9")).ok());

    QStringList all = names(list);
    for (int page = 0; page < 5 && !token.isEmpty(); ++page) {
        r = ListQuery::run(store, Resource::Pods, "ns", options("limit=2&continue=" + token));
        QVERIFY2(r.ok(), qPrintable(r.error ? r.error->message() : QString()));
        list = bodyOf(r);
        QCOMPARE(list["metadata"].toObject()["resourceVersion"].toString(),
                 QString::number(firstRv));
        all << names(list);
        token = list["metadata"].toObject()["continue"].toString();
    }
    QVERIFY(token.isEmpty());
    QCOMPARE(all, QStringList({ "p0", "p1", "p2", "p3", "p4" }));
}

void tst_ListQuery::expiredContinueTokenIsGone()
{
    ObjectStore store;
    for (int i = 0; i < 3; ++i)
        QVERIFY(store.create(Resource::Pods, "ns", pod(QString("p%1").arg(i))).ok());
    const auto first = ListQuery::run(store, Resource::Pods, "ns", options("limit=1"));
    QVERIFY(!first.continueToken.isEmpty());
    QVERIFY(store.create(Resource::Pods, "ns", pod("late")).ok());
    store.compact();
    const auto r = ListQuery::run(store, Resource::Pods, "ns",
                                  options("limit=1&continue=" + first.continueToken));
    QVERIFY(!r.ok());
    QCOMPARE(r.error->code(), 410);
    QCOMPARE(r.error->reason(), QString("Expired"));
    QVERIFY(r.error->message().startsWith("The provided continue parameter is too old"));
}

void tst_ListQuery::malformedContinueTokenIsBadRequest()
{
    ObjectStore store;
    const auto r = ListQuery::run(store, Resource::Pods, "ns", options("continue=%21%21%21"));
    QVERIFY(!r.ok());
    QCOMPARE(r.error->code(), 400);
    QVERIFY(r.error->message().startsWith("continue key is not valid"));
    const ContinueToken t { 42, "ns/x" };
    QString err;
    const auto back = ContinueToken::decode(t.encode(), &err);
    QVERIFY(back);
    QCOMPARE(back->resourceVersion, quint64(42));
    QCOMPARE(back->startAfter, QString("ns/x"));
}

void tst_ListQuery::resourceVersionSemantics_data()
{
    // Offsets are relative to the version after the fixture's writes: "cur" = current,
    // "mid" = the version at which only pod a existed.
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("at"); // "cur", "mid", or the error code
    QTest::addColumn<QStringList>("names");
    QTest::newRow("unset-most-recent") << ""
                                       << "cur" << QStringList { "a", "b" };
    QTest::newRow("zero-any") << "resourceVersion=0"
                              << "cur" << QStringList { "a", "b" };
    QTest::newRow("not-older-than") << "resourceVersion=MID"
                                    << "cur" << QStringList { "a", "b" };
    QTest::newRow("exact-with-limit") << "resourceVersion=MID&limit=10"
                                      << "mid" << QStringList { "a" };
    QTest::newRow("exact-match") << "resourceVersion=MID&resourceVersionMatch=Exact"
                                 << "mid" << QStringList { "a" };
    QTest::newRow("not-older-than-match-with-limit")
        << "resourceVersion=MID&resourceVersionMatch=NotOlderThan&limit=10"
        << "cur" << QStringList { "a", "b" };
    QTest::newRow("future-not-older-than") << "resourceVersion=FUTURE"
                                           << "504" << QStringList();
    QTest::newRow("future-exact") << "resourceVersion=FUTURE&limit=5"
                                  << "504" << QStringList();
}

void tst_ListQuery::resourceVersionSemantics()
{
    QFETCH(QString, query);
    QFETCH(QString, at);
    QFETCH(QStringList, names);
    ObjectStore store;
    QVERIFY(store.create(Resource::Pods, "ns", pod("a")).ok());
    const quint64 mid = store.resourceVersion();
    QVERIFY(store.create(Resource::Pods, "ns", pod("b")).ok());
    query.replace("MID", QString::number(mid));
    query.replace("FUTURE", QString::number(store.resourceVersion() + 100));
    const auto r = ListQuery::run(store, Resource::Pods, "ns", options(query));
    if (at.toInt() >= 400) {
        QVERIFY(!r.ok());
        QCOMPARE(r.error->code(), at.toInt());
        return;
    }
    QVERIFY(r.ok());
    QCOMPARE(r.resourceVersion, at == "mid" ? mid : store.resourceVersion());
    QCOMPARE(::names(bodyOf(r)), names);
}

QTEST_GUILESS_MAIN(tst_ListQuery)
#include "tst_listquery.moc"
