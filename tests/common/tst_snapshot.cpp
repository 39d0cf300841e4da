#include "protocol/snapshot.h"

#include <QJsonDocument>
#include <QTest>
#include <QTimeZone>

using namespace bh::protocol;

Q_DECLARE_METATYPE(bh::protocol::InstanceInfo)
Q_DECLARE_METATYPE(bh::protocol::ClaimInfo)
Q_DECLARE_METATYPE(bh::protocol::TenantInfo)
Q_DECLARE_METATYPE(bh::protocol::Stats)
Q_DECLARE_METATYPE(bh::protocol::SnapshotError)

namespace {
QDateTime utc(int y, int mo, int d, int h, int mi, int s)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s), Qt::UTC);
}

ClaimInfo activeClaim()
{
    ClaimInfo c;
    c.name = QStringLiteral("claim-alice-agent");
    c.workloadRef = QStringLiteral("agent");
    c.tenantId = QStringLiteral("alice");
    c.phase = QStringLiteral("Active");
    c.instanceId = QStringLiteral("agent-alice-0a1b2c3d");
    c.endpoint = { QStringLiteral("10.0.0.7"), 8080 };
    c.source = QStringLiteral("pool+data");
    c.claimedAt = utc(2026, 4, 20, 10, 30, 0);
    c.detail = QStringLiteral("restored <snapshot> & ready");
    return c;
}
} // namespace

class tst_snapshot : public QObject
{
    Q_OBJECT

private slots:
    void instanceEncodesExactly_data();
    void instanceEncodesExactly();
    void instanceRoundTrips_data();
    void instanceRoundTrips();
    void claimEncodesExactly_data();
    void claimEncodesExactly();
    void tenantRoundTrips_data();
    void tenantRoundTrips();
    void statsEncodesAndRoundTrips();
    void listsRoundTrip();
    void decodeToleratesUnknownFieldsAndNull();
    void decodeRejectsBadInput_data();
    void decodeRejectsBadInput();
    void timestampsFormatUtcSeconds_data();
    void timestampsFormatUtcSeconds();
    void timestampsParseRfc3339_data();
    void timestampsParseRfc3339();
    void errorBodyRoundTrips();
};

void tst_snapshot::instanceEncodesExactly_data()
{
    QTest::addColumn<InstanceInfo>("info");
    QTest::addColumn<QByteArray>("json");

    InstanceInfo pool;
    pool.name = QStringLiteral("agent-pool-0a1b2c3d");
    pool.phase = QStringLiteral("Running");
    pool.workloadRef = QStringLiteral("agent");
    pool.createdAt = utc(2026, 4, 20, 10, 30, 0);
    QTest::newRow("pool pod, optionals omitted")
        << pool
        << QByteArray(R"({"name":"agent-pool-0a1b2c3d","phase":"Running","workloadRef":"agent",)"
                      R"("createdAt":"2026-04-20T10:30:00Z"})");

    InstanceInfo full = pool;
    full.name = QStringLiteral("agent-alice-0a1b2c3d");
    full.tenantId = QStringLiteral("alice");
    full.ip = QStringLiteral("10.0.0.7");
    full.labels = { { QStringLiteral("z"), QStringLiteral("last") },
                    { QStringLiteral("boilerhouse.dev/managed"), QStringLiteral("true") } };
    full.lastActivity = utc(2026, 4, 20, 11, 0, 5);
    full.claimedAt = QDateTime(QDate(2026, 4, 20), QTime(12, 31, 2, 999), QTimeZone(7200));
    QTest::newRow("claimed pod, all fields, labels sorted, ms dropped, UTC")
        << full
        << QByteArray(R"({"name":"agent-alice-0a1b2c3d","phase":"Running","tenantId":"alice",)"
                      R"("workloadRef":"agent","ip":"10.0.0.7","labels":{)"
                      R"("boilerhouse.dev/managed":"true","z":"last"},)"
                      R"("createdAt":"2026-04-20T10:30:00Z","lastActivity":"2026-04-20T11:00:05Z",)"
                      R"("claimedAt":"2026-04-20T10:31:02Z"})");

    InstanceInfo empty;
    QTest::newRow("required fields written even when empty")
        << empty << QByteArray(R"({"name":"","phase":"","createdAt":"0001-01-01T00:00:00Z"})");
}

