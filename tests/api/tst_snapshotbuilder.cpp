#include "api/snapshotbuilder.h"
#include "app/projections.h"
#include "cache/objectstore.h"
#include "events/derivation.h"

#include <QRandomGenerator>
#include <QTest>

using bh::api::SnapshotBuilder;
using bh::app::Projections;
using bh::cache::ObjectStore;
using bh::events::Derivation;

namespace {

// Strings that exercise the encoder: escapes Go's encoding/json applies (quotes, backslash,
// control characters, <>&, U+2028/U+2029), non-ASCII, and the empty string.
const QStringList kTexts {
    QStringLiteral("alice"),
    QStringLiteral("b-ob.2"),
    QStringLiteral("quo\"te"),
    QStringLiteral("back\\slash"),
    QStringLiteral("<tag>&amp;"),
    QStringLiteral("line\u2028sep\u2029"),
    QStringLiteral("tab\tnew\nline\x01"),
    QStringLiteral("Ünïcödé 😀"),
    QString(),
};

// creationTimestamp / claimedAt / last-activity forms: Z, fraction, offset, invalid, empty.
const QStringList kTimes {
    QStringLiteral("2026-04-20T10:30:00Z"),
    QStringLiteral("2026-04-20T10:00:00.250Z"),
    QStringLiteral("2026-04-20T12:30:00+02:00"),
    QStringLiteral("2026-04-20T10:30:00z"),
    QStringLiteral("garbage"),
    QString(),
};

const QStringList kPodPhases { "Running", "Pending", "Succeeded", "Failed", "Unknown", "" };
const QStringList kClaimPhases { "Active",        "Pending", "Releasing", "Released",
                                 "ReleaseFailed", "Error",   "" };

// Random cluster objects (raw, as the apiserver sends them; the stores project them).
class Generator
{
public:
    explicit Generator(quint32 seed)
        : m_random(seed)
    { }

    int below(int n) { return int(m_random.bounded(quint32(n))); }
    bool chance(int percent) { return below(100) < percent; }
    QString text() { return kTexts.at(below(int(kTexts.size()))); }
    QString time() { return kTimes.at(below(int(kTimes.size()))); }
    QString podName(int i) const
    {
        return QStringLiteral("pod-%1").arg(i, 4, 10, QLatin1Char('0'));
    }

    void setIf(QJsonObject &o, const char *key, const QString &value, int percent)
    {
        if (chance(percent))
            o.insert(QLatin1String(key), value);
    }

    QJsonObject pod(const QString &name, int rv)
    {
        QJsonObject labels;
        if (chance(85))
            labels.insert(Derivation::ManagedLabel, chance(95) ? "true" : "false");
        setIf(labels, Derivation::TenantLabel, text(), 50);
        setIf(labels, Derivation::WorkloadLabel, text(), 80);
        setIf(labels, Derivation::PoolStatusLabel, "ready", 30);
        for (int i = below(3); i > 0; --i)
            labels.insert(text() + QString::number(i), text());
        QJsonObject metadata { { "name", name }, { "resourceVersion", QString::number(rv) } };
        setIf(metadata, "creationTimestamp", time(), 90);
        if (!labels.isEmpty() || chance(50))
            metadata.insert("labels", labels);
        QJsonObject status;
        setIf(status, "phase", kPodPhases.at(below(int(kPodPhases.size()))), 90);
        setIf(status, "podIP", QStringLiteral("10.0.%1.%2").arg(below(255)).arg(below(255)), 70);
        return QJsonObject { { "metadata", metadata },
                             { "spec", QJsonObject { { "nodeName", "n1" } } },
                             { "status", status } };
    }

