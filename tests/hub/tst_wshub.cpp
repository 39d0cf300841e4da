// WsHub over real sockets: a QTcpServer hands sockets to the hub with the upgrade request
// unread (as the HTTP layer's /ws route does); clients are real QWebSockets or, where
// QWebSocket cannot misbehave on purpose, RawWsClient.

#include "hubfixtureserver.h"
#include "rawwsclient.h"

#include "events/encodedevent.h"
#include "hub/wshub.h"
#include "protocol/event.h"

#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <QWebSocket>

#include <memory>
#include <vector>

using bh::events::EncodedEvent;
using bh::hub::ClientOptions;
using bh::hub::HubConfig;
using bh::hub::WsHub;
using bh::protocol::Event;
using bh::protocol::EventType;
using namespace std::chrono_literals;

namespace {
constexpr int kTimeout = 10'000; // generous wait for one condition
constexpr int kLongTimeout = 60'000; // hundreds of clients, sanitizer builds

EncodedEvent makeEvent(EventType type, const QString &name, const QString &tenant = {},
                       const QString &workload = {}, quint64 seq = 0)
{
    Event e;
    e.type = type;
    e.name = name;
    if (type == EventType::InstanceState)
        e.phase = QStringLiteral("Running");
    if (type == EventType::TenantClaimed)
        e.source = QStringLiteral("pool");
    e.tenantId = tenant;
    e.workloadRef = workload;
    return EncodedEvent::fromEvent(e, seq);
}

EncodedEvent stateEvent(int i, int padding = 0)
{
    return makeEvent(EventType::InstanceState,
                     QStringLiteral("pod-%1-").arg(i) + QString(padding, QLatin1Char('x')),
                     QStringLiteral("tenant"), QStringLiteral("workload"));
}

// A real QWebSocket client that records what it receives.
class WsCollector : public QObject
{
public:
    explicit WsCollector(QObject *parent = nullptr)
        : QObject(parent)
    {
        connect(&ws, &QWebSocket::textMessageReceived, this,
                [this](const QString &message) { messages.append(message); });
        connect(&ws, &QWebSocket::disconnected, this, [this] {
            disconnected = true;
            closeCode = ws.closeCode();
            closeReason = ws.closeReason();
        });
    }
    ~WsCollector() override
    {
        // QWebSocket's destructor closing a connected socket leaks its close reason in Qt
        // 6.4 (LeakSanitizer); leave without the closing handshake.
        if (ws.state() != QAbstractSocket::UnconnectedState)
            ws.abort();
    }
    void open(quint16 port, const QString &pathAndQuery = QStringLiteral("/ws"))
    {
        ws.open(QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(port).arg(pathAndQuery)));
    }

    QWebSocket ws;
    QStringList messages;
    bool disconnected = false;
    int closeCode = -1;
    QString closeReason;
};

QStringList jsonOf(const QList<EncodedEvent> &events)
{
    QStringList out;
    for (const auto &e : events)
        out.append(QString::fromUtf8(e.json));
    return out;
}

QStringList namesOf(const QStringList &messages)
{
    QStringList out;
    for (const auto &m : messages) {
        const auto e = bh::protocol::decodeEvent(m.toUtf8());
        out.append(e ? e->name : QStringLiteral("<undecodable: %1>").arg(m));
    }
    return out;
}
} // namespace

class tst_WsHub : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void replayThenLiveLosesAndDuplicatesNothing();
    void fiveHundredClientsReceiveIdenticalSequences();
    void slowConsumerIsClosedWhileFastClientKeepsUp_data();
    void slowConsumerIsClosedWhileFastClientKeepsUp();
    void incomingMessagesAreDiscardedUpToTheLimit_data();
    void incomingMessagesAreDiscardedUpToTheLimit();
    void closeAllSendsGoingAwayToEveryClient();
    void handshakeTimeoutClosesSilentSocket_data();
    void handshakeTimeoutClosesSilentSocket();
    void peerWithoutPongIsClosed();
    void filtersApplyToReplayAndLive_data();
    void filtersApplyToReplayAndLive();
    void clientCountAndLimit();
    void invalidHandshakeIsAnsweredWithHttpError_data();
    void invalidHandshakeIsAnsweredWithHttpError();
    void clientFramesGetTheirCloseCode_data();
    void clientFramesGetTheirCloseCode();
    void resumingClientsGetSeqOthersDoNot();
    void deliveryLatencyCountsLiveEventsNotReplays_data();
    void deliveryLatencyCountsLiveEventsNotReplays();
    void pausedClientGetsEverythingInOrderOnceItReads_data();
    void pausedClientGetsEverythingInOrderOnceItReads();
    void socketSendBufferIsBounded_data();
    void socketSendBufferIsBounded();
};

