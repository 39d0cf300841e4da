#include "client/boilerhouseclient.h"
#include "client/statestore.h"
#include "localserver.h"

#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>

using namespace bh::client;
using namespace bh::protocol;
using std::chrono::milliseconds;

// The client's state machine against a real local HTTP + WebSocket server (LocalServer) that
// plays a part-B server, a part-A server, a server that refuses, and a missing server.
namespace {
constexpr int kWaitMs = 10000;
const QString kInstances = QStringLiteral("/api/v1/instances");
const QString kTenants = QStringLiteral("/api/v1/tenants");

InstanceInfo pod(const QString &name, const QString &phase)
{
    InstanceInfo info;
    info.name = name;
    info.phase = phase;
    info.workloadRef = QStringLiteral("w");
    info.createdAt = QDateTime(QDate(2026, 4, 20), QTime(10, 0), Qt::UTC);
    return info;
}

void serveSnapshot(LocalServer &server, const QList<InstanceInfo> &instances,
                   const QByteArray &cursor)
{
    LocalServer::Response i { 200, encodeInstances(instances), {} };
    LocalServer::Response t { 200, "[]", {} };
    if (!cursor.isEmpty()) {
        i.headers.append({ "X-Boilerhouse-Cursor", cursor });
        t.headers.append({ "X-Boilerhouse-Cursor", cursor });
    }
    server.setResponse(kInstances, i);
    server.setResponse(kTenants, t);
}

QByteArray stateFrame(const QString &name, const QString &phase, std::optional<quint64> seq)
{
    Event e;
    e.type = EventType::InstanceState;
    e.name = name;
    e.phase = phase;
    e.workloadRef = QStringLiteral("w");
    e.seq = seq;
    return encodeEvent(e);
}

ClientConfig fastConfig(const QUrl &url)
{
    ClientConfig config;
    config.serverUrl = url;
    config.reconnect.initialDelay = milliseconds(50);
    config.reconnect.maxDelay = milliseconds(400);
    return config;
}

int restCount(const LocalServer &server)
{
    int n = 0;
    for (const auto &request : server.requests())
        n += request.path.startsWith(QLatin1String("/api/")) ? 1 : 0;
    return n;
}
} // namespace

class tst_clientstatemachine : public QObject
{
    Q_OBJECT

private slots:
    void resumesGaplesslyAfterDrop();
    void resyncLeadsToNewSnapshot();
    void sequenceGapLeadsToNewSnapshot();
    void partAServerCatchesUpWithoutGap();
    void unauthorizedStopsWithServerMessage();
    void unreachableServerRetriesWithBackoff();
    void backoffResetsOnceLive();
    void disconnectStopsEverything();
    void invalidUrlIsRejected_data();
    void invalidUrlIsRejected();
};

void tst_clientstatemachine::resumesGaplesslyAfterDrop()
{
    LocalServer server;
    QVERIFY(server.listen());
    serveSnapshot(server, { pod(QStringLiteral("a"), QStringLiteral("Running")) }, "ep:10");
    BoilerhouseClient client;
    client.setConfig(fastConfig(server.url()));
    QSignalSpy resets(&client, &BoilerhouseClient::stateReset);
    QSignalSpy received(&client, &BoilerhouseClient::eventReceived);
    client.connectToServer();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ConnectionState::Live, kWaitMs);
    QCOMPARE(resets.count(), 1);
    QVERIFY(client.serverSupportsResume());
    QCOMPARE(server.streamUrls().value(0).query(), QStringLiteral("since=ep:10"));
    QVERIFY(client.stats().connectedSince.isValid());

    server.sendToAll(stateFrame(QStringLiteral("b"), QStringLiteral("Pending"), 11));
    server.sendToAll(stateFrame(QStringLiteral("a"), QStringLiteral("Deleted"), 12));
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 2, kWaitMs);
    QCOMPARE(client.store()->instanceNames(), QStringList { QStringLiteral("b") });
    QCOMPARE(client.cursor().value_or(QString()), QStringLiteral("ep:12"));

    server.abortAll(); // network drop, no close frame
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ConnectionState::WaitingToReconnect, kWaitMs);
    QVERIFY(!client.stats().connectedSince.isValid());
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ConnectionState::Live, kWaitMs);
    QCOMPARE(server.streamUrls().size(), 2);
    QCOMPARE(server.streamUrls().at(1).query(), QStringLiteral("since=ep:12"));
    QCOMPARE(restCount(server), 2); // no second snapshot
    QCOMPARE(resets.count(), 1);
    QCOMPARE(client.stats().gaplessResumes, quint64(1));
    QCOMPARE(client.stats().reconnects, quint64(1));

    server.sendToAll(stateFrame(QStringLiteral("b"), QStringLiteral("Running"), 13));
    QTRY_COMPARE_WITH_TIMEOUT(client.store()->instance(QStringLiteral("b")).info.phase,
                              QStringLiteral("Running"), kWaitMs);
    QCOMPARE(client.stats().eventsReceived, quint64(3));
}

