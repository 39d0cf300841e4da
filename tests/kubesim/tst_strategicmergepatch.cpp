// StrategicMergePatch: what kubectl apply sends for the deploy/ kinds, applied as the
// apiserver does (merge keys, null deletes, $patch, $retainKeys, $setElementOrder,
// $deleteFromPrimitiveList), and a clear error for a list element without its merge key.
#include "kubesim/strategicmergepatch.h"

#include <QJsonDocument>
#include <QtTest>

using bh::sim::StrategicMergePatch;

namespace {
QJsonObject obj(const char *json)
{
    QJsonParseError e;
    const QJsonObject o = QJsonDocument::fromJson(QByteArray(json), &e).object();
    if (e.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", json);
    return o;
}
} // namespace

class tst_strategicmergepatch : public QObject
{
    Q_OBJECT
private slots:
    void appliesLikeTheApiserver_data();
    void appliesLikeTheApiserver();
    void listElementWithoutMergeKeyIsAnError();
    void mergeKeysFollowTheApiTypes_data();
    void mergeKeysFollowTheApiTypes();
};

void tst_strategicmergepatch::appliesLikeTheApiserver_data()
{
    QTest::addColumn<QByteArray>("original");
    QTest::addColumn<QByteArray>("patch");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("maps merge, null deletes")
        << QByteArray(R"({"a":{"b":1,"c":2},"d":3})") << QByteArray(R"({"a":{"b":9,"c":null}})")
        << QByteArray(R"({"a":{"b":9},"d":3})");
    QTest::newRow("containers merged by name")
        << QByteArray(
               R"({"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]}})")
        << QByteArray(R"({"spec":{"containers":[{"name":"b","image":"z"}]}})")
        << QByteArray(
               R"({"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"z"}]}})");
    QTest::newRow("env merged by name inside a container")
        << QByteArray(
               R"({"spec":{"containers":[{"name":"a","env":[{"name":"X","value":"1"},{"name":"Y","value":"2"}]}]}})")
        << QByteArray(R"({"spec":{"containers":[{"name":"a","env":[{"name":"Y","value":"3"}]}]}})")
        << QByteArray(
               R"({"spec":{"containers":[{"name":"a","env":[{"name":"X","value":"1"},{"name":"Y","value":"3"}]}]}})");
    QTest::newRow("$patch delete removes a list element")
        << QByteArray(R"({"spec":{"containers":[{"name":"a"},{"name":"b"}]}})")
        << QByteArray(R"({"spec":{"containers":[{"name":"a","$patch":"delete"}]}})")
        << QByteArray(R"({"spec":{"containers":[{"name":"b"}]}})");
    QTest::newRow("$patch replace on a list element list")
        << QByteArray(R"({"spec":{"containers":[{"name":"a"},{"name":"b"}]}})")
        << QByteArray(R"({"spec":{"containers":[{"name":"c"},{"$patch":"replace"}]}})")
        << QByteArray(R"({"spec":{"containers":[{"name":"c"}]}})");
    QTest::newRow("$patch replace on a map")
        << QByteArray(R"({"spec":{"selector":{"a":"1","b":"2"}}})")
        << QByteArray(R"({"spec":{"selector":{"c":"3","$patch":"replace"}}})")
        << QByteArray(R"({"spec":{"selector":{"c":"3"}}})");
    QTest::newRow("lists without merge key are replaced (Role rules)")
        << QByteArray(R"({"rules":[{"verbs":["get"]},{"verbs":["list"]}]})")
        << QByteArray(R"({"rules":[{"verbs":["watch"]}]})")
        << QByteArray(R"({"rules":[{"verbs":["watch"]}]})");
    QTest::newRow("$setElementOrder orders the merged list")
        << QByteArray(R"({"spec":{"containers":[{"name":"a"},{"name":"b"}]}})")
        << QByteArray(
               R"({"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"}],"containers":[{"name":"b","image":"i"}]}})")
        << QByteArray(R"({"spec":{"containers":[{"name":"b","image":"i"},{"name":"a"}]}})");
    QTest::newRow("$retainKeys drops the other keys")
        << QByteArray(
               R"({"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}})")
        << QByteArray(R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}})")
        << QByteArray(R"({"spec":{"strategy":{"type":"Recreate"}}})");
    QTest::newRow("finalizers merge and $deleteFromPrimitiveList")
        << QByteArray(R"({"metadata":{"finalizers":["a","b"]}})")
        << QByteArray(
               R"({"metadata":{"finalizers":["c"],"$deleteFromPrimitiveList/finalizers":["a"]}})")
        << QByteArray(R"({"metadata":{"finalizers":["b","c"]}})");
    QTest::newRow("service ports merged by port")
        << QByteArray(R"({"spec":{"ports":[{"port":80,"name":"a"},{"port":81,"name":"b"}]}})")
        << QByteArray(R"({"spec":{"ports":[{"port":81,"name":"c"}]}})")
        << QByteArray(R"({"spec":{"ports":[{"port":80,"name":"a"},{"port":81,"name":"c"}]}})");
    QTest::newRow("new list element loses its directives")
        << QByteArray(R"({"spec":{}})")
        << QByteArray(
               R"({"spec":{"containers":[{"name":"a","env":[{"name":"X","value":"1"}],"$setElementOrder/env":[{"name":"X"}]}]}})")
        << QByteArray(R"({"spec":{"containers":[{"name":"a","env":[{"name":"X","value":"1"}]}]}})");
}