void tst_snapshot::instanceEncodesExactly()
{
    QFETCH(InstanceInfo, info);
    QFETCH(QByteArray, json);
    QCOMPARE(info.encode(), json);
    QCOMPARE(info.toJson(), QJsonDocument::fromJson(json).object());
}

void tst_snapshot::instanceRoundTrips_data()
{
    QTest::addColumn<InstanceInfo>("info");

    InstanceInfo minimal;
    minimal.name = QStringLiteral("w-pool-00000000");
    minimal.phase = QStringLiteral("Pending");
    minimal.createdAt = utc(2026, 1, 1, 0, 0, 0);
    QTest::newRow("minimal") << minimal;

    InstanceInfo full = minimal;
    full.tenantId = QStringLiteral("bob \"the\" <builder>");
    full.workloadRef = QStringLiteral("w\u2028x");
    full.ip = QStringLiteral("fd00::1");
    full.labels.insert(QStringLiteral("boilerhouse.dev/pool-status"), QStringLiteral("ready"));
    full.labels.insert(QStringLiteral("unicode"), QStringLiteral("h\u00e9llo \U0001F600"));
    full.lastActivity = utc(2030, 12, 31, 23, 59, 59);
    full.claimedAt = utc(1999, 6, 1, 1, 2, 3);
    QTest::newRow("full with escapes") << full;

    InstanceInfo emptyPhase = minimal;
    emptyPhase.phase.clear();
    QTest::newRow("empty phase") << emptyPhase;
}

void tst_snapshot::instanceRoundTrips()
{
    QFETCH(InstanceInfo, info);
    SnapshotError error = SnapshotError::BadField;
    QString message;
    const auto viaObject = InstanceInfo::fromJson(info.toJson(), &error, &message);
    QVERIFY2(viaObject, qPrintable(message));
    QCOMPARE(error, SnapshotError::None);
    QCOMPARE(*viaObject, info);
    const auto viaBytes = decodeInstance(info.encode(), &error, &message);
    QVERIFY2(viaBytes, qPrintable(message));
    QCOMPARE(*viaBytes, info);
}

void tst_snapshot::claimEncodesExactly_data()
{
    QTest::addColumn<ClaimInfo>("info");
    QTest::addColumn<QByteArray>("json");

    QTest::newRow("active claim, Go escaping")
        << activeClaim()
        << QByteArray(R"({"name":"claim-alice-agent","workloadRef":"agent","tenantId":"alice",)"
                      R"("phase":"Active","instanceId":"agent-alice-0a1b2c3d",)"
                      R"("endpoint":{"host":"10.0.0.7","port":8080},"source":"pool+data",)"
                      R"("claimedAt":"2026-04-20T10:30:00Z",)"
                      R"("detail":"restored \u003csnapshot\u003e \u0026 ready"})");

    ClaimInfo pending;
    pending.name = QStringLiteral("claim-bob-agent");
    pending.workloadRef = QStringLiteral("agent");
    pending.tenantId = QStringLiteral("bob");
    pending.phase = QStringLiteral("Pending");
    QTest::newRow("pending claim, optionals omitted")
        << pending
        << QByteArray(R"({"name":"claim-bob-agent","workloadRef":"agent","tenantId":"bob",)"
                      R"("phase":"Pending"})");

    ClaimInfo portOnly = pending;
    portOnly.endpoint.port = 443;
    QTest::newRow("endpoint with port only")
        << portOnly
        << QByteArray(R"({"name":"claim-bob-agent","workloadRef":"agent","tenantId":"bob",)"
                      R"("phase":"Pending","endpoint":{"port":443}})");
}

