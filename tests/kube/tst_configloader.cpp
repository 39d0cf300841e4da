#include "kube/configloader.h"

#include "testpki.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using bh::kube::ClusterConfig;
using bh::kube::ConfigLoader;
using Error = bh::kube::ConfigLoader::Error;

namespace {

void writeFile(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(f.errorString()));
    f.write(data);
}

QByteArray indent(const QByteArray &block, int spaces)
{
    QByteArray out;
    const QByteArray pad(spaces, ' ');
    for (const QByteArray &line : block.split('\n')) {
        if (!line.isEmpty())
            out += pad + line + '\n';
    }
    return out;
}

// A kubeconfig with one cluster "c", one user "u" and one context "ctx" using both.
QByteArray kubeconfig(const QByteArray &cluster = "server: https://127.0.0.1:6443",
                      const QByteArray &user = "token: abc", const QByteArray &context = {})
{
    return "apiVersion: v1\nkind: Config\ncurrent-context: ctx\nclusters:\n- name: c\n  cluster:\n"
        + indent(cluster, 4) + "users:\n- name: u\n  user:\n" + indent(user, 4)
        + "contexts:\n- name: ctx\n  context:\n"
        + indent(context.isEmpty() ? QByteArray("cluster: c\nuser: u\nnamespace: demo") : context,
                 4);
}

QProcessEnvironment emptyEnv()
{
    return QProcessEnvironment();
}

} // namespace

class tst_ConfigLoader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();

    void reportsBadFile_data();
    void reportsBadFile();
    void errorIsOneLineEvenForRawBytes();
    void loadsTokenAndCaData();
    void resolvesRelativePaths();
    void mergesFilesFirstWins();
    void contextFlagOverridesCurrentContext();
    void kubeconfigEnvSkipsMissingFiles();
    void loadsClientCertificate_data();
    void loadsClientCertificate();
    void loadsExecPlugin();
    void followsResolutionOrder_data();
    void followsResolutionOrder();
    void loadsInCluster_data();
    void loadsInCluster();
    void reportsInClusterErrors_data();
    void reportsInClusterErrors();

private:
    QTemporaryDir m_pkiDir;
    std::unique_ptr<TestPki> m_pki;
};

void tst_ConfigLoader::initTestCase()
{
    QVERIFY(m_pkiDir.isValid());
    m_pki = std::make_unique<TestPki>(m_pkiDir.path());
    QVERIFY2(m_pki->createCa(), qPrintable(m_pki->error()));
    QVERIFY2(
        m_pki->createClient(QStringLiteral("rsa"), TestPki::KeyType::Rsa, QStringLiteral("alice")),
        qPrintable(m_pki->error()));
    QVERIFY2(m_pki->createClient(QStringLiteral("ec"), TestPki::KeyType::Ec, QStringLiteral("bob")),
             qPrintable(m_pki->error()));
    QVERIFY2(m_pki->createClient(QStringLiteral("ecsec1"), TestPki::KeyType::EcSec1,
                                 QStringLiteral("carol")),
             qPrintable(m_pki->error()));
}