void tst_strategicmergepatch::appliesLikeTheApiserver()
{
    QFETCH(QByteArray, original);
    QFETCH(QByteArray, patch);
    QFETCH(QByteArray, expected);
    const StrategicMergePatch::Result r =
        StrategicMergePatch::apply(obj(original.constData()), obj(patch.constData()));
    QVERIFY2(r.ok(), qPrintable(r.error.value_or(QString())));
    QCOMPARE(QJsonDocument(r.object).toJson(QJsonDocument::Compact),
             QJsonDocument(obj(expected.constData())).toJson(QJsonDocument::Compact));
}

void tst_strategicmergepatch::listElementWithoutMergeKeyIsAnError()
{
    const StrategicMergePatch::Result r =
        StrategicMergePatch::apply(obj(R"({"spec":{"containers":[{"name":"a"}]}})"),
                                   obj(R"({"spec":{"containers":[{"image":"x"}]}})"));
    QVERIFY(!r.ok());
    QVERIFY2(r.error->contains(QLatin1String("does not contain declared merge key: name")),
             qPrintable(*r.error));
}

void tst_strategicmergepatch::mergeKeysFollowTheApiTypes_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("key");
    QTest::newRow("pod containers") << "spec.template.spec.containers"
                                    << "name";
    QTest::newRow("container ports") << "spec.template.spec.containers.ports"
                                     << "containerPort";
    QTest::newRow("service ports") << "spec.ports"
                                   << "port";
    QTest::newRow("volumeMounts") << "spec.template.spec.containers.volumeMounts"
                                  << "mountPath";
    QTest::newRow("ServiceAccount secrets") << "secrets"
                                            << "name";
    QTest::newRow("Role rules are atomic") << "rules"
                                           << "";
    QTest::newRow("RoleBinding subjects are atomic") << "subjects"
                                                     << "";
    QTest::newRow("container args are atomic") << "spec.template.spec.containers.args"
                                               << "";
}

void tst_strategicmergepatch::mergeKeysFollowTheApiTypes()
{
    QFETCH(QString, path);
    QFETCH(QString, key);
    QCOMPARE(StrategicMergePatch::mergeKeyFor(path.split(QLatin1Char('.'))), key);
}

QTEST_GUILESS_MAIN(tst_strategicmergepatch)
#include "tst_strategicmergepatch.moc"