void tst_WsHub::replayThenLiveLosesAndDuplicatesNothing()
{
    // The "state" is every event so far, so a client that connects at any moment must end
    // with exactly the full sequence: replay up to its handshake, then live.
    WsHub hub;
    QList<EncodedEvent> state;
    hub.setReplayProvider([&state] { return state; });
    HubFixtureServer server(&hub);
    QVERIFY(server.isListening());

    constexpr int kTotal = 600;
    constexpr int kEventsPerTick = 3;
    constexpr int kNewClientEvery = 20; // events
    std::vector<std::unique_ptr<WsCollector>> clients;
    int produced = 0;
    QTimer producer;
    producer.setInterval(1ms);
    connect(&producer, &QTimer::timeout, this, [&] {
        for (int i = 0; i < kEventsPerTick && produced < kTotal; ++i) {
            const EncodedEvent e = stateEvent(produced);
            state.append(e);
            hub.broadcast(e);
            if (produced % kNewClientEvery == 0) {
                clients.push_back(std::make_unique<WsCollector>());
                clients.back()->open(server.serverPort());
            }
            ++produced;
        }
        if (produced == kTotal)
            producer.stop();
    });
    producer.start();
    QTRY_VERIFY_WITH_TIMEOUT(!producer.isActive(), kLongTimeout);
    const int clientTotal = int(clients.size());
    QTRY_COMPARE_WITH_TIMEOUT(hub.clientCount(), clientTotal, kLongTimeout);

    hub.closeAll(); // the close frame comes after every event: completeness
    for (const auto &c : clients)
        QTRY_VERIFY_WITH_TIMEOUT(c->disconnected, kTimeout);

    const QStringList expected = jsonOf(state);
    for (const auto &c : clients)
        QCOMPARE(c->messages, expected);
    // Clients did join mid-stream: some got a partial replay, not all a full one.
    const auto stats = hub.stats();
    QVERIFY(stats.replayEvents > 0);
    QVERIFY(stats.replayEvents < quint64(clientTotal) * kTotal);
    QCOMPARE(stats.framesSent, quint64(clientTotal) * kTotal);
}

void tst_WsHub::fiveHundredClientsReceiveIdenticalSequences()
{
    WsHub hub;
    HubFixtureServer server(&hub);
    constexpr int kClients = 500;
    constexpr int kEvents = 100;
    std::vector<std::unique_ptr<WsCollector>> clients;
    for (int i = 0; i < kClients; ++i) {
        clients.push_back(std::make_unique<WsCollector>());
        clients.back()->open(server.serverPort());
    }
    QTRY_COMPARE_WITH_TIMEOUT(hub.clientCount(), kClients, kLongTimeout);

    QList<EncodedEvent> sent;
    for (int i = 0; i < kEvents; ++i) {
        const EventType type = i % 2 ? EventType::TenantClaimed : EventType::InstanceState;
        sent.append(makeEvent(type, QStringLiteral("obj-%1").arg(i), QStringLiteral("t"),
                              QStringLiteral("w")));
        hub.broadcast(sent.last());
        if (i % 10 == 9)
            QCoreApplication::processEvents(); // several batches, not one
    }
    hub.closeAll();
    for (const auto &c : clients)
        QTRY_VERIFY_WITH_TIMEOUT(c->disconnected, kLongTimeout);

    const QStringList expected = jsonOf(sent);
    for (const auto &c : clients) {
        QCOMPARE(c->messages, expected);
        QCOMPARE(c->closeCode, int(QWebSocketProtocol::CloseCodeGoingAway));
    }
    const auto stats = hub.stats();
    QCOMPARE(stats.framesSent, quint64(kClients) * kEvents);
    QCOMPARE(stats.sent(EventType::InstanceState), quint64(kClients) * kEvents / 2);
    QCOMPARE(stats.sent(EventType::TenantClaimed), quint64(kClients) * kEvents / 2);
    QVERIFY(stats.batchesFlushed > 1);
}

void tst_WsHub::slowConsumerIsClosedWhileFastClientKeepsUp_data()
{
    QTest::addColumn<qint64>("maxBuffer");
    QTest::addColumn<int>("deadlineMs");

    QTest::newRow("outgoing buffer cap") << qint64(64 * 1024) << 10'000;
    QTest::newRow("write deadline") << qint64(256) * 1024 * 1024 << 1'000;
}