void tst_ConfigLoader::reportsBadFile_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<Error>("error");
    QTest::addColumn<QString>("message"); // %F = the kubeconfig path, %D = its folder

    const QByteArray b64Hello = QByteArray("hello").toBase64();
    const QByteArray certData = m_pki->read(QStringLiteral("rsa.crt")).toBase64();

    QTest::newRow("invalid yaml") << QByteArray("clusters: [\n  - a: b\n") << Error::InvalidYaml
                                  << "kubeconfig %F: invalid YAML at line 2: illegal block entry";
    QTest::newRow("not a mapping")
        << QByteArray("- a\n- b\n") << Error::InvalidYaml << "kubeconfig %F: not a YAML mapping";
    QTest::newRow("clusters not a list") << QByteArray("clusters: 3\n") << Error::InvalidYaml
                                         << "kubeconfig %F: clusters: not a list";
    QTest::newRow("cluster without name")
        << QByteArray("clusters:\n- cluster: {server: http://a}\n") << Error::MissingField
        << "kubeconfig %F: clusters[0].name: missing";
    QTest::newRow("user entry not a mapping")
        << QByteArray("users:\n- name: u\n  user: [1]\n") << Error::InvalidYaml
        << "kubeconfig %F: users[0].user: not a mapping";
    QTest::newRow("empty file") << QByteArray("") << Error::MissingField
                                << "kubeconfig %F: current-context: not set (and no --context)";
    QTest::newRow("current-context unknown")
        << kubeconfig().replace("current-context: ctx", "current-context: nope")
        << Error::UnknownContext << "kubeconfig %F: current-context: no context named \"nope\"";
    QTest::newRow("context without cluster")
        << kubeconfig({}, "token: abc", "user: u") << Error::MissingField
        << "kubeconfig %F: contexts[0].context.cluster: missing";
    QTest::newRow("unknown cluster")
        << kubeconfig({}, "token: abc", "cluster: zz\nuser: u") << Error::UnknownCluster
        << "kubeconfig %F: contexts[0].context.cluster: no cluster named \"zz\"";
    QTest::newRow("unknown user")
        << kubeconfig("server: https://a:1", "token: abc", "cluster: c\nuser: zz")
        << Error::UnknownUser << "kubeconfig %F: contexts[0].context.user: no user named \"zz\"";
    QTest::newRow("server missing")
        << kubeconfig("insecure-skip-tls-verify: true") << Error::MissingField
        << "kubeconfig %F: clusters[0].cluster.server: missing";
    QTest::newRow("server not http")
        << kubeconfig("server: ftp://a:1") << Error::InvalidValue
        << "kubeconfig %F: clusters[0].cluster.server: \"ftp://a:1\" is not an "
           "http:// or https:// URL";
    QTest::newRow("server without host")
        << kubeconfig("server: https://") << Error::InvalidValue
        << "kubeconfig %F: clusters[0].cluster.server: \"https://\" is not "
           "an http:// or https:// URL";
    QTest::newRow("ca data not base64")
        << kubeconfig("server: https://a:1\ncertificate-authority-data: '!!notbase64!!'")
        << Error::InvalidBase64
        << "kubeconfig %F: clusters[0].cluster.certificate-authority-data: not valid base64";
    QTest::newRow("ca data not pem")
        << kubeconfig("server: https://a:1\ncertificate-authority-data: " + b64Hello)
        << Error::InvalidCertificate
        << "kubeconfig %F: clusters[0].cluster.certificate-authority-data: no PEM certificate";
    QTest::newRow("ca file missing")
        << kubeconfig("server: https://a:1\ncertificate-authority: missing.crt")
        << Error::FileUnreadable
        << "kubeconfig %F: clusters[0].cluster.certificate-authority: cannot "
           "read %D/missing.crt: No such file or directory";
    QTest::newRow("insecure with ca")
        << kubeconfig(
               "server: https://a:1\ninsecure-skip-tls-verify: true\ncertificate-authority-data: "
               + m_pki->read(QStringLiteral("ca.crt")).toBase64())
        << Error::InvalidValue
        << "kubeconfig %F: clusters[0].cluster.insecure-skip-tls-verify: cannot be combined with "
           "certificate-authority-data";
    QTest::newRow("insecure not boolean")
        << kubeconfig("server: https://a:1\ninsecure-skip-tls-verify: maybe") << Error::InvalidValue
        << "kubeconfig %F: clusters[0].cluster.insecure-skip-tls-verify: not "
           "a boolean";
    QTest::newRow("proxy-url bad")
        << kubeconfig("server: https://a:1\nproxy-url: gopher://p:1") << Error::InvalidValue
        << "kubeconfig %F: clusters[0].cluster.proxy-url: \"gopher://p:1\" is not an "
           "http://, https:// or socks5:// URL";
    QTest::newRow("token not a string")
        << kubeconfig("server: https://a:1", "token: {a: b}") << Error::InvalidValue
        << "kubeconfig %F: users[0].user.token: not a string";
    QTest::newRow("token file missing")
        << kubeconfig("server: https://a:1", "tokenFile: tok") << Error::FileUnreadable
        << "kubeconfig %F: users[0].user.tokenFile: cannot read %D/tok: No such "
           "file or directory";
    QTest::newRow("client key not base64")
        << kubeconfig("server: https://a:1",
                      "client-certificate-data: " + certData + "\nclient-key-data: '%%'")
        << Error::InvalidBase64 << "kubeconfig %F: users[0].user.client-key-data: not valid base64";
    QTest::newRow("client cert without key")
        << kubeconfig("server: https://a:1", "client-certificate-data: " + certData)
        << Error::MissingField
        << "kubeconfig %F: users[0].user.client-key: missing "
           "(client-certificate-data is set)";
    QTest::newRow("client key without cert")
        << kubeconfig("server: https://a:1", "client-key: k.pem") << Error::FileUnreadable
        << "kubeconfig %F: users[0].user.client-key: cannot read %D/k.pem: "
           "No such file or directory";
    QTest::newRow("client cert not pem")
        << kubeconfig("server: https://a:1",
                      "client-certificate-data: " + b64Hello + "\nclient-key-data: " + b64Hello)
        << Error::InvalidCertificate
        << "kubeconfig %F: users[0].user.client-certificate-data: no PEM certificate";
    QTest::newRow("client key not a key")
        << kubeconfig("server: https://a:1",
                      "client-certificate-data: " + certData + "\nclient-key-data: " + b64Hello)
        << Error::InvalidKey
        << "kubeconfig %F: users[0].user.client-key-data: not a PEM RSA or EC private key";
    QTest::newRow("auth-provider")
        << kubeconfig("server: https://a:1", "auth-provider: {name: gcp}") << Error::Unsupported
        << "kubeconfig %F: users[0].user.auth-provider: not supported (use token, "
           "tokenFile, a client certificate or an exec plugin)";
    QTest::newRow("basic auth")
        << kubeconfig("server: https://a:1", "username: a\npassword: b") << Error::Unsupported
        << "kubeconfig %F: users[0].user.username: not supported (use token, tokenFile, "
           "a client certificate or an exec plugin)";
    QTest::newRow("exec apiVersion")
        << kubeconfig("server: https://a:1",
                      "exec:\n  apiVersion: client.authentication.k8s.io/v1alpha1\n"
                      "  command: x")
        << Error::InvalidValue
        << "kubeconfig %F: users[0].user.exec.apiVersion: "
           "\"client.authentication.k8s.io/v1alpha1\" is not "
           "client.authentication.k8s.io/v1 or v1beta1";
    QTest::newRow("exec without command")
        << kubeconfig("server: https://a:1", "exec:\n  apiVersion: client.authentication.k8s.io/v1")
        << Error::MissingField << "kubeconfig %F: users[0].user.exec.command: missing";
    QTest::newRow("exec args not list")
        << kubeconfig(
               "server: https://a:1",
               "exec:\n  apiVersion: client.authentication.k8s.io/v1\n  command: x\n  args: a")
        << Error::InvalidValue << "kubeconfig %F: users[0].user.exec.args: not a list";
    QTest::newRow("exec env without value")
        << kubeconfig("server: https://a:1",
                      "exec:\n  apiVersion: client.authentication.k8s.io/v1\n  command: x\n  "
                      "env:\n  - name: A")
        << Error::InvalidValue
        << "kubeconfig %F: users[0].user.exec.env[0]: needs a string name and value";
    QTest::newRow("exec interactive always")
        << kubeconfig("server: https://a:1",
                      "exec:\n  apiVersion: client.authentication.k8s.io/v1\n  command: x\n  "
                      "interactiveMode: Always")
        << Error::Unsupported
        << "kubeconfig %F: users[0].user.exec.interactiveMode: Always needs a terminal; a server "
           "has none";
}