    QJsonObject claim(const QString &name, int rv, int pods)
    {
        QJsonObject metadata { { "name", name }, { "resourceVersion", QString::number(rv) } };
        if (chance(50))
            metadata.insert("annotations",
                            QJsonObject { { SnapshotBuilder::LastActivityAnnotation, time() },
                                          { "other", "x" } });
        QJsonObject spec;
        setIf(spec, "tenantId", text(), 90);
        setIf(spec, "workloadRef", text(), 90);
        QJsonObject out { { "metadata", metadata }, { "spec", spec } };
        if (chance(85)) {
            QJsonObject status;
            setIf(status, "phase", kClaimPhases.at(below(int(kClaimPhases.size()))), 90);
            // Often a pod that exists (several claims may point at one), sometimes not.
            setIf(status, "instanceId", chance(85) ? podName(below(pods)) : text(), 75);
            if (chance(60)) {
                QJsonObject endpoint;
                setIf(endpoint, "host", text(), 70);
                if (chance(70))
                    endpoint.insert("port",
                                    chance(50) ? QJsonValue(below(70000))
                                               : QJsonValue(QString::number(below(9000))));
                status.insert("endpoint", endpoint);
            }
            setIf(status, "source", text(), 60);
            setIf(status, "claimedAt", time(), 70);
            setIf(status, "detail", text(), 30);
            out.insert("status", status);
        }
        return out;
    }

private:
    QRandomGenerator m_random;
};

// Points at the first difference, so a failure shows where the encodings part.
bool sameBytes(const QByteArray &actual, const QByteArray &expected, QByteArray *where)
{
    if (actual == expected)
        return true;
    qsizetype i = 0;
    while (i < actual.size() && i < expected.size() && actual.at(i) == expected.at(i))
        ++i;
    *where = "first difference at byte " + QByteArray::number(i) + ": actual …"
        + actual.mid(qMax<qsizetype>(0, i - 40), 80) + "… expected …"
        + expected.mid(qMax<qsizetype>(0, i - 40), 80) + "…";
    return false;
}

#define COMPARE_BYTES(actual, expected)                                                            \
    do {                                                                                           \
        QByteArray where;                                                                          \
        QVERIFY2(sameBytes(actual, expected, &where), where.constData());                          \
    } while (false)

// The previous encoding (typed objects through the protocol codec) is the reference.
void verifyEqualsTypedEncoding(const SnapshotBuilder &builder, const ObjectStore &pods,
                               const ObjectStore &claims)
{
    COMPARE_BYTES(builder.instancesJson(), bh::protocol::encodeInstances(builder.instances()));
    COMPARE_BYTES(builder.tenantsJson(), bh::protocol::encodeTenants(builder.tenants()));
    QStringList names { QStringLiteral("no-such-pod") };
    for (const auto &pod : pods.list())
        names << ObjectStore::nameOf(*pod);
    for (const QString &name : names) {
        const auto typed = builder.instance(name);
        const auto fast = builder.instanceJson(name);
        QCOMPARE(fast.has_value(), typed.has_value());
        if (typed)
            COMPARE_BYTES(*fast, typed->encode());
    }
    QStringList tenants = kTexts;
    tenants << QStringLiteral("no-such-tenant");
    for (const QString &tenantId : tenants) {
        const auto typed = builder.tenant(tenantId);
        const auto fast = builder.tenantJson(tenantId);
        QCOMPARE(fast.has_value(), typed.has_value());
        if (typed)
            COMPARE_BYTES(*fast, typed->encode());
    }
    // stats() reads the encodings; the reference counts from the objects themselves.
    bh::protocol::Stats expected;
    for (const auto &pod : pods.list()) {
        if (!SnapshotBuilder::isManagedPod(*pod))
            continue;
        const QString phase = Derivation::podPhase(*pod);
        ++expected.instances.total;
        ++expected.instances.byPhase[phase.isEmpty() ? QStringLiteral("Unknown") : phase];
    }
    for (const auto &claim : claims.list()) {
        const QString phase = Derivation::claimPhase(*claim);
        ++expected.claims.total;
        ++expected.claims.byPhase[phase.isEmpty() ? QStringLiteral("Pending") : phase];
    }
    QCOMPARE(builder.stats(), expected);
}

struct Cluster
{
    ObjectStore pods { QStringLiteral("pods") };
    ObjectStore claims { QStringLiteral("boilerhouseclaims") };
    SnapshotBuilder builder { &pods, &claims };
    Cluster()
    {
        pods.setProjection(&Projections::pod);
        claims.setProjection(&Projections::claim);
    }
};

} // namespace

