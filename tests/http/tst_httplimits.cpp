#include "http/httplimits.h"
#include "http/httpresponder.h"
#include "http/httpresponse.h"
#include "http/httpserver.h"

#include "echoserver.h"
#include "rawclient.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <vector>

using namespace bh::http;
using namespace std::chrono_literals;

namespace {
constexpr int Timeout = 10000; // generous: the CI machine is shared

// Small limits so that each row stays small.
Limits smallLimits()
{
    Limits l;
    l.maxHeadBytes = 1024;
    l.maxUrlBytes = 256;
    l.maxBodyBytes = 1000;
    return l;
}

QByteArray chunked(const QByteArray &data, int pieceSize)
{
    QByteArray out;
    for (qsizetype i = 0; i < data.size(); i += pieceSize) {
        const QByteArray piece = data.mid(i, pieceSize);
        out += QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n";
    }
    return out + "0\r\n\r\n";
}

// Checks the shape of every error the layer answers itself.
void verifyJsonError(const RawClient::Response &r, int status)
{
    QCOMPARE(r.status, status);
    QCOMPARE(r.header("content-type"), QByteArray("application/json"));
    QCOMPARE(r.header("connection"), QByteArray("close"));
    const QJsonObject body = QJsonDocument::fromJson(r.body).object();
    QVERIFY2(!body.value(QStringLiteral("error")).toString().isEmpty(), r.body.constData());
}
} // namespace

class tst_httplimits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rejectsBadRequests_data();
    void rejectsBadRequests();
    void errorFollowsEarlierPipelinedResponses();
    void acceptsRequestsJustWithinLimits();
    void slowHeadGets408();
    void slowBodyGets408();
    void silentConnectionClosedAfterRequestTimeout();
    void idleKeepAliveConnectionClosed();
    void deferredAnswerOutlivesTimeouts();
    void tooManyConnectionsGet503();
    void pipeliningReadsAtMostLimitAhead();
    void resumesAcceptingAfterRunningOutOfDescriptors();
    void survivesRandomBytes();
    void parsesRequestSplitAnywhere_data();
    void parsesRequestSplitAnywhere();
};

