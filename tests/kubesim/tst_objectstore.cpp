#include "kubesim/objectstore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace bh::sim;

namespace {

QJsonObject pod(const QString &name, const QJsonObject &labels = {})
{
    return QJsonObject {
        { "metadata", QJsonObject { { "name", name }, { "labels", labels } } },
        { "spec",
          QJsonObject { { "containers", QJsonArray { QJsonObject { { "name", "main" } } } } } },
        { "status", QJsonObject { { "phase", "Pending" } } }
    };
}

QJsonObject claim(const QString &name)
{
    return QJsonObject { { "metadata", QJsonObject { { "name", name } } },
                         { "spec", QJsonObject { { "tenantId", "t1" }, { "workloadRef", "w" } } } };
}

QString rvOf(const ObjectPtr &o)
{
    return o->json()["metadata"].toObject()["resourceVersion"].toString();
}

} // namespace

class tst_ObjectStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void createSetsServerFields();
    void oneGlobalResourceVersionAcrossResources();
    void createRejectsDuplicateAndInvalid_data();
    void createRejectsDuplicateAndInvalid();
    void replaceConflictsOnStaleResourceVersion();
    void mergePatchRespectsStatusScope();
    void generationGrowsOnlyOnSpecChange();
    void deleteEmitsLastStateWithNewResourceVersion();
    void historyIsBoundedByCount();
    void historyIsBoundedByAge();
    void compactionExpiresOlderVersions();
    void snapshotRebuildsPastState();
    void snapshotOfExpiredOrFutureVersionFails();
    void deletedEventCarriesPreviousStateForSelectorExit();
};

void tst_ObjectStore::createSetsServerFields()
{
    ObjectStore store;
    QSignalSpy spy(&store, &ObjectStore::changed);
    const auto r = store.create(Resource::Pods, "ns", pod("p1"));
    QVERIFY(r.ok());
    const QJsonObject m = r.object->json()["metadata"].toObject();
    QCOMPARE(m["namespace"].toString(), QString("ns"));
    QVERIFY(!m["uid"].toString().isEmpty());
    QVERIFY(m["creationTimestamp"].toString().endsWith('Z'));
    QCOMPARE(m["generation"].toInt(), 1);
    QCOMPARE(m["resourceVersion"].toString(), QString::number(store.resourceVersion()));
    QCOMPARE(r.object->json()["kind"].toString(), QString("Pod"));
    QCOMPARE(r.object->json()["apiVersion"].toString(), QString("v1"));
    QCOMPARE(spy.count(), 1);
    const auto ev = spy.at(0).at(0).value<StoreEventPtr>();
    QCOMPARE(ev->type(), StoreEvent::Type::Added);
    QVERIFY(ev->line(StoreEvent::WireType::Added).startsWith("{\"type\":\"ADDED\",\"object\":{"));
    QVERIFY(ev->line(StoreEvent::WireType::Added).endsWith("}}\n"));
    QCOMPARE(ev->line(StoreEvent::WireType::Added).count('\n'), 1);
    // Built-in list items carry no kind/apiVersion; custom resources do.
    QVERIFY(!r.object->encodedItem(true).contains("\"kind\""));
    const auto c = store.create(Resource::Claims, "ns", claim("c1"));
    QVERIFY(c.ok());
    QVERIFY(c.object->encodedItem(false).contains("\"kind\":\"BoilerhouseClaim\""));
}

void tst_ObjectStore::oneGlobalResourceVersionAcrossResources()
{
    ObjectStore store;
    const auto a = store.create(Resource::Pods, "ns", pod("p1"));
    const auto b = store.create(Resource::Claims, "ns", claim("c1"));
    const auto c = store.create(Resource::Pods, "ns", pod("p2"));
    QCOMPARE(rvOf(b.object).toULongLong(), rvOf(a.object).toULongLong() + 1);
    QCOMPARE(rvOf(c.object).toULongLong(), rvOf(b.object).toULongLong() + 1);
}

