#include "client/eventstream.h"
#include "localserver.h"

#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>

using namespace bh::client;
using namespace bh::protocol;

namespace {
constexpr int kWaitMs = 10000;

ClientConfig configFor(const LocalServer &server)
{
    ClientConfig config;
    config.serverUrl = server.url();
    return config;
}
} // namespace

class tst_eventstream : public QObject
{
    Q_OBJECT

private slots:
    void decodesFramesInOrder_data();
    void decodesFramesInOrder();
    void resumesWithSinceAndBearer();
    void resyncIsSignalled();
    void skipsUnknownTypesAndReportsBadFrames();
    void reportsServerClose_data();
    void reportsServerClose();
    void refusedUpgradeCloses();
    void unreachableCloses();
    void clientCloseIsNormal();
    void livePeerKeptByKeepalive();
    void hungPeerDetectedByKeepalive();
    void closeToHungPeerCompletes();
    void oversizedFrameCloses();
};

void tst_eventstream::decodesFramesInOrder_data()
{
    QTest::addColumn<QByteArrayList>("frames");
    QByteArrayList partA;
    partA
        << R"({"type":"instance.state","name":"w-pool-1","phase":"Running","workloadRef":"w"})"
        << R"({"type":"pool.instance.ready","name":"w-pool-1","workloadRef":"w"})"
        << R"({"type":"tenant.claimed","name":"claim-a-w","workloadRef":"w","tenantId":"a","source":"pool"})"
        << R"({"type":"tenant.released","name":"claim-a-w","tenantId":"a"})";
    QTest::newRow("part A frames") << partA;
    QByteArrayList partB;
    partB << R"({"type":"instance.state","name":"p","phase":"Pending","seq":7})"
          << R"({"type":"instance.state","name":"p","phase":"Deleted","seq":8})";
    QTest::newRow("part B frames with seq") << partB;
}

void tst_eventstream::decodesFramesInOrder()
{
    QFETCH(QByteArrayList, frames);
    LocalServer server;
    QVERIFY(server.listen());
    EventStream stream(configFor(server));
    QSignalSpy opened(&stream, &EventStream::opened);
    QSignalSpy events(&stream, &EventStream::event);
    stream.open();
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, kWaitMs);
    QVERIFY(stream.isConnected());
    QCOMPARE(server.streamUrls().value(0).query(), QString());
    for (const QByteArray &frame : std::as_const(frames))
        server.sendToAll(frame);
    QTRY_COMPARE_WITH_TIMEOUT(events.count(), frames.size(), kWaitMs);
    for (int i = 0; i < frames.size(); ++i) {
        const Event got = events.at(i).at(0).value<Event>();
        QCOMPARE(got, *decodeEvent(frames.at(i)));
        QVERIFY(events.at(i).at(1).toDateTime().isValid());
    }
}

void tst_eventstream::resumesWithSinceAndBearer()
{
    LocalServer server;
    QVERIFY(server.listen());
    ClientConfig config = configFor(server);
    config.apiKey = QStringLiteral("k3y");
    EventStream stream(config);
    QSignalSpy opened(&stream, &EventStream::opened);
    stream.open(QStringLiteral("ep 1:42"));
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, kWaitMs);
    QCOMPARE(server.streamUrls().value(0).query(QUrl::FullyEncoded),
             QStringLiteral("since=ep%201:42"));
    QCOMPARE(server.requests().value(0).authorization, QByteArray("Bearer k3y"));
}

void tst_eventstream::resyncIsSignalled()
{
    LocalServer server;
    QVERIFY(server.listen());
    EventStream stream(configFor(server));
    QSignalSpy opened(&stream, &EventStream::opened);
    QSignalSpy events(&stream, &EventStream::event);
    QSignalSpy resync(&stream, &EventStream::resync);
    stream.open(QStringLiteral("old:1"));
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, kWaitMs);
    server.sendToAll(R"({"type":"stream.resync","reason":"cursor too old"})");
    QTRY_COMPARE_WITH_TIMEOUT(resync.count(), 1, kWaitMs);
    QCOMPARE(resync.at(0).at(0).toString(), QStringLiteral("cursor too old"));
    QCOMPARE(events.count(), 1);
}

