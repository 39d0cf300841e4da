#include "cache/objectstore.h"

#include <QSignalSpy>
#include <QTest>

using bh::cache::ObjectPtr;
using bh::cache::ObjectStore;

namespace {

QJsonObject object(const QString &name, const QString &rv, const QString &phase = {})
{
    QJsonObject metadata { { "name", name }, { "resourceVersion", rv } };
    QJsonObject o { { "metadata", metadata } };
    if (!phase.isEmpty())
        o.insert("status", QJsonObject { { "phase", phase } });
    return o;
}

// "name:rv,name:rv" -> objects
QList<QJsonObject> objects(const QString &spec)
{
    QList<QJsonObject> out;
    for (const QString &part : spec.split(',', Qt::SkipEmptyParts)) {
        const QStringList nv = part.split(':');
        out.append(object(nv.at(0), nv.value(1)));
    }
    return out;
}

// Records changes as "+name", "~name(prevRv>curRv)", "-name".
class Recorder : public QObject
{
public:
    explicit Recorder(ObjectStore *store)
    {
        connect(store, &ObjectStore::changed, this,
                [this](const ObjectPtr &prev, const ObjectPtr &cur) {
                    if (!prev)
                        log << "+" + ObjectStore::nameOf(*cur);
                    else if (!cur)
                        log << "-" + ObjectStore::nameOf(*prev);
                    else
                        log << QStringLiteral("~%1(%2>%3)")
                                   .arg(ObjectStore::nameOf(*cur),
                                        ObjectStore::resourceVersionOf(*prev),
                                        ObjectStore::resourceVersionOf(*cur));
                });
    }
    QStringList log;
};

} // namespace

class tst_objectstore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void watchEventsEmitChangePairs_data();
    void watchEventsEmitChangePairs();
    void relistDiffsAgainstCache_data();
    void relistDiffsAgainstCache();
    void listIsSortedByName();
    void objectWithoutNameIsRejected();
    void projectionKeepsNameAndResourceVersion();
    void deletedCarriesLastCachedState();
};

// ops: "A name:rv" (added), "M name:rv" (modified), "D name:rv" (deleted); ';'-separated.
void tst_objectstore::watchEventsEmitChangePairs_data()
{
    QTest::addColumn<QString>("ops");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<int>("size");

    QTest::newRow("added") << "A a:1" << QStringList { "+a" } << 1;
    QTest::newRow("modified carries previous")
        << "A a:1;M a:2" << QStringList { "+a", "~a(1>2)" } << 1;
    QTest::newRow("deleted") << "A a:1;D a:2" << QStringList { "+a", "-a" } << 0;
    QTest::newRow("same resourceVersion is no change")
        << "A a:1;M a:1;A a:1" << QStringList { "+a" } << 1;
    QTest::newRow("added of known object is a modification")
        << "A a:1;A a:3" << QStringList { "+a", "~a(1>3)" } << 1;
    QTest::newRow("modified of unknown object is an addition")
        << "M b:5" << QStringList { "+b" } << 1;
    QTest::newRow("delete of unknown object ignored") << "D z:9" << QStringList {} << 0;
    QTest::newRow("re-add after delete")
        << "A a:1;D a:2;A a:3" << QStringList { "+a", "-a", "+a" } << 1;
}

void tst_objectstore::watchEventsEmitChangePairs()
{
    QFETCH(QString, ops);
    QFETCH(QStringList, expected);
    QFETCH(int, size);
    ObjectStore store(QStringLiteral("pods"));
    Recorder recorder(&store);
    for (const QString &op : ops.split(';')) {
        const QJsonObject o = objects(op.mid(2)).constFirst();
        switch (op.at(0).toLatin1()) {
        case 'A':
            store.applyAdded(o);
            break;
        case 'M':
            store.applyModified(o);
            break;
        case 'D':
            store.applyDeleted(o);
            break;
        default:
            QFAIL("bad op");
        }
    }
    QCOMPARE(recorder.log, expected);
    QCOMPARE(store.size(), size);
    QCOMPARE(store.changeCount(), quint64(expected.size()));
}