void tst_ConfigLoader::reportsBadFile()
{
    QFETCH(QByteArray, yaml);
    QFETCH(Error, error);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("config"));
    writeFile(file, yaml);
    const auto result = ConfigLoader::loadKubeconfig({ file }, QString());
    QCOMPARE(result.error, error);
    QCOMPARE(result.message,
             message.replace(QLatin1String("%F"), file).replace(QLatin1String("%D"), dir.path()));
    QVERIFY(!result.message.contains(QLatin1Char('\n')));
}

// Found by fuzz_kubeconfig: yaml-cpp quotes the raw byte of an unknown escape, a newline
// included, in its message.
void tst_ConfigLoader::errorIsOneLineEvenForRawBytes()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("config"));
    writeFile(file, QByteArray("cl\xff\xff\x00\n", 6));
    const auto result = ConfigLoader::loadKubeconfig({ file }, QString());
    QCOMPARE(result.error, Error::InvalidYaml);
    QVERIFY(result.message.startsWith(QStringLiteral("kubeconfig %1: ").arg(file)));
    for (const QChar c : result.message)
        QVERIFY2(c.unicode() >= 0x20 && c.unicode() != 0x7f, qPrintable(result.message));
}

void tst_ConfigLoader::loadsTokenAndCaData()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("config"));
    writeFile(file,
              kubeconfig("server: https://kube.example:6443/prefix\ncertificate-authority-data: "
                             + m_pki->read(QStringLiteral("ca.crt")).toBase64()
                             + "\ntls-server-name: api.internal",
                         "token: s3cret"));
    const auto r = ConfigLoader::loadKubeconfig({ file }, QString());
    QVERIFY2(r.ok(), qPrintable(r.message));
    QCOMPARE(r.config.server, QUrl(QStringLiteral("https://kube.example:6443/prefix")));
    QVERIFY(r.config.isTls());
    QCOMPARE(r.config.tls.caCertificates(),
             QSslCertificate::fromPath(m_pki->path(QStringLiteral("ca.crt"))));
    QCOMPARE(r.config.tlsServerName, QStringLiteral("api.internal"));
    QCOMPARE(r.config.credentials.token, QStringLiteral("s3cret"));
    QCOMPARE(r.config.namespace_, QStringLiteral("demo"));
    QVERIFY(!r.config.insecureSkipTlsVerify);
    QVERIFY(r.config.source.contains(file));
}