void tst_WsHub::slowConsumerIsClosedWhileFastClientKeepsUp()
{
    QFETCH(qint64, maxBuffer);
    QFETCH(int, deadlineMs);

    HubConfig config;
    config.maxClientBufferBytes = maxBuffer;
    config.writeDeadline = std::chrono::milliseconds(deadlineMs);
    config.closeGrace = 60s; // let the paused client read its close frame later
    WsHub hub(config);
    HubFixtureServer server(&hub);
    QSignalSpy slowClosed(&hub, &WsHub::slowConsumerClosed);

    RawWsClient slow;
    slow.setSmallBuffers();
    slow.connectToHub(server.serverPort());
    QTRY_VERIFY_WITH_TIMEOUT(slow.isUpgraded(), kTimeout);
    slow.setPaused(true);
    WsCollector fast;
    fast.open(server.serverPort());
    QTRY_COMPARE_WITH_TIMEOUT(hub.clientCount(), 2, kTimeout);

    constexpr int kPadding = 1000; // ~1 KiB events
    constexpr int kEventsPerTick = 8;
    constexpr int kAfterClose = 500; // events sent after the slow close
    constexpr int kGiveUpAfter = 200'000; // the slow client was never closed
    int produced = 0;
    int stopAt = kGiveUpAfter;
    QStringList expected;
    QTimer producer;
    producer.setInterval(1ms);
    connect(&producer, &QTimer::timeout, this, [&] {
        for (int i = 0; i < kEventsPerTick; ++i) {
            const EncodedEvent e = stateEvent(produced++, kPadding);
            expected.append(QString::fromUtf8(e.json));
            hub.broadcast(e);
        }
        if (stopAt == kGiveUpAfter && !slowClosed.isEmpty())
            stopAt = produced + kAfterClose;
        if (produced >= stopAt)
            producer.stop();
    });
    producer.start();
    QTRY_VERIFY_WITH_TIMEOUT(!producer.isActive(), kLongTimeout);
    QCOMPARE(slowClosed.count(), 1);
    QVERIFY(produced < kGiveUpAfter);

    // The fast client got everything, in order, and is still connected.
    QTRY_COMPARE_WITH_TIMEOUT(fast.messages.size(), expected.size(), kLongTimeout);
    QCOMPARE(fast.messages, expected);
    QVERIFY(!fast.disconnected);
    QCOMPARE(hub.clientCount(), 1);
    QCOMPARE(hub.stats().slowConsumerCloses, quint64(1));

    // The slow client, reading again, finds 1008 "slow consumer" after what it was sent.
    slow.setPaused(false);
    QTRY_VERIFY_WITH_TIMEOUT(slow.closeReceived(), kLongTimeout);
    QCOMPARE(slow.closeCode(), int(QWebSocketProtocol::CloseCodePolicyViolated));
    QCOMPARE(slow.closeReason(), QByteArray("slow consumer"));
    QVERIFY(slow.messages().size() < expected.size());
    for (int i = 0; i < slow.messages().size(); ++i)
        QCOMPARE(QString::fromUtf8(slow.messages().at(i)), expected.at(i));
    QTRY_VERIFY_WITH_TIMEOUT(slow.isDisconnected(), kTimeout);
}

void tst_WsHub::incomingMessagesAreDiscardedUpToTheLimit_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<int>("frameSize"); // client's outgoing frame size (fragmentation)
    QTest::addColumn<bool>("closed");

    QTest::newRow("small message discarded") << 100 << 512 << false;
    QTest::newRow("exactly the limit") << 1024 << 4096 << false;
    QTest::newRow("one frame over the limit") << 2048 << 4096 << true;
    QTest::newRow("fragments adding up over the limit") << 2048 << 512 << true;
}

void tst_WsHub::incomingMessagesAreDiscardedUpToTheLimit()
{
    QFETCH(int, size);
    QFETCH(int, frameSize);
    QFETCH(bool, closed);

    HubConfig config;
    config.maxIncomingMessageBytes = 1024;
    WsHub hub(config);
    HubFixtureServer server(&hub);
    WsCollector client;
    client.ws.setOutgoingFrameSize(quint64(frameSize));
    client.open(server.serverPort());
    QTRY_COMPARE_WITH_TIMEOUT(hub.clientCount(), 1, kTimeout);
    // The client may not have read the 101 yet; before that it cannot send.
    QTRY_COMPARE_WITH_TIMEOUT(client.ws.state(), QAbstractSocket::ConnectedState, kTimeout);

    client.ws.sendTextMessage(QString(size, QLatin1Char('a')));
    if (closed) {
        QTRY_VERIFY_WITH_TIMEOUT(client.disconnected, kTimeout);
        QCOMPARE(client.closeCode, int(QWebSocketProtocol::CloseCodeTooMuchData));
        QTRY_COMPARE_WITH_TIMEOUT(hub.clientCount(), 0, kTimeout);
        QCOMPARE(hub.stats().oversizedCloses, quint64(1));
        return;
    }
    // The server answers a ping after it has processed the message before it.
    QSignalSpy pong(&client.ws, &QWebSocket::pong);
    client.ws.ping();
    QTRY_COMPARE_WITH_TIMEOUT(pong.count(), 1, kTimeout);
    hub.broadcast(stateEvent(1));
    QTRY_COMPARE_WITH_TIMEOUT(client.messages.size(), 1, kTimeout);
    QVERIFY(!client.disconnected);
    QCOMPARE(hub.clientCount(), 1);
    QCOMPARE(hub.stats().oversizedCloses, quint64(0));
}

