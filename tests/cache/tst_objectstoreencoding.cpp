#include "cache/objectstore.h"

#include <QTest>

using bh::cache::Encoding;
using bh::cache::EncodingPtr;
using bh::cache::ObjectPtr;
using bh::cache::ObjectStore;

namespace {

QJsonObject object(const QString &name, const QString &rv)
{
    return QJsonObject { { "metadata",
                           QJsonObject { { "name", name }, { "resourceVersion", rv } } } };
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

// The test encoding: "name@rv" of the object it was made from.
struct TagEncoding final : Encoding
{
    QByteArray tag;
    qsizetype memoryBytes() const override { return qsizetype(sizeof(*this)) + tag.capacity(); }
};

int g_encoderCalls = 0;

QByteArray tagOf(const QJsonObject &o)
{
    return (ObjectStore::nameOf(o) + '@' + ObjectStore::resourceVersionOf(o)).toUtf8();
}

// Encodes every object except those named "skip*" (nullptr: the reader skips them).
EncodingPtr tagEncoder(const QJsonObject &o)
{
    ++g_encoderCalls;
    if (ObjectStore::nameOf(o).startsWith(QLatin1String("skip")))
        return nullptr;
    auto e = std::make_shared<TagEncoding>();
    e->tag = tagOf(o);
    return e;
}

// A second kind of encoding over the same objects.
EncodingPtr upperEncoder(const QJsonObject &o)
{
    auto e = std::make_shared<TagEncoding>();
    e->tag = tagOf(o).toUpper();
    return e;
}

QByteArray tag(const EncodingPtr &e)
{
    return e ? static_cast<const TagEncoding *>(e.get())->tag : QByteArray("null");
}

// Applies "A n:rv" / "M n:rv" / "D n:rv" / "R n:rv,n:rv" (relist); returns how many changes
// left an object in the store (additions + modifications).
int apply(ObjectStore &store, const QString &op)
{
    int stored = 0;
    const auto count = [&stored](const ObjectPtr &, const ObjectPtr &current) {
        if (current)
            ++stored;
    };
    const auto connection = QObject::connect(&store, &ObjectStore::changed, count);
    const QString arg = op.mid(2);
    switch (op.at(0).toLatin1()) {
    case 'A':
        store.applyAdded(objects(arg).constFirst());
        break;
    case 'M':
        store.applyModified(objects(arg).constFirst());
        break;
    case 'D':
        store.applyDeleted(objects(arg).constFirst());
        break;
    case 'R':
        store.replace(objects(arg));
        break;
    default:
        qFatal("bad op %s", qPrintable(op));
    }
    QObject::disconnect(connection);
    return stored;
}

// Every cached object's encoding must be the one of its current state.
void verifyFresh(const ObjectStore &store)
{
    qint64 bytes = 0;
    for (const ObjectPtr &o : store.list()) {
        const QString name = ObjectStore::nameOf(*o);
        const EncodingPtr e = store.encoded(name, &tagEncoder);
        QCOMPARE(tag(e), name.startsWith(QLatin1String("skip")) ? QByteArray("null") : tagOf(*o));
        if (e)
            bytes += e->memoryBytes();
    }
    QCOMPARE(store.encodedCount(), store.size());
    QCOMPARE(store.encodedMemoryBytes(), bytes);
}

} // namespace

class tst_objectstoreencoding : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { g_encoderCalls = 0; }
    void encodingFollowsEveryChange_data();
    void encodingFollowsEveryChange();
    void encodesOncePerChangeNotPerRead();
    void forEachEncodedVisitsInNameOrder();
    void unknownObjectHasNoEncoding();
    void nullEncodingIsRemembered();
    void eagerEncoderEncodesOnStore();
    void anotherEncoderReplacesTheSlot();
    void memoryIsReleasedWithTheObjects_data();
    void memoryIsReleasedWithTheObjects();
};

// After every operation each object is read; its encoding must match its current state and
// the encoder must have run exactly once per stored change (additions + modifications).
void tst_objectstoreencoding::encodingFollowsEveryChange_data()
{
    QTest::addColumn<QString>("ops");

    QTest::newRow("added") << "A a:1;A b:1";
    QTest::newRow("modified") << "A a:1;M a:2;M a:3";
    QTest::newRow("same resourceVersion keeps the encoding") << "A a:1;M a:1;A a:1";
    QTest::newRow("deleted") << "A a:1;A b:1;D a:2";
    QTest::newRow("re-added after delete") << "A a:1;D a:1;A a:5";
    QTest::newRow("relist: initial list") << "R c:3,a:1,b:2";
    QTest::newRow("relist: added, modified, deleted, kept") << "A a:1;A b:2;A c:3;R a:1,b:7,d:8";
    QTest::newRow("relist: everything deleted") << "A a:1;A b:2;R ";
    QTest::newRow("relist: deleted and re-created") << "A a:1;R a:9;M a:10";
    QTest::newRow("skipped objects") << "A skip1:1;A a:1;M skip1:2;D skip1:3";
}