class tst_snapshotbuilder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void preEncodedEqualsTypedEncoding_data();
    void preEncodedEqualsTypedEncoding();
    void staysEqualThroughChangesAndRelists_data();
    void staysEqualThroughChangesAndRelists();
    void encodesEachObjectOncePerChange();
    void eagerEncodersGiveTheSameBytes();
    void relistWarmsTheEncodings();
    void activeClaimWinsTheInstance();
    void wholeBodyIsReusedUntilEitherStoreChanges();
    void emptyStoresGiveEmptyArrays();
};

void tst_snapshotbuilder::preEncodedEqualsTypedEncoding_data()
{
    QTest::addColumn<quint32>("seed");
    QTest::addColumn<int>("pods");
    QTest::addColumn<int>("claims");
    for (quint32 seed = 1; seed <= 12; ++seed)
        QTest::addRow("seed %u", seed) << seed << int(seed * 17 % 90 + 1) << int(seed * 29 % 70);
    QTest::addRow("many pods, no claims") << 101u << 400 << 0;
    QTest::addRow("many claims per pod") << 102u << 5 << 60;
}

void tst_snapshotbuilder::preEncodedEqualsTypedEncoding()
{
    QFETCH(quint32, seed);
    QFETCH(int, pods);
    QFETCH(int, claims);
    Generator g(seed);
    Cluster c;
    QList<QJsonObject> podList;
    for (int i = 0; i < pods; ++i)
        podList << g.pod(g.podName(i), 1);
    c.pods.replace(podList);
    for (int i = 0; i < claims; ++i)
        c.claims.applyAdded(g.claim(QStringLiteral("claim-%1").arg(i), 1, pods));
    verifyEqualsTypedEncoding(c.builder, c.pods, c.claims);
}

// Reads between rounds of random additions, modifications, deletions and relists: the
// memoized fragments must follow every change of both stores.
void tst_snapshotbuilder::staysEqualThroughChangesAndRelists_data()
{
    QTest::addColumn<quint32>("seed");
    for (quint32 seed = 201; seed <= 206; ++seed)
        QTest::addRow("seed %u", seed) << seed;
}

void tst_snapshotbuilder::staysEqualThroughChangesAndRelists()
{
    QFETCH(quint32, seed);
    constexpr int kPods = 40;
    constexpr int kClaims = 30;
    constexpr int kRounds = 25;
    Generator g(seed);
    Cluster c;
    int rv = 1;
    for (int round = 0; round < kRounds; ++round) {
        switch (g.below(5)) {
        case 0: { // relist of pods: some gone, some changed, some new
            QList<QJsonObject> fresh;
            for (const auto &pod : c.pods.list()) {
                if (g.chance(80))
                    fresh << (g.chance(50) ? g.pod(ObjectStore::nameOf(*pod), ++rv) : *pod);
            }
            for (int i = g.below(5); i > 0; --i)
                fresh << g.pod(g.podName(g.below(kPods)), ++rv);
            c.pods.replace(fresh);
            break;
        }
        case 1: { // relist of claims
            QList<QJsonObject> fresh;
            for (int i = g.below(kClaims); i > 0; --i)
                fresh << g.claim(QStringLiteral("claim-%1").arg(g.below(kClaims)), ++rv, kPods);
            c.claims.replace(fresh);
            break;
        }
        default: // watch events
            for (int i = g.below(12); i >= 0; --i) {
                const bool pod = g.chance(50);
                const QJsonObject o = pod
                    ? g.pod(g.podName(g.below(kPods)), ++rv)
                    : g.claim(QStringLiteral("claim-%1").arg(g.below(kClaims)), ++rv, kPods);
                ObjectStore &store = pod ? c.pods : c.claims;
                if (g.chance(25))
                    store.applyDeleted(o);
                else
                    store.applyModified(o);
            }
        }
        verifyEqualsTypedEncoding(c.builder, c.pods, c.claims);
        if (QTest::currentTestFailed())
            QFAIL(qPrintable(QStringLiteral("round %1").arg(round)));
    }
}

