// The boilerhouse-server process itself: flags, exit codes, configuration errors, signals.

#include "clusterfixture.h"
#include "eventclient.h"
#include "httpclient.h"
#include "serverprocess.h"

#include <QElapsedTimer>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

namespace {
constexpr int kTimeout = 15'000;
}

class tst_serverprocess : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void helpAndVersionExitZero_data();
    void helpAndVersionExitZero();
    void badOptionExitsTwoWithOneLine_data();
    void badOptionExitsTwoWithOneLine();
    void badKubeconfigExitsTwoWithOneLine_data();
    void badKubeconfigExitsTwoWithOneLine();
    void unreachableApiserverIsNotFatal();
    void terminationClosesClientsWith1001_data();
    void terminationClosesClientsWith1001();
    void simulateServesLiveCluster();
};

void tst_serverprocess::helpAndVersionExitZero_data()
{
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("expected");
    QTest::newRow("--help") << "--help"
                            << "--kubeconfig";
    QTest::newRow("--version") << "--version"
                               << "boilerhouse-server 0.";
}

void tst_serverprocess::helpAndVersionExitZero()
{
    QFETCH(QString, flag);
    QFETCH(QString, expected);
    ServerProcess server;
    QVERIFY(server.run({ flag }, ServerProcess::cleanEnvironment()));
    QCOMPARE(server.exitCode(), 0);
    QVERIFY2(server.stdoutLines().join('\n').contains(expected), qPrintable(server.errors()));
}

void tst_serverprocess::badOptionExitsTwoWithOneLine_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown flag") << QStringList { "--bogus" } << ""
                                  << ""
                                  << "Unknown option 'bogus'";
    QTest::newRow("bad port flag") << QStringList { "--port", "70000" } << ""
                                   << ""
                                   << "invalid port \"70000\" (--port / PORT): expected 0-65535";
    QTest::newRow("bad PORT variable") << QStringList {} << "PORT"
                                       << "http"
                                       << "invalid port \"http\" (--port / PORT): expected 0-65535";
    QTest::newRow("bad listen host") << QStringList { "--listen-host", "nowhere" } << ""
                                     << ""
                                     << "invalid listen host \"nowhere\"";
    QTest::newRow("bad namespace") << QStringList {} << "K8S_NAMESPACE"
                                   << "Not_A_Label"
                                   << "invalid namespace \"Not_A_Label\"";
    QTest::newRow("missing api key file")
        << QStringList { "--api-key-file", "/nonexistent/key" } << ""
        << ""
        << "cannot read --api-key-file /nonexistent/key";
    QTest::newRow("tls cert without key") << QStringList { "--tls-cert", "/x.pem" } << ""
                                          << ""
                                          << "--tls-cert and --tls-key must be given together";
    QTest::newRow("positional argument") << QStringList { "extra" } << ""
                                         << ""
                                         << "unexpected argument: extra";
}

void tst_serverprocess::badOptionExitsTwoWithOneLine()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, variable);
    QFETCH(QString, value);
    QFETCH(QString, message);
    QProcessEnvironment env = ServerProcess::cleanEnvironment();
    if (!variable.isEmpty())
        env.insert(variable, value);
    ServerProcess server;
    QVERIFY(server.run(arguments, env));
    QCOMPARE(server.exitCode(), 2);
    const QStringList lines = server.stderrText().split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 1);
    QVERIFY2(lines.constFirst().contains(message), qPrintable(lines.constFirst()));
    QVERIFY(server.stdoutLines().isEmpty());
}

void tst_serverprocess::badKubeconfigExitsTwoWithOneLine_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("field");
    QTest::newRow("not YAML") << QByteArray("clusters: [unclosed\n") << "";
    QTest::newRow("unknown current-context")
        << QByteArray("apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: "
                      "[]\ncurrent-context: nope\n")
        << "nope";
    QTest::newRow("server missing") << QByteArray(
        "apiVersion: v1\nclusters:\n- name: c\n  cluster: {}\nusers:\n- name: u\n  user: {}\n"
        "contexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n")
                                    << "server";
}

