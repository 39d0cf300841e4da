#include "rawhttpclient.h"

#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

namespace {

constexpr int Timeout = 10000;

QString binary()
{
    return QStringLiteral(KUBESIM_BINARY);
}

} // namespace

class tst_KubesimCli : public QObject
{
    Q_OBJECT
private:
    // Starts the program and returns the URL from its first stdout line.
    QUrl startProgram(QProcess &p, const QStringList &args)
    {
        p.start(binary(), args);
        if (!p.waitForStarted(Timeout))
            return {};
        if (!QTest::qWaitFor([&p] { return p.canReadLine(); }, Timeout)) {
            qWarning() << "no stdout line from" << binary() << p.readAllStandardError();
            return {};
        }
        const QString line = QString::fromUtf8(p.readLine()).trimmed();
        static const QRegularExpression re("^listening on (https?)://127\\.0\\.0\\.1:(\\d+)$");
        const auto m = re.match(line);
        if (!m.hasMatch()) {
            qWarning() << "unexpected first line" << line;
            return {};
        }
        m_firstLine = line;
        return QUrl(m.captured(1) + "://127.0.0.1:" + m.captured(2));
    }

    std::unique_ptr<RawHttpClient> get(const QUrl &base, const QString &target,
                                       QList<QPair<QByteArray, QByteArray>> headers = {})
    {
        auto c = std::make_unique<RawHttpClient>();
        c->send(base, "GET", target, headers);
        QSignalSpy done(c.get(), &RawHttpClient::finished);
        done.wait(Timeout);
        return c;
    }

    void stop(QProcess &p)
    {
        p.terminate();
        QVERIFY(p.waitForFinished(Timeout));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
    }

    QString m_firstLine;

private Q_SLOTS:
    void printsOneListeningLineForPortZero();
    void rejectsBadOptionsWithExitCode2_data();
    void rejectsBadOptionsWithExitCode2();
    void servesTlsWithTokenAuth();
    void runsTheDemoScenario();
};

void tst_KubesimCli::printsOneListeningLineForPortZero()
{
    QTemporaryDir dir;
    const QString log = dir.filePath("requests.log");
    QProcess p;
    const QUrl url =
        startProgram(p, { "--port", "0", "--pods", "5", "--namespace", "demo", "--log", log });
    QVERIFY(url.isValid());
    QVERIFY(url.port() > 0);
    const auto stats = get(url, "/_sim/stats");
    QCOMPARE(stats->status, 200);
    QCOMPARE(stats->json()["objects"].toObject()["pods"].toInt(), 5);
    const auto list = get(url, "/api/v1/namespaces/demo/pods?limit=2");
    QCOMPARE(list->json()["items"].toArray().size(), 2);
    QCOMPARE(list->json()["metadata"].toObject()["remainingItemCount"].toInt(), 3);
    const auto logText = [&log] {
        QFile f(log);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    };
    QTRY_VERIFY_WITH_TIMEOUT(logText().contains("GET /api/v1/namespaces/demo/pods?limit=2"),
                             Timeout);
    stop(p);
    // Exactly one line on stdout.
    const QByteArray rest = p.readAllStandardOutput();
    QVERIFY2(rest.isEmpty(), rest.constData());
}

void tst_KubesimCli::rejectsBadOptionsWithExitCode2_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown") << QStringList { "--bogus" } << "unknown option '--bogus'";
    QTest::newRow("bad-port") << QStringList { "--port", "70000" }
                              << "--port: '70000' is not a port";
    QTest::newRow("missing-value") << QStringList { "--port" } << "option --port needs a value";
    QTest::newRow("bad-scenario") << QStringList { "--scenario", "chaos" } << "--scenario: 'chaos'";
    QTest::newRow("bad-rate") << QStringList { "--rate", "-1" } << "--rate: '-1'";
    QTest::newRow("cert-without-key") << QStringList { "--tls-cert", "/nonexistent" }
                                      << "--tls-cert and --tls-key must be given together";
    QTest::newRow("unreadable-cert")
        << QStringList { "--tls-cert", "/nonexistent", "--tls-key", "/nonexistent" }
        << "--tls-cert: cannot read /nonexistent";
    QTest::newRow("bad-host") << QStringList { "--host", "not-an-ip" } << "--host: 'not-an-ip'";
}