void tst_snapshotbuilder::encodesEachObjectOncePerChange()
{
    Generator g(7);
    Cluster c;
    for (int i = 0; i < 50; ++i)
        c.pods.applyAdded(g.pod(g.podName(i), 1));
    for (int i = 0; i < 20; ++i)
        c.claims.applyAdded(g.claim(QStringLiteral("claim-%1").arg(i), 1, 50));
    for (int request = 0; request < 3; ++request) {
        c.builder.instancesJson();
        c.builder.tenantsJson();
        c.builder.stats();
    }
    QCOMPARE(c.pods.encodeCount(), quint64(50));
    QCOMPARE(c.claims.encodeCount(), quint64(20));
    QVERIFY(c.pods.encodedMemoryBytes() > 0);
    c.pods.applyModified(g.pod(g.podName(3), 2));
    c.claims.applyDeleted(g.claim(QStringLiteral("claim-4"), 2, 50));
    c.builder.instancesJson();
    c.builder.instancesJson();
    QCOMPARE(c.pods.encodeCount(), quint64(51));
    QCOMPARE(c.claims.encodeCount(), quint64(20));
    QCOMPARE(c.claims.encodedCount(), 19);
}

void tst_snapshotbuilder::eagerEncodersGiveTheSameBytes()
{
    Generator g(9);
    Cluster c;
    c.pods.setEncoder(&SnapshotBuilder::encodePod);
    c.claims.setEncoder(&SnapshotBuilder::encodeClaim);
    for (int i = 0; i < 30; ++i)
        c.pods.applyAdded(g.pod(g.podName(i), 1));
    for (int i = 0; i < 30; ++i)
        c.claims.applyAdded(g.claim(QStringLiteral("claim-%1").arg(i), 1, 30));
    QCOMPARE(c.pods.encodeCount(), quint64(30)); // encoded when stored, before any read
    verifyEqualsTypedEncoding(c.builder, c.pods, c.claims);
    QCOMPARE(c.pods.encodeCount(), quint64(30)); // the reads hit the slots
    QCOMPARE(c.claims.encodeCount(), quint64(30));
}

