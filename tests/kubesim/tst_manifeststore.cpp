// ManifestStore: the typed store of the deploy/ kinds (apiserver semantics: 409 AlreadyExists
// and Conflict, 404, 422 Invalid with causes, dry run, one resourceVersion counter shared
// with pods and claims, server-owned metadata, immutable roleRef).
#include "kubesim/manifestkind.h"
#include "kubesim/manifeststore.h"
#include "kubesim/objectstore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace bh::sim;

namespace {
const ManifestKind &kindOf(const char *plural)
{
    for (const ManifestKind &k : ManifestKind::all()) {
        if (k.plural == QLatin1String(plural))
            return k;
    }
    qFatal("no kind %s", plural);
}

QJsonObject deployment(const QString &name, int replicas = 1)
{
    return QJsonDocument::fromJson(
               QStringLiteral(
                   R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%1"},)"
                   R"("spec":{"replicas":%2,"selector":{"matchLabels":{"app":"x"}},"template":)"
                   R"({"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}})")
                   .arg(name)
                   .arg(replicas)
                   .toUtf8())
        .object();
}

QJsonObject roleBinding(const QString &role)
{
    return QJsonDocument::fromJson(
               QStringLiteral(R"({"metadata":{"name":"rb"},"roleRef":{"apiGroup":)"
                              R"("rbac.authorization.k8s.io","kind":"Role","name":"%1"},)"
                              R"("subjects":[{"kind":"ServiceAccount","name":"sa"}]})")
                   .arg(role)
                   .toUtf8())
        .object();
}
} // namespace

class tst_manifeststore : public QObject
{
    Q_OBJECT
private slots:
    void createSetsServerMetadataFromTheSharedCounter();
    void errorsAreApiserverStatuses_data();
    void errorsAreApiserverStatuses();
    void dryRunIsNotStored();
    void strategicPatchBumpsGenerationOnSpecChange();
    void roleRefIsImmutable();
    void discoveryNamesTheFiveKinds();
};

void tst_manifeststore::createSetsServerMetadataFromTheSharedCounter()
{
    ObjectStore objects;
    ManifestStore store(&objects);
    const quint64 before = objects.resourceVersion();
    const auto r = store.create(kindOf("deployments"), QStringLiteral("demo"), deployment("d"));
    QVERIFY(r.ok());
    const QJsonObject meta = r.object->json().value(QLatin1String("metadata")).toObject();
    QCOMPARE(r.object->resourceVersion(), before + 1);
    QCOMPARE(objects.resourceVersion(), before + 1);
    QCOMPARE(meta.value(QLatin1String("namespace")).toString(), QStringLiteral("demo"));
    QCOMPARE(meta.value(QLatin1String("generation")).toInt(), 1);
    QVERIFY(!meta.value(QLatin1String("uid")).toString().isEmpty());
    QVERIFY(!meta.value(QLatin1String("creationTimestamp")).toString().isEmpty());
    QCOMPARE(r.object->json().value(QLatin1String("kind")).toString(),
             QStringLiteral("Deployment"));
    QCOMPARE(store.list(kindOf("deployments"), QStringLiteral("demo")).size(), 1);
    QCOMPARE(store.list(kindOf("deployments"), QStringLiteral("other")).size(), 0);
    QCOMPARE(objects.count(Resource::Pods), 0); // pods and claims untouched
}

void tst_manifeststore::errorsAreApiserverStatuses_data()
{
    QTest::addColumn<int>("step"); // which failing call
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("reason");
    QTest::newRow("duplicate create") << 0 << 409 << "AlreadyExists";
    QTest::newRow("get of a missing object") << 1 << 404 << "NotFound";
    QTest::newRow("stale resourceVersion on replace") << 2 << 409 << "Conflict";
    QTest::newRow("selector not matching template labels") << 3 << 422 << "Invalid";
    QTest::newRow("bad name") << 4 << 422 << "Invalid";
    QTest::newRow("namespace mismatch") << 5 << 400 << "BadRequest";
    QTest::newRow("wrong kind for the URL") << 6 << 400 << "BadRequest";
}

