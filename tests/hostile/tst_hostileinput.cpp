// Hostile input against the real boilerhouse-server process (watching an in-process Kubernetes
// API simulator over HTTP): malformed and oversized HTTP, broken WebSocket handshakes and
// frames, slowloris and idle connections. Each case checks the answer the limits promise
// (server/http/httplimits.h, server/hub/hubconfig.h, RFC 6455 close codes) and then that the
// server still answers a good request and that /ws still delivers a fresh event.
#include "clusterfixture.h"
#include "eventclient.h"
#include "httpclient.h"
#include "rawwebsocket.h"
#include "serverprocess.h"

#include "http/httplimits.h"
#include "hub/hubconfig.h"

#include <QDeadlineTimer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <memory>
#include <vector>

namespace {

// Generous wait for every expected answer (shared CI cores, sanitizer builds). 20 s.
constexpr int kTimeout = 20'000;
// Slowloris and idle connections wait for the server's request timeout; allow it twice over.
constexpr int kRequestTimeoutWaitMs = int(bh::http::Limits::DefaultRequestTimeout.count()) * 3;
// Idle TCP connections opened at once by manyIdleConnections. 200.
constexpr int kIdleConnections = 200;
// Interval between the bytes a slowloris client trickles. 500 ms.
constexpr int kTrickleIntervalMs = 500;

QByteArray statusLineOf(const QByteArray &answer)
{
    return answer.left(answer.indexOf("\r\n"));
}

} // namespace

class tst_hostileinput : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void malformedRequestIsAnswered_data();
    void malformedRequestIsAnswered();
    void badWebSocketFrameIsClosed_data();
    void badWebSocketFrameIsClosed();
    void fragmentedMessageIsAccepted();
    void slowlorisGets408();
    void manyIdleConnectionsAreClosed();

private:
    // Sends raw bytes on a fresh connection; returns everything read until the server closes.
    QByteArray exchange(const QByteArray &request);
    // The server answers /api/v1/health and a new /ws client receives a fresh event.
    void verifyStillServing();

    ClusterFixture m_cluster;
    ServerProcess m_server;
    HttpClient m_http;
    int m_podCounter = 0;
};

void tst_hostileinput::initTestCase()
{
    QVERIFY(m_cluster.start());
    QProcessEnvironment env = ServerProcess::cleanEnvironment();
    env.insert(QStringLiteral("KUBECONFIG"), m_cluster.kubeconfigPath());
    QVERIFY2(m_server.start({}, env), qPrintable(m_server.errors()));
    QTRY_COMPARE_WITH_TIMEOUT(m_http.get(m_server.url(QStringLiteral("/readyz"))).status, 200,
                              kTimeout);
}

QByteArray tst_hostileinput::exchange(const QByteArray &request)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server.port());
    if (!socket.waitForConnected(kTimeout))
        return {};
    socket.write(request);
    QByteArray answer;
    const QDeadlineTimer deadline(kTimeout);
    while (socket.state() == QAbstractSocket::ConnectedState && !deadline.hasExpired()) {
        socket.waitForReadyRead(50);
        answer += socket.readAll();
        // Keep-alive answers (the server may keep the connection): a complete head is enough.
        if (answer.contains("\r\n\r\n") && !answer.startsWith("HTTP/1.1 4")
            && !answer.startsWith("HTTP/1.1 5"))
            break;
    }
    answer += socket.readAll();
    return answer;
}

void tst_hostileinput::verifyStillServing()
{
    const auto health = m_http.get(m_server.url(QStringLiteral("/api/v1/health")));
    QCOMPARE(health.status, 200);

    EventClient client;
    client.open(m_server.wsUrl());
    QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), kTimeout);
    const QString pod = QStringLiteral("hostile-agent-t%1-0000abcd").arg(++m_podCounter);
    m_cluster.createPod(pod, QStringLiteral("hostile-agent"), QStringLiteral("t"),
                        QStringLiteral("Pending"));
    QTRY_VERIFY_WITH_TIMEOUT(client.fold().pods.contains(pod), kTimeout);
    QCOMPARE(client.invalidFrames(), 0);
}

