#include "client/boilerhouseclient.h"
#include "client/snapshotjob.h"
#include "client/statestore.h"
#include "tcpforwarder.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QUrlQuery>

#include <memory>

using namespace bh::client;
using std::chrono::milliseconds;

// The client library against the real programs: boilerhouse-kubesim (the Kubernetes API
// simulator, driven step by step through POST /_sim/scenario/step) and boilerhouse-server
// watching it through a kubeconfig. The client's folded state must equal the server's REST
// snapshot and the simulator's own pod list after scenario events, after a server restart
// and after the simulator drops every watch and compacts its history.
namespace {
constexpr int kWaitMs = 10000; // one request, one process start, one state transition
constexpr int kConvergeMs = 30000; // the folded state catching up with a burst
constexpr int kScenarioSteps = 200;
const QString kNamespace = QStringLiteral("boilerhouse");

QString binary(const char *relative)
{
    return qEnvironmentVariable("BH_BINARY_DIR") + QLatin1Char('/') + QLatin1String(relative);
}

// A child program that prints "listening on <url>" once ready; SIGTERM and reaped when
// destroyed or stopped.
class Program
{
public:
    Program() = default;
    Program(const Program &) = delete;
    Program &operator=(const Program &) = delete;
    ~Program() { stop(); }

    // Returns once "listening on <url>" and, when given, a complete line starting with
    // `alsoWaitFor` were printed.
    bool start(const QString &path, const QStringList &args,
               const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(),
               const QString &alsoWaitFor = {})
    {
        stop();
        m_output.clear();
        m_url.clear();
        m_process = std::make_unique<QProcess>();
        m_process->setProcessEnvironment(env);
        m_process->start(path, args);
        if (!m_process->waitForStarted(kWaitMs))
            return false;
        const QDeadlineTimer deadline(kWaitMs);
        const auto ready = [&] {
            return !m_url.isEmpty() && (alsoWaitFor.isEmpty() || hasLine(alsoWaitFor));
        };
        while (!ready() && m_process->state() == QProcess::Running && !deadline.hasExpired()) {
            // Blocks on the pipe until output arrives (no sleeping).
            m_process->waitForReadyRead(int(deadline.remainingTime()));
            readOutput();
        }
        return ready();
    }
    void stop()
    {
        if (!m_process)
            return;
        if (m_process->state() != QProcess::NotRunning) {
            m_process->terminate();
            if (!m_process->waitForFinished(kWaitMs))
                m_process->kill();
            m_process->waitForFinished(kWaitMs);
        }
        readOutput();
        m_process.reset();
    }
    QUrl url() const { return QUrl(m_url); }
    // The rest of the line that starts with `prefix` in the program's stdout.
    QString line(const QString &prefix)
    {
        readOutput();
        for (const QString &l : m_output.split(QLatin1Char('\n'))) {
            if (l.startsWith(prefix))
                return l.mid(prefix.size()).trimmed();
        }
        return {};
    }
    QString diagnostics()
    {
        readOutput();
        return m_output + m_errors;
    }

private:
    bool hasLine(const QString &prefix) const
    {
        const qsizetype at = m_output.indexOf(QLatin1Char('\n') + prefix);
        return at >= 0 && m_output.indexOf(QLatin1Char('\n'), at + 1) > at;
    }
    void readOutput()
    {
        if (!m_process)
            return;
        m_output += QString::fromLocal8Bit(m_process->readAllStandardOutput());
        m_errors += QString::fromLocal8Bit(m_process->readAllStandardError());
        static const QRegularExpression listening(QStringLiteral("listening on (\\S+)"));
        const auto match = listening.match(m_output);
        if (match.hasMatch())
            m_url = match.captured(1);
    }

    std::unique_ptr<QProcess> m_process;
    QString m_output;
    QString m_errors;
    QString m_url;
};

// One HTTP request, waited for on its finished() signal. Returns the body; *status the code.
QByteArray httpRequest(QNetworkAccessManager &nam, const QByteArray &verb, const QUrl &url,
                       int *status)
{
    QNetworkRequest request(url);
    request.setTransferTimeout(kWaitMs);
    QNetworkReply *reply = nam.sendCustomRequest(request, verb, QByteArray());
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(kWaitMs);
    *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    reply->deleteLater();
    return body;
}
} // namespace

class tst_boilerhouseclient : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void foldedStateEqualsSnapshotAfterScenarioEvents();
    void foldedStateEqualsSnapshotAfterServerRestart();
    void foldedStateEqualsSnapshotAfterWatchesDroppedAndCompacted();
    void foldedStateEqualsSnapshotAfterNetworkDrop();
    void wrongApiKeyStopsWith401Message_data();
    void wrongApiKeyStopsWith401Message();
    void unreachableServerWaitsToReconnect();