void tst_ObjectStore::createRejectsDuplicateAndInvalid_data()
{
    QTest::addColumn<QJsonObject>("object");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("message");
    QTest::newRow("duplicate") << pod("dup") << 409 << "AlreadyExists"
                               << "pods \"dup\" already exists";
    QTest::newRow("no-name") << pod("") << 422 << "Invalid"
                             << "Pod \"\" is invalid: metadata.name: Required value: name or "
                                "generateName is required";
    QJsonObject noContainers = pod("p");
    noContainers.remove("spec");
    QTest::newRow("pod-without-containers")
        << noContainers << 422 << "Invalid"
        << "Pod \"p\" is invalid: spec.containers: Required value";
    QTest::newRow("bad-name") << pod("Bad_Name") << 422 << "Invalid"
                              << "";
}

void tst_ObjectStore::createRejectsDuplicateAndInvalid()
{
    QFETCH(QJsonObject, object);
    QFETCH(int, code);
    QFETCH(QString, reason);
    QFETCH(QString, message);
    ObjectStore store;
    QVERIFY(store.create(Resource::Pods, "ns", pod("dup")).ok());
    const quint64 rv = store.resourceVersion();
    const auto r = store.create(Resource::Pods, "ns", object);
    QVERIFY(!r.ok());
    QCOMPARE(r.error->code(), code);
    QCOMPARE(r.error->reason(), reason);
    if (!message.isEmpty())
        QCOMPARE(r.error->message(), message);
    QCOMPARE(store.resourceVersion(), rv); // failed writes do not consume a version
}

void tst_ObjectStore::replaceConflictsOnStaleResourceVersion()
{
    ObjectStore store;
    const auto created = store.create(Resource::Claims, "ns", claim("c1"));
    QJsonObject stale = created.object->json();
    QVERIFY(store
                .mergePatch(Resource::Claims, "ns", "c1",
                            QJsonObject { { "spec", QJsonObject { { "tenantId", "t2" } } } })
                .ok());
    const auto r = store.replace(Resource::Claims, "ns", "c1", stale);
    QVERIFY(!r.ok());
    QCOMPARE(r.error->code(), 409);
    QCOMPARE(r.error->reason(), QString("Conflict"));
    QCOMPARE(r.error->message(),
             QString("Operation cannot be fulfilled on boilerhouseclaims.boilerhouse.dev \"c1\": "
                     "the object has been modified; please apply your changes to the latest "
                     "version and try again"));
    // Without a resourceVersion the update is unconditional.
    QJsonObject fresh = stale;
    QJsonObject m = fresh["metadata"].toObject();
    m.remove("resourceVersion");
    fresh["metadata"] = m;
    QVERIFY(store.replace(Resource::Claims, "ns", "c1", fresh).ok());
    QCOMPARE(store.replace(Resource::Claims, "ns", "nope", fresh).error->code(), 400);
    QCOMPARE(store.remove(Resource::Claims, "ns", "nope").error->message(),
             QString("boilerhouseclaims.boilerhouse.dev \"nope\" not found"));
}

void tst_ObjectStore::mergePatchRespectsStatusScope()
{
    ObjectStore store;
    QVERIFY(store.create(Resource::Claims, "ns", claim("c1")).ok());
    const QJsonObject patch { { "status", QJsonObject { { "phase", "Active" } } },
                              { "metadata",
                                QJsonObject { { "labels", QJsonObject { { "a", "b" } } } } } };
    // The main resource ignores status (status subresource semantics)...
    auto r = store.mergePatch(Resource::Claims, "ns", "c1", patch, ObjectStore::Scope::Main);
    QVERIFY(r.ok());
    QVERIFY(!r.object->json().contains("status"));
    QCOMPARE(r.object->labels()["a"].toString(), QString("b"));
    // ... /status changes only status ...
    r = store.mergePatch(
        Resource::Claims, "ns", "c1",
        QJsonObject { { "status", QJsonObject { { "phase", "Active" } } },
                      { "metadata", QJsonObject { { "labels", QJsonObject { { "a", "c" } } } } } },
        ObjectStore::Scope::Status);
    QVERIFY(r.ok());
    QCOMPARE(r.object->json()["status"].toObject()["phase"].toString(), QString("Active"));
    QCOMPARE(r.object->labels()["a"].toString(), QString("b"));
    // ... null removes a key (RFC 7386).
    r = store.mergePatch(
        Resource::Claims, "ns", "c1",
        QJsonObject {
            { "metadata",
              QJsonObject { { "labels", QJsonObject { { "a", QJsonValue::Null } } } } } });
    QVERIFY(r.ok());
    QVERIFY(!r.object->labels().contains("a"));
}

