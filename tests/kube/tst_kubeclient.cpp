#include "kube/configloader.h"
#include "kube/credentialprovider.h"
#include "kube/kubeclient.h"
#include "kube/requestjob.h"
#include "kube/watchstream.h"

#include "kubesim/simulator.h"
#include "testpki.h"

#include <QFile>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include <memory>

using namespace bh::kube;
using bh::sim::Resource;
using bh::sim::Simulator;
using bh::sim::SimulatorConfig;

namespace {

constexpr int Timeout = 10'000;
const QString Token = QStringLiteral("s3cret");
const QString PodsPath = QStringLiteral("/api/v1/namespaces/demo/pods");

void writeFile(const QString &path, const QByteArray &data, bool executable = false)
{
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(f.errorString()));
    f.write(data);
    f.close();
    if (executable)
        f.setPermissions(f.permissions() | QFileDevice::ExeOwner);
}

// An exec plugin whose first run returns a stale token and later runs the right one.
const QByteArray Plugin = R"(#!/bin/sh
n=$(cat "$COUNTER" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$COUNTER"
if [ "$n" -eq 1 ]; then t=stale; else t="$GOOD"; fi
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}\n' "$t"
)";

} // namespace

// KubeClient against the simulator in TLS + bearer-token mode, configured through real
// kubeconfig files: token, tokenFile rotation, exec plugin re-run on 401, watches.
class tst_KubeClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void authenticatesOverTls_data();
    void authenticatesOverTls();
    void picksUpRotatedTokenFile();
    void rerunsExecPluginOn401();
    void rerunsExecPluginOn401ForWatch();
    void sendsNoCredentialsOverPlainHttp();
    void reportsHttpErrorsWithStatus();

private:
    ClusterConfig load(const QByteArray &user, bool withCa = true);
    RequestJob *finishedGet(KubeClient &client, const QString &path, const QUrlQuery &query = {});

    QTemporaryDir m_dir;
    std::unique_ptr<TestPki> m_pki;
    std::unique_ptr<Simulator> m_sim;
};

void tst_KubeClient::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_pki = std::make_unique<TestPki>(m_dir.path());
    QVERIFY2(m_pki->createCa(), qPrintable(m_pki->error()));
    QVERIFY2(m_pki->createServer(QStringLiteral("server"), QStringLiteral("IP:127.0.0.1")),
             qPrintable(m_pki->error()));
    writeFile(m_dir.filePath(QStringLiteral("cred.sh")), Plugin, true);
}

void tst_KubeClient::init()
{
    SimulatorConfig config;
    config.namespaces = QStringList { QStringLiteral("demo") };
    config.token = Token;
    config.tls = QSslConfiguration::defaultConfiguration();
    config.tls.setLocalCertificate(
        QSslCertificate::fromPath(m_pki->path(QStringLiteral("server.crt"))).first());
    QFile key(m_pki->path(QStringLiteral("server.key")));
    QVERIFY(key.open(QIODevice::ReadOnly));
    config.tls.setPrivateKey(QSslKey(key.readAll(), QSsl::Rsa));
    m_sim = std::make_unique<Simulator>(config);
    QVERIFY2(m_sim->start(), qPrintable(m_sim->errorString()));
    QCOMPARE(m_sim->url().scheme(), QStringLiteral("https"));
    const QJsonObject pod {
        { QStringLiteral("metadata"),
          QJsonObject { { QStringLiteral("name"), QStringLiteral("a") } } },
        { QStringLiteral("spec"),
          QJsonObject {
              { QStringLiteral("containers"),
                QJsonArray { QJsonObject { { QStringLiteral("name"), QStringLiteral("c") } } } } } }
    };
    QVERIFY(m_sim->store()->create(Resource::Pods, QStringLiteral("demo"), pod).ok());
    QFile::remove(m_dir.filePath(QStringLiteral("counter")));
}

void tst_KubeClient::cleanup()
{
    m_sim.reset();
}

ClusterConfig tst_KubeClient::load(const QByteArray &user, bool withCa)
{
    QByteArray yaml = "current-context: t\nclusters:\n- name: c\n  cluster:\n    server: "
        + m_sim->url().toString().toUtf8() + "\n";
    if (withCa)
        yaml += "    certificate-authority-data: "
            + m_pki->read(QStringLiteral("ca.crt")).toBase64() + "\n";
    yaml += "users:\n- name: u\n  user:\n" + user
        + "contexts:\n- name: t\n  context: {cluster: c, user: u, namespace: demo}\n";
    const QString file = m_dir.filePath(QStringLiteral("kubeconfig"));
    writeFile(file, yaml);
    const auto r = ConfigLoader::loadKubeconfig({ file }, QString());
    if (!r.ok())
        qWarning("%s", qPrintable(r.message));
    return r.config;
}

RequestJob *tst_KubeClient::finishedGet(KubeClient &client, const QString &path,
                                        const QUrlQuery &query)
{
    RequestJob *job = client.get(path, query);
    QSignalSpy finished(job, &RequestJob::finished);
    if (!finished.wait(Timeout))
        qWarning("GET %s did not finish", qPrintable(path));
    return job;
}

void tst_KubeClient::authenticatesOverTls_data()
{
    QTest::addColumn<QByteArray>("user");
    QTest::addColumn<bool>("withCa");
    QTest::addColumn<RequestJob::Error>("error");
    QTest::addColumn<int>("status");
    QTest::newRow("ca data + token")
        << QByteArray("    token: s3cret\n") << true << RequestJob::Error::None << 200;
    QTest::newRow("wrong token") << QByteArray("    token: nope\n") << true
                                 << RequestJob::Error::Http << 401;
    QTest::newRow("no token") << QByteArray("    {}\n") << true << RequestJob::Error::Http << 401;
    QTest::newRow("unknown ca") << QByteArray("    token: s3cret\n") << false
                                << RequestJob::Error::Network << 0;
}

