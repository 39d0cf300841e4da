#include "kube/configloader.h"
#include "kube/kubeclient.h"
#include "kube/requestjob.h"

#include "opensslserver.h"
#include "testpki.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace bh::kube;

namespace {

constexpr int Timeout = 10'000;

void writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(f.errorString()));
    f.write(data);
}

} // namespace

// TLS through a kubeconfig, against `openssl s_server` (a real TLS stack): CA trust,
// insecure-skip-tls-verify, tls-server-name, client certificates (RSA and EC).
class tst_KubeClientTls : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void connectsOverTls_data();
    void connectsOverTls();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<TestPki> m_pki;
};

void tst_KubeClientTls::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_pki = std::make_unique<TestPki>(m_dir.path());
    QVERIFY2(m_pki->createCa(), qPrintable(m_pki->error()));
    QVERIFY2(m_pki->createServer(QStringLiteral("ip"), QStringLiteral("IP:127.0.0.1")),
             qPrintable(m_pki->error()));
    QVERIFY2(m_pki->createServer(QStringLiteral("named"), QStringLiteral("DNS:kube.internal")),
             qPrintable(m_pki->error()));
    QVERIFY2(m_pki->createSelfSigned(QStringLiteral("self"), QStringLiteral("IP:127.0.0.1")),
             qPrintable(m_pki->error()));
    QVERIFY2(
        m_pki->createClient(QStringLiteral("rsa"), TestPki::KeyType::Rsa, QStringLiteral("alice")),
        qPrintable(m_pki->error()));
    QVERIFY2(m_pki->createClient(QStringLiteral("ec"), TestPki::KeyType::Ec, QStringLiteral("bob")),
             qPrintable(m_pki->error()));
    const QByteArray body = R"({"major":"1","minor":"30"})";
    writeFile(m_dir.filePath(QStringLiteral("version.json")),
              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                  + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
}

void tst_KubeClientTls::connectsOverTls_data()
{
    QTest::addColumn<QString>("serverCert"); // ip | named | self
    QTest::addColumn<bool>("requireClient"); // s_server -Verify with the CA
    QTest::addColumn<QByteArray>("cluster"); // extra cluster lines (CA added unless "insecure")
    QTest::addColumn<bool>("trustCa");
    QTest::addColumn<QString>("client"); // "", rsa, ec
    QTest::addColumn<bool>("ok");

    QTest::newRow("ca trusted") << "ip" << false << QByteArray() << true << "" << true;
    QTest::newRow("unknown ca rejected") << "ip" << false << QByteArray() << false << "" << false;
    QTest::newRow("self-signed rejected") << "self" << false << QByteArray() << true << "" << false;
    QTest::newRow("insecure accepts self-signed")
        << "self" << false << QByteArray("insecure-skip-tls-verify: true") << false << "" << true;
    QTest::newRow("tls-server-name matches")
        << "named" << false << QByteArray("tls-server-name: kube.internal") << true << "" << true;
    QTest::newRow("name mismatch rejected")
        << "named" << false << QByteArray() << true << "" << false;
    QTest::newRow("client cert rsa") << "ip" << true << QByteArray() << true << "rsa" << true;
    QTest::newRow("client cert ec") << "ip" << true << QByteArray() << true << "ec" << true;
    QTest::newRow("client cert missing") << "ip" << true << QByteArray() << true << "" << false;
}

void tst_KubeClientTls::connectsOverTls()
{
    QFETCH(QString, serverCert);
    QFETCH(bool, requireClient);
    QFETCH(QByteArray, cluster);
    QFETCH(bool, trustCa);
    QFETCH(QString, client);
    QFETCH(bool, ok);

    OpensslServer server;
    QVERIFY2(server.start(m_dir.path(), m_pki->path(serverCert + QStringLiteral(".crt")),
                          m_pki->path(serverCert + QStringLiteral(".key")),
                          requireClient ? m_pki->path(QStringLiteral("ca.crt")) : QString()),
             qPrintable(server.error()));

    QByteArray yaml =
        "current-context: t\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:"
        + QByteArray::number(server.port()) + "\n";
    if (trustCa)
        yaml += "    certificate-authority: ca.crt\n";
    if (!cluster.isEmpty())
        yaml += "    " + cluster + "\n";
    yaml += "users:\n- name: u\n  user:\n";
    if (!client.isEmpty())
        yaml += "    client-certificate: " + client.toUtf8() + ".crt\n    client-key-data: "
            + m_pki->read(client + QStringLiteral(".key")).toBase64() + "\n";
    else
        yaml += "    token: t\n";
    yaml += "contexts:\n- name: t\n  context: {cluster: c, user: u}\n";
    const QString file = m_dir.filePath(QStringLiteral("kubeconfig"));
    writeFile(file, yaml);
    const auto loaded = ConfigLoader::loadKubeconfig({ file }, QString());
    QVERIFY2(loaded.ok(), qPrintable(loaded.message));

    KubeClient kube(loaded.config);
    RequestJob *job = kube.get(QStringLiteral("/version.json"));
    QSignalSpy finished(job, &RequestJob::finished);
    QVERIFY2(finished.wait(Timeout), qPrintable(server.output()));
    QCOMPARE(finished.size(), 1);
    if (ok) {
        QVERIFY2(job->ok(), qPrintable(job->errorString()));
        QCOMPARE(job->json().value(QLatin1String("minor")).toString(), QStringLiteral("30"));
    } else {
        QCOMPARE(job->error(), RequestJob::Error::Network);
        QVERIFY(job->errorString().startsWith(QLatin1String("GET /version.json: ")));
    }
    delete job;
}

QTEST_GUILESS_MAIN(tst_KubeClientTls)
#include "tst_kubeclienttls.moc"