void tst_ConfigLoader::resolvesRelativePaths()
{
    QTemporaryDir dir;
    const QString sub = dir.filePath(QStringLiteral("conf"));
    QDir().mkpath(sub + QStringLiteral("/pki"));
    QFile::copy(m_pki->path(QStringLiteral("ca.crt")), sub + QStringLiteral("/pki/ca.crt"));
    QFile::copy(m_pki->path(QStringLiteral("rsa.crt")), sub + QStringLiteral("/pki/client.crt"));
    QFile::copy(m_pki->path(QStringLiteral("rsa.key")), sub + QStringLiteral("/pki/client.key"));
    writeFile(sub + QStringLiteral("/token"), "from-file\n");
    const QString file = sub + QStringLiteral("/config");
    writeFile(
        file,
        kubeconfig(
            "server: https://a:1\ncertificate-authority: pki/ca.crt",
            "tokenFile: token\nclient-certificate: pki/client.crt\nclient-key: ./pki/client.key"));
    // Load through a relative path from another working directory.
    const QString oldCwd = QDir::currentPath();
    QDir::setCurrent(dir.path());
    const auto r = ConfigLoader::loadKubeconfig({ QStringLiteral("conf/config") }, QString());
    QDir::setCurrent(oldCwd);
    QVERIFY2(r.ok(), qPrintable(r.message));
    QCOMPARE(r.config.credentials.tokenFile, sub + QStringLiteral("/token"));
    QCOMPARE(r.config.tls.caCertificates().size(), 1);
    QCOMPARE(r.config.credentials.clientCertificate.subjectInfo(QSslCertificate::CommonName),
             QStringList { QStringLiteral("alice") });
    QCOMPARE(r.config.credentials.clientKey.algorithm(), QSsl::Rsa);
}

void tst_ConfigLoader::mergesFilesFirstWins()
{
    QTemporaryDir dir;
    const QString first = dir.filePath(QStringLiteral("a/config"));
    const QString second = dir.filePath(QStringLiteral("b/config"));
    // The first file sets current-context "two", which only the second file defines; both
    // define cluster "c" (the first wins); the user lives in the second file with a token
    // file relative to the second file's folder.
    writeFile(
        first,
        "current-context: two\nclusters:\n- name: c\n  cluster:\n    server: https://first:1\n");
    writeFile(
        second,
        "current-context: one\nclusters:\n- name: c\n  cluster:\n    server: https://second:2\n"
        "users:\n- name: u\n  user:\n    tokenFile: tok\ncontexts:\n- name: two\n  context:\n"
        "    cluster: c\n    user: u\n    namespace: ns2\n");
    writeFile(dir.filePath(QStringLiteral("b/tok")), "t2");
    const auto r = ConfigLoader::loadKubeconfig({ first, second }, QString());
    QVERIFY2(r.ok(), qPrintable(r.message));
    QCOMPARE(r.config.server, QUrl(QStringLiteral("https://first:1")));
    QCOMPARE(r.config.namespace_, QStringLiteral("ns2"));
    QCOMPARE(r.config.credentials.tokenFile, dir.filePath(QStringLiteral("b/tok")));

    // The same files in the other order: current-context "one" is unknown.
    const auto reversed = ConfigLoader::loadKubeconfig({ second, first }, QString());
    QCOMPARE(reversed.error, Error::UnknownContext);
    QCOMPARE(
        reversed.message,
        QStringLiteral("kubeconfig %1: current-context: no context named \"one\"").arg(second));
}