void tst_ObjectStore::generationGrowsOnlyOnSpecChange()
{
    ObjectStore store;
    QVERIFY(store.create(Resource::Claims, "ns", claim("c1")).ok());
    auto r = store.mergePatch(Resource::Claims, "ns", "c1",
                              QJsonObject { { "status", QJsonObject { { "phase", "Active" } } } });
    QCOMPARE(r.object->json()["metadata"].toObject()["generation"].toInt(), 1);
    r = store.mergePatch(Resource::Claims, "ns", "c1",
                         QJsonObject { { "spec", QJsonObject { { "workloadRef", "x" } } } });
    QCOMPARE(r.object->json()["metadata"].toObject()["generation"].toInt(), 2);
}

void tst_ObjectStore::deleteEmitsLastStateWithNewResourceVersion()
{
    ObjectStore store;
    QVERIFY(store.create(Resource::Pods, "ns", pod("p1")).ok());
    QSignalSpy spy(&store, &ObjectStore::changed);
    const auto r = store.remove(Resource::Pods, "ns", "p1");
    QVERIFY(r.ok());
    QCOMPARE(spy.count(), 1);
    const auto ev = spy.at(0).at(0).value<StoreEventPtr>();
    QCOMPARE(ev->type(), StoreEvent::Type::Deleted);
    QCOMPARE(rvOf(ev->object()), QString::number(store.resourceVersion()));
    QVERIFY(!store.get(Resource::Pods, "ns", "p1"));
    QCOMPARE(store.count(Resource::Pods), 0);
}

void tst_ObjectStore::historyIsBoundedByCount()
{
    ObjectStore store(3);
    for (int i = 0; i < 5; ++i)
        QVERIFY(store.create(Resource::Pods, "ns", pod(QString("p%1").arg(i))).ok());
    QCOMPARE(store.history().size(), 3);
    const quint64 cur = store.resourceVersion();
    QCOMPARE(store.history().oldest(), cur - 2);
    QVERIFY(!store.history().isTooOld(cur - 3)); // oldest-1 can still be watched from
    QVERIFY(store.history().isTooOld(cur - 4));
    QCOMPARE(store.history().eventsAfter(cur - 3).size(), 3);
    QCOMPARE(store.history().eventsAfter(cur - 1).size(), 1);
}

void tst_ObjectStore::historyIsBoundedByAge()
{
    ObjectStore store(100, std::chrono::seconds(10));
    qint64 now = 1000;
    store.history().setClock([&now] { return now; });
    QVERIFY(store.create(Resource::Pods, "ns", pod("old")).ok());
    now += 5000;
    QVERIFY(store.create(Resource::Pods, "ns", pod("newer")).ok());
    QCOMPARE(store.history().size(), 2);
    now += 6000; // the first event is now 11 s old
    store.history().prune();
    QCOMPARE(store.history().size(), 1);
    QCOMPARE(store.history().oldest(), store.resourceVersion());
}

