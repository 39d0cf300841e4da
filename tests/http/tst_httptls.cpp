#include "http/httpresponder.h"
#include "http/httpresponse.h"
#include "http/httpserver.h"

#include "echoserver.h"
#include "rawclient.h"

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

#include <memory>
#include <vector>

using namespace bh::http;

namespace {
constexpr int Timeout = 10000; // generous: the CI machine is shared
}

// HTTPS through QSslServer, with a throwaway certificate made by openssl at test time.
class tst_httptls : public QObject
{
    Q_OBJECT

private:
    QSslConfiguration serverConfig() const;
    QSslSocket *trustingSocket() const;

    QTemporaryDir m_dir;
    QSslCertificate m_cert;
    QSslKey m_key;

private Q_SLOTS:
    void initTestCase();
    void servesRequestsOverTls();
    void streamsOverTls();
    void plainClientOnTlsPortIsClosed();
    void handsWssToQWebSocketServer();
    void manyConcurrentHandshakes();
};

void tst_httptls::initTestCase()
{
    QVERIFY(QSslSocket::supportsSsl());
    QVERIFY(m_dir.isValid());
    QProcess openssl;
    openssl.setWorkingDirectory(m_dir.path());
    openssl.start(QStringLiteral("openssl"),
                  { QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                    QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                    QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                    QStringLiteral("-keyout"), QStringLiteral("key.pem"), QStringLiteral("-out"),
                    QStringLiteral("cert.pem"), QStringLiteral("-days"), QStringLiteral("2"),
                    QStringLiteral("-subj"), QStringLiteral("/CN=localhost"),
                    QStringLiteral("-addext"),
                    QStringLiteral("subjectAltName=IP:127.0.0.1,DNS:localhost") });
    QVERIFY2(openssl.waitForFinished(60000), "openssl did not finish");
    QVERIFY2(openssl.exitStatus() == QProcess::NormalExit && openssl.exitCode() == 0,
             openssl.readAllStandardError().constData());
    QFile cert(m_dir.filePath(QStringLiteral("cert.pem")));
    QFile key(m_dir.filePath(QStringLiteral("key.pem")));
    QVERIFY(cert.open(QIODevice::ReadOnly) && key.open(QIODevice::ReadOnly));
    m_cert = QSslCertificate(cert.readAll(), QSsl::Pem);
    m_key = QSslKey(key.readAll(), QSsl::Ec, QSsl::Pem);
    QVERIFY(!m_cert.isNull());
    QVERIFY(!m_key.isNull());
}

QSslConfiguration tst_httptls::serverConfig() const
{
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setLocalCertificate(m_cert);
    config.setPrivateKey(m_key);
    config.setPeerVerifyMode(QSslSocket::VerifyNone);
    return config;
}

QSslSocket *tst_httptls::trustingSocket() const
{
    auto *socket = new QSslSocket;
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setCaCertificates({ m_cert }); // full verification against the throwaway CA
    socket->setSslConfiguration(config);
    return socket;
}

void tst_httptls::servesRequestsOverTls()
{
    EchoServer echo(Limits(), /*listen=*/false);
    echo.server.setTlsConfiguration(serverConfig());
    QVERIFY(echo.server.listen());
    QSslSocket *socket = trustingSocket();
    RawClient client(socket);
    QSignalSpy encrypted(socket, &QSslSocket::encrypted);
    socket->connectToHostEncrypted(QStringLiteral("127.0.0.1"), echo.port());
    QTRY_COMPARE_WITH_TIMEOUT(encrypted.size(), 1, Timeout);
    for (int i = 0; i < 3; ++i) {
        client.write("POST /tls HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody");
        RawClient::Response r;
        QVERIFY(client.waitForResponse(&r));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("POST /tls"));
    }
    QCOMPARE(echo.seen.size(), 3);
    QCOMPARE(echo.seen.last().body(), QByteArray("body"));
    QCOMPARE(echo.server.connectionCount(), 1);
}