void tst_clientstatemachine::resyncLeadsToNewSnapshot()
{
    LocalServer server;
    QVERIFY(server.listen());
    serveSnapshot(server, { pod(QStringLiteral("a"), QStringLiteral("Running")) }, "old:5");
    BoilerhouseClient client;
    client.setConfig(fastConfig(server.url()));
    QSignalSpy resets(&client, &BoilerhouseClient::stateReset);
    client.connectToServer();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ConnectionState::Live, kWaitMs);

    serveSnapshot(server, { pod(QStringLiteral("z"), QStringLiteral("Running")) }, "new:0");
    QSignalSpy states(&client, &BoilerhouseClient::stateChanged);
    server.sendToAll(R"({"type":"stream.resync","reason":"cursor from another server process"})");
    QTRY_COMPARE_WITH_TIMEOUT(resets.count(), 2, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ConnectionState::Live, kWaitMs);
    QCOMPARE(client.store()->instanceNames(), QStringList { QStringLiteral("z") });
    QCOMPARE(server.streamUrls().last().query(), QStringLiteral("since=new:0"));
    QCOMPARE(client.stats().resyncs, quint64(1));
    QCOMPARE(states.first().at(0).value<ConnectionState>(), ConnectionState::FetchingSnapshot);
    QVERIFY(states.first().at(1).toString().startsWith(
        QStringLiteral("server asked to resync: cursor from another server process; "
                       "fetching snapshot from http://127.0.0.1:")));
    QCOMPARE(restCount(server), 4);
}

void tst_clientstatemachine::sequenceGapLeadsToNewSnapshot()
{
    LocalServer server;
    QVERIFY(server.listen());
    serveSnapshot(server, {}, "ep:10");
    BoilerhouseClient client;
    client.setConfig(fastConfig(server.url()));
    QSignalSpy resets(&client, &BoilerhouseClient::stateReset);
    client.connectToServer();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ConnectionState::Live, kWaitMs);
    serveSnapshot(server, { pod(QStringLiteral("b"), QStringLiteral("Running")) }, "ep:13");
    server.sendToAll(stateFrame(QStringLiteral("a"), QStringLiteral("Running"), 11));
    server.sendToAll(stateFrame(QStringLiteral("b"), QStringLiteral("Running"), 13)); // 12 lost
    QTRY_COMPARE_WITH_TIMEOUT(resets.count(), 2, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ConnectionState::Live, kWaitMs);
    QCOMPARE(client.stats().sequenceGaps, quint64(1));
    QCOMPARE(client.store()->instanceNames(), QStringList { QStringLiteral("b") });
    QCOMPARE(server.streamUrls().last().query(), QStringLiteral("since=ep:13"));
}

