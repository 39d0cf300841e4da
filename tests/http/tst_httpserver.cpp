#include "http/httprequest.h"
#include "http/httpresponder.h"
#include "http/httpresponse.h"
#include "http/httpserver.h"

#include "echoserver.h"
#include "rawclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace bh::http;

namespace {
constexpr int Timeout = 10000; // generous: the CI machine is shared
}

class tst_httpserver : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void answersGet();
    void parsesRequestFields();
    void readsRequestBody_data();
    void readsRequestBody();
    void chunkedTrailersJoinHeaders();
    void keepAliveReusesConnection();
    void pipelinedDeferredResponsesKeepRequestOrder();
    void streamsChunksIncrementally();
    void emitsDisconnectedWhenPeerLeaves();
    void closeAllConnectionsAbortsStreams();
    void headIsAnsweredWithoutBody();
    void noContentHasNoBodyOrLength();
    void connectionPersistence_data();
    void connectionPersistence();
    void streamToHttp10IsRawAndCloses();
    void continues100ForExpectingClient();
    void pausedServerReadsNothingUntilResumed();
    void backpressureThenWritable();
    void abortBreaksStream();
    void handlerMayCloseEverything();
    void deletingQueuedResponderAbortsConnection();
};

void tst_httpserver::answersGet()
{
    EchoServer echo;
    Server *server = &echo.server;
    RawClient client;
    client.connectTo(server->serverPort());
    client.write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    RawClient::Response r;
    QVERIFY(client.waitForResponse(&r));
    QCOMPARE(r.statusLine, QByteArray("HTTP/1.1 200 OK"));
    QCOMPARE(r.body, QByteArray("GET /hello"));
    QCOMPARE(r.header("content-length"), QByteArray("10"));
    QCOMPARE(r.header("content-type"), QByteArray("text/plain"));
    QVERIFY(r.header("date").endsWith("GMT"));
    QCOMPARE(server->requestsServed(), quint64(1));
    QCOMPARE(server->connectionCount(), 1);
}

void tst_httpserver::parsesRequestFields()
{
    EchoServer echo;
    Server *server = &echo.server;
    RawClient client;
    client.connectTo(server->serverPort());
    client.write("DELETE /a%20b/c?x=1&y=two%20words HTTP/1.0\r\nX-One: first \r\n"
                 "x-one: second\r\nConnection: keep-alive\r\n\r\n");
    RawClient::Response r;
    QVERIFY(client.waitForResponse(&r));
    QCOMPARE(echo.seen.size(), 1);
    const Request &req = echo.seen.first();
    QCOMPARE(req.method(), Request::Method::Delete);
    QCOMPARE(req.methodName(), QByteArray("DELETE"));
    QCOMPARE(req.target(), QByteArray("/a%20b/c?x=1&y=two%20words"));
    QCOMPARE(req.path(), QStringLiteral("/a b/c"));
    QCOMPARE(req.query().queryItemValue(QStringLiteral("y"), QUrl::FullyDecoded),
             QStringLiteral("two words"));
    QCOMPARE(req.httpMajor(), 1);
    QCOMPARE(req.httpMinor(), 0);
    QCOMPARE(req.header("x-ONE"), QByteArray("first"));
    QCOMPARE(req.headers().size(), 3);
    QVERIFY(req.wantsKeepAlive());
    QCOMPARE(req.peerAddress(), QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(r.header("connection"), QByteArray("keep-alive"));
}

void tst_httpserver::readsRequestBody_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("content-length")
        << QByteArray("POST /p HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world")
        << QByteArray("hello world");
    QTest::newRow("chunked") << QByteArray(
        "POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n "
        "world\r\n0\r\n\r\n") << QByteArray("hello world");
    QTest::newRow("empty") << QByteArray("POST /p HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
                           << QByteArray();
    QTest::newRow("large") << QByteArray("PUT /p HTTP/1.1\r\nContent-Length: 300000\r\n\r\n"
                                         + QByteArray(300000, 'z'))
                           << QByteArray(300000, 'z');
}

void tst_httpserver::readsRequestBody()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, body);
    EchoServer echo;
    Server *server = &echo.server;
    RawClient client;
    client.connectTo(server->serverPort());
    client.write(request);
    RawClient::Response r;
    QVERIFY(client.waitForResponse(&r));
    QCOMPARE(r.status, 200);
    QCOMPARE(echo.seen.size(), 1);
    QCOMPARE(echo.seen.first().body(), body);
}