void tst_WsHub::closeAllSendsGoingAwayToEveryClient()
{
    WsHub hub;
    // Sockets handed over before their first byte: the hub waits for the request itself.
    HubFixtureServer server(&hub, HubFixtureServer::Mode::Immediate);
    QSignalSpy connected(&hub, &WsHub::clientConnected);
    QSignalSpy disconnected(&hub, &WsHub::clientDisconnected);
    constexpr int kClients = 5;
    std::vector<std::unique_ptr<WsCollector>> clients;
    for (int i = 0; i < kClients; ++i) {
        clients.push_back(std::make_unique<WsCollector>());
        clients.back()->open(server.serverPort());
    }
    QTRY_COMPARE_WITH_TIMEOUT(hub.clientCount(), kClients, kTimeout);
    QCOMPARE(connected.count(), kClients);

    hub.closeAll();
    QCOMPARE(hub.clientCount(), 0);
    for (const auto &c : clients) {
        QTRY_VERIFY_WITH_TIMEOUT(c->disconnected, kTimeout);
        QCOMPARE(c->closeCode, int(QWebSocketProtocol::CloseCodeGoingAway));
    }
    QTRY_COMPARE_WITH_TIMEOUT(disconnected.count(), kClients, kTimeout);
    QCOMPARE(hub.stats().disconnected, quint64(kClients));
}

void tst_WsHub::handshakeTimeoutClosesSilentSocket_data()
{
    QTest::addColumn<bool>("partialHead");
    QTest::newRow("no byte sent") << false;
    QTest::newRow("half a request head") << true;
}

void tst_WsHub::handshakeTimeoutClosesSilentSocket()
{
    QFETCH(bool, partialHead);

    HubConfig config;
    config.handshakeTimeout = 300ms;
    WsHub hub(config);
    HubFixtureServer server(&hub, HubFixtureServer::Mode::Immediate);
    RawWsClient raw;
    raw.connectSilently(server.serverPort());
    QTRY_COMPARE_WITH_TIMEOUT(server.handedOver(), 1, kTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(hub.stats().handshaking, 1, kTimeout);
    QVERIFY(hub.canAccept());
    if (partialHead)
        raw.sendPartialHandshake();

    QTRY_VERIFY_WITH_TIMEOUT(raw.isDisconnected(), kTimeout);
    QVERIFY(!raw.isUpgraded());
    QCOMPARE(hub.stats().handshakeTimeouts, quint64(1));
    QCOMPARE(hub.stats().handshaking, 0);
    QCOMPARE(hub.clientCount(), 0);

    // A client that completes its handshake in time is not affected.
    WsCollector ok;
    ok.open(server.serverPort());
    QTRY_COMPARE_WITH_TIMEOUT(hub.clientCount(), 1, kTimeout);
    QSignalSpy disconnected(&hub, &WsHub::clientDisconnected);
    // A second silent socket, accepted after it, times out: the connected client's own
    // handshake timer (started earlier) has fired by then and must have done nothing.
    RawWsClient later;
    later.connectSilently(server.serverPort());
    QTRY_VERIFY_WITH_TIMEOUT(later.isDisconnected(), kTimeout);
    QCOMPARE(hub.stats().handshakeTimeouts, quint64(2));
    QCOMPARE(disconnected.count(), 0);
    QCOMPARE(hub.clientCount(), 1);
    QVERIFY(!ok.disconnected);
}

void tst_WsHub::peerWithoutPongIsClosed()
{
    HubConfig config;
    config.pingInterval = 100ms;
    WsHub hub(config);
    HubFixtureServer server(&hub);
    RawWsClient answering;
    RawWsClient mute;
    mute.setAnswerPings(false);
    answering.connectToHub(server.serverPort());
    mute.connectToHub(server.serverPort());
    QTRY_VERIFY_WITH_TIMEOUT(answering.isUpgraded() && mute.isUpgraded(), kTimeout);

    QTRY_VERIFY_WITH_TIMEOUT(mute.closeReceived(), kTimeout);
    QCOMPARE(mute.closeCode(), int(QWebSocketProtocol::CloseCodePolicyViolated));
    QCOMPARE(mute.closeReason(), QByteArray("ping timeout"));
    QVERIFY(mute.pingsReceived() >= 1);
    QTRY_VERIFY_WITH_TIMEOUT(mute.isDisconnected(), kTimeout);

    // The peer that answers keeps being pinged and stays connected.
    const int pingsBefore = answering.pingsReceived();
    QTRY_VERIFY_WITH_TIMEOUT(answering.pingsReceived() >= pingsBefore + 5, kTimeout);
    QVERIFY(!answering.isDisconnected());
    QCOMPARE(hub.clientCount(), 1);
    QCOMPARE(hub.stats().pingTimeouts, quint64(1));
}

void tst_WsHub::filtersApplyToReplayAndLive_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QStringList>("expected");

    const QStringList all = { "r-state", "r-ready", "r-claimed", "r-released",
                              "l-state", "l-ready", "l-claimed", "l-released" };
    QTest::newRow("no filter") << "" << all;
    QTest::newRow("one type") << "?types=instance.state" << QStringList { "r-state", "l-state" };
    QTest::newRow("two types") << "?types=tenant.claimed,tenant.released"
                               << QStringList { "r-claimed", "r-released", "l-claimed",
                                                "l-released" };
    QTest::newRow("tenant") << "?tenant=alice"
                            << QStringList { "r-state", "r-released", "l-state", "l-released" };
    QTest::newRow("workload") << "?workload=w1"
                              << QStringList { "r-state", "r-ready", "l-state", "l-ready" };
    QTest::newRow("tenant and workload")
        << "?tenant=alice&workload=w1" << QStringList { "r-state", "l-state" };
    QTest::newRow("type and tenant")
        << "?types=tenant.released&tenant=alice" << QStringList { "r-released", "l-released" };
    QTest::newRow("nothing matches") << "?tenant=nobody" << QStringList {};
}