void tst_clientstatemachine::partAServerCatchesUpWithoutGap()
{
    LocalServer server;
    QVERIFY(server.listen());
    serveSnapshot(server, { pod(QStringLiteral("gone"), QStringLiteral("Running")) }, {});
    // Like the existing server: every /ws connection first gets the current state as events.
    // Between the first snapshot and the stream, "gone" was deleted (no event can tell a
    // part-A client) and "new" appeared.
    connect(&server, &LocalServer::streamConnected, &server, [&server](QWebSocket *socket) {
        serveSnapshot(server, { pod(QStringLiteral("new"), QStringLiteral("Pending")) }, {});
        socket->sendTextMessage(
            QString::fromUtf8(stateFrame(QStringLiteral("new"), QStringLiteral("Pending"), {})));
    });
    BoilerhouseClient client;
    client.setConfig(fastConfig(server.url()));
    QSignalSpy resets(&client, &BoilerhouseClient::stateReset);
    QSignalSpy states(&client, &BoilerhouseClient::stateChanged);
    client.connectToServer();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ConnectionState::Live, kWaitMs);
    QCOMPARE(resets.count(), 1); // only the catch-up snapshot resets the store
    QVERIFY(!client.serverSupportsResume());
    QCOMPARE(server.streamUrls().value(0).query(), QString());
    QCOMPARE(restCount(server), 4);
    QCOMPARE(client.store()->instanceNames(), QStringList { QStringLiteral("new") });
    QVERIFY(client.stateReason().contains(QStringLiteral("server without resume")));

    // A live event while Live is folded at once.
    server.sendToAll(stateFrame(QStringLiteral("new"), QStringLiteral("Running"), {}));
    QTRY_COMPARE_WITH_TIMEOUT(client.store()->instance(QStringLiteral("new")).info.phase,
                              QStringLiteral("Running"), kWaitMs);

    // Reconnect: stream first, then the snapshot (no since, no cursor).
    server.closeAll(1001, QStringLiteral("server shutting down"));
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ConnectionState::WaitingToReconnect, kWaitMs);
    QVERIFY(client.stateReason().startsWith(
        QStringLiteral("stream closed (1001): server shutting down; reconnecting in 0.05 s")));
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ConnectionState::Live, kWaitMs);
    QCOMPARE(server.streamUrls().size(), 2);
    QCOMPARE(server.streamUrls().at(1).query(), QString());
    QCOMPARE(restCount(server), 6);
    QCOMPARE(resets.count(), 2);
    QCOMPARE(client.stats().gaplessResumes, quint64(0));
}

void tst_clientstatemachine::unauthorizedStopsWithServerMessage()
{
    LocalServer server;
    QVERIFY(server.listen());
    server.setResponse(kInstances,
                       LocalServer::Response { 401, R"({"error":"invalid API key"})", {} });
    BoilerhouseClient client;
    QSignalSpy errors(&client, &BoilerhouseClient::error);
    QSignalSpy states(&client, &BoilerhouseClient::stateChanged);
    client.setConfig(fastConfig(server.url()));
    client.connectToServer(server.url(), QStringLiteral("wrong"));
    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, kWaitMs);
    QCOMPARE(errors.at(0).at(0).value<ClientError>(), ClientError::Unauthorized);
    QCOMPARE(errors.at(0).at(1).toString(), QStringLiteral("invalid API key"));
    QCOMPARE(client.state(), ConnectionState::Disconnected);
    QCOMPARE(client.stateReason(), QStringLiteral("invalid API key"));
    QCOMPARE(client.lastError(), ClientError::Unauthorized);
    QCOMPARE(states.last().at(0).value<ConnectionState>(), ConnectionState::Disconnected);
    QCOMPARE(server.requests().value(0).authorization, QByteArray("Bearer wrong"));
    QCOMPARE(client.config().apiKey, QStringLiteral("wrong"));
}

void tst_clientstatemachine::unreachableServerRetriesWithBackoff()
{
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    const QUrl url(QStringLiteral("http://127.0.0.1:%1").arg(port));
    ClientConfig config = fastConfig(url);
    BoilerhouseClient client;
    client.setConfig(config);
    QSignalSpy errors(&client, &BoilerhouseClient::error);
    QList<qint64> delays;
    QStringList reasons;
    connect(&client, &BoilerhouseClient::stateChanged, this,
            [&](ConnectionState state, const QString &reason) {
                if (state == ConnectionState::WaitingToReconnect) {
                    delays.append(client.reconnectDelay().count());
                    reasons.append(reason);
                }
            });
    client.connectToServer();
    QTRY_VERIFY_WITH_TIMEOUT(delays.size() >= 6, kWaitMs);
    client.disconnectFromServer();
    for (int i = 0; i < delays.size(); ++i)
        QCOMPARE(delays.at(i), config.reconnect.delayForAttempt(i).count());
    QCOMPARE(delays.mid(0, 6), (QList<qint64> { 50, 100, 200, 400, 400, 400 }));
    QCOMPARE(reasons.first(),
             QStringLiteral("cannot reach http://127.0.0.1:%1/api/v1/instances: Connection "
                            "refused; reconnecting in 0.05 s")
                 .arg(port));
    QCOMPARE(errors.at(0).at(0).value<ClientError>(), ClientError::Unreachable);
    QVERIFY(client.stats().reconnects >= 5);
    QCOMPARE(client.state(), ConnectionState::Disconnected);
}