void tst_httpserver::chunkedTrailersJoinHeaders()
{
    EchoServer echo;
    RawClient client;
    client.connectTo(echo.port());
    client.write("POST /t HTTP/1.1\r\nTransfer-Encoding: chunked\r\nX-Head: h\r\n\r\n"
                 "3\r\nabc\r\n0\r\nX-Trailer: t1\r\nX-Other: t2\r\n\r\n");
    RawClient::Response r;
    QVERIFY(client.waitForResponse(&r));
    QCOMPARE(r.status, 200);
    const Request &req = echo.seen.first();
    QCOMPARE(req.body(), QByteArray("abc"));
    QCOMPARE(req.header("x-head"), QByteArray("h"));
    QCOMPARE(req.header("x-trailer"), QByteArray("t1"));
    QCOMPARE(req.header("x-other"), QByteArray("t2"));
}

void tst_httpserver::keepAliveReusesConnection()
{
    EchoServer echo;
    Server *server = &echo.server;
    RawClient client;
    client.connectTo(server->serverPort());
    for (int i = 0; i < 5; ++i) {
        client.write("GET /n" + QByteArray::number(i) + " HTTP/1.1\r\n\r\n");
        RawClient::Response r;
        QVERIFY(client.waitForResponse(&r));
        QCOMPARE(r.body, "GET /n" + QByteArray::number(i));
        QVERIFY(client.isConnected());
    }
    QCOMPARE(server->connectionCount(), 1);
    QCOMPARE(server->requestsServed(), quint64(5));
}

