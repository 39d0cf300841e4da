#include "kube/credentialprovider.h"

#include "testpki.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace bh::kube;

namespace {

constexpr int Timeout = 10'000;

void writeFile(const QString &path, const QByteArray &data, bool executable = false)
{
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(f.errorString()));
    f.write(data);
    f.close();
    if (executable)
        f.setPermissions(f.permissions() | QFileDevice::ExeOwner);
}

// The plugin counts its runs in $COUNTER, records KUBERNETES_EXEC_INFO in $INFO and prints
// $OUTPUT with @N@ replaced by the run number (or fails as $MODE says).
const QByteArray Plugin = R"(#!/bin/sh
n=$(cat "$COUNTER" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$COUNTER"
printf '%s' "$KUBERNETES_EXEC_INFO" > "$INFO"
case "$MODE" in
  fail) echo "boom: no credentials" >&2; exit 3 ;;
esac
printf '%s\n' "$OUTPUT" | sed "s/@N@/$n/g"
)";

struct Result
{
    bool done = false;
    AuthMaterial material;
    QString error;
};

} // namespace

class tst_CredentialProvider : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void usesStaticToken();
    void rereadsRotatedTokenFile();
    void keepsLastTokenWhenFileVanishes();
    void reportsUnreadableTokenFile();
    void cachesExecCredentialUntilExpiry_data();
    void cachesExecCredentialUntilExpiry();
    void rerunsExecCredentialNearExpiry();
    void sharesOneExecRunBetweenWaiters();
    void readsExecClientCertificate();
    void reportsExecFailure_data();
    void reportsExecFailure();

private:
    Credentials execCredentials(const QString &apiVersion, const QByteArray &output,
                                const QString &mode = {});
    Result acquireNow(CredentialProvider &provider);
    int runs() const;

    QTemporaryDir m_dir;
    QString m_plugin;
};

void tst_CredentialProvider::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_plugin = m_dir.filePath(QStringLiteral("cred.sh"));
    writeFile(m_plugin, Plugin, true);
}

Credentials tst_CredentialProvider::execCredentials(const QString &apiVersion,
                                                    const QByteArray &output, const QString &mode)
{
    QFile::remove(m_dir.filePath(QStringLiteral("counter")));
    ExecConfig exec;
    exec.apiVersion = apiVersion;
    exec.command = m_plugin;
    exec.env = { { QStringLiteral("COUNTER"), m_dir.filePath(QStringLiteral("counter")) },
                 { QStringLiteral("INFO"), m_dir.filePath(QStringLiteral("info")) },
                 { QStringLiteral("OUTPUT"), QString::fromUtf8(output) },
                 { QStringLiteral("MODE"), mode } };
    exec.workingDirectory = m_dir.path();
    exec.execInfo = R"({"apiVersion":")" + apiVersion.toUtf8() + R"(","kind":"ExecCredential"})";
    exec.origin = QStringLiteral("kubeconfig /k: users[0].user.exec");
    Credentials c;
    c.exec = exec;
    return c;
}

int tst_CredentialProvider::runs() const
{
    QFile f(m_dir.filePath(QStringLiteral("counter")));
    return f.open(QIODevice::ReadOnly) ? f.readAll().trimmed().toInt() : 0;
}

Result tst_CredentialProvider::acquireNow(CredentialProvider &provider)
{
    auto result = std::make_shared<Result>();
    provider.acquire(this, [result](const AuthMaterial &m, const QString &e) {
        result->done = true;
        result->material = m;
        result->error = e;
    });
    if (!QTest::qWaitFor([&] { return result->done; }, Timeout)) {
        Result timedOut;
        timedOut.error = QStringLiteral("no callback within %1 ms").arg(Timeout);
        return timedOut;
    }
    return *result;
}

void tst_CredentialProvider::usesStaticToken()
{
    Credentials c;
    c.token = QStringLiteral("static");
    CredentialProvider p(c);
    const Result r = acquireNow(p);
    QVERIFY(r.done);
    QCOMPARE(r.material.token, QStringLiteral("static"));
    QVERIFY(!p.usesExec());
}

void tst_CredentialProvider::rereadsRotatedTokenFile()
{
    const QString file = m_dir.filePath(QStringLiteral("token"));
    writeFile(file, "first\n");
    Credentials c;
    c.token = QStringLiteral("ignored when a token file is set");
    c.tokenFile = file;
    c.tokenFileRefresh = std::chrono::hours(1);
    {
        CredentialProvider p(c);
        QCOMPARE(acquireNow(p).material.token, QStringLiteral("first"));
        writeFile(file, "second\n");
        // Within the refresh interval the file is not read again...
        QCOMPARE(acquireNow(p).material.token, QStringLiteral("first"));
        // ...but invalidate() (after a 401) forces a read.
        p.invalidate();
        QCOMPARE(acquireNow(p).material.token, QStringLiteral("second"));
    }
    // With a short interval the rotated token is picked up by itself.
    c.tokenFileRefresh = std::chrono::milliseconds(100);
    CredentialProvider p(c);
    QCOMPARE(acquireNow(p).material.token, QStringLiteral("second"));
    writeFile(file, "third");
    QTRY_COMPARE_WITH_TIMEOUT(acquireNow(p).material.token, QStringLiteral("third"), Timeout);
}