private:
    bool startSimulator();
    bool startServer(quint16 port = 0, const QString &apiKey = {});
    void step(int count);
    void simulatorControl(const char *path);
    // The differences between the client's folded state and (1) a fresh REST snapshot of
    // the server, (2) the simulator's managed pods. Empty = converged.
    QStringList differences(const BoilerhouseClient &client);

    QNetworkAccessManager *m_nam = nullptr;
    std::unique_ptr<Program> m_simulator;
    std::unique_ptr<Program> m_server;
    QString m_kubeconfig;
};

void tst_boilerhouseclient::init()
{
    m_nam = new QNetworkAccessManager(this);
    m_simulator = std::make_unique<Program>();
    m_server = std::make_unique<Program>();
}

void tst_boilerhouseclient::cleanup()
{
    m_server.reset();
    m_simulator.reset();
    delete m_nam;
    m_nam = nullptr;
}

bool tst_boilerhouseclient::startSimulator()
{
    // The demo scenario, at a rate so low that only our explicit steps move the cluster.
    const bool ok = m_simulator->start(
        binary("server/kubesim/boilerhouse-kubesim"),
        { QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--scenario"),
          QStringLiteral("demo"), QStringLiteral("--rate"), QStringLiteral("0.001"),
          QStringLiteral("--seed"), QStringLiteral("7") },
        QProcessEnvironment::systemEnvironment(), QStringLiteral("kubeconfig:"));
    if (!ok)
        qWarning().noquote() << m_simulator->diagnostics();
    m_kubeconfig = m_simulator->line(QStringLiteral("kubeconfig:"));
    return ok && !m_kubeconfig.isEmpty();
}

bool tst_boilerhouseclient::startServer(quint16 port, const QString &apiKey)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("BOILERHOUSE_API_KEY"));
    env.remove(QStringLiteral("PORT"));
    if (!apiKey.isEmpty())
        env.insert(QStringLiteral("BOILERHOUSE_API_KEY"), apiKey);
    const bool ok =
        m_server->start(binary("server/app/boilerhouse-server"),
                        { QStringLiteral("--kubeconfig"), m_kubeconfig, QStringLiteral("--port"),
                          QString::number(port), QStringLiteral("--namespace"), kNamespace },
                        env);
    if (!ok)
        qWarning().noquote() << m_server->diagnostics();
    return ok;
}

void tst_boilerhouseclient::simulatorControl(const char *path)
{
    QUrl url = m_simulator->url();
    url.setPath(QLatin1String(path));
    int status = 0;
    const QByteArray body = httpRequest(*m_nam, "POST", url, &status);
    QVERIFY2(status == 200, body.constData());
}

void tst_boilerhouseclient::step(int count)
{
    QUrl url = m_simulator->url();
    url.setPath(QStringLiteral("/_sim/scenario/step"));
    url.setQuery(QStringLiteral("count=%1").arg(count));
    int status = 0;
    const QByteArray body = httpRequest(*m_nam, "POST", url, &status);
    QVERIFY2(status == 200, body.constData());
}

QStringList tst_boilerhouseclient::differences(const BoilerhouseClient &client)
{
    SnapshotJob job(m_nam, client.config());
    QSignalSpy finished(&job, &SnapshotJob::finished);
    job.start();
    if (!finished.wait(kWaitMs) || job.error() != ClientError::None)
        return { QStringLiteral("snapshot failed: ") + job.errorString() };
    StateStore truth;
    truth.reset(job.snapshot());
    QStringList out = client.store()->differences(truth);

    // The simulator's own truth: managed pods and their phases.
    QUrl pods = m_simulator->url();
    pods.setPath(QStringLiteral("/api/v1/namespaces/%1/pods").arg(kNamespace));
    pods.setQuery(QStringLiteral("labelSelector=boilerhouse.dev%2Fmanaged%3Dtrue"));
    int status = 0;
    const QJsonObject list =
        QJsonDocument::fromJson(httpRequest(*m_nam, "GET", pods, &status)).object();
    if (status != 200)
        return out << QStringLiteral("simulator pod list failed: HTTP %1").arg(status);
    QMap<QString, QString> simPhases;
    const QJsonArray items = list.value(QLatin1String("items")).toArray();
    for (const QJsonValue &item : items) {
        const QJsonObject pod = item.toObject();
        simPhases.insert(
            pod.value(QLatin1String("metadata")).toObject().value(QLatin1String("name")).toString(),
            pod.value(QLatin1String("status")).toObject().value(QLatin1String("phase")).toString());
    }
    if (simPhases.keys() != client.store()->instanceNames())
        out << QStringLiteral("instances differ from the simulator: %1 here, %2 there")
                   .arg(client.store()->instanceCount())
                   .arg(simPhases.size());
    for (auto it = simPhases.cbegin(); it != simPhases.cend(); ++it) {
        const QString mine = client.store()->instance(it.key()).info.phase;
        if (client.store()->hasInstance(it.key()) && mine != it.value())
            out << QStringLiteral("instance %1: %2 here, %3 in the simulator")
                       .arg(it.key(), mine, it.value());
    }
    return out;
}

