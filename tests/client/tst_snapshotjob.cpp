#include "client/snapshotjob.h"
#include "localserver.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace bh::client;
using namespace bh::protocol;

namespace {
constexpr int kWaitMs = 10000; // generous: the machine is shared

QByteArray instancesBody()
{
    InstanceInfo info;
    info.name = QStringLiteral("agent-pool-00000001");
    info.phase = QStringLiteral("Running");
    info.workloadRef = QStringLiteral("agent");
    info.createdAt = QDateTime(QDate(2026, 4, 20), QTime(10, 30), Qt::UTC);
    return encodeInstances({ info });
}
QByteArray tenantsBody()
{
    ClaimInfo claim;
    claim.name = QStringLiteral("claim-alice-agent");
    claim.workloadRef = QStringLiteral("agent");
    claim.tenantId = QStringLiteral("alice");
    claim.phase = QStringLiteral("Active");
    TenantInfo tenant;
    tenant.tenantId = QStringLiteral("alice");
    tenant.claims.append(claim);
    return encodeTenants({ tenant });
}
LocalServer::Response ok(const QByteArray &body, const QByteArray &cursor = {})
{
    LocalServer::Response r;
    r.body = body;
    if (!cursor.isEmpty())
        r.headers.append({ "X-Boilerhouse-Cursor", cursor });
    return r;
}
} // namespace

class tst_snapshotjob : public QObject
{
    Q_OBJECT

private slots:
    void readsBothListsWithCursor_data();
    void readsBothListsWithCursor();
    void reportsTypedErrors_data();
    void reportsTypedErrors();
    void unreachableServer();
    void silentServerTimesOut();
    void oversizedBodyRejected();
    void abortIsQuiet();
};

void tst_snapshotjob::readsBothListsWithCursor_data()
{
    QTest::addColumn<QByteArray>("instancesCursor");
    QTest::addColumn<QByteArray>("tenantsCursor");
    QTest::addColumn<QString>("expectedCursor"); // "" = none
    QTest::addColumn<QString>("apiKey");
    QTest::newRow("part B server, key") << QByteArray("ep:5") << QByteArray("ep:6")
                                        << QStringLiteral("ep:5") << QStringLiteral("s3cret");
    QTest::newRow("part A server, no key")
        << QByteArray() << QByteArray() << QString() << QString();
    QTest::newRow("only one cursor: none")
        << QByteArray("ep:5") << QByteArray() << QString() << QString();
}

void tst_snapshotjob::readsBothListsWithCursor()
{
    QFETCH(QByteArray, instancesCursor);
    QFETCH(QByteArray, tenantsCursor);
    QFETCH(QString, expectedCursor);
    QFETCH(QString, apiKey);
    LocalServer server;
    QVERIFY(server.listen());
    server.setResponse(QStringLiteral("/api/v1/instances"), ok(instancesBody(), instancesCursor));
    server.setResponse(QStringLiteral("/api/v1/tenants"), ok(tenantsBody(), tenantsCursor));

    QNetworkAccessManager nam;
    ClientConfig config;
    config.serverUrl = server.url();
    config.apiKey = apiKey;
    SnapshotJob job(&nam, config);
    QSignalSpy finished(&job, &SnapshotJob::finished);
    job.start();
    QVERIFY(finished.isEmpty()); // never from inside start()
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWaitMs);
    QCOMPARE(job.error(), ClientError::None);
    QCOMPARE(job.httpStatus(), 200);
    QCOMPARE(job.snapshot().instances, *decodeInstances(instancesBody()));
    QCOMPARE(job.snapshot().tenants, *decodeTenants(tenantsBody()));
    QCOMPARE(job.snapshot().cursor.value_or(QString()), expectedCursor);

    const auto requests = server.requests();
    QCOMPARE(requests.size(), 2);
    QCOMPARE(requests.at(0).path, QStringLiteral("/api/v1/instances"));
    QCOMPARE(requests.at(1).path, QStringLiteral("/api/v1/tenants"));
    for (const auto &request : requests)
        QCOMPARE(request.authorization,
                 apiKey.isEmpty() ? QByteArray() : "Bearer " + apiKey.toUtf8());
}

void tst_snapshotjob::reportsTypedErrors_data()
{
    QTest::addColumn<int>("instancesStatus");
    QTest::addColumn<QByteArray>("instances");
    QTest::addColumn<QByteArray>("tenants");
    QTest::addColumn<ClientError>("error");
    QTest::addColumn<QString>("message");

    QTest::newRow("401 wrong key")
        << 401 << QByteArray(R"({"error":"invalid API key"})") << tenantsBody()
        << ClientError::Unauthorized << QStringLiteral("invalid API key");
    QTest::newRow("401 missing header")
        << 401 << QByteArray(R"({"error":"missing Authorization header"})") << tenantsBody()
        << ClientError::Unauthorized << QStringLiteral("missing Authorization header");
    QTest::newRow("503 with server text")
        << 503 << QByteArray(R"({"error":"caches not synced"})") << tenantsBody()
        << ClientError::HttpError
        << QStringLiteral("/api/v1/instances: HTTP 503: caches not synced");
    QTest::newRow("500 plain text")
        << 500 << QByteArray("boom") << tenantsBody() << ClientError::HttpError
        << QStringLiteral("/api/v1/instances: HTTP 500: boom");
    QTest::newRow("instances not JSON")
        << 200 << QByteArray("<html>") << tenantsBody() << ClientError::BadResponse
        << QStringLiteral("/api/v1/instances: not JSON");
    QTest::newRow("tenants wrong shape")
        << 200 << instancesBody() << QByteArray(R"([{"tenantId":"a"}])") << ClientError::BadResponse
        << QStringLiteral("/api/v1/tenants: tenants[0].claims: required field missing");
}