void tst_hostileinput::malformedRequestIsAnswered_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("status");

    const QByteArray upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
    const QByteArray key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    QTest::newRow("garbage") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n")
                             << QByteArray("400");
    // server/http answers every malformed request line 400 (505 would be more precise).
    QTest::newRow("badHttpVersion")
        << QByteArray("GET / HTTP/7.3\r\nHost: x\r\n\r\n") << QByteArray("400");
    QTest::newRow("notHttp") << QByteArray("GET / FTP/1.1\r\nHost: x\r\n\r\n") << QByteArray("400");
    QTest::newRow("badHeaderLine")
        << QByteArray("GET / HTTP/1.1\r\nno colon here\r\n\r\n") << QByteArray("400");
    QTest::newRow("contentLengthNotANumber")
        << QByteArray("POST /api/v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n")
        << QByteArray("400");
    QTest::newRow("badChunkSize") << QByteArray(
        "POST /api/v1/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        "\r\nzz\r\nhello\r\n0\r\n\r\n")
                                  << QByteArray("400");
    QTest::newRow("oversizedHead")
        << ("GET / HTTP/1.1\r\nHost: x\r\nX-Big: "
            + QByteArray(qsizetype(bh::http::Limits::DefaultMaxHeadBytes) + 1024, 'a') + "\r\n\r\n")
        << QByteArray("431");
    QTest::newRow("oversizedUrl")
        << ("GET /" + QByteArray(qsizetype(bh::http::Limits::DefaultMaxUrlBytes) + 16, 'u')
            + " HTTP/1.1\r\nHost: x\r\n\r\n")
        << QByteArray("414");
    QTest::newRow("oversizedBodyAnnounced")
        << ("POST /api/v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: "
            + QByteArray::number(quint64(bh::http::Limits::DefaultMaxBodyBytes) + 1) + "\r\n\r\n")
        << QByteArray("413");
    QTest::newRow("missingWebSocketKey")
        << ("GET /ws HTTP/1.1\r\nHost: x\r\n" + upgrade + "Sec-WebSocket-Version: 13\r\n\r\n")
        << QByteArray("400");
    QTest::newRow("badWebSocketVersion")
        << ("GET /ws HTTP/1.1\r\nHost: x\r\n" + upgrade + key + "Sec-WebSocket-Version: 8\r\n\r\n")
        << QByteArray("426");
    QTest::newRow("oversizedWebSocketKey")
        << ("GET /ws HTTP/1.1\r\nHost: x\r\n" + upgrade + "Sec-WebSocket-Key: "
            + QByteArray(qsizetype(bh::hub::HubConfig::DefaultMaxHandshakeBytes), 'k')
            + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
        << QByteArray("431");
}

void tst_hostileinput::malformedRequestIsAnswered()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, status);
    const QByteArray answer = exchange(request);
    QVERIFY2(
        statusLineOf(answer).startsWith("HTTP/1.1 " + status),
        qPrintable(QStringLiteral("expected %1, got: %2")
                       .arg(QString::fromLatin1(status), QString::fromLatin1(answer.left(300)))));
    verifyStillServing();
}

void tst_hostileinput::badWebSocketFrameIsClosed_data()
{
    QTest::addColumn<int>("opcode");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<bool>("masked");
    QTest::addColumn<bool>("headerOnlyLength");
    QTest::addColumn<int>("closeCode");

    // RFC 6455 7.4.1: 1002 protocol error, 1007 invalid payload data, 1009 message too big.
    QTest::newRow("unmaskedClientFrame") << 0x1 << QByteArray("hello") << false << false << 1002;
    QTest::newRow("invalidUtf8Text")
        << 0x1 << QByteArray("\xc3\x28\xff\xfe") << true << false << 1007;
    QTest::newRow("orphanContinuation") << 0x0 << QByteArray("tail") << true << false << 1002;
    QTest::newRow("reservedOpcode") << 0x3 << QByteArray("x") << true << false << 1002;
    QTest::newRow("oversizedControlFrame") << 0x9 << QByteArray(200, 'p') << true << false << 1002;
    QTest::newRow("oversizedMessage") << 0x2 << QByteArray() << true << true << 1009;
}

