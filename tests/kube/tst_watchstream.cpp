#include "kube/kubeclient.h"
#include "kube/lineframer.h"
#include "kube/watchstream.h"

#include "opensslserver.h"
#include "testpki.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include <memory>

using namespace bh::kube;

namespace {

constexpr int Timeout = 10'000;

} // namespace

// WatchStream decoding over real TLS: `openssl s_server -HTTP` replays a recorded watch
// response byte for byte, so each row checks how one body ends the stream.
class tst_WatchStream : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void endsAccordingToBody_data();
    void endsAccordingToBody();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<TestPki> m_pki;
};

void tst_WatchStream::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_pki = std::make_unique<TestPki>(m_dir.path());
    QVERIFY2(m_pki->createCa()
                 && m_pki->createServer(QStringLiteral("server"), QStringLiteral("IP:127.0.0.1")),
             qPrintable(m_pki->error()));
}

void tst_WatchStream::endsAccordingToBody_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QStringList>("types"); // events delivered before the end
    QTest::addColumn<WatchStream::End>("end");
    QTest::addColumn<QString>("message");

    const QByteArray added =
        R"({"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a","resourceVersion":"5"}}})";
    const QByteArray bookmark =
        R"({"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"9"}}})";
    QTest::newRow("clean end") << 200
                               << added + "\n" + bookmark
            + "\r\n" << QStringList { QStringLiteral("ADDED"), QStringLiteral("BOOKMARK") }
                               << WatchStream::End::Normal << QString();
    QTest::newRow("error event 410")
        << 200
        << added + "\n"
            + R"j({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (4)","reason":"Expired","code":410}})j"
            + "\n"
        << QStringList { QStringLiteral("ADDED") } << WatchStream::End::Gone
        << "watch /w: ERROR event 410 Expired: too old resource version: 1 (4)";
    QTest::newRow("error event 500")
        << 200
        << QByteArray(
               R"({"type":"ERROR","object":{"kind":"Status","code":500,"reason":"InternalError","message":"etcd down"}})")
            + "\n"
        << QStringList {} << WatchStream::End::ServerError
        << "watch /w: ERROR event 500 InternalError: etcd down";
    QTest::newRow("unknown event type")
        << 200 << QByteArray(R"({"type":"UPSERT","object":{}})") + "\n"
        << QStringList {} << WatchStream::End::Protocol
        << "watch /w: invalid watch event type \"UPSERT\"";
    QTest::newRow("not json") << 200 << added + "\n{oops\n"
                              << QStringList { QStringLiteral("ADDED") }
                              << WatchStream::End::Protocol
                              << "watch /w: event is not a JSON object: unterminated object";
    QTest::newRow("line too long")
        << 200 << QByteArray(LineFramer::DefaultMaxLineBytes + 1, ' ') + "\n"
        << QStringList {} << WatchStream::End::Protocol
        << QStringLiteral("watch /w: a line is longer than %1 bytes")
               .arg(LineFramer::DefaultMaxLineBytes);
    QTest::newRow("http 410")
        << 410
        << QByteArray(
               R"j({"kind":"Status","status":"Failure","message":"too old resource version: 1 (4)","reason":"Gone","code":410})j")
        << QStringList {} << WatchStream::End::Gone
        << "watch /w: HTTP 410 Gone: too old resource version: 1 (4)";
    QTest::newRow("http 403")
        << 403
        << QByteArray(
               R"({"kind":"Status","message":"pods is forbidden","reason":"Forbidden","code":403})")
        << QStringList {} << WatchStream::End::HttpError
        << "watch /w: HTTP 403 Forbidden: pods is forbidden";
}

void tst_WatchStream::endsAccordingToBody()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QStringList, types);
    QFETCH(WatchStream::End, end);
    QFETCH(QString, message);

    QFile response(m_dir.filePath(QStringLiteral("w")));
    QVERIFY(response.open(QIODevice::WriteOnly | QIODevice::Truncate));
    response.write("HTTP/1.1 " + QByteArray::number(status)
                   + " X\r\nContent-Type: application/json\r\nContent-Length: "
                   + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    response.close();

    OpensslServer server;
    QVERIFY2(server.start(m_dir.path(), m_pki->path(QStringLiteral("server.crt")),
                          m_pki->path(QStringLiteral("server.key"))),
             qPrintable(server.error()));
    ClusterConfig config;
    config.server = QUrl(QStringLiteral("https://127.0.0.1:%1").arg(server.port()));
    config.tls = QSslConfiguration::defaultConfiguration();
    config.tls.setCaCertificates(QSslCertificate::fromPath(m_pki->path(QStringLiteral("ca.crt"))));
    KubeClient client(config);
    std::unique_ptr<WatchStream> stream(
        client.openWatch(QStringLiteral("/w"), QUrlQuery(), std::chrono::milliseconds(Timeout)));
    QStringList seen;
    connect(stream.get(), &WatchStream::eventReceived, this,
            [&](const QString &type, const QJsonObject &) { seen.append(type); });
    QSignalSpy ended(stream.get(), &WatchStream::ended);
    QVERIFY2(ended.wait(Timeout), qPrintable(server.output()));
    QCOMPARE(ended.size(), 1);
    QCOMPARE(stream->end(), end);
    QCOMPARE(seen, types);
    QCOMPARE(stream->errorString(), message);
    QCOMPARE(stream->eventCount(), quint64(types.size()));
}

QTEST_GUILESS_MAIN(tst_WatchStream)
#include "tst_watchstream.moc"
