// WsHub behind the project's real HTTP layer (bh::http::Server): the /ws route checks
// canAccept() and the filter before the upgrade, then hands the socket over with
// Responder::takeSocket() and WsHub::accept(socket, request) — as boilerhouse-server does.

#include "rawwsclient.h"

#include "events/encodedevent.h"
#include "http/httpresponder.h"
#include "http/httpresponse.h"
#include "http/httpserver.h"
#include "hub/filter.h"
#include "hub/wshub.h"

#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>

using bh::events::EncodedEvent;
using bh::hub::WsHub;
using bh::protocol::Event;
using bh::protocol::EventType;

namespace {
constexpr int kTimeout = 10'000;

EncodedEvent claimed(const QString &name, const QString &tenant)
{
    Event e;
    e.type = EventType::TenantClaimed;
    e.name = name;
    e.tenantId = tenant;
    e.workloadRef = QStringLiteral("w");
    e.source = QStringLiteral("pool");
    return EncodedEvent::fromEvent(e);
}

// The /ws route, as the server wires it.
void route(WsHub *hub, bh::http::Responder *responder)
{
    using bh::http::Response;
    const bh::http::Request &request = responder->request();
    if (request.path() != QLatin1String("/ws")) {
        responder->send(Response::jsonError(404, QStringLiteral("not found")));
        return;
    }
    if (!request.isWebSocketUpgrade()) {
        responder->send(Response::jsonError(400, QStringLiteral("WebSocket upgrade expected")));
        return;
    }
    if (!hub->canAccept()) {
        responder->send(Response::jsonError(503, QStringLiteral("too many WebSocket clients")));
        return;
    }
    QString error;
    if (!bh::hub::Filter::fromQuery(request.query(), &error)) {
        responder->send(Response::jsonError(400, error));
        return;
    }
    if (QTcpSocket *socket = responder->takeSocket())
        hub->accept(socket, request);
}
} // namespace

class tst_WsHubRoute : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void upgradeThroughHttpServerGetsFilteredReplayThenLive();
    void unknownFilterTypeIsAnswered400BeforeUpgrade();
};

void tst_WsHubRoute::upgradeThroughHttpServerGetsFilteredReplayThenLive()
{
    WsHub hub;
    hub.setReplayProvider([] {
        return QList<EncodedEvent> { claimed(QStringLiteral("a1"), QStringLiteral("alice")),
                                     claimed(QStringLiteral("b1"), QStringLiteral("bob")) };
    });
    bh::http::Server http;
    http.setHandler([&hub](bh::http::Responder *r) { route(&hub, r); });
    QVERIFY(http.listen());

    QWebSocket client;
    QStringList messages;
    connect(&client, &QWebSocket::textMessageReceived, this,
            [&messages](const QString &m) { messages.append(m); });
    QSignalSpy disconnected(&client, &QWebSocket::disconnected);
    client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws?tenant=alice").arg(http.serverPort())));
    QTRY_COMPARE_WITH_TIMEOUT(hub.clientCount(), 1, kTimeout);
    hub.broadcast(claimed(QStringLiteral("b2"), QStringLiteral("bob")));
    hub.broadcast(claimed(QStringLiteral("a2"), QStringLiteral("alice")));
    hub.closeAll();
    QTRY_COMPARE_WITH_TIMEOUT(disconnected.count(), 1, kTimeout);
    QCOMPARE(client.closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
    QCOMPARE(
        messages,
        QStringList(
            { QString::fromUtf8(claimed(QStringLiteral("a1"), QStringLiteral("alice")).json),
              QString::fromUtf8(claimed(QStringLiteral("a2"), QStringLiteral("alice")).json) }));
}

void tst_WsHubRoute::unknownFilterTypeIsAnswered400BeforeUpgrade()
{
    WsHub hub;
    bh::http::Server http;
    http.setHandler([&hub](bh::http::Responder *r) { route(&hub, r); });
    QVERIFY(http.listen());

    RawWsClient raw;
    raw.connectToHub(http.serverPort(), "/ws?types=instance.state,pod.exploded");
    QTRY_VERIFY_WITH_TIMEOUT(!raw.responseHead().isEmpty(), kTimeout);
    QVERIFY2(raw.responseHead().startsWith("HTTP/1.1 400"), raw.responseHead().constData());
    QTRY_VERIFY_WITH_TIMEOUT(raw.rest().contains("unknown event type: pod.exploded"), kTimeout);
    QVERIFY(!raw.isUpgraded());
    QCOMPARE(hub.clientCount(), 0);
    QCOMPARE(hub.stats().accepted, quint64(0));
}

QTEST_GUILESS_MAIN(tst_WsHubRoute)
#include "tst_wshubroute.moc"