void tst_objectstoreencoding::encodingFollowsEveryChange()
{
    QFETCH(QString, ops);
    ObjectStore store(QStringLiteral("pods"));
    int expectedCalls = 0;
    for (const QString &op : ops.split(';')) {
        expectedCalls += apply(store, op);
        verifyFresh(store);
        if (QTest::currentTestFailed())
            QFAIL(qPrintable("after " + op));
        QCOMPARE(g_encoderCalls, expectedCalls);
        QCOMPARE(store.encodeCount(), quint64(expectedCalls));
    }
}

void tst_objectstoreencoding::encodesOncePerChangeNotPerRead()
{
    ObjectStore store(QStringLiteral("pods"));
    store.applyAdded(object("a", "1"));
    QCOMPARE(g_encoderCalls, 0); // lazy: nothing read yet
    const EncodingPtr first = store.encoded("a", &tagEncoder);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(store.encoded("a", &tagEncoder), first); // the same object, not a copy
    QCOMPARE(g_encoderCalls, 1);
    store.applyModified(object("a", "2"));
    QCOMPARE(tag(store.encoded("a", &tagEncoder)), QByteArray("a@2"));
    QCOMPARE(tag(first), QByteArray("a@1")); // a reader holding the old one keeps it intact
    QCOMPARE(g_encoderCalls, 2);
}

void tst_objectstoreencoding::forEachEncodedVisitsInNameOrder()
{
    ObjectStore store(QStringLiteral("pods"));
    for (const QString n : { "zeta", "alpha", "skipme", "Beta" })
        store.applyAdded(object(n, "1"));
    QList<QByteArray> tags;
    store.forEachEncoded(&tagEncoder, [&tags](const EncodingPtr &e) { tags << tag(e); });
    QCOMPARE(tags, (QList<QByteArray> { "Beta@1", "alpha@1", "null", "zeta@1" }));
    store.forEachEncoded(&tagEncoder, [](const EncodingPtr &) {});
    QCOMPARE(g_encoderCalls, 4);
}

void tst_objectstoreencoding::unknownObjectHasNoEncoding()
{
    ObjectStore store(QStringLiteral("pods"));
    store.applyAdded(object("a", "1"));
    QVERIFY(!store.encoded("b", &tagEncoder));
    QCOMPARE(g_encoderCalls, 0);
    QCOMPARE(store.encodedCount(), 0);
}

void tst_objectstoreencoding::nullEncodingIsRemembered()
{
    ObjectStore store(QStringLiteral("pods"));
    store.applyAdded(object("skip", "1"));
    QVERIFY(!store.encoded("skip", &tagEncoder));
    QVERIFY(!store.encoded("skip", &tagEncoder));
    QCOMPARE(g_encoderCalls, 1);
    QCOMPARE(store.encodedCount(), 1);
    QCOMPARE(store.encodedMemoryBytes(), qint64(0));
}

void tst_objectstoreencoding::eagerEncoderEncodesOnStore()
{
    ObjectStore store(QStringLiteral("pods"));
    store.applyAdded(object("a", "1"));
    store.setEncoder(&tagEncoder); // encodes what is cached already
    QCOMPARE(g_encoderCalls, 1);
    store.applyAdded(object("b", "1"));
    store.replace(objects("a:2,b:1,c:1"));
    QCOMPARE(g_encoderCalls, 4); // b, then a@2 and c from the relist; unchanged b kept
    QCOMPARE(store.encodedCount(), 3);
    verifyFresh(store); // reads hit the slots
    QCOMPARE(g_encoderCalls, 4);
    store.applyDeleted(object("c", "2"));
    QCOMPARE(store.encodedCount(), 2);
}

void tst_objectstoreencoding::anotherEncoderReplacesTheSlot()
{
    ObjectStore store(QStringLiteral("pods"));
    store.applyAdded(object("a", "1"));
    QCOMPARE(tag(store.encoded("a", &tagEncoder)), QByteArray("a@1"));
    QCOMPARE(tag(store.encoded("a", &upperEncoder)), QByteArray("A@1"));
    QCOMPARE(tag(store.encoded("a", &tagEncoder)), QByteArray("a@1"));
    QCOMPARE(store.encodeCount(), quint64(3));
    QCOMPARE(store.encodedCount(), 1);
}

void tst_objectstoreencoding::memoryIsReleasedWithTheObjects_data()
{
    QTest::addColumn<QString>("removeAll");
    QTest::newRow("deleted one by one") << "D a:2;D b:2;D c:2";
    QTest::newRow("relist to empty") << "R ";
}

void tst_objectstoreencoding::memoryIsReleasedWithTheObjects()
{
    QFETCH(QString, removeAll);
    ObjectStore store(QStringLiteral("pods"));
    store.replace(objects("a:1,b:1,c:1"));
    verifyFresh(store);
    QVERIFY(store.encodedMemoryBytes() >= 3 * qint64(sizeof(TagEncoding)));
    for (const QString &op : removeAll.split(';'))
        apply(store, op);
    QCOMPARE(store.size(), 0);
    QCOMPARE(store.encodedCount(), 0);
    QCOMPARE(store.encodedMemoryBytes(), qint64(0));
}

QTEST_GUILESS_MAIN(tst_objectstoreencoding)
#include "tst_objectstoreencoding.moc"