void tst_httplimits::rejectsBadRequests_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");

    const Limits l = smallLimits();
    QTest::newRow("head too large")
        << "GET / HTTP/1.1\r\nX-Big: " + QByteArray(int(l.maxHeadBytes), 'a') + "\r\n\r\n"
        << 431;
    QTest::newRow("head too large, unterminated")
        << "GET / HTTP/1.1\r\nX-Big: " + QByteArray(int(l.maxHeadBytes), 'a') << 431;
    QTest::newRow("many small headers") << [] {
        QByteArray r = "GET / HTTP/1.1\r\n";
        for (int i = 0; i < 200; ++i)
            r += "X-" + QByteArray::number(i) + ": v\r\n";
        return r + "\r\n";
    }() << 431;
    QTest::newRow("url too long") << "GET /" + QByteArray(int(l.maxUrlBytes) + 1, 'u')
            + " HTTP/1.1\r\n\r\n" << 414;
    QTest::newRow("url too long, request line unfinished")
        << "GET /" + QByteArray(int(l.maxUrlBytes) + 100, 'u') << 414;
    QTest::newRow("content-length too large")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1001\r\n\r\n") << 413;
    QTest::newRow("content-length too large, body sent")
        << "POST / HTTP/1.1\r\nContent-Length: 50000\r\n\r\n" + QByteArray(50000, 'b') << 413;
    QTest::newRow("chunked body too large")
        << "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            + chunked(QByteArray(40000, 'c'), 300)
        << 413;
    QTest::newRow("garbage") << QByteArray("\x16\x03\x01\x02\x00garbage\r\n\r\n", 16) << 400;
    QTest::newRow("unknown method") << QByteArray("FROB / HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("HTTP/2.0 version") << QByteArray("GET / HTTP/2.0\r\n\r\n") << 400;
    QTest::newRow("non-numeric version") << QByteArray("GET / HTTP/x.y\r\n\r\n") << 400;
    QTest::newRow("HTTP/0.9 request line") << QByteArray("GET /\r\n\r\n") << 400;
    QTest::newRow("bad chunk size") << QByteArray(
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n")
                                    << 400;
    QTest::newRow("slash in header name")
        << QByteArray("GET / HTTP/1.1\r\nBad/Name: x\r\n\r\n") << 400;
    QTest::newRow("space in header name")
        << QByteArray("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n") << 400;
    QTest::newRow("control char in header value")
        << QByteArray("GET / HTTP/1.1\r\nX-A: a\x01z\r\n\r\n") << 400;
    QTest::newRow("non-numeric content-length")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 12x\r\n\r\n") << 400;
    QTest::newRow("content-length with chunked (smuggling)") << QByteArray(
        "POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                                                             << 400;
    QTest::newRow("two content-lengths")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab") << 400;
    QTest::newRow("websocket upgrade with a body")
        << QByteArray("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Content-Length: 3\r\n\r\nabc")
        << 400;
}

void tst_httplimits::rejectsBadRequests()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    EchoServer echo(smallLimits());
    RawClient client;
    client.connectTo(echo.port());
    client.write(request);
    RawClient::Response r;
    QVERIFY(client.waitForResponse(&r));
    verifyJsonError(r, status);
    QCOMPARE(echo.seen.size(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(client.isClosedByPeer(), Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(echo.server.connectionCount(), 0, Timeout);
    // The server goes on serving.
    RawClient next;
    next.connectTo(echo.port());
    next.write("GET /ok HTTP/1.1\r\n\r\n");
    QVERIFY(next.waitForResponse(&r));
    QCOMPARE(r.body, QByteArray("GET /ok"));
}

void tst_httplimits::errorFollowsEarlierPipelinedResponses()
{
    EchoServer echo;
    RawClient client;
    client.connectTo(echo.port());
    client.write("GET /defer HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\nNOT HTTP AT ALL\r\n\r\nGET "
                 "/never HTTP/1.1\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(echo.seen.size(), 2, Timeout);
    echo.deferred.first()->send(Response(200, "a"));
    RawClient::Response r1, r2, r3;
    QVERIFY(client.waitForResponse(&r1));
    QVERIFY(client.waitForResponse(&r2));
    QVERIFY(client.waitForResponse(&r3));
    QCOMPARE(r1.body, QByteArray("a"));
    QCOMPARE(r2.body, QByteArray("GET /b"));
    verifyJsonError(r3, 400);
    QTRY_VERIFY_WITH_TIMEOUT(client.isClosedByPeer(), Timeout);
    QCOMPARE(echo.seen.size(), 2);
}

void tst_httplimits::acceptsRequestsJustWithinLimits()
{
    const Limits l = smallLimits();
    EchoServer echo(l);
    RawClient client;
    client.connectTo(echo.port());
    const QByteArray path = "/" + QByteArray(int(l.maxUrlBytes) - 1, 'u');
    QByteArray request = "POST " + path + " HTTP/1.1\r\nContent-Length: 1000\r\n";
    request += "X-Pad: ";
    request += QByteArray(int(l.maxHeadBytes) - request.size() - 4, 'p');
    request += "\r\n\r\n";
    QCOMPARE(std::size_t(request.size()), l.maxHeadBytes);
    client.write(request + QByteArray(1000, 'b'));
    RawClient::Response r;
    QVERIFY(client.waitForResponse(&r));
    QCOMPARE(r.status, 200);
    QCOMPARE(echo.seen.first().body().size(), 1000);
    QCOMPARE(echo.seen.first().target(), path);
}

void tst_httplimits::slowHeadGets408()
{
    Limits l;
    l.requestTimeout = 400ms;
    EchoServer echo(l);
    RawClient client;
    client.connectTo(echo.port());
    QElapsedTimer elapsed;
    elapsed.start();
    client.write("GET /slow HTTP/1.1\r\n");
    // Slowloris: a header line every 100 ms keeps bytes coming, but the head never ends.
    QTimer trickle;
    int lines = 0;
    QObject::connect(&trickle, &QTimer::timeout,
                     [&] { client.write("X-" + QByteArray::number(++lines) + ": v\r\n"); });
    trickle.start(100);
    RawClient::Response r;
    QVERIFY(client.waitForResponse(&r));
    trickle.stop();
    verifyJsonError(r, 408);
    QVERIFY(elapsed.elapsed() >= 350); // coarse timer: within 5 %
    QVERIFY(lines >= 1); // bytes kept coming: the timeout is not an idle timeout
    QCOMPARE(echo.seen.size(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(client.isClosedByPeer(), Timeout);
}

void tst_httplimits::slowBodyGets408()
{
    Limits l;
    l.requestTimeout = 300ms;
    EchoServer echo(l);
    RawClient client;
    client.connectTo(echo.port());
    client.write("POST /p HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
    RawClient::Response r;
    QVERIFY(client.waitForResponse(&r));
    verifyJsonError(r, 408);
    QCOMPARE(echo.seen.size(), 0);
}

void tst_httplimits::silentConnectionClosedAfterRequestTimeout()
{
    Limits l;
    l.requestTimeout = 300ms;
    EchoServer echo(l);
    RawClient client;
    client.connectTo(echo.port());
    QTRY_COMPARE_WITH_TIMEOUT(echo.server.connectionCount(), 1, Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(client.isClosedByPeer(), Timeout);
    QVERIFY(client.received().isEmpty()); // nothing was asked: no 408, just closed
    QTRY_COMPARE_WITH_TIMEOUT(echo.server.connectionCount(), 0, Timeout);
}

void tst_httplimits::idleKeepAliveConnectionClosed()
{
    Limits l;
    l.keepAliveTimeout = 300ms;
    EchoServer echo(l);
    RawClient client;
    client.connectTo(echo.port());
    client.write("GET /a HTTP/1.1\r\n\r\n");
    RawClient::Response r;
    QVERIFY(client.waitForResponse(&r));
    QTRY_VERIFY_WITH_TIMEOUT(client.isClosedByPeer(), Timeout);
    QVERIFY(client.received().isEmpty());
}

void tst_httplimits::deferredAnswerOutlivesTimeouts()
{
    Limits l;
    l.keepAliveTimeout = 200ms;
    l.requestTimeout = 200ms;
    EchoServer echo(l);
    RawClient client;
    client.connectTo(echo.port());
    client.write("GET /defer HTTP/1.1\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(echo.deferred.size(), 1, Timeout);
    // Answer after both timeouts have passed: a request being answered is never cut.
    QPointer<Responder> responder = echo.deferred.first();
    QTimer::singleShot(600, [responder] {
        if (responder)
            responder->send(Response(200, "late"));
    });
    RawClient::Response r;
    QVERIFY(client.waitForResponse(&r));
    QCOMPARE(r.body, QByteArray("late"));
}

void tst_httplimits::tooManyConnectionsGet503()
{
    Limits l;
    l.maxConnections = 2;
    EchoServer echo(l);
    auto a = std::make_unique<RawClient>();
    RawClient b;
    a->connectTo(echo.port());
    b.connectTo(echo.port());
    QTRY_COMPARE_WITH_TIMEOUT(echo.server.connectionCount(), 2, Timeout);
    RawClient c;
    c.connectTo(echo.port());
    RawClient::Response r;
    QVERIFY(c.waitForResponse(&r));
    verifyJsonError(r, 503);
    QTRY_VERIFY_WITH_TIMEOUT(c.isClosedByPeer(), Timeout);
    QCOMPARE(echo.server.connectionCount(), 2);
    a.reset();
    QTRY_COMPARE_WITH_TIMEOUT(echo.server.connectionCount(), 1, Timeout);
    RawClient d;
    d.connectTo(echo.port());
    d.write("GET /d HTTP/1.1\r\n\r\n");
    QVERIFY(d.waitForResponse(&r));
    QCOMPARE(r.body, QByteArray("GET /d"));
}

void tst_httplimits::pipeliningReadsAtMostLimitAhead()
{
    Limits l;
    l.maxPipelinedRequests = 1;
    EchoServer echo(l);
    RawClient client;
    client.connectTo(echo.port());
    client.write("GET /defer1 HTTP/1.1\r\n\r\nGET /defer2 HTTP/1.1\r\n\r\n"
                 "GET /defer3 HTTP/1.1\r\n\r\nGET /defer4 HTTP/1.1\r\n\r\n");
    // The one being answered plus one read ahead; the rest waits in the socket.
    QTRY_COMPARE_WITH_TIMEOUT(echo.seen.size(), 2, Timeout);
    QCOMPARE(echo.deferred.size(), 2);
    echo.deferred.at(0)->send(Response(200, "1"));
    QCOMPARE(echo.seen.size(), 3);
    echo.deferred.at(1)->send(Response(200, "2"));
    echo.deferred.at(2)->send(Response(200, "3"));
    QCOMPARE(echo.seen.size(), 4);
    echo.deferred.at(3)->send(Response(200, "4"));
    QByteArray bodies;
    for (int i = 0; i < 4; ++i) {
        RawClient::Response r;
        QVERIFY(client.waitForResponse(&r));
        bodies += r.body;
    }
    QCOMPARE(bodies, QByteArray("1234"));
}

namespace {
std::atomic<bool> g_acceptFailed { false };
QtMessageHandler g_previousHandler = nullptr;
void watchAcceptFailures(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (message.contains(QLatin1String("accept failed")))
        g_acceptFailed = true;
    else if (g_previousHandler)
        g_previousHandler(type, context, message);
}
} // namespace

void tst_httplimits::resumesAcceptingAfterRunningOutOfDescriptors()
{
    // QTcpServer stops accepting for good on EMFILE; the layer must resume by itself.
    EchoServer echo;
    RawClient::Response r;
    rlimit saved {};
    QVERIFY(getrlimit(RLIMIT_NOFILE, &saved) == 0);
    // Fill every descriptor hole, then leave exactly one free slot under a lowered limit.
    int highest = -1;
    const QStringList open = QDir(QStringLiteral("/proc/self/fd"))
                                 .entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot);
    for (const QString &name : open)
        highest = std::max(highest, name.toInt());
    QVERIFY(highest >= 0);
    std::vector<int> fillers;
    int last = -1;
    while (last <= highest) { // fills every hole below `highest`, then one more
        last = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        QVERIFY(last >= 0);
        fillers.push_back(last);
    }
    fillers.pop_back();
    ::close(last);
    rlimit lowered = saved;
    lowered.rlim_cur = rlim_t(last) + 1; // fd `last` is the only one left
    QVERIFY(setrlimit(RLIMIT_NOFILE, &lowered) == 0);
    g_acceptFailed = false;
    g_previousHandler = qInstallMessageHandler(watchAcceptFailures);

    RawClient client; // takes the last descriptor; the server's accept() gets EMFILE
    client.connectTo(echo.port());
    client.write("GET /late HTTP/1.1\r\n\r\n");
    const bool failed = QTest::qWaitFor([] { return g_acceptFailed.load(); }, Timeout);

    qInstallMessageHandler(g_previousHandler);
    setrlimit(RLIMIT_NOFILE, &saved);
    for (const int fd : fillers)
        ::close(fd);
    QVERIFY2(failed, "accept() never ran out of descriptors");
    // Descriptors are back: the server resumes accepting and answers.
    QVERIFY(client.waitForResponse(&r));
    QCOMPARE(r.body, QByteArray("GET /late"));
}

void tst_httplimits::survivesRandomBytes()
{
    EchoServer echo(smallLimits());
    auto *rng = QRandomGenerator::global();
    const quint32 seed = rng->generate();
    qInfo("seed %u", seed);
    QRandomGenerator gen(seed);
    constexpr int Clients = 40;
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < Clients; ++i) {
        auto client = std::make_unique<RawClient>();
        client->connectTo(echo.port());
        QByteArray bytes(int(gen.bounded(1, 3000)), Qt::Uninitialized);
        for (char &ch : bytes)
            ch = char(gen.bounded(256));
        if (i % 2) // half of them look like the start of a request
            bytes.prepend("POST /x HTTP/1.1\r\n");
        client->write(bytes);
        clients.push_back(std::move(client));
    }
    for (auto &client : clients)
        QTRY_VERIFY_WITH_TIMEOUT(
            client->isClosedByPeer()
                || (client->isConnected() && client->socket()->bytesToWrite() == 0),
            Timeout);
    clients.clear();
    QTRY_COMPARE_WITH_TIMEOUT(echo.server.connectionCount(), 0, Timeout);
    RawClient good;
    good.connectTo(echo.port());
    good.write("GET /alive HTTP/1.1\r\n\r\n");
    RawClient::Response r;
    QVERIFY(good.waitForResponse(&r));
    QCOMPARE(r.body, QByteArray("GET /alive"));
}

void tst_httplimits::parsesRequestSplitAnywhere_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("get") << QByteArray("GET /split?q=1 HTTP/1.1\r\nHost: h\r\nX-A: b\r\n\r\n")
                         << QByteArray();
    QTest::newRow("content-length") << QByteArray(
        "POST /split HTTP/1.1\r\nContent-Length: 26\r\n\r\nabcdefghijklmnopqrstuvwxyz")
                                    << QByteArray("abcdefghijklmnopqrstuvwxyz");
    QTest::newRow("chunked") << "POST /split HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            + chunked("abcdefghijklmnopqrstuvwxyz", 7)
                             << QByteArray("abcdefghijklmnopqrstuvwxyz");
    QTest::newRow("lf only") << QByteArray("GET /split HTTP/1.1\nHost: h\n\n") << QByteArray();
}

void tst_httplimits::parsesRequestSplitAnywhere()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, body);
    EchoServer echo;
    RawClient client;
    client.connectTo(echo.port());
    QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), Timeout);
    QRandomGenerator gen(quint32(request.size()));
    constexpr int Rounds = 8;
    for (int round = 0; round < Rounds; ++round) {
        // Two pipelined copies, cut into random pieces, each piece its own TCP write.
        const QByteArray twice = request + request;
        qsizetype pos = 0;
        while (pos < twice.size()) {
            const qsizetype n = std::min<qsizetype>(twice.size() - pos, gen.bounded(1, 12));
            client.write(twice.mid(pos, n));
            pos += n;
            QTRY_VERIFY_WITH_TIMEOUT(client.socket()->bytesToWrite() == 0, Timeout);
        }
        for (int i = 0; i < 2; ++i) {
            RawClient::Response r;
            QVERIFY(client.waitForResponse(&r));
            QCOMPARE(r.status, 200);
            QCOMPARE(r.body, QByteArray(echo.seen.last().methodName() + " /split"));
        }
    }
    QCOMPARE(echo.seen.size(), 2 * Rounds);
    for (const Request &req : std::as_const(echo.seen)) {
        QCOMPARE(req.path(), QStringLiteral("/split"));
        QCOMPARE(req.body(), body);
    }
}

QTEST_GUILESS_MAIN(tst_httplimits)
#include "tst_httplimits.moc"