void tst_KubeClient::authenticatesOverTls()
{
    QFETCH(QByteArray, user);
    QFETCH(bool, withCa);
    QFETCH(RequestJob::Error, error);
    QFETCH(int, status);
    KubeClient client(load(user, withCa));
    std::unique_ptr<RequestJob> job(finishedGet(client, PodsPath));
    QCOMPARE(job->error(), error);
    QCOMPARE(job->httpStatus(), status);
    if (error == RequestJob::Error::None)
        QCOMPARE(job->json().value(QLatin1String("items")).toArray().size(), 1);
    if (status == 401)
        QCOMPARE(job->errorString(),
                 QStringLiteral("GET %1: HTTP 401 Unauthorized: Unauthorized").arg(PodsPath));
}

void tst_KubeClient::picksUpRotatedTokenFile()
{
    const QString tokenFile = m_dir.filePath(QStringLiteral("token"));
    writeFile(tokenFile, "expired-token\n");
    ClusterConfig config = load("    tokenFile: token\n");
    config.credentials.tokenFileRefresh = std::chrono::milliseconds(100);
    KubeClient client(config);
    std::unique_ptr<RequestJob> job(finishedGet(client, PodsPath));
    QCOMPARE(job->httpStatus(), 401);
    writeFile(tokenFile, Token.toUtf8() + '\n'); // the kubelet rotates the projected token
    QTRY_COMPARE_WITH_TIMEOUT(
        std::unique_ptr<RequestJob>(finishedGet(client, PodsPath))->httpStatus(), 200, Timeout);
}

void tst_KubeClient::rerunsExecPluginOn401()
{
    const QByteArray user =
        "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ./cred.sh\n"
        "      env:\n      - {name: COUNTER, value: "
        + m_dir.filePath(QStringLiteral("counter")).toUtf8()
        + "}\n      - {name: GOOD, value: s3cret}\n";
    KubeClient client(load(user));
    std::unique_ptr<RequestJob> job(finishedGet(client, PodsPath));
    QVERIFY2(job->ok(), qPrintable(job->errorString()));
    QCOMPARE(client.credentials()->execRuns(), 2); // stale token -> 401 -> plugin again
    // The credential (no expirationTimestamp) is cached from now on.
    job.reset(finishedGet(client, PodsPath));
    QVERIFY(job->ok());
    QCOMPARE(client.credentials()->execRuns(), 2);
}

void tst_KubeClient::rerunsExecPluginOn401ForWatch()
{
    const QByteArray user =
        "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ./cred.sh\n"
        "      env:\n      - {name: COUNTER, value: "
        + m_dir.filePath(QStringLiteral("counter")).toUtf8()
        + "}\n      - {name: GOOD, value: s3cret}\n";
    KubeClient client(load(user));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("watch"), QStringLiteral("true"));
    std::unique_ptr<WatchStream> stream(
        client.openWatch(PodsPath, query, std::chrono::milliseconds(Timeout)));
    QSignalSpy events(stream.get(), &WatchStream::eventReceived);
    QVERIFY(events.wait(Timeout)); // the synthetic ADDED of pod a
    QCOMPARE(events.first().at(0).toString(), QStringLiteral("ADDED"));
    QCOMPARE(stream->end(), WatchStream::End::Running);
    QCOMPARE(client.credentials()->execRuns(), 2);
    QSignalSpy ended(stream.get(), &WatchStream::ended);
    m_sim->closeAllWatches();
    QVERIFY(ended.wait(Timeout));
    QCOMPARE(stream->end(), WatchStream::End::Normal);
}

void tst_KubeClient::sendsNoCredentialsOverPlainHttp()
{
    SimulatorConfig config;
    config.namespaces = QStringList { QStringLiteral("demo") };
    config.token = Token;
    Simulator plain(config);
    QVERIFY(plain.start());
    ClusterConfig cluster;
    cluster.server = plain.url();
    cluster.credentials.token = Token;
    KubeClient client(cluster);
    std::unique_ptr<RequestJob> job(finishedGet(client, PodsPath));
    // As client-go: a bearer token never leaves over plain http.
    QCOMPARE(job->httpStatus(), 401);
}

void tst_KubeClient::reportsHttpErrorsWithStatus()
{
    KubeClient client(load("    token: s3cret\n"));
    QUrlQuery badSelector;
    badSelector.addQueryItem(QStringLiteral("labelSelector"), QStringLiteral("a in (b"));
    std::unique_ptr<RequestJob> job(finishedGet(client, PodsPath, badSelector));
    QCOMPARE(job->error(), RequestJob::Error::Http);
    QCOMPARE(job->httpStatus(), 400);
    QCOMPARE(job->reason(), QStringLiteral("BadRequest"));
    std::unique_ptr<RequestJob> missing(finishedGet(client, PodsPath + QStringLiteral("/nope")));
    QCOMPARE(missing->httpStatus(), 404);
    QCOMPARE(missing->reason(), QStringLiteral("NotFound"));
    QCOMPARE(
        missing->errorString(),
        QStringLiteral("GET %1/nope: HTTP 404 NotFound: pods \"nope\" not found").arg(PodsPath));
}

QTEST_GUILESS_MAIN(tst_KubeClient)
#include "tst_kubeclient.moc"