void tst_objectstore::relistDiffsAgainstCache_data()
{
    QTest::addColumn<QString>("cached");
    QTest::addColumn<QString>("fresh");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("nothing changed") << "a:1,b:2"
                                     << "b:2,a:1" << QStringList {};
    QTest::newRow("initial list adds all in name order")
        << ""
        << "c:3,a:1,b:2" << QStringList { "+a", "+b", "+c" };
    QTest::newRow("gap: added, modified, deleted")
        << "a:1,b:2,c:3"
        << "a:1,b:7,d:8" << QStringList { "-c", "~b(2>7)", "+d" };
    QTest::newRow("everything deleted") << "a:1,b:2"
                                        << "" << QStringList { "-a", "-b" };
    QTest::newRow("deleted and re-created with same name") << "a:1"
                                                           << "a:9" << QStringList { "~a(1>9)" };
}

void tst_objectstore::relistDiffsAgainstCache()
{
    QFETCH(QString, cached);
    QFETCH(QString, fresh);
    QFETCH(QStringList, expected);
    ObjectStore store(QStringLiteral("pods"));
    for (const QJsonObject &o : objects(cached))
        store.applyAdded(o);
    Recorder recorder(&store);
    QSignalSpy replaced(&store, &ObjectStore::replaced);
    const auto summary = store.replace(objects(fresh));
    QCOMPARE(recorder.log, expected);
    QCOMPARE(replaced.size(), 1);
    QCOMPARE(summary.added + summary.modified + summary.deleted, int(expected.size()));
    QStringList names;
    for (const ObjectPtr &o : store.list())
        names << ObjectStore::nameOf(*o) + ":" + ObjectStore::resourceVersionOf(*o);
    QStringList freshNames = fresh.split(',', Qt::SkipEmptyParts);
    freshNames.sort();
    QCOMPARE(names, freshNames);
}

void tst_objectstore::listIsSortedByName()
{
    ObjectStore store(QStringLiteral("pods"));
    for (const QString n : { "zeta", "alpha", "mid", "Beta" })
        store.applyAdded(object(n, "1"));
    QStringList names;
    for (const ObjectPtr &o : store.list())
        names << ObjectStore::nameOf(*o);
    QCOMPARE(names, (QStringList { "Beta", "alpha", "mid", "zeta" }));
    QVERIFY(store.get("mid"));
    QVERIFY(!store.get("nope"));
}

void tst_objectstore::objectWithoutNameIsRejected()
{
    ObjectStore store(QStringLiteral("pods"));
    QSignalSpy changed(&store, &ObjectStore::changed);
    QCOMPARE(store.applyAdded(QJsonObject { { "metadata", QJsonObject {} } }),
             ObjectStore::Result::Invalid);
    QCOMPARE(store.applyDeleted(QJsonObject {}), ObjectStore::Result::Invalid);
    const auto summary = store.replace({ QJsonObject {}, object("a", "1") });
    QCOMPARE(summary.invalid, 1);
    QCOMPARE(summary.added, 1);
    QCOMPARE(changed.size(), 1);
}

void tst_objectstore::projectionKeepsNameAndResourceVersion()
{
    ObjectStore store(QStringLiteral("pods"));
    store.setProjection([](const QJsonObject &o) {
        return QJsonObject { { "status", o.value("status") } }; // drops metadata entirely
    });
    store.applyAdded(object("a", "4", "Running"));
    const ObjectPtr a = store.get("a");
    QVERIFY(a);
    QCOMPARE(ObjectStore::resourceVersionOf(*a), QStringLiteral("4"));
    QCOMPARE(a->value("status").toObject().value("phase").toString(), QStringLiteral("Running"));
    QCOMPARE(store.applyModified(object("a", "4", "Failed")), ObjectStore::Result::Unchanged);
}

void tst_objectstore::deletedCarriesLastCachedState()
{
    ObjectStore store(QStringLiteral("pods"));
    store.applyAdded(object("a", "1", "Running"));
    ObjectPtr previous;
    connect(&store, &ObjectStore::changed, this,
            [&](const ObjectPtr &prev, const ObjectPtr &) { previous = prev; });
    // The DELETED object may be sparse; the cached (last known) state is reported.
    store.applyDeleted(object("a", "2"));
    QVERIFY(previous);
    QCOMPARE(previous->value("status").toObject().value("phase").toString(),
             QStringLiteral("Running"));
}

QTEST_GUILESS_MAIN(tst_objectstore)
#include "tst_objectstore.moc"