void tst_httpserver::pipelinedDeferredResponsesKeepRequestOrder()
{
    EchoServer echo;
    Server *server = &echo.server;
    RawClient client;
    client.connectTo(server->serverPort());
    client.write(
        "GET /defer1 HTTP/1.1\r\n\r\nGET /defer2 HTTP/1.1\r\n\r\nGET /now HTTP/1.1\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(echo.seen.size(), 3, Timeout);
    QCOMPARE(echo.deferred.size(), 2);
    // Answer the second deferred one first: nothing may be written before the first.
    echo.deferred.at(1)->send(Response(200, "second"));
    QVERIFY(echo.deferred.at(1)->isFinished());
    QVERIFY(echo.deferred.at(1)->bytesToWrite() > 0); // held back behind the first
    QVERIFY(client.received().isEmpty());
    echo.deferred.at(0)->send(Response(200, "first"));
    RawClient::Response r1, r2, r3;
    QVERIFY(client.waitForResponse(&r1));
    QVERIFY(client.waitForResponse(&r2));
    QVERIFY(client.waitForResponse(&r3));
    QCOMPARE(r1.body, QByteArray("first"));
    QCOMPARE(r2.body, QByteArray("second"));
    QCOMPARE(r3.body, QByteArray("GET /now"));
    // Finished responders are deleted later: handlers must hold QPointer.
    QTRY_VERIFY_WITH_TIMEOUT(echo.deferred.at(0).isNull() && echo.deferred.at(1).isNull(), Timeout);
}

void tst_httpserver::streamsChunksIncrementally()
{
    EchoServer echo;
    Server *server = &echo.server;
    RawClient client;
    client.connectTo(server->serverPort());
    client.write("GET /defer-stream HTTP/1.1\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(echo.deferred.size(), 1, Timeout);
    QPointer<Responder> stream = echo.deferred.first();
    stream->beginStream(200, { { "Content-Type", "application/json" } });
    QVERIFY(stream->isStreaming());
    QTRY_VERIFY_WITH_TIMEOUT(client.received().contains("Transfer-Encoding: chunked\r\n"), Timeout);
    QVERIFY(client.received().endsWith("\r\n\r\n"));
    for (int i = 0; i < 3; ++i) {
        const QByteArray line = "{\"n\":" + QByteArray::number(i) + "}\n";
        QVERIFY(stream->writeChunk(line));
        // Each chunk arrives on its own, before the stream ends.
        QTRY_VERIFY_WITH_TIMEOUT(client.received().endsWith(QByteArray::number(line.size(), 16)
                                                            + "\r\n" + line + "\r\n"),
                                 Timeout);
    }
    QVERIFY(stream->writeChunk(QByteArray())); // ignored
    stream->endStream();
    QVERIFY(!stream->writeChunk("late"));
    RawClient::Response r;
    QVERIFY(client.waitForResponse(&r));
    QVERIFY(r.chunked);
    QCOMPARE(r.body, QByteArray("{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n"));
    // The connection goes on with the next request.
    client.write("GET /after HTTP/1.1\r\n\r\n");
    QVERIFY(client.waitForResponse(&r));
    QCOMPARE(r.body, QByteArray("GET /after"));
}

void tst_httpserver::emitsDisconnectedWhenPeerLeaves()
{
    EchoServer echo;
    Server *server = &echo.server;
    QSignalSpy counts(server, &Server::connectionCountChanged);
    auto client = std::make_unique<RawClient>();
    client->connectTo(server->serverPort());
    client->write("GET /defer HTTP/1.1\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(echo.deferred.size(), 1, Timeout);
    QPointer<Responder> pending = echo.deferred.first();
    QSignalSpy gone(pending.data(), &Responder::disconnected);
    client.reset();
    QTRY_COMPARE_WITH_TIMEOUT(gone.size(), 1, Timeout);
    QVERIFY(!pending || pending->isFinished());
    QTRY_COMPARE_WITH_TIMEOUT(server->connectionCount(), 0, Timeout);
    QCOMPARE(counts.last().at(0).toInt(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(pending.isNull(), Timeout);
}

void tst_httpserver::closeAllConnectionsAbortsStreams()
{
    EchoServer echo;
    Server *server = &echo.server;
    RawClient a, b;
    a.connectTo(server->serverPort());
    b.connectTo(server->serverPort());
    a.write("GET /defer-a HTTP/1.1\r\n\r\n");
    b.write("GET /defer-b HTTP/1.1\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(echo.deferred.size(), 2, Timeout);
    echo.deferred.at(0)->beginStream(200, {});
    QSignalSpy goneA(echo.deferred.at(0).data(), &Responder::disconnected);
    QSignalSpy goneB(echo.deferred.at(1).data(), &Responder::disconnected);
    server->closeAllConnections();
    QCOMPARE(goneA.size(), 1);
    QCOMPARE(goneB.size(), 1);
    QCOMPARE(server->connectionCount(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(a.isClosedByPeer() && b.isClosedByPeer(), Timeout);
    QVERIFY(server->isListening());
}

void tst_httpserver::headIsAnsweredWithoutBody()
{
    EchoServer echo;
    RawClient client;
    client.connectTo(echo.port());
    client.write("HEAD /thing HTTP/1.1\r\n\r\n");
    RawClient::Response r;
    QVERIFY(client.waitForResponse(&r, /*headOnly=*/true));
    QCOMPARE(echo.seen.first().method(), Request::Method::Head);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("content-length"), QByteArray("11")); // "HEAD /thing"
    // No body bytes followed: the next response parses cleanly on the same connection.
    client.write("GET /next HTTP/1.1\r\n\r\n");
    QVERIFY(client.waitForResponse(&r));
    QCOMPARE(r.body, QByteArray("GET /next"));
}

void tst_httpserver::noContentHasNoBodyOrLength()
{
    Server server;
    server.setHandler([](Responder *r) { r->send(Response(204, "ignored")); });
    QVERIFY(server.listen());
    RawClient client;
    client.connectTo(server.serverPort());
    client.write("DELETE /x HTTP/1.1\r\n\r\nGET /y HTTP/1.1\r\n\r\n");
    RawClient::Response r1, r2;
    QVERIFY(client.waitForResponse(&r1));
    QVERIFY(client.waitForResponse(&r2));
    QCOMPARE(r1.status, 204);
    QVERIFY(r1.header("content-length").isEmpty());
    QCOMPARE(r2.status, 204);
    QVERIFY(client.received().isEmpty());
}

void tst_httpserver::connectionPersistence_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<bool>("staysOpen");
    QTest::addColumn<QByteArray>("connectionHeader");
    QTest::newRow("1.1 default keeps")
        << QByteArray("GET / HTTP/1.1\r\n\r\n") << true << QByteArray();
    QTest::newRow("1.1 close honoured") << QByteArray("GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
                                        << false << QByteArray("close");
    QTest::newRow("1.1 close among tokens")
        << QByteArray("GET / HTTP/1.1\r\nConnection: TE, Close\r\n\r\n") << false
        << QByteArray("close");
    QTest::newRow("1.0 default closes")
        << QByteArray("GET / HTTP/1.0\r\n\r\n") << false << QByteArray("close");
    QTest::newRow("1.0 keep-alive keeps")
        << QByteArray("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") << true
        << QByteArray("keep-alive");
}

void tst_httpserver::connectionPersistence()
{
    QFETCH(QByteArray, request);
    QFETCH(bool, staysOpen);
    QFETCH(QByteArray, connectionHeader);
    EchoServer echo;
    RawClient client;
    client.connectTo(echo.port());
    client.write(request);
    RawClient::Response r;
    QVERIFY(client.waitForResponse(&r));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("connection"), connectionHeader);
    if (staysOpen) {
        client.write(request);
        QVERIFY(client.waitForResponse(&r));
        QCOMPARE(r.status, 200);
        QCOMPARE(echo.seen.size(), 2);
    } else {
        QTRY_VERIFY_WITH_TIMEOUT(client.isClosedByPeer(), Timeout);
        QVERIFY(client.received().isEmpty());
        QCOMPARE(echo.seen.size(), 1);
    }
}

void tst_httpserver::streamToHttp10IsRawAndCloses()
{
    EchoServer echo;
    RawClient client;
    client.connectTo(echo.port());
    client.write("GET /defer HTTP/1.0\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(echo.deferred.size(), 1, Timeout);
    QPointer<Responder> stream = echo.deferred.first();
    stream->beginStream(200, { { "Content-Type", "text/plain" } });
    QVERIFY(stream->writeChunk("one\n"));
    QVERIFY(stream->writeChunk("two\n"));
    stream->endStream();
    RawClient::Response r;
    QVERIFY(client.waitForResponse(&r)); // delimited by close
    QVERIFY(!r.chunked);
    QVERIFY(r.header("transfer-encoding").isEmpty());
    QCOMPARE(r.body, QByteArray("one\ntwo\n"));
}

void tst_httpserver::continues100ForExpectingClient()
{
    EchoServer echo;
    RawClient client;
    client.connectTo(echo.port());
    client.write("POST /up HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    RawClient::Response r;
    QVERIFY(client.waitForResponse(&r));
    QCOMPARE(r.status, 100);
    client.write("hello");
    QVERIFY(client.waitForResponse(&r));
    QCOMPARE(r.status, 200);
    QCOMPARE(echo.seen.first().body(), QByteArray("hello"));
}

void tst_httpserver::pausedServerReadsNothingUntilResumed()
{
    EchoServer echo;
    echo.server.setPaused(true);
    RawClient a;
    a.connectTo(echo.port());
    a.write("GET /a HTTP/1.1\r\n\r\n");
    QTRY_VERIFY_WITH_TIMEOUT(a.isConnected() && a.socket()->bytesToWrite() == 0, Timeout);
    // A later connection is accepted (and paused too): the server's loop went round.
    RawClient b;
    b.connectTo(echo.port());
    b.write("GET /b HTTP/1.1\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(echo.server.connectionCount(), 2, Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(b.isConnected() && b.socket()->bytesToWrite() == 0, Timeout);
    QCOMPARE(echo.seen.size(), 0);
    QVERIFY(a.received().isEmpty());
    echo.server.setPaused(false);
    RawClient::Response r;
    QVERIFY(a.waitForResponse(&r));
    QCOMPARE(r.body, QByteArray("GET /a"));
    QVERIFY(b.waitForResponse(&r));
    QCOMPARE(r.body, QByteArray("GET /b"));
}

void tst_httpserver::backpressureThenWritable()
{
    Limits limits;
    limits.maxOutputBufferBytes = 256 * 1024;
    EchoServer echo(limits);
    RawClient client;
    client.connectTo(echo.port());
    client.socket()->setReadBufferSize(64 * 1024); // a slow reader: TCP fills up
    client.write("GET /defer-watch HTTP/1.1\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(echo.deferred.size(), 1, Timeout);
    QPointer<Responder> stream = echo.deferred.first();
    QSignalSpy writable(stream.data(), &Responder::writable);
    stream->beginStream(200, {});
    const QByteArray chunk(64 * 1024, 'x');
    // Bounded: kernel buffers absorb a few MB before the layer's own buffer grows.
    constexpr int MaxChunks = 4000;
    int written = 0;
    while (!stream->isBackpressured() && written < MaxChunks) {
        QVERIFY(stream->writeChunk(chunk));
        ++written;
    }
    QVERIFY2(stream->isBackpressured(), "the output never backed up");
    QVERIFY(stream->bytesToWrite() > qint64(limits.maxOutputBufferBytes));
    QCOMPARE(writable.size(), 0);
    // The reader drains: the layer reports writable once below half the limit.
    client.socket()->setReadBufferSize(0);
    qint64 drained = 0;
    QTRY_VERIFY_WITH_TIMEOUT((drained += client.socket()->readAll().size(), writable.size() > 0),
                             Timeout);
    QVERIFY(!stream->isBackpressured());
    QVERIFY(stream->bytesToWrite() <= qint64(limits.maxOutputBufferBytes / 2));
    QVERIFY(drained > 0);
    stream->endStream();
}

void tst_httpserver::abortBreaksStream()
{
    EchoServer echo;
    RawClient client;
    client.connectTo(echo.port());
    client.write("GET /defer HTTP/1.1\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(echo.deferred.size(), 1, Timeout);
    QPointer<Responder> stream = echo.deferred.first();
    QSignalSpy gone(stream.data(), &Responder::disconnected);
    stream->beginStream(200, {});
    QVERIFY(stream->writeChunk("partial"));
    stream->abort();
    QCOMPARE(gone.size(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(client.isClosedByPeer(), Timeout);
    QVERIFY(!client.received().endsWith("0\r\n\r\n"));
    QTRY_COMPARE_WITH_TIMEOUT(echo.server.connectionCount(), 0, Timeout);
}

void tst_httpserver::handlerMayCloseEverything()
{
    // Fault injection ("restart") calls closeAllConnections() from inside a handler, with the
    // calling request's own connection among those aborted.
    Server server;
    int after = 0;
    server.setHandler([&](Responder *r) {
        if (r->request().path() == QLatin1String("/restart")) {
            server.closeAllConnections();
            r->send(Response(200, "too late")); // ignored: the response already ended
            ++after;
            return;
        }
        r->send(Response(200, "ok"));
    });
    QVERIFY(server.listen());
    RawClient watcher;
    watcher.connectTo(server.serverPort());
    watcher.write("GET /a HTTP/1.1\r\n\r\n");
    RawClient::Response r;
    QVERIFY(watcher.waitForResponse(&r));
    RawClient client;
    client.connectTo(server.serverPort());
    client.write("GET /restart HTTP/1.1\r\n\r\nGET /queued HTTP/1.1\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(after, 1, Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(client.isClosedByPeer() && watcher.isClosedByPeer(), Timeout);
    QVERIFY(client.received().isEmpty());
    QCOMPARE(server.connectionCount(), 0);
    RawClient next;
    next.connectTo(server.serverPort());
    next.write("GET /b HTTP/1.1\r\n\r\n");
    QVERIFY(next.waitForResponse(&r));
    QCOMPARE(r.body, QByteArray("ok"));
}

void tst_httpserver::deletingQueuedResponderAbortsConnection()
{
    // Misuse (the contract says: never delete a Responder), handled without a crash.
    EchoServer echo;
    RawClient client;
    client.connectTo(echo.port());
    client.write("GET /defer HTTP/1.1\r\n\r\nGET /defer2 HTTP/1.1\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(echo.deferred.size(), 2, Timeout);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("Responder deleted")));
    QSignalSpy gone(echo.deferred.at(1).data(), &Responder::disconnected);
    delete echo.deferred.at(0).data();
    QTRY_VERIFY_WITH_TIMEOUT(client.isClosedByPeer(), Timeout);
    QCOMPARE(gone.size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(echo.server.connectionCount(), 0, Timeout);
}

QTEST_GUILESS_MAIN(tst_httpserver)
#include "tst_httpserver.moc"
