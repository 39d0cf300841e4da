#include "http/httpresponder.h"
#include "http/httpresponse.h"
#include "http/httpserver.h"

#include "rawclient.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace bh::http;

namespace {
constexpr int Timeout = 10000; // generous: the CI machine is shared

QByteArray upgradeHead(const QByteArray &path)
{
    return "GET " + path
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
}
} // namespace

// One port for REST and WebSocket: "/ws" upgrades go to a QWebSocketServer through
// Responder::takeSocket() + handleConnection(), other upgrades are refused before upgrading.
class UpgradeFixture : public QObject
{
    Q_OBJECT
public:
    UpgradeFixture()
        : wss(QStringLiteral("test"), QWebSocketServer::NonSecureMode)
    {
        server.setHandler([this](Responder *r) {
            ++requests;
            const QString path = r->request().path();
            if (!r->request().isWebSocketUpgrade()) {
                if (r->takeSocket())
                    ++wrongTakes;
                if (path.startsWith(QLatin1String("/defer")))
                    deferred.append(r);
                else
                    r->send(Response(200, "plain " + path.toUtf8()));
                return;
            }
            if (path == QLatin1String("/ws")) {
                QTcpSocket *socket = r->takeSocket();
                if (!socket) {
                    ++failedTakes;
                    return;
                }
                taken.append(socket);
                wss.handleConnection(socket);
            } else {
                r->send(Response::jsonError(403, QStringLiteral("no WebSocket on this path")));
            }
        });
        connect(&wss, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *ws = wss.nextPendingConnection()) {
                accepted.append(ws);
                paths.append(ws->requestUrl().path());
                connect(ws, &QWebSocket::textMessageReceived, ws, [ws](const QString &m) {
                    ws->sendTextMessage(QStringLiteral("echo:") + m);
                });
            }
        });
        if (!server.listen())
            qFatal("listen failed");
    }

    ~UpgradeFixture() override
    {
        // Taken sockets belong to the test: QWebSocketServer only deleteLater()s them on
        // disconnect, which no event loop would process after the last test.
        for (const QPointer<QWebSocket> &ws : std::as_const(accepted))
            delete ws.data();
        for (const QPointer<QTcpSocket> &socket : std::as_const(taken))
            delete socket.data();
    }

    Server server;
    QWebSocketServer wss;
    QList<QPointer<QTcpSocket>> taken;
    QList<QPointer<QWebSocket>> accepted;
    QList<QPointer<Responder>> deferred;
    QStringList paths;
    int requests = 0;
    int failedTakes = 0;
    int wrongTakes = 0;
};

class tst_httpupgrade : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void handsWebSocketToQWebSocketServer();
    void refusedUpgradeGetsErrorAndClose();
    void upgradeWaitsForEarlierPipelinedResponses();
    void manyUpgradesAndRestOnOnePort();
};

void tst_httpupgrade::handsWebSocketToQWebSocketServer()
{
    UpgradeFixture f;
    QWebSocket client;
    QSignalSpy connected(&client, &QWebSocket::connected);
    QSignalSpy messages(&client, &QWebSocket::textMessageReceived);
    client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws?token=abc").arg(f.server.serverPort())));
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, Timeout);
    client.sendTextMessage(QStringLiteral("hello"));
    QTRY_COMPARE_WITH_TIMEOUT(messages.size(), 1, Timeout);
    QCOMPARE(messages.first().first().toString(), QStringLiteral("echo:hello"));
    QCOMPARE(f.paths, QStringList { QStringLiteral("/ws") });
    QCOMPARE(f.failedTakes, 0);
    QCOMPARE(f.wrongTakes, 0);
    // The socket left the HTTP layer.
    QTRY_COMPARE_WITH_TIMEOUT(f.server.connectionCount(), 0, Timeout);
    QCOMPARE(f.server.requestsServed(), quint64(1));
}

void tst_httpupgrade::refusedUpgradeGetsErrorAndClose()
{
    UpgradeFixture f;
    RawClient client;
    client.connectTo(f.server.serverPort());
    client.write(upgradeHead("/elsewhere"));
    RawClient::Response r;
    QVERIFY(client.waitForResponse(&r));
    QCOMPARE(r.status, 403);
    QCOMPARE(r.header("content-type"), QByteArray("application/json"));
    QCOMPARE(r.header("connection"), QByteArray("close"));
    QTRY_VERIFY_WITH_TIMEOUT(client.isClosedByPeer(), Timeout);
    QVERIFY(client.received().isEmpty());
    QVERIFY(f.paths.isEmpty());

    // A real WebSocket client sees the refusal as an error, not a connection.
    QWebSocket ws;
    QSignalSpy errors(&ws, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error));
    QSignalSpy connected(&ws, &QWebSocket::connected);
    ws.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/elsewhere").arg(f.server.serverPort())));
    QTRY_VERIFY_WITH_TIMEOUT(errors.size() > 0, Timeout);
    QCOMPARE(connected.size(), 0);
}

void tst_httpupgrade::upgradeWaitsForEarlierPipelinedResponses()
{
    UpgradeFixture f;
    RawClient client;
    client.connectTo(f.server.serverPort());
    client.write("GET /defer HTTP/1.1\r\n\r\n" + upgradeHead("/ws"));
    QTRY_COMPARE_WITH_TIMEOUT(f.deferred.size(), 1, Timeout);
    // The upgrade is parsed but not handed on while an earlier response is outstanding.
    QCOMPARE(f.requests, 1);
    f.deferred.first()->send(Response(200, "first"));
    RawClient::Response r;
    QVERIFY(client.waitForResponse(&r));
    QCOMPARE(r.body, QByteArray("first"));
    QVERIFY(client.waitForResponse(&r, /*headOnly=*/true));
    QCOMPARE(r.status, 101);
    QCOMPARE(r.header("sec-websocket-accept"), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    QCOMPARE(f.requests, 2);
    QTRY_COMPARE_WITH_TIMEOUT(f.paths.size(), 1, Timeout);
}

void tst_httpupgrade::manyUpgradesAndRestOnOnePort()
{
    UpgradeFixture f;
    constexpr int Sockets = 50;
    std::vector<std::unique_ptr<QWebSocket>> sockets;
    int echoes = 0;
    for (int i = 0; i < Sockets; ++i) {
        auto ws = std::make_unique<QWebSocket>();
        QWebSocket *raw = ws.get();
        connect(raw, &QWebSocket::connected, raw,
                [raw, i] { raw->sendTextMessage(QString::number(i)); });
        connect(raw, &QWebSocket::textMessageReceived, raw, [&echoes, i](const QString &m) {
            if (m == QStringLiteral("echo:") + QString::number(i))
                ++echoes;
        });
        raw->open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(f.server.serverPort())));
        sockets.push_back(std::move(ws));
    }
    RawClient rest;
    rest.connectTo(f.server.serverPort());
    rest.write("GET /api HTTP/1.1\r\n\r\n");
    RawClient::Response r;
    QVERIFY(rest.waitForResponse(&r));
    QCOMPARE(r.body, QByteArray("plain /api"));
    QTRY_COMPARE_WITH_TIMEOUT(echoes, Sockets, Timeout);
    QCOMPARE(f.failedTakes, 0);
}

QTEST_GUILESS_MAIN(tst_httpupgrade)
#include "tst_httpupgrade.moc"