void tst_WsHub::filtersApplyToReplayAndLive()
{
    QFETCH(QString, query);
    QFETCH(QStringList, expected);

    auto shapes = [](const QString &prefix) {
        return QList<EncodedEvent> {
            makeEvent(EventType::InstanceState, prefix + "state", "alice", "w1"),
            makeEvent(EventType::PoolInstanceReady, prefix + "ready", {}, "w1"),
            makeEvent(EventType::TenantClaimed, prefix + "claimed", "bob", "w2"),
            makeEvent(EventType::TenantReleased, prefix + "released", "alice", {}),
        };
    };
    WsHub hub;
    hub.setReplayProvider([&] { return shapes(QStringLiteral("r-")); });
    HubFixtureServer server(&hub);
    WsCollector client;
    client.open(server.serverPort(), QStringLiteral("/ws") + query);
    QTRY_COMPARE_WITH_TIMEOUT(hub.clientCount(), 1, kTimeout);
    const auto live = shapes(QStringLiteral("l-"));
    for (const auto &e : live)
        hub.broadcast(e);
    hub.closeAll();
    QTRY_VERIFY_WITH_TIMEOUT(client.disconnected, kTimeout);
    QCOMPARE(namesOf(client.messages), expected);
}

void tst_WsHub::clientCountAndLimit()
{
    HubConfig config;
    config.maxClients = 3;
    WsHub hub(config);
    HubFixtureServer route(&hub); // checks canAccept() before the upgrade, like the route
    HubFixtureServer direct(&hub, HubFixtureServer::Mode::Immediate); // does not
    QCOMPARE(hub.clientCount(), 0);
    QVERIFY(hub.canAccept());

    std::vector<std::unique_ptr<WsCollector>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<WsCollector>());
        clients.back()->open(route.serverPort());
        QTRY_COMPARE_WITH_TIMEOUT(hub.clientCount(), i + 1, kTimeout);
    }
    QVERIFY(!hub.canAccept());

    RawWsClient refusedByRoute;
    refusedByRoute.connectToHub(route.serverPort());
    QTRY_VERIFY_WITH_TIMEOUT(refusedByRoute.isDisconnected(), kTimeout);
    QVERIFY(refusedByRoute.responseHead().startsWith("HTTP/1.1 503"));

    // A socket given to accept() over the limit anyway gets 503 from the hub itself.
    RawWsClient refusedByHub;
    refusedByHub.connectToHub(direct.serverPort());
    QTRY_VERIFY_WITH_TIMEOUT(refusedByHub.isDisconnected(), kTimeout);
    QVERIFY2(refusedByHub.responseHead().startsWith("HTTP/1.1 503"),
             refusedByHub.responseHead().constData());
    QCOMPARE(hub.stats().rejected, quint64(1));
    QCOMPARE(hub.clientCount(), 3);

    clients.front()->ws.close();
    QTRY_COMPARE_WITH_TIMEOUT(hub.clientCount(), 2, kTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(hub.canAccept(), kTimeout);
    clients.push_back(std::make_unique<WsCollector>());
    clients.back()->open(route.serverPort());
    QTRY_COMPARE_WITH_TIMEOUT(hub.clientCount(), 3, kTimeout);
}

