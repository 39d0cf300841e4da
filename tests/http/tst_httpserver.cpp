#include "http/httprequest.h"
#include "http/httpresponder.h"
#include "http/httpresponse.h"
#include "http/httpserver.h"

#include "rawclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
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

private:
    // A server answering "<METHOD> <path>" as text/plain, or deferring when asked.
    std::unique_ptr<Server> startEchoServer(const Limits &limits = Limits());
    QList<QPointer<Responder>> m_deferred;
    QList<Request> m_seen;

private Q_SLOTS:
    void init();
    void answersGet();
    void parsesRequestFields();
    void readsRequestBody_data();
    void readsRequestBody();
    void keepAliveReusesConnection();
    void pipelinedDeferredResponsesKeepRequestOrder();
    void streamsChunksIncrementally();
    void emitsDisconnectedWhenPeerLeaves();
    void closeAllConnectionsAbortsStreams();
};

std::unique_ptr<Server> tst_httpserver::startEchoServer(const Limits &limits)
{
    auto server = std::make_unique<Server>(limits);
    server->setHandler([this](Responder *r) {
        m_seen.append(r->request());
        if (r->request().path().startsWith(QLatin1String("/defer"))) {
            m_deferred.append(r);
            return;
        }
        r->send(Response(200, r->request().methodName() + ' ' + r->request().path().toUtf8(),
                         "text/plain"));
    });
    if (!server->listen())
        qFatal("listen failed: %s", qPrintable(server->errorString()));
    return server;
}

void tst_httpserver::init()
{
    m_deferred.clear();
    m_seen.clear();
}

void tst_httpserver::answersGet()
{
    auto server = startEchoServer();
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
    auto server = startEchoServer();
    RawClient client;
    client.connectTo(server->serverPort());
    client.write("DELETE /a%20b/c?x=1&y=two%20words HTTP/1.0\r\nX-One: first \r\n"
                 "x-one: second\r\nConnection: keep-alive\r\n\r\n");
    RawClient::Response r;
    QVERIFY(client.waitForResponse(&r));
    QCOMPARE(m_seen.size(), 1);
    const Request &req = m_seen.first();
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
    auto server = startEchoServer();
    RawClient client;
    client.connectTo(server->serverPort());
    client.write(request);
    RawClient::Response r;
    QVERIFY(client.waitForResponse(&r));
    QCOMPARE(r.status, 200);
    QCOMPARE(m_seen.size(), 1);
    QCOMPARE(m_seen.first().body(), body);
}

void tst_httpserver::keepAliveReusesConnection()
{
    auto server = startEchoServer();
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
    auto server = startEchoServer();
    RawClient client;
    client.connectTo(server->serverPort());
    client.write(
        "GET /defer1 HTTP/1.1\r\n\r\nGET /defer2 HTTP/1.1\r\n\r\nGET /now HTTP/1.1\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(m_seen.size(), 3, Timeout);
    QCOMPARE(m_deferred.size(), 2);
    // Answer the second deferred one first: nothing may be written before the first.
    m_deferred.at(1)->send(Response(200, "second"));
    QVERIFY(m_deferred.at(1)->isFinished());
    QVERIFY(m_deferred.at(1)->bytesToWrite() > 0); // held back behind the first
    QVERIFY(client.received().isEmpty());
    m_deferred.at(0)->send(Response(200, "first"));
    RawClient::Response r1, r2, r3;
    QVERIFY(client.waitForResponse(&r1));
    QVERIFY(client.waitForResponse(&r2));
    QVERIFY(client.waitForResponse(&r3));
    QCOMPARE(r1.body, QByteArray("first"));
    QCOMPARE(r2.body, QByteArray("second"));
    QCOMPARE(r3.body, QByteArray("GET /now"));
    // Finished responders are deleted later: handlers must hold QPointer.
    QTRY_VERIFY_WITH_TIMEOUT(m_deferred.at(0).isNull() && m_deferred.at(1).isNull(), Timeout);
}

void tst_httpserver::streamsChunksIncrementally()
{
    auto server = startEchoServer();
    RawClient client;
    client.connectTo(server->serverPort());
    client.write("GET /defer-stream HTTP/1.1\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(m_deferred.size(), 1, Timeout);
    QPointer<Responder> stream = m_deferred.first();
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
    auto server = startEchoServer();
    QSignalSpy counts(server.get(), &Server::connectionCountChanged);
    auto client = std::make_unique<RawClient>();
    client->connectTo(server->serverPort());
    client->write("GET /defer HTTP/1.1\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(m_deferred.size(), 1, Timeout);
    QPointer<Responder> pending = m_deferred.first();
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
    auto server = startEchoServer();
    RawClient a, b;
    a.connectTo(server->serverPort());
    b.connectTo(server->serverPort());
    a.write("GET /defer-a HTTP/1.1\r\n\r\n");
    b.write("GET /defer-b HTTP/1.1\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(m_deferred.size(), 2, Timeout);
    m_deferred.at(0)->beginStream(200, {});
    QSignalSpy goneA(m_deferred.at(0).data(), &Responder::disconnected);
    QSignalSpy goneB(m_deferred.at(1).data(), &Responder::disconnected);
    server->closeAllConnections();
    QCOMPARE(goneA.size(), 1);
    QCOMPARE(goneB.size(), 1);
    QCOMPARE(server->connectionCount(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(a.isClosedByPeer() && b.isClosedByPeer(), Timeout);
    QVERIFY(server->isListening());
}

QTEST_GUILESS_MAIN(tst_httpserver)
#include "tst_httpserver.moc"
