#include "protocol/event.h"

#include <QTest>

using namespace bh::protocol;

Q_DECLARE_METATYPE(bh::protocol::DecodeError)

namespace {
Event make(EventType type, const QString &name, const QString &phase = {},
           const QString &workload = {}, const QString &tenant = {}, const QString &source = {})
{
    Event e;
    e.type = type;
    e.name = name;
    e.phase = phase;
    e.workloadRef = workload;
    e.tenantId = tenant;
    e.source = source;
    return e;
}
} // namespace

class tst_event : public QObject
{
    Q_OBJECT

private slots:
    void encodesLikeTheExistingServer_data();
    void encodesLikeTheExistingServer();
    void appendsSeqAsLastKey();
    void decodeRejectsBadFrames_data();
    void decodeRejectsBadFrames();
    void decodeIgnoresUnknownKeys();
    void typeNamesRoundTrip();
};

void tst_event::encodesLikeTheExistingServer_data()
{
    QTest::addColumn<Event>("event");
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("instance.state, key order")
        << make(EventType::InstanceState, QStringLiteral("w-alice-0a1b2c3d"),
                QStringLiteral("Running"), QStringLiteral("w"), QStringLiteral("alice"))
        << QByteArray(R"({"type":"instance.state","name":"w-alice-0a1b2c3d","phase":"Running",)"
                      R"("workloadRef":"w","tenantId":"alice"})");
    QTest::newRow("pool pod: tenant omitted")
        << make(EventType::InstanceState, QStringLiteral("w-pool-1"), QStringLiteral("Pending"),
                QStringLiteral("w"))
        << QByteArray(R"({"type":"instance.state","name":"w-pool-1","phase":"Pending",)"
                      R"("workloadRef":"w"})");
    QTest::newRow("tenant.claimed")
        << make(EventType::TenantClaimed, QStringLiteral("claim-a-w"), {}, QStringLiteral("w"),
                QStringLiteral("a"), QStringLiteral("pool+data"))
        << QByteArray(R"({"type":"tenant.claimed","name":"claim-a-w","workloadRef":"w",)"
                      R"("tenantId":"a","source":"pool+data"})");
    QTest::newRow("Go escaping")
        << make(EventType::TenantReleased, QStringLiteral("<a>&\"b\"\\\n\u2028\u2029\x01"))
        << QByteArray(R"({"type":"tenant.released","name":"\u003ca\u003e\u0026\"b\"\\\n)"
                      R"(\u2028\u2029\u0001"})");
    // Only U+2028/U+2029 among the E2 80 xx / E2 xx xx sequences: U+2027, U+2030 and the euro
    // sign stay raw UTF-8, wherever they stand.
    QTest::newRow("Go escaping: neighbours of U+2028 stay raw")
        << make(EventType::TenantReleased, QStringLiteral("\u2027x\u2030\u20ac\u2028"))
        << QByteArray("{\"type\":\"tenant.released\",\"name\":\"\xe2\x80\xa7x\xe2\x80\xb0"
                      "\xe2\x82\xac\\u2028\"}");
}

void tst_event::encodesLikeTheExistingServer()
{
    QFETCH(Event, event);
    QFETCH(QByteArray, json);
    QCOMPARE(encodeEvent(event), json);
    const auto back = decodeEvent(json);
    QVERIFY(back);
    QCOMPARE(*back, event);
}

void tst_event::appendsSeqAsLastKey()
{
    Event e =
        make(EventType::PoolInstanceReady, QStringLiteral("w-pool-1"), {}, QStringLiteral("w"));
    const QByteArray withSeqBytes = withSeq(encodeEvent(e), 42);
    QCOMPARE(withSeqBytes,
             QByteArray(R"({"type":"pool.instance.ready","name":"w-pool-1","workloadRef":"w",)"
                        R"("seq":42})"));
    e.seq = 42;
    QCOMPARE(encodeEvent(e), withSeqBytes);
    QCOMPARE(*decodeEvent(withSeqBytes), e);
}

void tst_event::decodeRejectsBadFrames_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<DecodeError>("error");
    QTest::newRow("not json") << QByteArray("{") << DecodeError::NotJson;
    QTest::newRow("array") << QByteArray("[]") << DecodeError::NotObject;
    QTest::newRow("no type") << QByteArray(R"({"name":"x"})") << DecodeError::MissingType;
    QTest::newRow("type not string") << QByteArray(R"({"type":1})") << DecodeError::MissingType;
    QTest::newRow("unknown type") << QByteArray(R"({"type":"x.y"})") << DecodeError::UnknownType;
    QTest::newRow("phase not string")
        << QByteArray(R"({"type":"instance.state","phase":true})") << DecodeError::BadField;
    QTest::newRow("negative seq") << QByteArray(R"({"type":"instance.state","seq":-1})")
                                  << DecodeError::BadField;
    QTest::newRow("seq beyond 2^64") << QByteArray(R"({"type":"instance.state","seq":1e300})")
                                     << DecodeError::BadField;
    QTest::newRow("fractional seq") << QByteArray(R"({"type":"instance.state","seq":1.5})")
                                    << DecodeError::BadField;
}

void tst_event::decodeRejectsBadFrames()
{
    QFETCH(QByteArray, json);
    QFETCH(DecodeError, error);
    DecodeError got = DecodeError::None;
    QString message;
    QVERIFY(!decodeEvent(json, &got, &message));
    QCOMPARE(got, error);
    QVERIFY(!message.isEmpty());
}

void tst_event::decodeIgnoresUnknownKeys()
{
    const auto e = decodeEvent(
        R"({"type":"instance.state","name":"p","receivedAt":"2026-01-01T00:00:00Z","x":null})");
    QVERIFY(e);
    QCOMPARE(e->name, QStringLiteral("p"));
}

void tst_event::typeNamesRoundTrip()
{
    for (EventType type :
         { EventType::InstanceState, EventType::PoolInstanceReady, EventType::TenantClaimed,
           EventType::TenantReleased, EventType::StreamResync }) {
        const QString name = eventTypeName(type);
        QVERIFY(!name.isEmpty());
        QCOMPARE(eventTypeFromName(name), std::optional<EventType>(type));
    }
    QVERIFY(!eventTypeFromName(u"Instance.State"));
}

QTEST_GUILESS_MAIN(tst_event)
#include "tst_event.moc"