void tst_WsHub::invalidHandshakeIsAnsweredWithHttpError_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("status");

    const QByteArray start = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                             "Connection: Upgrade\r\n";
    QTest::newRow("missing key") << start + "Sec-WebSocket-Version: 13\r\n\r\n"
                                 << QByteArray("HTTP/1.1 400 ");
    QTest::newRow("old version") << start
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n"
                                 << QByteArray("HTTP/1.1 426 ");
    QTest::newRow("head over the limit")
        << start + "X-Filler: " + QByteArray(4096, 'a') << QByteArray("HTTP/1.1 431 ");
}

void tst_WsHub::invalidHandshakeIsAnsweredWithHttpError()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, status);

    HubConfig config;
    config.maxHandshakeBytes = 2048;
    WsHub hub(config);
    HubFixtureServer server(&hub, HubFixtureServer::Mode::Immediate);
    RawWsClient raw;
    raw.connectSilently(server.serverPort());
    QTRY_COMPARE_WITH_TIMEOUT(hub.stats().handshaking, 1, kTimeout);
    raw.sendRaw(request);
    QTRY_VERIFY_WITH_TIMEOUT(raw.isDisconnected(), kTimeout);
    QVERIFY2(raw.responseHead().startsWith(status), raw.responseHead().constData());
    QVERIFY(raw.rest().startsWith("{\"error\":\""));
    if (status.contains("426"))
        QVERIFY(raw.responseHead().contains("Sec-WebSocket-Version: 13\r\n"));
    QCOMPARE(hub.stats().rejected, quint64(1));
    QCOMPARE(hub.stats().handshaking, 0);
    QCOMPARE(hub.clientCount(), 0);
}

void tst_WsHub::clientFramesGetTheirCloseCode_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<int>("closeCode");

    QTest::newRow("unmasked frame: protocol error") << QByteArray("\x81\x02hi", 4) << 1002;
    QTest::newRow("reserved opcode: protocol error")
        << QByteArray("\x83\x80\x01\x02\x03\x04", 6) << 1002;
    // A close from the client is answered with its own code.
    QTest::newRow("client close 1000") << QByteArray("close:1000") << 1000;
    QTest::newRow("client close 4001") << QByteArray("close:4001") << 4001;
}