void tst_snapshot::claimEncodesExactly()
{
    QFETCH(ClaimInfo, info);
    QFETCH(QByteArray, json);
    QCOMPARE(info.encode(), json);
    QString message;
    const auto back =
        ClaimInfo::fromJson(QJsonDocument::fromJson(json).object(), nullptr, &message);
    QVERIFY2(back, qPrintable(message));
    QCOMPARE(*back, info);
}

void tst_snapshot::tenantRoundTrips_data()
{
    QTest::addColumn<TenantInfo>("info");

    TenantInfo noClaims;
    noClaims.tenantId = QStringLiteral("carol");
    QTest::newRow("no claims") << noClaims;

    TenantInfo two;
    two.tenantId = QStringLiteral("alice");
    two.claims.append(activeClaim());
    ClaimInfo released = activeClaim();
    released.name = QStringLiteral("claim-alice-other");
    released.workloadRef = QStringLiteral("other");
    released.phase = QStringLiteral("Released");
    released.endpoint = {};
    released.instanceId.clear();
    two.claims.append(released);
    QTest::newRow("two claims") << two;
}

void tst_snapshot::tenantRoundTrips()
{
    QFETCH(TenantInfo, info);
    QString message;
    const auto back = decodeTenant(info.encode(), nullptr, &message);
    QVERIFY2(back, qPrintable(message));
    QCOMPARE(*back, info);
    QVERIFY(info.toJson().value(QLatin1String("claims")).isArray());
}

void tst_snapshot::statsEncodesAndRoundTrips()
{
    Stats stats;
    stats.instances.total = 3;
    stats.instances.byPhase = { { QStringLiteral("Running"), 2 },
                                { QStringLiteral("Pending"), 1 } };
    stats.claims.total = 0;
    const QByteArray json = stats.encode();
    QCOMPARE(json,
             QByteArray(R"({"instances":{"total":3,"byPhase":{"Pending":1,"Running":2}},)"
                        R"("claims":{"total":0,"byPhase":{}}})"));
    QString message;
    const auto back = decodeStats(json, nullptr, &message);
    QVERIFY2(back, qPrintable(message));
    QCOMPARE(*back, stats);
    QCOMPARE(*Stats::fromJson(stats.toJson()), stats);
}

void tst_snapshot::listsRoundTrip()
{
    QList<InstanceInfo> instances;
    for (int i = 0; i < 3; ++i) {
        InstanceInfo info;
        info.name = QStringLiteral("w-pool-%1").arg(i, 8, 10, QLatin1Char('0'));
        info.phase = QStringLiteral("Running");
        info.createdAt = utc(2026, 4, 20, 10, i, 0);
        instances.append(info);
    }
    QCOMPARE(encodeInstances({}), QByteArray("[]"));
    const auto back = decodeInstances(encodeInstances(instances));
    QVERIFY(back);
    QCOMPARE(*back, instances);

    TenantInfo alice;
    alice.tenantId = QStringLiteral("alice");
    alice.claims.append(activeClaim());
    const QList<TenantInfo> tenants { alice };
    const auto tenantsBack = decodeTenants(encodeTenants(tenants));
    QVERIFY(tenantsBack);
    QCOMPARE(*tenantsBack, tenants);
}

void tst_snapshot::decodeToleratesUnknownFieldsAndNull()
{
    const QByteArray json = R"({"name":"p","phase":"Running","createdAt":"2026-04-20T10:30:00Z",)"
                            R"("future":{"x":[1,2]},"ip":null,"labels":null,"claimedAt":null})";
    SnapshotError error = SnapshotError::NotJson;
    const auto info = decodeInstance(json, &error);
    QVERIFY(info);
    QCOMPARE(error, SnapshotError::None);
    QCOMPARE(info->name, QStringLiteral("p"));
    QVERIFY(info->ip.isEmpty());
    QVERIFY(info->labels.isEmpty());
    QVERIFY(!info->claimedAt.isValid());
}