void tst_manifeststore::errorsAreApiserverStatuses()
{
    QFETCH(int, step);
    QFETCH(int, code);
    QFETCH(QString, reason);
    ObjectStore objects;
    ManifestStore store(&objects);
    const ManifestKind &k = kindOf("deployments");
    const QString ns = QStringLiteral("demo");
    QVERIFY(store.create(k, ns, deployment("d")).ok());
    ManifestStore::Result r;
    switch (step) {
    case 0:
        r = store.create(k, ns, deployment("d"));
        break;
    case 1:
        r = store.patch(k, ns, QStringLiteral("missing"), {}, ManifestStore::PatchType::Merge);
        break;
    case 2: {
        QJsonObject o = deployment("d", 5);
        QJsonObject meta = o.value(QLatin1String("metadata")).toObject();
        meta.insert(QStringLiteral("resourceVersion"), QStringLiteral("1"));
        o.insert(QStringLiteral("metadata"), meta);
        r = store.replace(k, ns, QStringLiteral("d"), o);
        break;
    }
    case 3: {
        QJsonObject o = deployment("e");
        QJsonObject spec = o.value(QLatin1String("spec")).toObject();
        spec.insert(QStringLiteral("selector"),
                    QJsonObject { { "matchLabels", QJsonObject { { "app", "other" } } } });
        o.insert(QStringLiteral("spec"), spec);
        r = store.create(k, ns, o);
        break;
    }
    case 4:
        r = store.create(k, ns, deployment("Bad_Name"));
        break;
    case 5: {
        QJsonObject o = deployment("f");
        QJsonObject meta = o.value(QLatin1String("metadata")).toObject();
        meta.insert(QStringLiteral("namespace"), QStringLiteral("elsewhere"));
        o.insert(QStringLiteral("metadata"), meta);
        r = store.create(k, ns, o);
        break;
    }
    case 6:
        r = store.create(kindOf("services"), ns, deployment("g"));
        break;
    }
    QVERIFY(!r.ok());
    QCOMPARE(r.error->code(), code);
    QCOMPARE(r.error->reason(), reason);
    QCOMPARE(store.count(k), 1);
}

void tst_manifeststore::dryRunIsNotStored()
{
    ObjectStore objects;
    ManifestStore store(&objects);
    const quint64 before = objects.resourceVersion();
    const auto r =
        store.create(kindOf("deployments"), QStringLiteral("demo"), deployment("d"), true);
    QVERIFY(r.ok());
    QCOMPARE(store.count(kindOf("deployments")), 0);
    QCOMPARE(objects.resourceVersion(), before);
}

void tst_manifeststore::strategicPatchBumpsGenerationOnSpecChange()
{
    ObjectStore objects;
    ManifestStore store(&objects);
    const ManifestKind &k = kindOf("deployments");
    QVERIFY(store.create(k, QStringLiteral("demo"), deployment("d")).ok());
    const auto labelsOnly = store.patch(
        k, QStringLiteral("demo"), QStringLiteral("d"),
        QJsonObject { { "metadata", QJsonObject { { "labels", QJsonObject { { "a", "b" } } } } } },
        ManifestStore::PatchType::StrategicMerge);
    QVERIFY(labelsOnly.ok());
    QCOMPARE(labelsOnly.object->json()["metadata"].toObject()["generation"].toInt(), 1);
    const auto replicas = store.patch(k, QStringLiteral("demo"), QStringLiteral("d"),
                                      QJsonObject { { "spec", QJsonObject { { "replicas", 4 } } } },
                                      ManifestStore::PatchType::StrategicMerge);
    QVERIFY(replicas.ok());
    QCOMPARE(replicas.object->json()["metadata"].toObject()["generation"].toInt(), 2);
    QCOMPARE(replicas.object->json()["spec"].toObject()["replicas"].toInt(), 4);
    QCOMPARE(replicas.object->json()["spec"]
                 .toObject()["template"]
                 .toObject()["spec"]
                 .toObject()["containers"]
                 .toArray()
                 .size(),
             1);
}

void tst_manifeststore::roleRefIsImmutable()
{
    ObjectStore objects;
    ManifestStore store(&objects);
    const ManifestKind &k = kindOf("rolebindings");
    QVERIFY(store.create(k, QStringLiteral("demo"), roleBinding("r1")).ok());
    const auto r =
        store.replace(k, QStringLiteral("demo"), QStringLiteral("rb"), roleBinding("r2"));
    QVERIFY(!r.ok());
    QCOMPARE(r.error->code(), 422);
    QVERIFY2(r.error->message().contains(QLatin1String("cannot change roleRef")),
             qPrintable(r.error->message()));
}

void tst_manifeststore::discoveryNamesTheFiveKinds()
{
    QStringList names;
    for (const ManifestKind &k : ManifestKind::all())
        names << k.apiVersion() + QLatin1Char('/') + k.kind;
    QCOMPARE(names,
             (QStringList { "v1/ServiceAccount", "v1/Service", "apps/v1/Deployment",
                            "rbac.authorization.k8s.io/v1/Role",
                            "rbac.authorization.k8s.io/v1/RoleBinding" }));
    QVERIFY(ManifestKind::find(QStringLiteral("apps"), QStringLiteral("v1"),
                               QStringLiteral("deployments")));
    QVERIFY(!ManifestKind::find(QString(), QStringLiteral("v1"), QStringLiteral("deployments")));
}

QTEST_GUILESS_MAIN(tst_manifeststore)
#include "tst_manifeststore.moc"