// After a relist the objects are encoded before any read; later relists encode only what
// changed.
void tst_snapshotbuilder::relistWarmsTheEncodings()
{
    Generator g(13);
    Cluster c;
    QList<QJsonObject> podList;
    for (int i = 0; i < 40; ++i)
        podList << g.pod(g.podName(i), 1);
    QList<QJsonObject> claimList;
    for (int i = 0; i < 10; ++i)
        claimList << g.claim(QStringLiteral("claim-%1").arg(i), 1, 40);
    c.pods.replace(podList);
    c.claims.replace(claimList);
    QCOMPARE(c.pods.encodeCount(), quint64(0)); // not inside the relist: the next turn
    QTRY_COMPARE_WITH_TIMEOUT(c.pods.encodeCount(), quint64(40), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(c.claims.encodeCount(), quint64(10), 10000);
    QCOMPARE(c.pods.encodedCount(), 40);
    podList[7] = g.pod(g.podName(7), 2);
    podList.removeLast();
    c.pods.replace(podList);
    QTRY_COMPARE_WITH_TIMEOUT(c.pods.encodedCount(), 39, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(c.pods.encodeCount(), quint64(41), 10000); // only the modified pod
    verifyEqualsTypedEncoding(c.builder, c.pods, c.claims);
    QCOMPARE(c.pods.encodeCount(), quint64(41)); // the reads hit the slots
}

// Two claims name the same pod: an Active one supplies lastActivity/claimedAt whatever the
// name order; otherwise the first by name.
void tst_snapshotbuilder::activeClaimWinsTheInstance()
{
    Cluster c;
    c.pods.applyAdded(QJsonObject {
        { "metadata",
          QJsonObject { { "name", "p" },
                        { "resourceVersion", "1" },
                        { "creationTimestamp", "2026-04-20T10:30:00Z" },
                        { "labels", QJsonObject { { Derivation::ManagedLabel, "true" } } } } } });
    const auto claim = [](const char *name, const char *phase, const char *claimedAt) {
        return QJsonObject {
            { "metadata", QJsonObject { { "name", name }, { "resourceVersion", "1" } } },
            { "spec", QJsonObject { { "tenantId", "t" } } },
            { "status",
              QJsonObject {
                  { "phase", phase }, { "instanceId", "p" }, { "claimedAt", claimedAt } } }
        };
    };
    c.claims.applyAdded(claim("a", "Released", "2026-04-20T10:31:00Z"));
    c.claims.applyAdded(claim("b", "Released", "2026-04-20T10:32:00Z"));
    QCOMPARE(
        *c.builder.instanceJson("p"),
        QByteArray(R"({"name":"p","phase":"","labels":{"boilerhouse.dev/managed":"true"},)"
                   R"("createdAt":"2026-04-20T10:30:00Z","claimedAt":"2026-04-20T10:31:00Z"})"));
    c.claims.applyAdded(claim("c", "Active", "2026-04-20T10:33:00Z"));
    QVERIFY(c.builder.instancesJson().contains(R"("claimedAt":"2026-04-20T10:33:00Z"})"));
    verifyEqualsTypedEncoding(c.builder, c.pods, c.claims);
}

void tst_snapshotbuilder::wholeBodyIsReusedUntilEitherStoreChanges()
{
    Generator g(11);
    Cluster c;
    for (int i = 0; i < 20; ++i)
        c.pods.applyAdded(g.pod(g.podName(i), 1));
    for (int i = 0; i < 20; ++i)
        c.claims.applyAdded(g.claim(QStringLiteral("claim-%1").arg(i), 1, 20));
    const QByteArray instances = c.builder.instancesJson();
    const QByteArray tenants = c.builder.tenantsJson();
    // Nothing changed: the same bytes, shared, not rebuilt.
    QCOMPARE(c.builder.instancesJson().constData(), instances.constData());
    QCOMPARE(c.builder.tenantsJson().constData(), tenants.constData());
    // A duplicate (same resourceVersion) is no change either.
    c.pods.applyModified(*c.pods.list().constFirst());
    QCOMPARE(c.builder.instancesJson().constData(), instances.constData());
    // A change of either store rebuilds both bodies, correctly.
    c.claims.applyDeleted(g.claim(QStringLiteral("claim-0"), 2, 20));
    QVERIFY(c.builder.tenantsJson().constData() != tenants.constData());
    QVERIFY(c.builder.instancesJson().constData() != instances.constData());
    verifyEqualsTypedEncoding(c.builder, c.pods, c.claims);
    const QByteArray again = c.builder.instancesJson();
    c.pods.applyModified(g.pod(g.podName(5), 3));
    QVERIFY(c.builder.instancesJson().constData() != again.constData());
    verifyEqualsTypedEncoding(c.builder, c.pods, c.claims);
}

void tst_snapshotbuilder::emptyStoresGiveEmptyArrays()
{
    Cluster c;
    QCOMPARE(c.builder.instancesJson(), QByteArray("[]"));
    QCOMPARE(c.builder.tenantsJson(), QByteArray("[]"));
    QVERIFY(!c.builder.instanceJson("x"));
    QVERIFY(!c.builder.tenantJson(""));
    QCOMPARE(c.builder.stats().encode(), bh::protocol::Stats().encode());
}

QTEST_GUILESS_MAIN(tst_snapshotbuilder)
#include "tst_snapshotbuilder.moc"
