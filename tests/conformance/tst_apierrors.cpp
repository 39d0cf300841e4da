// Errors and auth as real clients see them: wrong token (Unauthorized), forbidden namespace,
// bad label selector (BadRequest), a raw watch from an expired version (one ERROR 410 line),
// 422 for invalid ListOptions (curl), and bearer-token auth over TLS with a throwaway CA in
// both kubeconfig styles (certificate-authority-data + token, certificate-authority + tokenFile).
#include "conformancefixture.h"
#include "kubectltrace.h"

#include <QFile>
#include <QtTest>

using namespace bh::conformance;

class tst_apierrors : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void wrongTokenIsUnauthorized_data();
    void wrongTokenIsUnauthorized();
    void forbiddenNamespaceIsForbidden_data();
    void forbiddenNamespaceIsForbidden();
    void badSelectorIsBadRequest_data();
    void badSelectorIsBadRequest();
    void rawWatchFromExpiredVersionIsOneErrorLine_data();
    void rawWatchFromExpiredVersionIsOneErrorLine();
    void curlGetsStatusErrors_data();
    void curlGetsStatusErrors();
    void tokenAuthOverTls_data();
    void tokenAuthOverTls();

private:
    void addVersions();
    ConformanceFixture f;
};

void tst_apierrors::initTestCase()
{
    const QString error = f.initOnce();
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_apierrors::init()
{
    const QString error = f.startSimulator();
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_apierrors::cleanup()
{
    f.stopSimulator();
}

void tst_apierrors::addVersions()
{
    QTest::addColumn<QString>("version");
    QTest::newRow("kubectl-1.20") << QStringLiteral("1.20");
    QTest::newRow("kubectl-1.33") << QStringLiteral("1.33");
}

void tst_apierrors::wrongTokenIsUnauthorized_data()
{
    // kubectl 1.20 decodes the 401's Status body ("Unauthorized"). kubectl 1.33 fails in
    // aggregated discovery, which reads the body raw (client-go Result.Raw()) and reports
    // apimachinery's generic 401 text: the same against a real apiserver.
    QTest::addColumn<QString>("version");
    QTest::addColumn<QString>("expected");
    QTest::newRow("kubectl-1.20") << QStringLiteral(
        "1.20") << QStringLiteral("error: You must be logged in to the server (Unauthorized)");
    QTest::newRow("kubectl-1.33")
        << QStringLiteral("1.33")
        << QStringLiteral("error: You must be logged in to the server (the server has asked for "
                          "the client to provide credentials)");
}

void tst_apierrors::wrongTokenIsUnauthorized()
{
    QFETCH(QString, version);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    QFile tokenFile(dir.filePath(QStringLiteral("wrong-token")));
    QVERIFY(tokenFile.open(QIODevice::WriteOnly));
    tokenFile.write("not-the-token\n");
    tokenFile.close();
    KubeconfigOptions options;
    options.server = f.serverUrl();
    options.namespaceName = f.ns();
    options.caCertPath = f.tls().caCertPath();
    options.caMode = version == QLatin1String("1.20") ? KubeconfigOptions::CaMode::File
                                                      : KubeconfigOptions::CaMode::Data;
    options.tokenMode = version == QLatin1String("1.20") ? KubeconfigOptions::TokenMode::File
                                                         : KubeconfigOptions::TokenMode::Inline;
    options.token = QStringLiteral("not-the-token");
    options.tokenFilePath = tokenFile.fileName();
    KubeconfigFile config;
    QVERIFY2(config.write(options), qPrintable(config.error()));

    auto kubectl =
        f.kubectl(version, { QStringLiteral("get"), QStringLiteral("pods") }, config.path());
    QVERIFY2(kubectl->start(), qPrintable(kubectl->errorText()));
    QVERIFY2(kubectl->finish(), kubectl->describe().constData());
    BH_CHECK(f, kubectl->exitCode() != 0, kubectl->describe());
    BH_CHECK(f, kubectl->stdErr().contains(expected.toUtf8()), kubectl->describe());
    bool saw401 = false;
    for (const KubectlRequest &r : KubectlTrace::parse(kubectl->stdErr()))
        saw401 = saw401 || r.status == 401;
    BH_CHECK(f, saw401, kubectl->describe());
}

void tst_apierrors::forbiddenNamespaceIsForbidden_data()
{
    addVersions();
}

void tst_apierrors::forbiddenNamespaceIsForbidden()
{
    QFETCH(QString, version);
    auto kubectl = f.kubectl(version,
                             { QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-n"),
                               QStringLiteral("kube-system") });
    QVERIFY2(kubectl->start(), qPrintable(kubectl->errorText()));
    QVERIFY2(kubectl->finish(), kubectl->describe().constData());
    BH_CHECK(f, kubectl->exitCode() != 0, kubectl->describe());
    BH_CHECK(
        f, kubectl->stdErr().contains("Error from server (Forbidden): pods is forbidden: User \""),
        kubectl->describe());
    BH_CHECK(
        f,
        kubectl->stdErr().contains(
            "cannot list resource \"pods\" in API group \"\" in the namespace \"kube-system\""),
        kubectl->describe());
}

void tst_apierrors::badSelectorIsBadRequest_data()
{
    addVersions();
}

void tst_apierrors::badSelectorIsBadRequest()
{
    QFETCH(QString, version);
    auto kubectl = f.kubectl(version,
                             { QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-l"),
                               QStringLiteral("a in (b") });
    QVERIFY2(kubectl->start(), qPrintable(kubectl->errorText()));
    QVERIFY2(kubectl->finish(), kubectl->describe().constData());
    BH_CHECK(f, kubectl->exitCode() != 0, kubectl->describe());
    BH_CHECK(f, kubectl->stdErr().contains("Error from server (BadRequest)"), kubectl->describe());
    // kubectl does not parse the selector itself: the server's 400 is what it reports.
    bool saw400 = false;
    for (const KubectlRequest &r : KubectlTrace::parse(kubectl->stdErr()))
        saw400 = saw400 || (r.status == 400 && r.path == KubeApi::podsPath(f.ns()));
    BH_CHECK(f, saw400, kubectl->describe());
}

void tst_apierrors::rawWatchFromExpiredVersionIsOneErrorLine_data()
{
    addVersions();
}

void tst_apierrors::rawWatchFromExpiredVersionIsOneErrorLine()
{
    QFETCH(QString, version);
    KubeApi &api = f.api();
    const QString pods = KubeApi::podsPath(f.ns());
    const ApiReply first = api.create(pods, KubeApi::pod(QStringLiteral("r1"), {}));
    QVERIFY2(first.ok(), qPrintable(api.lastError()));
    const QString oldRv = first.json()
                              .value(QStringLiteral("metadata"))
                              .toObject()
                              .value(QStringLiteral("resourceVersion"))
                              .toString();
    QVERIFY(!oldRv.isEmpty());
    QVERIFY2(api.create(pods, KubeApi::pod(QStringLiteral("r2"), {})).ok(),
             qPrintable(api.lastError()));
    QVERIFY2(api.create(pods, KubeApi::pod(QStringLiteral("r3"), {})).ok(),
             qPrintable(api.lastError()));
    QVERIFY2(api.compact().ok(), qPrintable(api.lastError()));

    auto kubectl = f.kubectl(version,
                             { QStringLiteral("get"), QStringLiteral("--raw"),
                               pods + QStringLiteral("?watch=1&resourceVersion=") + oldRv });
    QVERIFY2(kubectl->start(), qPrintable(kubectl->errorText()));
    QVERIFY2(kubectl->finish(), kubectl->describe().constData());
    BH_CHECK(f, kubectl->exitCode() == 0, kubectl->describe());
    QList<QByteArray> lines = kubectl->stdOut().trimmed().split('\n');
    BH_CHECK(f, lines.size() == 1, kubectl->describe());
    QJsonParseError parseError;
    const QJsonObject event = QJsonDocument::fromJson(lines.first(), &parseError).object();
    BH_CHECK(f, parseError.error == QJsonParseError::NoError, kubectl->describe());
    BH_CHECK(f, event.value(QStringLiteral("type")).toString() == QLatin1String("ERROR"),
             kubectl->describe());
    const QJsonObject status = event.value(QStringLiteral("object")).toObject();
    BH_CHECK(f, status.value(QStringLiteral("kind")).toString() == QLatin1String("Status"),
             kubectl->describe());
    BH_CHECK(f, status.value(QStringLiteral("code")).toInt() == 410, kubectl->describe());
    BH_CHECK(f, status.value(QStringLiteral("reason")).toString() == QLatin1String("Expired"),
             kubectl->describe());
    BH_CHECK(f,
             status.value(QStringLiteral("message"))
                 .toString()
                 .startsWith(QStringLiteral("too old resource version: %1 (").arg(oldRv)),
             kubectl->describe());
}

void tst_apierrors::curlGetsStatusErrors_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<bool>("withToken");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("messagePrefix");
    const QString invalid = QStringLiteral("ListOptions.meta.k8s.io \"\" is invalid: ");
    QTest::newRow("list-with-sendInitialEvents")
        << QStringLiteral("?sendInitialEvents=true&resourceVersionMatch=NotOlderThan") << true
        << 422 << QStringLiteral("Invalid") << invalid;
    QTest::newRow("watch-resourceVersionMatch-without-sendInitialEvents")
        << QStringLiteral("?watch=1&resourceVersion=1&resourceVersionMatch=NotOlderThan") << true
        << 422 << QStringLiteral("Invalid") << invalid;
    QTest::newRow("watch-sendInitialEvents-without-resourceVersionMatch")
        << QStringLiteral("?watch=1&sendInitialEvents=true") << true << 422
        << QStringLiteral("Invalid") << invalid;
    QTest::newRow("no-token") << QString() << false << 401 << QStringLiteral("Unauthorized")
                              << QStringLiteral("Unauthorized");
}

void tst_apierrors::curlGetsStatusErrors()
{
    QFETCH(QString, query);
    QFETCH(bool, withToken);
    QFETCH(int, code);
    QFETCH(QString, reason);
    QFETCH(QString, messagePrefix);
    QStringList args {
        QStringLiteral("-sS"),           QStringLiteral("--max-time"), QStringLiteral("20"),
        QStringLiteral("--cacert"),      f.tls().caCertPath(),         QStringLiteral("-w"),
        QStringLiteral("\n%{http_code}")
    };
    if (withToken)
        args << QStringLiteral("-H")
             << QStringLiteral("Authorization: Bearer %1")
                    .arg(QLatin1String(ConformanceFixture::Token));
    args << f.serverUrl() + KubeApi::podsPath(f.ns()) + query;
    auto curl = f.client(f.tools().curl, args);
    QVERIFY2(curl->start(), qPrintable(curl->errorText()));
    QVERIFY2(curl->finish(), curl->describe().constData());
    BH_CHECK(f, curl->exitCode() == 0, curl->describe());
    const QByteArray out = curl->stdOut();
    const qsizetype nl = out.lastIndexOf('\n');
    BH_CHECK(f, nl > 0 && out.mid(nl + 1).toInt() == code, curl->describe());
    const QJsonObject status = QJsonDocument::fromJson(out.left(nl)).object();
    BH_CHECK(f, status.value(QStringLiteral("kind")).toString() == QLatin1String("Status"),
             curl->describe());
    BH_CHECK(f, status.value(QStringLiteral("status")).toString() == QLatin1String("Failure"),
             curl->describe());
    BH_CHECK(f, status.value(QStringLiteral("code")).toInt() == code, curl->describe());
    BH_CHECK(f, status.value(QStringLiteral("reason")).toString() == reason, curl->describe());
    BH_CHECK(f, status.value(QStringLiteral("message")).toString().startsWith(messagePrefix),
             curl->describe());
}

void tst_apierrors::tokenAuthOverTls_data()
{
    QTest::addColumn<QString>("version");
    QTest::addColumn<bool>("trustedCa");
    QTest::newRow("kubectl-1.33-ca-data-token") << QStringLiteral("1.33") << true;
    QTest::newRow("kubectl-1.20-ca-file-tokenFile") << QStringLiteral("1.20") << true;
    QTest::newRow("kubectl-1.33-unknown-ca") << QStringLiteral("1.33") << false;
    QTest::newRow("kubectl-1.20-unknown-ca") << QStringLiteral("1.20") << false;
}

void tst_apierrors::tokenAuthOverTls()
{
    QFETCH(QString, version);
    QFETCH(bool, trustedCa);
    KubeconfigOptions options;
    options.server = f.serverUrl();
    options.namespaceName = f.ns();
    const bool old = version == QLatin1String("1.20");
    options.caMode = old ? KubeconfigOptions::CaMode::File : KubeconfigOptions::CaMode::Data;
    options.caCertPath = trustedCa ? f.tls().caCertPath() : f.tls().otherCaCertPath();
    options.tokenMode =
        old ? KubeconfigOptions::TokenMode::File : KubeconfigOptions::TokenMode::Inline;
    options.token = QLatin1String(ConformanceFixture::Token);
    options.tokenFilePath = f.tls().tokenFilePath();
    KubeconfigFile config;
    QVERIFY2(config.write(options), qPrintable(config.error()));
    QVERIFY2(f.api().create(KubeApi::podsPath(f.ns()), KubeApi::pod(QStringLiteral("t1"), {})).ok(),
             qPrintable(f.api().lastError()));

    auto kubectl = f.kubectl(version,
                             { QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-o"),
                               QStringLiteral("json") },
                             config.path());
    QVERIFY2(kubectl->start(), qPrintable(kubectl->errorText()));
    QVERIFY2(kubectl->finish(), kubectl->describe().constData());
    if (!trustedCa) {
        BH_CHECK(f, kubectl->exitCode() != 0, kubectl->describe());
        BH_CHECK(f, kubectl->stdErr().contains("certificate signed by unknown authority"),
                 kubectl->describe());
        // Nothing got through the TLS handshake.
        BH_CHECK(f, f.requestLog().api().isEmpty(), kubectl->describe());
        return;
    }
    BH_CHECK(f, kubectl->exitCode() == 0, kubectl->describe());
    const QJsonObject list = QJsonDocument::fromJson(kubectl->stdOut()).object();
    const QJsonArray items = list.value(QStringLiteral("items")).toArray();
    BH_CHECK(f, items.size() == 1, kubectl->describe());
    BH_CHECK(f,
             items.first()
                     .toObject()
                     .value(QStringLiteral("metadata"))
                     .toObject()
                     .value(QStringLiteral("name"))
                     .toString()
                 == QLatin1String("t1"),
             kubectl->describe());
    const QStringList failures = KubectlTrace::failures(KubectlTrace::parse(kubectl->stdErr()));
    BH_CHECK(f, failures.isEmpty(), failures.join(QLatin1Char('\n')).toUtf8());
}

QTEST_GUILESS_MAIN(tst_apierrors)
#include "tst_apierrors.moc"