void tst_clientstatemachine::backoffResetsOnceLive()
{
    LocalServer server;
    QVERIFY(server.listen());
    serveSnapshot(server, {}, "ep:0");
    server.setRejectUpgrade(503);
    BoilerhouseClient client;
    client.setConfig(fastConfig(server.url()));
    QList<qint64> delays;
    connect(&client, &BoilerhouseClient::stateChanged, this, [&](ConnectionState state) {
        if (state == ConnectionState::WaitingToReconnect)
            delays.append(client.reconnectDelay().count());
    });
    client.connectToServer();
    QTRY_VERIFY_WITH_TIMEOUT(delays.size() >= 3, kWaitMs);
    QCOMPARE(delays.mid(0, 3), (QList<qint64> { 50, 100, 200 }));
    server.setRejectUpgrade(0);
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ConnectionState::Live, kWaitMs);
    delays.clear();
    server.abortAll();
    QTRY_VERIFY_WITH_TIMEOUT(!delays.isEmpty(), kWaitMs);
    QCOMPARE(delays.first(), qint64(50));
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ConnectionState::Live, kWaitMs);
}

void tst_clientstatemachine::disconnectStopsEverything()
{
    LocalServer server;
    QVERIFY(server.listen());
    serveSnapshot(server, { pod(QStringLiteral("a"), QStringLiteral("Running")) }, "ep:1");
    BoilerhouseClient client;
    client.setConfig(fastConfig(server.url()));
    client.connectToServer();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ConnectionState::Live, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(server.clients().size(), 1, kWaitMs);
    QWebSocket *peer = server.clients().first();
    // The server deletes its socket once disconnected: read the close code on the signal.
    int peerCloseCode = -1;
    connect(peer, &QWebSocket::disconnected, this,
            [&peerCloseCode, peer] { peerCloseCode = int(peer->closeCode()); });
    client.disconnectFromServer();
    QCOMPARE(client.state(), ConnectionState::Disconnected);
    QCOMPARE(client.stateReason(), QStringLiteral("disconnected by user"));
    QTRY_COMPARE_WITH_TIMEOUT(peerCloseCode, int(QWebSocketProtocol::CloseCodeNormal), kWaitMs);
    QCOMPARE(client.store()->instanceCount(), 1); // the store keeps its content
}

void tst_clientstatemachine::invalidUrlIsRejected_data()
{
    QTest::addColumn<QUrl>("url");
    QTest::addColumn<QString>("message");
    QTest::newRow("ftp") << QUrl(QStringLiteral("ftp://host/")) << QStringLiteral("http://");
    QTest::newRow("no host") << QUrl(QStringLiteral("http:///path")) << QStringLiteral("no host");
    QTest::newRow("empty") << QUrl()
                           << QStringLiteral("no server URL given (expected http://HOST:PORT)");
}

void tst_clientstatemachine::invalidUrlIsRejected()
{
    QFETCH(QUrl, url);
    QFETCH(QString, message);
    BoilerhouseClient client;
    QSignalSpy errors(&client, &BoilerhouseClient::error);
    client.connectToServer(url);
    QCOMPARE(errors.count(), 1);
    QCOMPARE(errors.at(0).at(0).value<ClientError>(), ClientError::InvalidUrl);
    QVERIFY2(errors.at(0).at(1).toString().contains(message),
             qPrintable(errors.at(0).at(1).toString()));
    QCOMPARE(client.state(), ConnectionState::Disconnected);
}

QTEST_GUILESS_MAIN(tst_clientstatemachine)
#include "tst_clientstatemachine.moc"