void tst_ObjectStore::compactionExpiresOlderVersions()
{
    ObjectStore store;
    QVERIFY(store.create(Resource::Pods, "ns", pod("p1")).ok());
    QVERIFY(store.create(Resource::Pods, "ns", pod("p2")).ok());
    const quint64 cur = store.resourceVersion();
    QVERIFY(!store.history().isTooOld(cur - 2));
    store.compact();
    QCOMPARE(store.history().size(), 0);
    QVERIFY(!store.history().isTooOld(cur));
    QVERIFY(store.history().isTooOld(cur - 1));
    const KubeStatus s = KubeStatus::tooOldResourceVersion(cur - 1, store.history().oldest() - 1);
    QCOMPARE(s.message(), QString("too old resource version: %1 (%2)").arg(cur - 1).arg(cur));
    QCOMPARE(s.code(), 410);
    QCOMPARE(s.reason(), QString("Expired"));
}

void tst_ObjectStore::snapshotRebuildsPastState()
{
    ObjectStore store;
    QVERIFY(store.create(Resource::Pods, "ns", pod("a")).ok());
    QVERIFY(store.create(Resource::Pods, "ns", pod("b")).ok());
    const quint64 at = store.resourceVersion();
    QVERIFY(store
                .mergePatch(Resource::Pods, "ns", "a",
                            QJsonObject { { "status", QJsonObject { { "phase", "Running" } } } })
                .ok());
    QVERIFY(store.remove(Resource::Pods, "ns", "b").ok());
    QVERIFY(store.create(Resource::Pods, "ns", pod("c")).ok());
    QVERIFY(store.create(Resource::Claims, "ns", claim("x")).ok());
    KubeStatus err;
    const auto snap = store.snapshotAt(Resource::Pods, at, &err);
    QVERIFY(snap.has_value());
    QCOMPARE(snap->keys(), QStringList({ "ns/a", "ns/b" }));
    QCOMPARE(snap->value("ns/a")->json()["status"].toObject()["phase"].toString(),
             QString("Pending"));
    const auto now = store.snapshotAt(Resource::Pods, store.resourceVersion(), &err);
    QCOMPARE(now->keys(), QStringList({ "ns/a", "ns/c" }));
}

void tst_ObjectStore::snapshotOfExpiredOrFutureVersionFails()
{
    ObjectStore store;
    QVERIFY(store.create(Resource::Pods, "ns", pod("a")).ok());
    QVERIFY(store.create(Resource::Pods, "ns", pod("b")).ok());
    store.compact();
    KubeStatus err;
    QVERIFY(!store.snapshotAt(Resource::Pods, store.resourceVersion() - 1, &err));
    QCOMPARE(err.code(), 410);
    QVERIFY(!store.snapshotAt(Resource::Pods, store.resourceVersion() + 5, &err));
    QCOMPARE(err.code(), 504);
    QVERIFY(err.message().startsWith("Too large resource version"));
    QVERIFY(store.snapshotAt(Resource::Pods, store.resourceVersion(), &err));
}

void tst_ObjectStore::deletedEventCarriesPreviousStateForSelectorExit()
{
    ObjectStore store;
    QVERIFY(store.create(Resource::Pods, "ns", pod("a", QJsonObject { { "app", "x" } })).ok());
    QSignalSpy spy(&store, &ObjectStore::changed);
    QVERIFY(store
                .mergePatch(Resource::Pods, "ns", "a",
                            QJsonObject {
                                { "metadata",
                                  QJsonObject { { "labels", QJsonObject { { "app", "y" } } } } } })
                .ok());
    const auto ev = spy.at(0).at(0).value<StoreEventPtr>();
    const QByteArray line = ev->line(StoreEvent::WireType::Deleted);
    QVERIFY(line.endsWith('\n'));
    const QJsonObject o = QJsonDocument::fromJson(line).object();
    QCOMPARE(o["type"].toString(), QString("DELETED"));
    const QJsonObject obj = o["object"].toObject();
    QCOMPARE(obj["metadata"].toObject()["labels"].toObject()["app"].toString(), QString("x"));
    QCOMPARE(obj["metadata"].toObject()["resourceVersion"].toString(),
             QString::number(store.resourceVersion()));
}

QTEST_GUILESS_MAIN(tst_ObjectStore)
#include "tst_objectstore.moc"