void tst_CredentialProvider::keepsLastTokenWhenFileVanishes()
{
    const QString file = m_dir.filePath(QStringLiteral("vanishing"));
    writeFile(file, "kept");
    Credentials c;
    c.tokenFile = file;
    c.tokenFileRefresh = std::chrono::milliseconds(0);
    CredentialProvider p(c);
    QCOMPARE(acquireNow(p).material.token, QStringLiteral("kept"));
    QVERIFY(QFile::remove(file));
    const Result r = acquireNow(p);
    QVERIFY(r.error.isEmpty());
    QCOMPARE(r.material.token, QStringLiteral("kept"));
    QCOMPARE(p.lastError(), CredentialProvider::Error::TokenFileUnreadable);
}

void tst_CredentialProvider::reportsUnreadableTokenFile()
{
    Credentials c;
    c.tokenFile = m_dir.filePath(QStringLiteral("never-there"));
    CredentialProvider p(c);
    const Result r = acquireNow(p);
    QVERIFY(r.done);
    QCOMPARE(r.error, QStringLiteral("token file %1: No such file or directory").arg(c.tokenFile));
}

void tst_CredentialProvider::cachesExecCredentialUntilExpiry_data()
{
    QTest::addColumn<QString>("apiVersion");
    QTest::newRow("v1") << QStringLiteral("client.authentication.k8s.io/v1");
    QTest::newRow("v1beta1") << QStringLiteral("client.authentication.k8s.io/v1beta1");
}

void tst_CredentialProvider::cachesExecCredentialUntilExpiry()
{
    QFETCH(QString, apiVersion);
    const QByteArray expiry =
        QDateTime::currentDateTimeUtc().addSecs(3600).toString(Qt::ISODate).toUtf8();
    CredentialProvider p(
        execCredentials(apiVersion,
                        R"({"apiVersion":")" + apiVersion.toUtf8()
                            + R"(","kind":"ExecCredential","status":{"token":"tok-@N@",)"
                            + R"("expirationTimestamp":")" + expiry + R"("}})"));
    QVERIFY(p.usesExec());
    Result r = acquireNow(p);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QCOMPARE(r.material.token, QStringLiteral("tok-1"));
    QCOMPARE(acquireNow(p).material.token, QStringLiteral("tok-1"));
    QCOMPARE(runs(), 1);
    QFile info(m_dir.filePath(QStringLiteral("info")));
    QVERIFY(info.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(info.readAll())
                 .object()
                 .value(QLatin1String("apiVersion"))
                 .toString(),
             apiVersion);
    // A 401 makes the client invalidate: the plugin runs again.
    p.invalidate();
    QCOMPARE(acquireNow(p).material.token, QStringLiteral("tok-2"));
    QCOMPARE(p.execRuns(), 2);
}

void tst_CredentialProvider::rerunsExecCredentialNearExpiry()
{
    // Expiring within CredentialProvider::ExpirySkew: every acquire runs the plugin.
    const QByteArray expiry =
        QDateTime::currentDateTimeUtc().addSecs(2).toString(Qt::ISODate).toUtf8();
    CredentialProvider p(execCredentials(
        QStringLiteral("client.authentication.k8s.io/v1"),
        R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",)"
        R"("status":{"token":"t@N@","expirationTimestamp":")"
            + expiry + R"("}})"));
    QCOMPARE(acquireNow(p).material.token, QStringLiteral("t1"));
    QCOMPARE(acquireNow(p).material.token, QStringLiteral("t2"));
    QCOMPARE(runs(), 2);
}

void tst_CredentialProvider::sharesOneExecRunBetweenWaiters()
{
    CredentialProvider p(execCredentials(
        QStringLiteral("client.authentication.k8s.io/v1"),
        R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",)"
        R"("status":{"token":"shared-@N@"}})"));
    QStringList tokens;
    auto *dropped = new QObject;
    int droppedCalls = 0;
    for (int i = 0; i < 3; ++i)
        p.acquire(this, [&](const AuthMaterial &m, const QString &) { tokens.append(m.token); });
    p.acquire(dropped, [&](const AuthMaterial &, const QString &) { ++droppedCalls; });
    delete dropped; // its callback must not run
    QTRY_COMPARE_WITH_TIMEOUT(tokens.size(), 3, Timeout);
    QCOMPARE(tokens, QStringList(3, QStringLiteral("shared-1")));
    QCOMPARE(droppedCalls, 0);
    QCOMPARE(runs(), 1);
}