void tst_boilerhouseclient::foldedStateEqualsSnapshotAfterScenarioEvents()
{
    QVERIFY(startSimulator());
    QVERIFY(startServer());
    BoilerhouseClient client;
    QSignalSpy received(&client, &BoilerhouseClient::eventReceived);
    client.connectToServer(m_server->url());
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ConnectionState::Live, kWaitMs);

    step(kScenarioSteps);
    QTRY_VERIFY_WITH_TIMEOUT(received.count() > 0, kWaitMs);
    QStringList diff;
    QTRY_VERIFY2_WITH_TIMEOUT((diff = differences(client)).isEmpty(),
                              qPrintable(diff.join(QLatin1Char('\n'))), kConvergeMs);
    QVERIFY(client.store()->instanceCount() > 0); // the comparison was not vacuous
    QCOMPARE(client.state(), ConnectionState::Live);
    QCOMPARE(client.stats().sequenceGaps, quint64(0));
    qInfo("%d instances, %d claims, %llu events folded, resume offered: %s",
          client.store()->instanceCount(), client.store()->claimCount(),
          static_cast<unsigned long long>(client.stats().eventsReceived),
          client.serverSupportsResume() ? "yes" : "no");
}

void tst_boilerhouseclient::foldedStateEqualsSnapshotAfterServerRestart()
{
    QVERIFY(startSimulator());
    QVERIFY(startServer());
    const quint16 port = quint16(m_server->url().port());
    BoilerhouseClient client;
    ClientConfig config;
    config.serverUrl = m_server->url();
    config.reconnect.initialDelay = milliseconds(100);
    config.reconnect.maxDelay = milliseconds(1000);
    client.setConfig(config);
    QSignalSpy resets(&client, &BoilerhouseClient::stateReset);
    client.connectToServer();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ConnectionState::Live, kWaitMs);
    step(kScenarioSteps / 2);

    m_server->stop();
    QTRY_VERIFY_WITH_TIMEOUT(client.state() != ConnectionState::Live, kWaitMs);
    step(kScenarioSteps / 2); // the cluster moves on while no server watches
    QElapsedTimer sinceRestart;
    sinceRestart.start();
    QVERIFY(startServer(port));
    const qint64 serverUpMs = sinceRestart.elapsed();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ConnectionState::Live, kConvergeMs);
    qInfo("server restart: listening after %lld ms, client Live again after %lld ms "
          "(reconnect delay then %lld ms)",
          serverUpMs, sinceRestart.elapsed(), qint64(client.reconnectDelay().count()));
    QStringList diff;
    QTRY_VERIFY2_WITH_TIMEOUT((diff = differences(client)).isEmpty(),
                              qPrintable(diff.join(QLatin1Char('\n'))), kConvergeMs);
    QVERIFY(resets.count() >= 2); // a new process: its cursor is foreign, so a new snapshot
    if (client.serverSupportsResume()) // PROTOCOL B.1: the old cursor got stream.resync
        QVERIFY(client.stats().resyncs >= 1);
    QVERIFY(client.stats().reconnects >= 1);
    QVERIFY(client.store()->instanceCount() > 0);
}

void tst_boilerhouseclient::foldedStateEqualsSnapshotAfterWatchesDroppedAndCompacted()
{
    QVERIFY(startSimulator());
    QVERIFY(startServer());
    BoilerhouseClient client;
    client.connectToServer(m_server->url());
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ConnectionState::Live, kWaitMs);
    step(kScenarioSteps / 2);
    simulatorControl("/_sim/compact");
    simulatorControl("/_sim/close-watches");
    step(kScenarioSteps / 2); // changes during the server's relist
    simulatorControl("/_sim/close-watches");
    simulatorControl("/_sim/compact");
    step(10);
    QStringList diff;
    QTRY_VERIFY2_WITH_TIMEOUT((diff = differences(client)).isEmpty(),
                              qPrintable(diff.join(QLatin1Char('\n'))), kConvergeMs);
    // The server's own watches restarted; the client's stream never had to.
    QCOMPARE(client.state(), ConnectionState::Live);
    QCOMPARE(client.stats().reconnects, quint64(0));
}