void tst_eventstream::skipsUnknownTypesAndReportsBadFrames()
{
    LocalServer server;
    QVERIFY(server.listen());
    EventStream stream(configFor(server));
    QSignalSpy opened(&stream, &EventStream::opened);
    QSignalSpy events(&stream, &EventStream::event);
    QSignalSpy bad(&stream, &EventStream::frameError);
    stream.open();
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, kWaitMs);
    server.sendToAll(R"({"type":"future.event","name":"x"})");
    server.sendToAll("not json");
    server.sendToAll(R"({"type":"instance.state","name":5})");
    server.sendToAll(R"({"type":"instance.state","name":"last","phase":"Running"})");
    QTRY_COMPARE_WITH_TIMEOUT(events.count(), 1, kWaitMs);
    QCOMPARE(bad.count(), 2);
    QVERIFY(bad.at(0).at(0).toString().startsWith(QStringLiteral("not JSON")));
    QCOMPARE(bad.at(1).at(0).toString(), QStringLiteral("field \"name\" is not a string"));
    QCOMPARE(events.at(0).at(0).value<Event>().name, QStringLiteral("last"));
}

void tst_eventstream::reportsServerClose_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("reason");
    QTest::newRow("going away") << 1001 << QStringLiteral("server shutting down");
    QTest::newRow("slow consumer") << 1008 << QStringLiteral("slow consumer");
    QTest::newRow("normal") << 1000 << QString();
}

void tst_eventstream::reportsServerClose()
{
    QFETCH(int, code);
    QFETCH(QString, reason);
    LocalServer server;
    QVERIFY(server.listen());
    EventStream stream(configFor(server));
    QSignalSpy opened(&stream, &EventStream::opened);
    QSignalSpy closed(&stream, &EventStream::closed);
    stream.open();
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, kWaitMs);
    server.closeAll(code, reason);
    QTRY_COMPARE_WITH_TIMEOUT(closed.count(), 1, kWaitMs);
    QCOMPARE(closed.at(0).at(0).toInt(), code);
    if (!reason.isEmpty())
        QCOMPARE(closed.at(0).at(1).toString(), reason);
    else
        QVERIFY(!closed.at(0).at(1).toString().isEmpty());
    QVERIFY(!stream.isOpen());
    // Can be opened again.
    stream.open();
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 2, kWaitMs);
}

void tst_eventstream::refusedUpgradeCloses()
{
    LocalServer server;
    QVERIFY(server.listen());
    server.setRejectUpgrade(403);
    EventStream stream(configFor(server));
    QSignalSpy opened(&stream, &EventStream::opened);
    QSignalSpy closed(&stream, &EventStream::closed);
    stream.open();
    QTRY_COMPARE_WITH_TIMEOUT(closed.count(), 1, kWaitMs);
    QCOMPARE(opened.count(), 0);
    QCOMPARE(closed.at(0).at(0).toInt(), 1006);
    QVERIFY(!closed.at(0).at(1).toString().isEmpty());
}

void tst_eventstream::unreachableCloses()
{
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    ClientConfig config;
    config.serverUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    EventStream stream(config);
    QSignalSpy closed(&stream, &EventStream::closed);
    stream.open();
    QTRY_COMPARE_WITH_TIMEOUT(closed.count(), 1, kWaitMs);
    QCOMPARE(closed.at(0).at(0).toInt(), 1006);
    QCOMPARE(closed.at(0).at(1).toString(), QStringLiteral("Connection refused"));
}