void tst_ConfigLoader::contextFlagOverridesCurrentContext()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("config"));
    QByteArray yaml = kubeconfig("server: https://a:1");
    yaml += "- name: other\n  context:\n    cluster: c\n    namespace: elsewhere\n";
    writeFile(file, yaml);
    const auto r = ConfigLoader::loadKubeconfig({ file }, QStringLiteral("other"));
    QVERIFY2(r.ok(), qPrintable(r.message));
    QCOMPARE(r.config.namespace_, QStringLiteral("elsewhere"));
    QVERIFY(r.config.credentials.token.isEmpty()); // no user in that context
    const auto bad = ConfigLoader::loadKubeconfig({ file }, QStringLiteral("nope"));
    QCOMPARE(bad.error, Error::UnknownContext);
    QCOMPARE(bad.message,
             QStringLiteral("kubeconfig %1: --context: no context named \"nope\"").arg(file));
}

void tst_ConfigLoader::kubeconfigEnvSkipsMissingFiles()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("config"));
    writeFile(file, kubeconfig("server: http://127.0.0.1:8001", {}, "cluster: c"));
    ConfigLoader::Options o;
    o.environment = emptyEnv();
    o.environment.insert(QStringLiteral("KUBECONFIG"),
                         dir.filePath(QStringLiteral("missing")) + QLatin1Char(':') + file);
    const auto r = ConfigLoader::load(o);
    QVERIFY2(r.ok(), qPrintable(r.message));
    QCOMPARE(r.config.server, QUrl(QStringLiteral("http://127.0.0.1:8001")));
    QVERIFY(!r.config.isTls());

    o.environment.insert(QStringLiteral("KUBECONFIG"), dir.filePath(QStringLiteral("missing")));
    const auto none = ConfigLoader::load(o);
    QCOMPARE(none.error, Error::FileUnreadable);
    QCOMPARE(none.message,
             QStringLiteral("KUBECONFIG=%1: none of these files exists")
                 .arg(dir.filePath(QStringLiteral("missing"))));

    // An explicit --kubeconfig must exist.
    o.kubeconfig = dir.filePath(QStringLiteral("missing"));
    QCOMPARE(ConfigLoader::load(o).error, Error::FileUnreadable);
}

void tst_ConfigLoader::loadsClientCertificate_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("inline_");
    QTest::addColumn<QSsl::KeyAlgorithm>("algorithm");
    QTest::newRow("rsa file") << QStringLiteral("rsa") << false << QSsl::Rsa;
    QTest::newRow("rsa data") << QStringLiteral("rsa") << true << QSsl::Rsa;
    QTest::newRow("ec pkcs8 file") << QStringLiteral("ec") << false << QSsl::Ec;
    QTest::newRow("ec pkcs8 data") << QStringLiteral("ec") << true << QSsl::Ec;
    QTest::newRow("ec sec1 data") << QStringLiteral("ecsec1") << true << QSsl::Ec;
}

void tst_ConfigLoader::loadsClientCertificate()
{
    QFETCH(QString, name);
    QFETCH(bool, inline_);
    QFETCH(QSsl::KeyAlgorithm, algorithm);
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("config"));
    const QByteArray user = inline_
        ? "client-certificate-data: " + m_pki->read(name + QStringLiteral(".crt")).toBase64()
            + "\nclient-key-data: " + m_pki->read(name + QStringLiteral(".key")).toBase64()
        : "client-certificate: " + m_pki->path(name + QStringLiteral(".crt")).toUtf8()
            + "\nclient-key: " + m_pki->path(name + QStringLiteral(".key")).toUtf8();
    writeFile(file, kubeconfig("server: https://a:1", user));
    const auto r = ConfigLoader::loadKubeconfig({ file }, QString());
    QVERIFY2(r.ok(), qPrintable(r.message));
    QVERIFY(r.config.credentials.hasClientCertificate());
    QCOMPARE(r.config.credentials.clientKey.algorithm(), algorithm);
    QCOMPARE(r.config.tls.localCertificate(), r.config.credentials.clientCertificate);
    QCOMPARE(r.config.tls.privateKey(), r.config.credentials.clientKey);
}