void tst_snapshot::decodeRejectsBadInput_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("kind"); // 0 instances list, 1 tenants list, 2 stats
    QTest::addColumn<SnapshotError>("error");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("not json") << QByteArray("[{") << 0 << SnapshotError::NotJson
                              << QStringLiteral("not JSON");
    QTest::newRow("object instead of array")
        << QByteArray(R"({"error":"x"})") << 0 << SnapshotError::WrongType
        << QStringLiteral("instances: not a JSON array");
    QTest::newRow("element not object") << QByteArray("[1]") << 0 << SnapshotError::WrongType
                                        << QStringLiteral("instances[0]: not a JSON object");
    QTest::newRow("missing name") << QByteArray(
        R"([{"phase":"Running","createdAt":"2026-04-20T10:30:00Z"}])")
                                  << 0 << SnapshotError::MissingField
                                  << QStringLiteral("instances[0].name");
    QTest::newRow("missing createdAt")
        << QByteArray(R"([{"name":"a","phase":"Running"}])") << 0 << SnapshotError::MissingField
        << QStringLiteral("instances[0].createdAt: required field missing");
    QTest::newRow("phase not string")
        << QByteArray(R"([{"name":"a","phase":3,"createdAt":"2026-04-20T10:30:00Z"}])") << 0
        << SnapshotError::BadField << QStringLiteral("instances[0].phase: not a string");
    QTest::newRow("label not string")
        << QByteArray(R"([{"name":"a","phase":"R","labels":{"k":1},)"
                      R"("createdAt":"2026-04-20T10:30:00Z"}])")
        << 0 << SnapshotError::BadField << QStringLiteral("instances[0].labels[\"k\"]");
    QTest::newRow("timestamp without zone")
        << QByteArray(R"([{"name":"a","phase":"R","createdAt":"2026-04-20T10:30:00"}])") << 0
        << SnapshotError::BadTimestamp << QStringLiteral("instances[0].createdAt");
    QTest::newRow("timestamp garbage")
        << QByteArray(R"([{"name":"a","phase":"R","createdAt":"yesterday"}])") << 0
        << SnapshotError::BadTimestamp << QStringLiteral("not an RFC 3339 timestamp");
    QTest::newRow("claims missing")
        << QByteArray(R"([{"tenantId":"a"}])") << 1 << SnapshotError::MissingField
        << QStringLiteral("tenants[0].claims");
    QTest::newRow("claims not array")
        << QByteArray(R"([{"tenantId":"a","claims":{}}])") << 1 << SnapshotError::BadField
        << QStringLiteral("tenants[0].claims: not an array");
    QTest::newRow("claim missing workloadRef")
        << QByteArray(R"([{"tenantId":"a","claims":[{"name":"c","tenantId":"a","phase":"P"}]}])")
        << 1 << SnapshotError::MissingField << QStringLiteral("tenants[0].claims[0].workloadRef");
    QTest::newRow("port negative")
        << QByteArray(R"([{"tenantId":"a","claims":[{"name":"c","workloadRef":"w",)"
                      R"("tenantId":"a","phase":"P","endpoint":{"port":-1}}]}])")
        << 1 << SnapshotError::BadField << QStringLiteral("tenants[0].claims[0].endpoint.port");
    QTest::newRow("port too big") << QByteArray(
        R"([{"tenantId":"a","claims":[{"name":"c","workloadRef":"w",)"
        R"("tenantId":"a","phase":"P","endpoint":{"port":70000}}]}])")
                                  << 1 << SnapshotError::BadField
                                  << QStringLiteral("port out of range");
    QTest::newRow("stats total fractional")
        << QByteArray(R"({"instances":{"total":1.5,"byPhase":{}},"claims":{"total":0}})") << 2
        << SnapshotError::BadField << QStringLiteral("instances.total");
    QTest::newRow("stats claims missing")
        << QByteArray(R"({"instances":{"total":1,"byPhase":{}}})") << 2
        << SnapshotError::MissingField << QStringLiteral("claims: required field missing");
    QTest::newRow("stats byPhase value string")
        << QByteArray(R"({"instances":{"total":1,"byPhase":{"Running":"1"}},"claims":{"total":0}})")
        << 2 << SnapshotError::BadField << QStringLiteral("instances.byPhase[\"Running\"]");
}