void tst_KubesimCli::rejectsBadOptionsWithExitCode2()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    QProcess p;
    p.start(binary(), args);
    QVERIFY(p.waitForFinished(Timeout));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 2);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QCOMPARE(err.count('\n'), 1);
    QVERIFY2(err.startsWith("boilerhouse-kubesim: " + message), qPrintable(err));
    QVERIFY(p.readAllStandardOutput().isEmpty());
}

void tst_KubesimCli::servesTlsWithTokenAuth()
{
    QTemporaryDir dir;
    const QString cert = dir.filePath("tls.crt");
    const QString key = dir.filePath("tls.key");
    QProcess ssl;
    ssl.start("openssl",
              { "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out",
                cert });
    QVERIFY2(ssl.waitForFinished(60000) && ssl.exitCode() == 0,
             ssl.readAllStandardError().constData());

    QProcess p;
    const QUrl url = startProgram(p,
                                  { "--port", "0", "--tls-cert", cert, "--tls-key", key, "--token",
                                    "t0k3n", "--namespace", "demo" });
    QCOMPARE(url.scheme(), QString("https"));
    QCOMPARE(get(url, "/api/v1/namespaces/demo/pods")->status, 401);
    const auto ok =
        get(url, "/api/v1/namespaces/demo/pods", { { "Authorization", "Bearer t0k3n" } });
    QCOMPARE(ok->status, 200);
    QCOMPARE(ok->json()["kind"].toString(), QString("PodList"));
    // A plain-http request to the TLS port gets no HTTP answer.
    QUrl plain = url;
    plain.setScheme("http");
    auto c = std::make_unique<RawHttpClient>();
    c->send(plain, "GET", "/api");
    QTRY_VERIFY_WITH_TIMEOUT(c->disconnected || c->status >= 400, Timeout);
    QVERIFY(c->status != 200);
    stop(p);
}

void tst_KubesimCli::runsTheDemoScenario()
{
    QProcess p;
    const QUrl url = startProgram(p,
                                  { "--port", "0", "--scenario", "demo", "--rate", "100", "--seed",
                                    "5", "--namespace", "demo" });
    QVERIFY(url.isValid());
    QTRY_VERIFY_WITH_TIMEOUT(p.canReadLine(), Timeout);
    QByteArray more;
    QTRY_VERIFY_WITH_TIMEOUT((more += p.readAllStandardOutput()).contains("get pods"), Timeout);
    QVERIFY(more.contains("kubectl --kubeconfig "));
    const QRegularExpression re("kubeconfig: (\\S+)");
    const auto m = re.match(QString::fromUtf8(more));
    QVERIFY(m.hasMatch());
    QFile kc(m.captured(1));
    QVERIFY(kc.open(QIODevice::ReadOnly));
    const QByteArray kubeconfig = kc.readAll();
    QVERIFY(kubeconfig.contains("server: " + url.toString().toUtf8()));
    QVERIFY(kubeconfig.contains("namespace: demo"));
    kc.remove();
    QTRY_VERIFY_WITH_TIMEOUT(
        get(url, "/_sim/stats")->json()["objects"].toObject()["boilerhouseclaims"].toInt() > 0,
        Timeout);
    const auto step = std::make_unique<RawHttpClient>();
    step->send(url, "POST", "/_sim/scenario/step?count=10");
    QSignalSpy done(step.get(), &RawHttpClient::finished);
    QVERIFY(done.wait(Timeout));
    QCOMPARE(step->status, 200);
    QCOMPARE(step->json()["steps"].toInt(), 10);
    stop(p);
}

QTEST_GUILESS_MAIN(tst_KubesimCli)
#include "tst_kubesimcli.moc"