void tst_CredentialProvider::readsExecClientCertificate()
{
    QTemporaryDir pkiDir;
    TestPki pki(pkiDir.path());
    QVERIFY2(
        pki.createCa()
            && pki.createClient(QStringLiteral("c"), TestPki::KeyType::Ec, QStringLiteral("x")),
        qPrintable(pki.error()));
    const QJsonObject out {
        { QStringLiteral("apiVersion"), QStringLiteral("client.authentication.k8s.io/v1") },
        { QStringLiteral("kind"), QStringLiteral("ExecCredential") },
        { QStringLiteral("status"),
          QJsonObject { { QStringLiteral("clientCertificateData"),
                          QString::fromUtf8(pki.read(QStringLiteral("c.crt"))) },
                        { QStringLiteral("clientKeyData"),
                          QString::fromUtf8(pki.read(QStringLiteral("c.key"))) } } }
    };
    CredentialProvider p(execCredentials(QStringLiteral("client.authentication.k8s.io/v1"),
                                         QJsonDocument(out).toJson(QJsonDocument::Compact)));
    const Result r = acquireNow(p);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QVERIFY(r.material.token.isEmpty());
    QCOMPARE(r.material.clientCertificate.subjectInfo(QSslCertificate::CommonName),
             QStringList { QStringLiteral("x") });
    QCOMPARE(r.material.clientKey.algorithm(), QSsl::Ec);
}

void tst_CredentialProvider::reportsExecFailure_data()
{
    QTest::addColumn<QByteArray>("output");
    QTest::addColumn<QString>("mode");
    QTest::addColumn<QString>("command"); // empty = the test plugin
    QTest::addColumn<CredentialProvider::Error>("error");
    QTest::addColumn<QString>(
        "message"); // after "kubeconfig /k: users[0].user.exec: command <cmd>: "
    using E = CredentialProvider::Error;
    QTest::newRow("exit code") << QByteArray() << "fail"
                               << "" << E::ExecFailed << "exited with code 3: boom: no credentials";
    QTest::newRow("not json") << QByteArray("token please") << ""
                              << "" << E::ExecInvalidOutput << "output is not JSON: illegal value";
    QTest::newRow("wrong kind") << QByteArray(
        R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"Pod"})")
                                << ""
                                << "" << E::ExecInvalidOutput
                                << "output kind is not ExecCredential";
    QTest::newRow("wrong apiVersion") << QByteArray(
        R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"t"}})")
                                      << ""
                                      << "" << E::ExecInvalidOutput
                                      << "output apiVersion "
                                         "\"client.authentication.k8s.io/v1beta1\" is not "
                                         "\"client.authentication.k8s.io/v1\"";
    QTest::newRow("no token") << QByteArray(
        R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}})")
                              << ""
                              << "" << E::ExecInvalidOutput
                              << "status has neither token nor clientCertificateData + "
                                 "clientKeyData";
    QTest::newRow("bad expiry") << QByteArray(
        R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",)"
        R"("status":{"token":"t","expirationTimestamp":"tomorrow"}})")
                                << ""
                                << "" << E::ExecInvalidOutput
                                << "status.expirationTimestamp \"tomorrow\" is not RFC 3339";
    QTest::newRow("missing command") << QByteArray() << ""
                                     << "/nonexistent/plugin" << E::ExecFailed
                                     << "failed to start: execve: No such file or directory";
}

void tst_CredentialProvider::reportsExecFailure()
{
    QFETCH(QByteArray, output);
    QFETCH(QString, mode);
    QFETCH(QString, command);
    QFETCH(CredentialProvider::Error, error);
    QFETCH(QString, message);
    Credentials c =
        execCredentials(QStringLiteral("client.authentication.k8s.io/v1"), output, mode);
    if (!command.isEmpty())
        c.exec->command = command;
    CredentialProvider p(c);
    QSignalSpy finished(&p, &CredentialProvider::execFinished);
    const Result r = acquireNow(p);
    QVERIFY(r.done);
    QCOMPARE(r.error,
             QStringLiteral("kubeconfig /k: users[0].user.exec: command %1: %2")
                 .arg(c.exec->command, message));
    QCOMPARE(p.lastError(), error);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().first().toBool(), false);
}

QTEST_GUILESS_MAIN(tst_CredentialProvider)
#include "tst_credentialprovider.moc"