void tst_WsHub::clientFramesGetTheirCloseCode()
{
    QFETCH(QByteArray, frame);
    QFETCH(int, closeCode);

    WsHub hub;
    HubFixtureServer server(&hub);
    QSignalSpy disconnected(&hub, &WsHub::clientDisconnected);
    RawWsClient raw;
    raw.connectToHub(server.serverPort());
    QTRY_VERIFY_WITH_TIMEOUT(raw.isUpgraded(), kTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(hub.clientCount(), 1, kTimeout);
    if (frame.startsWith("close:"))
        raw.sendClose(quint16(frame.mid(6).toInt()));
    else
        raw.sendRaw(frame);
    QTRY_VERIFY_WITH_TIMEOUT(raw.closeReceived(), kTimeout);
    QCOMPARE(raw.closeCode(), closeCode);
    QTRY_VERIFY_WITH_TIMEOUT(raw.isDisconnected(), kTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(disconnected.count(), 1, kTimeout);
    QCOMPARE(hub.clientCount(), 0);
}

void tst_WsHub::resumingClientsGetSeqOthersDoNot()
{
    // PROTOCOL B.1 plug-in: a client with ?since= gets its own replay (history after the
    // cursor) and "seq" on every frame; a plain client sees neither.
    WsHub hub;
    hub.setReplayProvider([] { return QList<EncodedEvent> { stateEvent(0) }; });
    HubFixtureServer server(&hub);
    server.setOptionsFor([](const QUrlQuery &query) {
        ClientOptions options;
        if (query.hasQueryItem(QStringLiteral("since"))) {
            options.includeSeq = true;
            options.replay = [] {
                return QList<EncodedEvent> { makeEvent(EventType::InstanceState, "h5", "t", "w", 5),
                                             makeEvent(EventType::InstanceState, "h6", "t", "w",
                                                       6) };
            };
        }
        return options;
    });
    WsCollector resuming;
    WsCollector plain;
    resuming.open(server.serverPort(), QStringLiteral("/ws?since=4"));
    plain.open(server.serverPort());
    QTRY_COMPARE_WITH_TIMEOUT(hub.clientCount(), 2, kTimeout);
    hub.broadcast(makeEvent(EventType::TenantReleased, "live", "t", {}, 7));
    hub.closeAll();
    QTRY_VERIFY_WITH_TIMEOUT(resuming.disconnected && plain.disconnected, kTimeout);

    QCOMPARE(
        resuming.messages,
        QStringList(
            { R"({"type":"instance.state","name":"h5","phase":"Running","workloadRef":"w","tenantId":"t","seq":5})",
              R"({"type":"instance.state","name":"h6","phase":"Running","workloadRef":"w","tenantId":"t","seq":6})",
              R"({"type":"tenant.released","name":"live","tenantId":"t","seq":7})" }));
    QCOMPARE(plain.messages,
             QStringList({ QString::fromUtf8(stateEvent(0).json),
                           R"({"type":"tenant.released","name":"live","tenantId":"t"})" }));
}

void tst_WsHub::deliveryLatencyCountsLiveEventsNotReplays_data()
{
    QTest::addColumn<int>("clients");
    QTest::addColumn<int>("batches");
    QTest::newRow("one client, one batch") << 1 << 1;
    QTest::newRow("five clients, one batch") << 5 << 1;
    QTest::newRow("five clients, three batches") << 5 << 3;
}

void tst_WsHub::deliveryLatencyCountsLiveEventsNotReplays()
{
    QFETCH(int, clients);
    QFETCH(int, batches);
    using Clock = std::chrono::steady_clock;
    constexpr auto kAge = 30ms; // how long before the broadcast each live event "arrived"
    constexpr int kReplay = 4;
    constexpr int kStampedPerBatch = 3;

    WsHub hub;
    // Replay events carry a receivedAt too (1 s old): they must still not be observed.
    hub.setReplayProvider([] {
        QList<EncodedEvent> replay;
        for (int i = 0; i < kReplay; ++i) {
            replay.append(stateEvent(i));
            replay.last().receivedAt = Clock::now() - 1s;
        }
        return replay;
    });
    HubFixtureServer server(&hub);
    std::vector<std::unique_ptr<WsCollector>> collectors;
    for (int i = 0; i < clients; ++i) {
        collectors.push_back(std::make_unique<WsCollector>());
        collectors.back()->open(server.serverPort());
    }
    QTRY_COMPARE_WITH_TIMEOUT(hub.clientCount(), clients, kTimeout);
    for (const auto &c : collectors)
        QTRY_COMPARE_WITH_TIMEOUT(c->messages.size(), kReplay, kTimeout);
    QCOMPARE(hub.stats().deliveryLatency.count, quint64(0));

    int live = 0;
    for (int b = 0; b < batches; ++b) {
        for (int i = 0; i < kStampedPerBatch; ++i) {
            EncodedEvent e =
                makeEvent(EventType::TenantClaimed, QStringLiteral("c%1").arg(live++), "t");
            e.receivedAt = Clock::now() - kAge;
            hub.broadcast(e);
        }
        // Not from a watch (default receivedAt): delivered, not observed.
        hub.broadcast(makeEvent(EventType::TenantReleased, QStringLiteral("r%1").arg(live++), "t"));
        hub.flush();
    }
    for (const auto &c : collectors)
        QTRY_COMPARE_WITH_TIMEOUT(c->messages.size(), kReplay + live, kTimeout);

    const auto h = hub.stats().deliveryLatency;
    const quint64 expected = quint64(batches) * kStampedPerBatch; // per event, not per client
    QCOMPARE(h.count, expected);
    quint64 inBuckets = 0;
    for (std::size_t i = 0; i < h.buckets.size(); ++i) {
        inBuckets += h.buckets[i];
        // Every observation is at least kAge: nothing in buckets whose bound is below it.
        if (bh::hub::LatencyHistogram::BoundsSeconds.size() > i
            && bh::hub::LatencyHistogram::BoundsSeconds[i] < 0.03)
            QCOMPARE(h.buckets[i], quint64(0));
    }
    QCOMPARE(inBuckets, expected);
    QVERIFY(h.sumSeconds >= double(expected) * 0.03);
    // The 1 s old replay stamps would push the mean near 1 s; live ones stay well below.
    QVERIFY(h.sumSeconds / double(expected) < 0.9);
}

void tst_WsHub::pausedClientGetsEverythingInOrderOnceItReads_data()
{
    QTest::addColumn<bool>("directWrites");
    QTest::newRow("direct send while Qt's buffer is empty") << true;
    QTest::newRow("every write through QTcpSocket") << false;
}

void tst_WsHub::pausedClientGetsEverythingInOrderOnceItReads()
{
    // The kernel buffer fills while the client does not read: the rest of a batch goes to
    // Qt's write buffer and later batches must queue behind it, never overtake it.
    QFETCH(bool, directWrites);
    constexpr int kReplay = 200;
    constexpr int kLive = 300;
    constexpr int kPadding = 1000; // ~1 KiB events: ~800 KiB in all, far beyond the buffers
    constexpr int kBatch = 10;
    constexpr int kKernelSendBuffer = 8 * 1024; // SO_SNDBUF of the hub's socket

    HubConfig config;
    config.directSocketWrites = directWrites;
    config.writeDeadline = 60s; // the pause must not count as a slow consumer
    config.socketSendBufferBytes = kKernelSendBuffer;
    WsHub hub(config);
    QStringList expected;
    QList<EncodedEvent> replay;
    for (int i = 0; i < kReplay; ++i) {
        replay.append(stateEvent(i, kPadding));
        expected.append(QString::fromUtf8(replay.last().json));
    }
    hub.setReplayProvider([&replay] { return replay; });
    HubFixtureServer server(&hub);

    RawWsClient client;
    client.setSmallBuffers();
    client.setPaused(true); // reads the 101 head only once unpaused: nothing taken until then
    client.connectToHub(server.serverPort());
    QTRY_COMPARE_WITH_TIMEOUT(hub.clientCount(), 1, kTimeout);
    for (int i = 0; i < kLive; ++i) {
        const EncodedEvent e = stateEvent(kReplay + i, kPadding);
        expected.append(QString::fromUtf8(e.json));
        hub.broadcast(e);
        if (i % kBatch == kBatch - 1)
            QCoreApplication::processEvents(); // many batches, written while the peer is stalled
    }
    hub.flush();
    QCOMPARE(hub.stats().slowConsumerCloses, quint64(0));

    // Reading again: while Qt's buffer drains, the kernel has room again and new batches
    // must still go behind what Qt holds.
    client.setPaused(false);
    for (int i = 0; i < kLive; ++i) {
        const EncodedEvent e = stateEvent(kReplay + kLive + i, kPadding);
        expected.append(QString::fromUtf8(e.json));
        hub.broadcast(e);
        if (i % kBatch == kBatch - 1)
            QCoreApplication::processEvents();
    }
    hub.flush();
    QTRY_COMPARE_WITH_TIMEOUT(client.messages().size(), expected.size(), kLongTimeout);
    QStringList received;
    for (const auto &m : client.messages())
        received.append(QString::fromUtf8(m));
    QCOMPARE(received, expected);
    QVERIFY(!client.isDisconnected());
}

void tst_WsHub::socketSendBufferIsBounded_data()
{
    QTest::addColumn<int>("configured");
    QTest::newRow("default") << HubConfig::DefaultSocketSendBufferBytes;
    QTest::newRow("small") << 16 * 1024;
}

// maxClientBufferBytes bounds what the process holds for a client; SO_SNDBUF bounds what the
// kernel holds for it (autotuned, a stalled client pinned 3.9 MB in the fault soak).
void tst_WsHub::socketSendBufferIsBounded()
{
    QFETCH(int, configured);
    HubConfig config;
    config.socketSendBufferBytes = configured;
    WsHub hub(config);
    HubFixtureServer server(&hub);
    RawWsClient client;
    client.connectToHub(server.serverPort());
    QTRY_VERIFY_WITH_TIMEOUT(client.isUpgraded(), kTimeout);
    const QList<QTcpSocket *> sockets = hub.findChildren<QTcpSocket *>();
    QCOMPARE(sockets.size(), 1);
    const int actual =
        sockets.first()->socketOption(QAbstractSocket::SendBufferSizeSocketOption).toInt();
    // Linux doubles the value for its bookkeeping (socket(7)); no autotuning beyond it.
    QVERIFY2(actual >= configured && actual <= 2 * configured,
             qPrintable(QStringLiteral("SO_SNDBUF %1 for %2 configured").arg(actual).arg(configured)));
}

QTEST_GUILESS_MAIN(tst_WsHub)
#include "tst_wshub.moc"