void tst_snapshot::decodeRejectsBadInput()
{
    QFETCH(QByteArray, json);
    QFETCH(int, kind);
    QFETCH(SnapshotError, error);
    QFETCH(QString, messagePart);

    SnapshotError got = SnapshotError::None;
    QString message;
    bool decoded = true;
    switch (kind) {
    case 0:
        decoded = decodeInstances(json, &got, &message).has_value();
        break;
    case 1:
        decoded = decodeTenants(json, &got, &message).has_value();
        break;
    default:
        decoded = decodeStats(json, &got, &message).has_value();
        break;
    }
    QVERIFY(!decoded);
    QCOMPARE(got, error);
    QVERIFY2(message.contains(messagePart), qPrintable(message));
}

void tst_snapshot::timestampsFormatUtcSeconds_data()
{
    QTest::addColumn<QDateTime>("time");
    QTest::addColumn<QString>("text");
    QTest::newRow("utc") << utc(2026, 4, 20, 10, 30, 0) << QStringLiteral("2026-04-20T10:30:00Z");
    QTest::newRow("offset converted")
        << QDateTime(QDate(2026, 4, 20), QTime(0, 30, 0), QTimeZone(-3600 * 5))
        << QStringLiteral("2026-04-20T05:30:00Z");
    QTest::newRow("milliseconds dropped")
        << QDateTime(QDate(2026, 4, 20), QTime(10, 30, 0, 999), Qt::UTC)
        << QStringLiteral("2026-04-20T10:30:00Z");
    QTest::newRow("invalid is Go zero time")
        << QDateTime() << QStringLiteral("0001-01-01T00:00:00Z");
}

void tst_snapshot::timestampsFormatUtcSeconds()
{
    QFETCH(QDateTime, time);
    QFETCH(QString, text);
    QCOMPARE(formatTimestamp(time), text);
}

void tst_snapshot::timestampsParseRfc3339_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QDateTime>("time");
    QTest::newRow("zulu") << QStringLiteral("2026-04-20T10:30:00Z") << true
                          << utc(2026, 4, 20, 10, 30, 0);
    QTest::newRow("fraction") << QStringLiteral("2026-04-20T10:30:00.250Z") << true
                              << QDateTime(QDate(2026, 4, 20), QTime(10, 30, 0, 250), Qt::UTC);
    QTest::newRow("offset") << QStringLiteral("2026-04-20T12:30:00+02:00") << true
                            << utc(2026, 4, 20, 10, 30, 0);
    QTest::newRow("lowercase z") << QStringLiteral("2026-04-20T10:30:00z") << true
                                 << utc(2026, 4, 20, 10, 30, 0);
    QTest::newRow("no zone") << QStringLiteral("2026-04-20T10:30:00") << false << QDateTime();
    QTest::newRow("date only") << QStringLiteral("2026-04-20") << false << QDateTime();
    QTest::newRow("bad month") << QStringLiteral("2026-13-20T10:30:00Z") << false << QDateTime();
    QTest::newRow("empty") << QString() << false << QDateTime();
}

void tst_snapshot::timestampsParseRfc3339()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(QDateTime, time);
    const auto parsedTime = parseTimestamp(text);
    QCOMPARE(parsedTime.has_value(), valid);
    if (valid) {
        QCOMPARE(*parsedTime, time);
        QCOMPARE(parsedTime->timeSpec(), Qt::UTC);
    }
}

void tst_snapshot::errorBodyRoundTrips()
{
    QCOMPARE(encodeError(QStringLiteral("instance not found: a<b")),
             QByteArray(R"({"error":"instance not found: a\u003cb"})"));
    QCOMPARE(decodeErrorMessage(encodeError(QStringLiteral("invalid API key"))),
             std::optional<QString>(QStringLiteral("invalid API key")));
    QVERIFY(!decodeErrorMessage("[]"));
    QVERIFY(!decodeErrorMessage(R"({"error":3})"));
}

QTEST_GUILESS_MAIN(tst_snapshot)
#include "tst_snapshot.moc"