void tst_ConfigLoader::loadsExecPlugin()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("config"));
    writeFile(
        file,
        kubeconfig("server: https://a:1\ninsecure-skip-tls-verify: true",
                   "exec:\n  apiVersion: client.authentication.k8s.io/v1beta1\n"
                   "  command: ./bin/cred\n  args: [get, --x=1]\n  env:\n  - {name: A, value: b}\n"
                   "  provideClusterInfo: true\n  interactiveMode: Never"));
    const auto r = ConfigLoader::loadKubeconfig({ file }, QString());
    QVERIFY2(r.ok(), qPrintable(r.message));
    QVERIFY(r.config.credentials.exec.has_value());
    const auto &exec = *r.config.credentials.exec;
    QCOMPARE(exec.command, dir.filePath(QStringLiteral("bin/cred")));
    QCOMPARE(exec.args, (QStringList { QStringLiteral("get"), QStringLiteral("--x=1") }));
    QCOMPARE(exec.env.size(), 1);
    QCOMPARE(exec.env.first().first, QStringLiteral("A"));
    QCOMPARE(exec.workingDirectory, dir.path());
    QCOMPARE(exec.execInfo,
             QByteArray(
                 R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential",)"
                 R"("spec":{"cluster":{"insecure-skip-tls-verify":true,"server":"https://a:1"},)"
                 R"("interactive":false}})"));
}

void tst_ConfigLoader::followsResolutionOrder_data()
{
    QTest::addColumn<bool>("flag");
    QTest::addColumn<bool>("env");
    QTest::addColumn<bool>("inCluster");
    QTest::addColumn<bool>("home");
    QTest::addColumn<QString>("server");
    QTest::newRow("flag beats everything") << true << true << true << true << "http://flag:1";
    QTest::newRow("env beats in-cluster") << false << true << true << true << "http://env:1";
    QTest::newRow("in-cluster beats home")
        << false << false << true << true << "https://10.0.0.1:443";
    QTest::newRow("home last") << false << false << false << true << "http://home:1";
    QTest::newRow("nothing") << false << false << false << false << "";
}

void tst_ConfigLoader::followsResolutionOrder()
{
    QFETCH(bool, flag);
    QFETCH(bool, env);
    QFETCH(bool, inCluster);
    QFETCH(bool, home);
    QFETCH(QString, server);
    QTemporaryDir dir;
    const auto config = [&](const QString &rel, const QByteArray &url) {
        const QString path = dir.filePath(rel);
        writeFile(path, kubeconfig("server: " + url, {}, "cluster: c"));
        return path;
    };
    ConfigLoader::Options o;
    o.environment = emptyEnv();
    o.homeDir = dir.filePath(QStringLiteral("home"));
    o.serviceAccountDir = dir.filePath(QStringLiteral("sa"));
    writeFile(o.serviceAccountDir + QStringLiteral("/token"), "t");
    if (flag)
        o.kubeconfig = config(QStringLiteral("flag"), "http://flag:1");
    if (env)
        o.environment.insert(QStringLiteral("KUBECONFIG"),
                             config(QStringLiteral("env"), "http://env:1"));
    if (inCluster) {
        o.environment.insert(QStringLiteral("KUBERNETES_SERVICE_HOST"), QStringLiteral("10.0.0.1"));
        o.environment.insert(QStringLiteral("KUBERNETES_SERVICE_PORT"), QStringLiteral("443"));
    }
    if (home)
        config(QStringLiteral("home/.kube/config"), "http://home:1");
    const auto r = ConfigLoader::load(o);
    if (server.isEmpty()) {
        QCOMPARE(r.error, Error::NoConfiguration);
        QVERIFY(r.message.startsWith(QLatin1String("no Kubernetes configuration")));
        return;
    }
    QVERIFY2(r.ok(), qPrintable(r.message));
    QCOMPARE(r.config.server, QUrl(server));
}