void tst_boilerhouseclient::foldedStateEqualsSnapshotAfterNetworkDrop()
{
    // The client reaches the server through a TCP forwarder; cutting it drops the stream
    // while the cluster keeps changing. With PROTOCOL B.1 the client resumes with ?since=
    // and needs no second snapshot; without it, it re-snapshots. Either way it converges.
    QVERIFY(startSimulator());
    QVERIFY(startServer());
    TcpForwarder network;
    QVERIFY(network.listen(quint16(m_server->url().port())));
    BoilerhouseClient client;
    ClientConfig config;
    config.serverUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(network.port()));
    config.reconnect.initialDelay = milliseconds(500); // the outage the steps fall into
    client.setConfig(config);
    QSignalSpy resets(&client, &BoilerhouseClient::stateReset);
    client.connectToServer();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ConnectionState::Live, kWaitMs);
    step(kScenarioSteps / 2);
    QStringList diff;
    QTRY_VERIFY2_WITH_TIMEOUT((diff = differences(client)).isEmpty(),
                              qPrintable(diff.join(QLatin1Char('\n'))), kConvergeMs);
    const int resetsBefore = resets.count();

    network.dropAll();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ConnectionState::WaitingToReconnect, kWaitMs);
    step(kScenarioSteps / 2); // changes the client cannot see while cut off
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ConnectionState::Live, kConvergeMs);
    QTRY_VERIFY2_WITH_TIMEOUT((diff = differences(client)).isEmpty(),
                              qPrintable(diff.join(QLatin1Char('\n'))), kConvergeMs);
    QCOMPARE(client.stats().sequenceGaps, quint64(0));
    if (client.serverSupportsResume()) {
        QCOMPARE(resets.count(), resetsBefore); // gapless: no snapshot after the drop
        QCOMPARE(client.stats().gaplessResumes, quint64(1));
    } else {
        QVERIFY(resets.count() > resetsBefore);
    }
    qInfo("network drop: %s, %llu events folded",
          client.serverSupportsResume() ? "resumed with ?since=" : "re-snapshotted",
          static_cast<unsigned long long>(client.stats().eventsReceived));
}

void tst_boilerhouseclient::wrongApiKeyStopsWith401Message_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("message");
    QTest::newRow("wrong key") << QStringLiteral("not-the-key")
                               << QStringLiteral("invalid API key");
    QTest::newRow("no key") << QString() << QStringLiteral("missing Authorization header");
}

void tst_boilerhouseclient::wrongApiKeyStopsWith401Message()
{
    QFETCH(QString, key);
    QFETCH(QString, message);
    QVERIFY(startSimulator());
    QVERIFY(startServer(0, QStringLiteral("the-right-key")));
    BoilerhouseClient client;
    QSignalSpy errors(&client, &BoilerhouseClient::error);
    client.connectToServer(m_server->url(), key);
    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, kWaitMs);
    QCOMPARE(errors.at(0).at(0).value<ClientError>(), ClientError::Unauthorized);
    QCOMPARE(errors.at(0).at(1).toString(), message);
    QCOMPARE(client.state(), ConnectionState::Disconnected);
    QCOMPARE(client.stateReason(), message);

    // And the right key works.
    client.connectToServer(m_server->url(), QStringLiteral("the-right-key"));
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ConnectionState::Live, kWaitMs);
}

void tst_boilerhouseclient::unreachableServerWaitsToReconnect()
{
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    BoilerhouseClient client;
    QSignalSpy errors(&client, &BoilerhouseClient::error);
    client.connectToServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ConnectionState::WaitingToReconnect, kWaitMs);
    QCOMPARE(errors.at(0).at(0).value<ClientError>(), ClientError::Unreachable);
    QCOMPARE(client.stateReason(),
             QStringLiteral("cannot reach http://127.0.0.1:%1/api/v1/instances: Connection "
                            "refused; reconnecting in 1 s")
                 .arg(port));
    QCOMPARE(client.reconnectDelay(), milliseconds(1000)); // the documented first delay

    // A server that appears on that port is picked up by the next attempt.
    QVERIFY(startSimulator());
    QVERIFY(startServer(port));
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), ConnectionState::Live, kConvergeMs);
}

QTEST_GUILESS_MAIN(tst_boilerhouseclient)
#include "tst_boilerhouseclient.moc"