void tst_httptls::streamsOverTls()
{
    EchoServer echo(Limits(), /*listen=*/false);
    echo.server.setTlsConfiguration(serverConfig());
    QVERIFY(echo.server.listen());
    QSslSocket *socket = trustingSocket();
    RawClient client(socket);
    socket->connectToHostEncrypted(QStringLiteral("localhost"), echo.port());
    client.write("GET /defer HTTP/1.1\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(echo.deferred.size(), 1, Timeout);
    QPointer<Responder> stream = echo.deferred.first();
    stream->beginStream(200, {});
    for (int i = 0; i < 3; ++i) {
        QVERIFY(stream->writeChunk("line " + QByteArray::number(i) + "\n"));
        QTRY_VERIFY_WITH_TIMEOUT(
            client.received().endsWith("line " + QByteArray::number(i) + "\n\r\n"), Timeout);
    }
    stream->endStream();
    RawClient::Response r;
    QVERIFY(client.waitForResponse(&r));
    QCOMPARE(r.body, QByteArray("line 0\nline 1\nline 2\n"));
}

void tst_httptls::plainClientOnTlsPortIsClosed()
{
    EchoServer echo(Limits(), /*listen=*/false);
    echo.server.setTlsConfiguration(serverConfig());
    QVERIFY(echo.server.listen());
    RawClient plain;
    plain.connectTo(echo.port());
    plain.write("GET / HTTP/1.1\r\n\r\n");
    QTRY_VERIFY_WITH_TIMEOUT(plain.isClosedByPeer(), Timeout);
    QVERIFY(!plain.received().startsWith("HTTP/1.1 200"));
    QCOMPARE(echo.seen.size(), 0);
    // TLS clients are still served.
    QSslSocket *socket = trustingSocket();
    RawClient client(socket);
    socket->connectToHostEncrypted(QStringLiteral("127.0.0.1"), echo.port());
    client.write("GET /after HTTP/1.1\r\n\r\n");
    RawClient::Response r;
    QVERIFY(client.waitForResponse(&r));
    QCOMPARE(r.body, QByteArray("GET /after"));
}

void tst_httptls::handsWssToQWebSocketServer()
{
    Server server;
    server.setTlsConfiguration(serverConfig());
    // The socket is already encrypted: the WebSocket server only speaks the handshake.
    QWebSocketServer wss(QStringLiteral("test"), QWebSocketServer::NonSecureMode);
    QList<QPointer<QTcpSocket>> taken;
    server.setHandler([&wss, &taken](Responder *r) {
        if (QTcpSocket *socket = r->takeSocket()) {
            taken.append(socket);
            wss.handleConnection(socket);
        } else
            r->send(Response::jsonError(400, QStringLiteral("upgrade expected")));
    });
    QVERIFY(server.listen());
    QList<QWebSocket *> accepted;
    connect(&wss, &QWebSocketServer::newConnection, this, [&] {
        while (QWebSocket *ws = wss.nextPendingConnection()) {
            accepted.append(ws);
            connect(ws, &QWebSocket::textMessageReceived, ws,
                    [ws](const QString &m) { ws->sendTextMessage(m); });
        }
    });
    QWebSocket client;
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setCaCertificates({ m_cert });
    client.setSslConfiguration(config);
    QSignalSpy connected(&client, &QWebSocket::connected);
    QSignalSpy messages(&client, &QWebSocket::textMessageReceived);
    client.open(QUrl(QStringLiteral("wss://127.0.0.1:%1/ws").arg(server.serverPort())));
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, Timeout);
    client.sendTextMessage(QStringLiteral("secret"));
    QTRY_COMPARE_WITH_TIMEOUT(messages.size(), 1, Timeout);
    QCOMPARE(messages.first().first().toString(), QStringLiteral("secret"));
    QCOMPARE(accepted.size(), 1);
    // The test owns what it took (QWebSocketServer only deleteLater()s it on disconnect).
    qDeleteAll(accepted);
    for (const QPointer<QTcpSocket> &socket : std::as_const(taken))
        delete socket.data();
}

void tst_httptls::manyConcurrentHandshakes()
{
    // More simultaneous handshakes than Qt's default pending-connection limit (30).
    EchoServer echo(Limits(), /*listen=*/false);
    echo.server.setTlsConfiguration(serverConfig());
    QVERIFY(echo.server.listen());
    constexpr int Clients = 80;
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < Clients; ++i) {
        QSslSocket *socket = trustingSocket();
        clients.push_back(std::make_unique<RawClient>(socket));
        socket->connectToHostEncrypted(QStringLiteral("127.0.0.1"), echo.port());
        clients.back()->write("GET /c" + QByteArray::number(i) + " HTTP/1.1\r\n\r\n");
    }
    for (int i = 0; i < Clients; ++i) {
        RawClient::Response r;
        QVERIFY2(clients[std::size_t(i)]->waitForResponse(&r, false, 30000),
                 qPrintable(QString::number(i)));
        QCOMPARE(r.body, "GET /c" + QByteArray::number(i));
    }
    QCOMPARE(echo.server.connectionCount(), Clients);
}

QTEST_GUILESS_MAIN(tst_httptls)
#include "tst_httptls.moc"