void tst_eventstream::clientCloseIsNormal()
{
    LocalServer server;
    QVERIFY(server.listen());
    EventStream stream(configFor(server));
    QSignalSpy opened(&stream, &EventStream::opened);
    QSignalSpy closed(&stream, &EventStream::closed);
    QSignalSpy serverSide(&server, &LocalServer::streamConnected);
    stream.open();
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(serverSide.count(), 1, kWaitMs);
    QCOMPARE(server.clients().size(), 1);
    QWebSocket *peer = server.clients().first();
    QSignalSpy peerClosed(peer, &QWebSocket::disconnected);
    stream.close();
    QTRY_COMPARE_WITH_TIMEOUT(closed.count(), 1, kWaitMs);
    QCOMPARE(closed.at(0).at(0).toInt(), 1000);
    QCOMPARE(closed.at(0).at(1).toString(), QStringLiteral("closed by client"));
    QTRY_COMPARE_WITH_TIMEOUT(peerClosed.count(), 1, kWaitMs);
}

void tst_eventstream::livePeerKeptByKeepalive()
{
    LocalServer server;
    QVERIFY(server.listen());
    ClientConfig config = configFor(server);
    config.pingInterval = std::chrono::milliseconds(100);
    EventStream stream(config);
    QSignalSpy opened(&stream, &EventStream::opened);
    QSignalSpy closed(&stream, &EventStream::closed);
    QSignalSpy pongs(&stream, &EventStream::pong);
    stream.open();
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, kWaitMs);
    // The server (Qt) answers each ping: many intervals pass without a frame, the stream
    // stays open.
    QTRY_VERIFY_WITH_TIMEOUT(pongs.count() >= 5, kWaitMs);
    QCOMPARE(closed.count(), 0);
    QVERIFY(stream.isConnected());
    QVERIFY(pongs.at(0).at(0).toLongLong() >= 0);
}

void tst_eventstream::hungPeerDetectedByKeepalive()
{
    // A peer that completes the handshake, then never answers (a hung process): pings go
    // unanswered, so the stream closes itself after one silent interval.
    LocalServer server;
    QVERIFY(server.listen());
    server.setHangAfterUpgrade(true);
    ClientConfig config = configFor(server);
    config.pingInterval = std::chrono::milliseconds(100);
    EventStream stream(config);
    QSignalSpy opened(&stream, &EventStream::opened);
    QSignalSpy closed(&stream, &EventStream::closed);
    stream.open();
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(closed.count(), 1, kWaitMs);
    QCOMPARE(closed.at(0).at(0).toInt(), 1006);
    QCOMPARE(closed.at(0).at(1).toString(),
             QStringLiteral("server did not answer a ping within 100 ms"));
}

void tst_eventstream::closeToHungPeerCompletes()
{
    // The peer never answers the close frame: closed() still comes, after kCloseTimeout.
    LocalServer server;
    QVERIFY(server.listen());
    server.setHangAfterUpgrade(true);
    ClientConfig config = configFor(server);
    config.pingInterval = std::chrono::milliseconds(0); // keepalive off: only close() acts
    EventStream stream(config);
    QSignalSpy opened(&stream, &EventStream::opened);
    QSignalSpy closed(&stream, &EventStream::closed);
    stream.open();
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, kWaitMs);
    stream.close();
    QTRY_COMPARE_WITH_TIMEOUT(closed.count(), 1, kWaitMs);
    QCOMPARE(closed.at(0).at(0).toInt(), 1000);
    QCOMPARE(closed.at(0).at(1).toString(), QStringLiteral("closed by client"));
    QVERIFY(!stream.isOpen());
}

void tst_eventstream::oversizedFrameCloses()
{
    LocalServer server;
    QVERIFY(server.listen());
    ClientConfig config = configFor(server);
    config.maxFrameBytes = 1024;
    EventStream stream(config);
    QSignalSpy opened(&stream, &EventStream::opened);
    QSignalSpy events(&stream, &EventStream::event);
    QSignalSpy closed(&stream, &EventStream::closed);
    stream.open();
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, kWaitMs);
    server.sendToAll(R"({"type":"instance.state","name":")" + QByteArray(4000, 'x') + R"("})");
    QTRY_COMPARE_WITH_TIMEOUT(closed.count(), 1, kWaitMs);
    QCOMPARE(events.count(), 0);
    QCOMPARE(closed.at(0).at(0).toInt(), 1009);
}

QTEST_GUILESS_MAIN(tst_eventstream)
#include "tst_eventstream.moc"