void tst_serverprocess::badKubeconfigExitsTwoWithOneLine()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, field);
    QTemporaryDir dir;
    const QString path = dir.filePath("config");
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
    file.close();
    ServerProcess server;
    QVERIFY(server.run({ "--kubeconfig", path }, ServerProcess::cleanEnvironment()));
    QCOMPARE(server.exitCode(), 2);
    const QStringList lines = server.stderrText().split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 1);
    QVERIFY2(lines.constFirst().contains(path), qPrintable(lines.constFirst()));
    QVERIFY2(lines.constFirst().contains(field), qPrintable(lines.constFirst()));
}

void tst_serverprocess::unreachableApiserverIsNotFatal()
{
    // A port nobody listens on: take one from a server we close again.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 deadPort = probe.serverPort();
    probe.close();
    QTemporaryDir dir;
    QFile file(dir.filePath("config"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(
        QStringLiteral(
            "apiVersion: v1\nclusters:\n- name: c\n  cluster: {server: 'http://127.0.0.1:%1'}\n"
            "users:\n- name: u\n  user: {}\ncontexts:\n- name: x\n  context: {cluster: c, user: "
            "u}\n"
            "current-context: x\n")
            .arg(deadPort)
            .toUtf8());
    file.close();
    ServerProcess server;
    QVERIFY2(server.start({ "--kubeconfig", file.fileName() }, ServerProcess::cleanEnvironment()),
             qPrintable(server.errors()));
    HttpClient http;
    QCOMPARE(http.get(server.url("/api/v1/health")).status, 200);
    QCOMPARE(http.get(server.url("/livez")).status, 200);
    const auto ready = http.get(server.url("/readyz"));
    QCOMPARE(ready.status, 503);
    QVERIFY2(ready.body.contains("pods: not synced"), ready.body.constData());
    EventClient client;
    client.open(server.wsUrl());
    QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), kTimeout);
    QVERIFY(server.isRunning());
}

void tst_serverprocess::terminationClosesClientsWith1001_data()
{
    QTest::addColumn<int>("signalNumber");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
}

void tst_serverprocess::terminationClosesClientsWith1001()
{
    QFETCH(int, signalNumber);
    ClusterFixture cluster;
    QVERIFY(cluster.start());
    QProcessEnvironment env = ServerProcess::cleanEnvironment();
    env.insert("KUBECONFIG", cluster.kubeconfigPath());
    ServerProcess server;
    QVERIFY2(server.start({}, env), qPrintable(server.errors()));
    QList<EventClient *> clients;
    for (int i = 0; i < 5; ++i) {
        clients << new EventClient(this);
        clients.last()->open(server.wsUrl());
    }
    for (EventClient *c : clients)
        QTRY_VERIFY_WITH_TIMEOUT(c->isConnected(), kTimeout);

    QElapsedTimer elapsed;
    elapsed.start();
    server.sendSignal(signalNumber);
    for (EventClient *c : clients) {
        QTRY_VERIFY_WITH_TIMEOUT(c->isClosed(), kTimeout);
        QCOMPARE(c->closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
    }
    QTRY_VERIFY_WITH_TIMEOUT(!server.isRunning(), kTimeout);
    QVERIFY2(elapsed.elapsed() < 2000, qPrintable(QString::number(elapsed.elapsed())));
    QCOMPARE(server.exitStatus(), QProcess::NormalExit);
    QCOMPARE(server.exitCode(), 0);
    qDeleteAll(clients);
}

void tst_serverprocess::simulateServesLiveCluster()
{
    ServerProcess server;
    QVERIFY2(
        server.start({ "--simulate", "--simulate-rate", "50" }, ServerProcess::cleanEnvironment()),
        qPrintable(server.errors()));
    QVERIFY(server.stdoutLines().constFirst().startsWith("listening on http://127.0.0.1:"));
    HttpClient http;
    QTRY_COMPARE_WITH_TIMEOUT(http.get(server.url("/readyz")).status, 200, kTimeout);
    EventClient client;
    client.open(server.wsUrl());
    QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), kTimeout);
    // The demo scenario keeps the cluster moving: live events arrive.
    QTRY_VERIFY_WITH_TIMEOUT(client.count() > 10, kTimeout);
    QCOMPARE(client.invalidFrames(), 0);
    server.sendSignal(SIGTERM);
    QTRY_VERIFY_WITH_TIMEOUT(!server.isRunning(), kTimeout);
    QCOMPARE(server.exitCode(), 0);
}

QTEST_GUILESS_MAIN(tst_serverprocess)
#include "tst_serverprocess.moc"