void tst_ConfigLoader::loadsInCluster_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("podNamespace");
    QTest::addColumn<QByteArray>("namespaceFile"); // empty = no file
    QTest::addColumn<bool>("caFile");
    QTest::addColumn<QString>("server");
    QTest::addColumn<QString>("ns");
    QTest::newRow("ipv4 + namespace file")
        << "10.96.0.1"
        << "" << QByteArray("  team-a\n") << true << "https://10.96.0.1:6443"
        << "team-a";
    QTest::newRow("ipv6") << "fd00::1"
                          << "" << QByteArray("b") << true << "https://[fd00::1]:6443"
                          << "b";
    QTest::newRow("POD_NAMESPACE wins")
        << "10.96.0.1"
        << "pod-ns" << QByteArray("file-ns") << true << "https://10.96.0.1:6443"
        << "pod-ns";
    QTest::newRow("default namespace, no ca")
        << "kubernetes"
        << "" << QByteArray() << false << "https://kubernetes:6443"
        << "default";
}

void tst_ConfigLoader::loadsInCluster()
{
    QFETCH(QString, host);
    QFETCH(QString, podNamespace);
    QFETCH(QByteArray, namespaceFile);
    QFETCH(bool, caFile);
    QFETCH(QString, server);
    QFETCH(QString, ns);
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("token")), "sa-token\n");
    if (!namespaceFile.isEmpty())
        writeFile(dir.filePath(QStringLiteral("namespace")), namespaceFile);
    if (caFile)
        QVERIFY(QFile::copy(m_pki->path(QStringLiteral("ca.crt")),
                            dir.filePath(QStringLiteral("ca.crt"))));
    QProcessEnvironment env;
    env.insert(QStringLiteral("KUBERNETES_SERVICE_HOST"), host);
    env.insert(QStringLiteral("KUBERNETES_SERVICE_PORT"), QStringLiteral("6443"));
    if (!podNamespace.isEmpty())
        env.insert(QStringLiteral("POD_NAMESPACE"), podNamespace);
    QVERIFY(ConfigLoader::isInCluster(env));
    const auto r = ConfigLoader::loadInCluster(env, dir.path());
    QVERIFY2(r.ok(), qPrintable(r.message));
    QCOMPARE(r.config.server.toString(), server);
    QCOMPARE(r.config.namespace_, ns);
    QCOMPARE(r.config.credentials.tokenFile, dir.filePath(QStringLiteral("token")));
    QCOMPARE(r.config.source, QStringLiteral("in-cluster"));
    if (caFile)
        QCOMPARE(r.config.tls.caCertificates().size(), 1);
}

void tst_ConfigLoader::reportsInClusterErrors_data()
{
    QTest::addColumn<QString>("port");
    QTest::addColumn<QByteArray>("token"); // empty = no file
    QTest::addColumn<QByteArray>("ca"); // empty = no file
    QTest::addColumn<Error>("error");
    QTest::addColumn<QString>("message"); // %D = service account dir
    QTest::newRow("no token")
        << "443" << QByteArray() << QByteArray() << Error::FileUnreadable
        << "in-cluster: token: cannot read %D/token: No such file or directory";
    QTest::newRow("bad port") << "https" << QByteArray("t") << QByteArray() << Error::InvalidValue
                              << "in-cluster: KUBERNETES_SERVICE_PORT=https: not a port";
    QTest::newRow("bad ca") << "443" << QByteArray("t") << QByteArray("junk")
                            << Error::InvalidCertificate
                            << "in-cluster: %D/ca.crt: no PEM certificate";
}

void tst_ConfigLoader::reportsInClusterErrors()
{
    QFETCH(QString, port);
    QFETCH(QByteArray, token);
    QFETCH(QByteArray, ca);
    QFETCH(Error, error);
    QFETCH(QString, message);
    QTemporaryDir dir;
    if (!token.isEmpty())
        writeFile(dir.filePath(QStringLiteral("token")), token);
    if (!ca.isEmpty())
        writeFile(dir.filePath(QStringLiteral("ca.crt")), ca);
    QProcessEnvironment env;
    env.insert(QStringLiteral("KUBERNETES_SERVICE_HOST"), QStringLiteral("10.0.0.1"));
    env.insert(QStringLiteral("KUBERNETES_SERVICE_PORT"), port);
    const auto r = ConfigLoader::loadInCluster(env, dir.path());
    QCOMPARE(r.error, error);
    QCOMPARE(r.message, message.replace(QLatin1String("%D"), dir.path()));
}

QTEST_GUILESS_MAIN(tst_ConfigLoader)
#include "tst_configloader.moc"