void tst_hostileinput::badWebSocketFrameIsClosed()
{
    QFETCH(int, opcode);
    QFETCH(QByteArray, payload);
    QFETCH(bool, masked);
    QFETCH(bool, headerOnlyLength);
    QFETCH(int, closeCode);

    RawWebSocket ws;
    QVERIFY2(ws.open(m_server.port(), kTimeout), qPrintable(ws.errorString()));
    if (headerOnlyLength)
        ws.sendHeaderOnly(opcode, quint64(bh::hub::HubConfig::DefaultMaxIncomingMessageBytes) * 16);
    else
        ws.sendFrame(opcode, payload, true, masked);
    const auto close = ws.waitForFrame(0x8, kTimeout);
    QVERIFY2(close, "the server sent no close frame");
    QCOMPARE(close->closeCode(), closeCode);
    QVERIFY(ws.waitForDisconnected(kTimeout));
    verifyStillServing();
}

void tst_hostileinput::fragmentedMessageIsAccepted()
{
    // A client message in three fragments with a ping between them (control frames may be
    // interleaved, RFC 6455 5.4): the server answers the ping and does not close.
    RawWebSocket ws;
    QVERIFY2(ws.open(m_server.port(), kTimeout), qPrintable(ws.errorString()));
    ws.sendFrame(0x1, "{\"hel", false);
    ws.sendFrame(0x0, "lo\":", false);
    ws.sendFrame(0x9, "mid-ping");
    ws.sendFrame(0x0, "1}", true);
    const auto pong = ws.waitForFrame(0xA, kTimeout);
    QVERIFY2(pong, "no pong: the connection was closed after a fragmented message");
    QCOMPARE(pong->payload, QByteArray("mid-ping"));
    ws.sendFrame(0x9, "after");
    const auto pong2 = ws.waitForFrame(0xA, kTimeout);
    QVERIFY(pong2);
    QCOMPARE(pong2->payload, QByteArray("after"));
    verifyStillServing();
}

void tst_hostileinput::slowlorisGets408()
{
    // The head is trickled one byte per kTrickleIntervalMs: it never completes within the
    // request timeout (default 10 s), so the server answers 408 and closes.
    const QByteArray head =
        "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: " + QByteArray(200, 's') + "\r\n\r\n";
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server.port());
    QVERIFY(socket.waitForConnected(kTimeout));
    qsizetype sent = 0;
    QTimer trickle;
    connect(&trickle, &QTimer::timeout, &socket, [&] {
        if (sent < head.size() && socket.state() == QAbstractSocket::ConnectedState)
            socket.write(head.mid(sent++, 1));
    });
    trickle.start(kTrickleIntervalMs);
    QByteArray answer;
    connect(&socket, &QTcpSocket::readyRead, &socket, [&] { answer += socket.readAll(); });
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState,
                              kRequestTimeoutWaitMs);
    answer += socket.readAll();
    QVERIFY2(answer.startsWith("HTTP/1.1 408"), answer.left(200).constData());
    QVERIFY(sent < head.size());
    verifyStillServing();
}

void tst_hostileinput::manyIdleConnectionsAreClosed()
{
    std::vector<std::unique_ptr<QTcpSocket>> idle;
    for (int i = 0; i < kIdleConnections; ++i) {
        idle.push_back(std::make_unique<QTcpSocket>());
        idle.back()->connectToHost(QHostAddress::LocalHost, m_server.port());
    }
    for (const auto &s : idle)
        QVERIFY(s->waitForConnected(kTimeout));
    // While they sit there, the server serves others.
    verifyStillServing();
    // The server closes connections that never send a request (request timeout).
    const auto allClosed = [&] {
        for (const auto &s : idle)
            if (s->state() != QAbstractSocket::UnconnectedState)
                return false;
        return true;
    };
    QTRY_VERIFY_WITH_TIMEOUT(allClosed(), kRequestTimeoutWaitMs);
    verifyStillServing();
}

QTEST_GUILESS_MAIN(tst_hostileinput)
#include "tst_hostileinput.moc"