void tst_snapshotjob::reportsTypedErrors()
{
    QFETCH(int, instancesStatus);
    QFETCH(QByteArray, instances);
    QFETCH(QByteArray, tenants);
    QFETCH(ClientError, error);
    QFETCH(QString, message);
    LocalServer server;
    QVERIFY(server.listen());
    server.setResponse(QStringLiteral("/api/v1/instances"),
                       LocalServer::Response { instancesStatus, instances, {} });
    server.setResponse(QStringLiteral("/api/v1/tenants"), ok(tenants));
    QNetworkAccessManager nam;
    ClientConfig config;
    config.serverUrl = server.url();
    SnapshotJob job(&nam, config);
    QSignalSpy finished(&job, &SnapshotJob::finished);
    job.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWaitMs);
    QCOMPARE(job.error(), error);
    QVERIFY2(job.errorString().startsWith(message), qPrintable(job.errorString()));
}

void tst_snapshotjob::unreachableServer()
{
    // A port that was just free: bind, note, close.
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    QNetworkAccessManager nam;
    ClientConfig config;
    config.serverUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    SnapshotJob job(&nam, config);
    QSignalSpy finished(&job, &SnapshotJob::finished);
    job.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWaitMs);
    QCOMPARE(job.error(), ClientError::Unreachable);
    QCOMPARE(job.httpStatus(), 0);
    QVERIFY2(
        job.errorString().startsWith(
            QStringLiteral("cannot reach http://127.0.0.1:%1/api/v1/instances: Connection refused")
                .arg(port)),
        qPrintable(job.errorString()));
}

void tst_snapshotjob::silentServerTimesOut()
{
    LocalServer server;
    QVERIFY(server.listen());
    server.setSilent(true);
    QNetworkAccessManager nam;
    ClientConfig config;
    config.serverUrl = server.url();
    config.requestTimeout = std::chrono::milliseconds(300);
    SnapshotJob job(&nam, config);
    QSignalSpy finished(&job, &SnapshotJob::finished);
    job.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWaitMs);
    QCOMPARE(job.error(), ClientError::Timeout);
    QVERIFY2(job.errorString().contains(QStringLiteral("no response within 300 ms")),
             qPrintable(job.errorString()));
}

void tst_snapshotjob::oversizedBodyRejected()
{
    LocalServer server;
    QVERIFY(server.listen());
    server.setResponse(QStringLiteral("/api/v1/instances"), ok(QByteArray(5000, ' ') + "[]"));
    server.setResponse(QStringLiteral("/api/v1/tenants"), ok("[]"));
    QNetworkAccessManager nam;
    ClientConfig config;
    config.serverUrl = server.url();
    config.maxSnapshotBytes = 1000;
    SnapshotJob job(&nam, config);
    QSignalSpy finished(&job, &SnapshotJob::finished);
    job.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWaitMs);
    QCOMPARE(job.error(), ClientError::BadResponse);
    QVERIFY2(job.errorString().contains(QStringLiteral("larger than 1000 bytes")),
             qPrintable(job.errorString()));
}

void tst_snapshotjob::abortIsQuiet()
{
    LocalServer server;
    QVERIFY(server.listen());
    server.setSilent(true);
    QSignalSpy requested(&server, &LocalServer::restRequested);
    QNetworkAccessManager nam;
    ClientConfig config;
    config.serverUrl = server.url();
    SnapshotJob job(&nam, config);
    QSignalSpy finished(&job, &SnapshotJob::finished);
    job.start();
    QTRY_VERIFY_WITH_TIMEOUT(!server.requests().isEmpty(), kWaitMs);
    job.abort();
    QCOMPARE(job.error(), ClientError::Aborted);
    // A further, unrelated round trip proves the event loop ran past any late signal.
    server.setSilent(false);
    server.setResponse(QStringLiteral("/api/v1/tenants"), ok("[]"));
    SnapshotJob second(&nam, config);
    QSignalSpy secondFinished(&second, &SnapshotJob::finished);
    second.start();
    QTRY_COMPARE_WITH_TIMEOUT(secondFinished.count(), 1, kWaitMs);
    QCOMPARE(finished.count(), 0);
}

QTEST_GUILESS_MAIN(tst_snapshotjob)
#include "tst_snapshotjob.moc"
