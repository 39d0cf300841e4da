#include "hub/wshandshake.h"

#include <QTest>

using bh::hub::WsHandshake;

namespace {
QByteArray head(const QByteArray &requestLine, const QByteArray &headers)
{
    return requestLine + "\r\n" + headers + "\r\n";
}
const QByteArray kGood =
    "Host: x\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
} // namespace

class tst_WsHandshake : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void acceptKeyMatchesRfcExample();
    void parsesRequests_data();
    void parsesRequests();
    void responseEchoesSubprotocol();
};

void tst_WsHandshake::acceptKeyMatchesRfcExample()
{
    // RFC 6455 §1.3.
    QCOMPARE(WsHandshake::acceptKey("dGhlIHNhbXBsZSBub25jZQ=="),
             QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
}

void tst_WsHandshake::parsesRequests_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<int>("error");
    QTest::addColumn<QByteArray>("target");

    using E = WsHandshake::Error;
    QTest::newRow("valid") << head("GET /ws?types=tenant.claimed HTTP/1.1", kGood) << int(E::None)
                           << QByteArray("/ws?types=tenant.claimed");
    QTest::newRow("valid, frame bytes behind the head")
        << head("GET /ws HTTP/1.1", kGood) + "\x81\x80" << int(E::None) << QByteArray("/ws");
    QTest::newRow("header names any case")
        << head("GET /ws HTTP/1.1",
                "UPGRADE: WebSocket\r\nconnection: upgrade\r\nsec-websocket-key: "
                "dGhlIHNhbXBsZSBub25jZQ==\r\nSEC-WEBSOCKET-VERSION: 13\r\n")
        << int(E::None) << QByteArray("/ws");
    QTest::newRow("incomplete") << QByteArray("GET /ws HTTP/1.1\r\nHost: x\r\n")
                                << int(E::Incomplete) << QByteArray();
    QTest::newRow("too large") << QByteArray("GET /ws HTTP/1.1\r\nX: ") + QByteArray(2000, 'a')
                               << int(E::TooLarge) << QByteArray();
    QTest::newRow("POST") << head("POST /ws HTTP/1.1", kGood) << int(E::BadRequest) << QByteArray();
    QTest::newRow("HTTP/1.0") << head("GET /ws HTTP/1.0", kGood) << int(E::BadRequest)
                              << QByteArray();
    QTest::newRow("no upgrade header")
        << head("GET /ws HTTP/1.1", QByteArray(kGood).replace("Upgrade: websocket\r\n", ""))
        << int(E::BadRequest) << QByteArray();
    QTest::newRow("no key") << head(
        "GET /ws HTTP/1.1",
        QByteArray(kGood).replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", ""))
                            << int(E::BadRequest) << QByteArray();
    QTest::newRow("key not 16 bytes") << head(
        "GET /ws HTTP/1.1", QByteArray(kGood).replace("dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ="))
                                      << int(E::BadRequest) << QByteArray();
    QTest::newRow("version 8") << head("GET /ws HTTP/1.1",
                                       QByteArray(kGood).replace("Version: 13", "Version: 8"))
                               << int(E::BadVersion) << QByteArray();
    QTest::newRow("header without colon")
        << head("GET /ws HTTP/1.1", kGood + "garbage\r\n") << int(E::BadRequest) << QByteArray();
}

void tst_WsHandshake::parsesRequests()
{
    QFETCH(QByteArray, data);
    QFETCH(int, error);
    QFETCH(QByteArray, target);

    WsHandshake::Request request;
    QString message;
    const auto result = WsHandshake::parse(data, 1024, &request, &message);
    QCOMPARE(int(result), error);
    if (result == WsHandshake::Error::None) {
        QCOMPARE(request.target, target);
        QCOMPARE(request.key, QByteArray("dGhlIHNhbXBsZSBub25jZQ=="));
        QCOMPARE(data.left(request.headBytes).right(4), QByteArray("\r\n\r\n"));
        QVERIFY(message.isEmpty());
    } else if (result != WsHandshake::Error::Incomplete) {
        QVERIFY(!message.isEmpty());
    }
}

void tst_WsHandshake::responseEchoesSubprotocol()
{
    const QByteArray plain = WsHandshake::response("dGhlIHNhbXBsZSBub25jZQ==");
    QVERIFY(plain.startsWith("HTTP/1.1 101 Switching Protocols\r\n"));
    QVERIFY(plain.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
    QVERIFY(!plain.contains("Sec-WebSocket-Protocol"));
    QVERIFY(plain.endsWith("\r\n\r\n"));
    const QByteArray withProtocol = WsHandshake::response("dGhlIHNhbXBsZSBub25jZQ==", "events.v1");
    QVERIFY(withProtocol.contains("Sec-WebSocket-Protocol: events.v1\r\n"));
}

QTEST_GUILESS_MAIN(tst_WsHandshake)
#include "tst_wshandshake.moc"
