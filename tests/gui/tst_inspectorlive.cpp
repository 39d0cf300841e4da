// The inspector window against a real boilerhouse-server --simulate process: opened from the
// command line, rows appear and follow the events, pause stops only the view, export writes
// valid JSON Lines, and a wrong API key is reported in words.
#include "client/boilerhouseclient.h"
#include "client/statestore.h"
#include "connectionbar.h"
#include "feedmodel.h"
#include "feedpanel.h"
#include "inspectoroptions.h"
#include "instancesmodel.h"
#include "mainwindow.h"
#include "poolsmodel.h"
#include "tenantsmodel.h"

#include <QAction>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace bh::gui;
using bh::client::ConnectionState;

namespace {
// Generous bounds for a loaded 2-core CI machine.
constexpr int kStartTimeoutMs = 20000; // server prints "listening on ..."
constexpr int kDataTimeoutMs = 30000; // the simulated cluster has instances and events

// A boilerhouse-server child process on port 0.
class ServerProcess
{
public:
    bool start(const QStringList &extraArgs, QString *error)
    {
        const QString binary = qEnvironmentVariable("BH_BINARY_DIR")
            + QStringLiteral("/server/app/boilerhouse-server");
        m_process.setProgram(binary);
        m_process.setArguments(QStringList { QStringLiteral("--simulate"), QStringLiteral("--port"),
                                             QStringLiteral("0") }
                               + extraArgs);
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_process.start();
        if (!m_process.waitForStarted(kStartTimeoutMs)) {
            *error = QStringLiteral("cannot start %1: %2").arg(binary, m_process.errorString());
            return false;
        }
        QDeadlineTimer deadline(kStartTimeoutMs);
        while (!m_process.canReadLine() && !deadline.hasExpired()
               && m_process.state() == QProcess::Running)
            m_process.waitForReadyRead(int(deadline.remainingTime()));
        const QString line = QString::fromUtf8(m_process.readLine()).trimmed();
        static const QRegularExpression re(QStringLiteral("^listening on (https?://\\S+)$"));
        const auto match = re.match(line);
        if (!match.hasMatch()) {
            *error = QStringLiteral("unexpected first line '%1'; stderr: %2")
                         .arg(line, QString::fromUtf8(m_process.readAllStandardError()));
            return false;
        }
        m_url = match.captured(1);
        return true;
    }
    ~ServerProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(10000))
                m_process.kill();
            m_process.waitForFinished(10000);
        }
    }
    QString url() const { return m_url; }

private:
    QProcess m_process;
    QString m_url;
};

std::unique_ptr<MainWindow> openWindow(const QStringList &args)
{
    QString error;
    const auto options =
        InspectorOptions::parse(QStringList { QStringLiteral("inspector") } + args, &error);
    if (!options) {
        qWarning() << "bad arguments:" << error;
        return nullptr;
    }
    auto window = std::make_unique<MainWindow>(*options);
    window->resize(1360, 860);
    window->show();
    return window;
}
} // namespace

class tst_inspectorlive : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void showsLiveClusterFromCommandLine();
    void pauseStopsViewButNotState();
    void exportWritesValidJsonLines();
    void wrongApiKeyIsReportedInWords();

private:
    QTemporaryDir m_dir;
};

void tst_inspectorlive::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("Boilerhouse"));
    QCoreApplication::setApplicationName(QStringLiteral("inspector-live-test"));
    QVERIFY(m_dir.isValid());
}

void tst_inspectorlive::init()
{
    QSettings settings;
    settings.clear();
    settings.sync();
}

void tst_inspectorlive::showsLiveClusterFromCommandLine()
{
    ServerProcess server;
    QString error;
    QVERIFY2(server.start({}, &error), qPrintable(error));
    auto window = openWindow({ "--url", server.url(), "--connect" });
    QVERIFY(window);
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    QTRY_COMPARE_WITH_TIMEOUT(window->client()->state(), ConnectionState::Live, kDataTimeoutMs);
    QVERIFY2(window->connectionBar()->indicatorText().startsWith(QStringLiteral("Live")),
             qPrintable(window->connectionBar()->indicatorText()));
    QTRY_VERIFY_WITH_TIMEOUT(window->statusText().contains(QStringLiteral("Connected since")),
                             10000);

    // Rows appear: instances, pools, the feed.
    const bh::client::StateStore *store = window->client()->store();
    QTRY_VERIFY_WITH_TIMEOUT(window->instancesModel()->liveCount() > 0, kDataTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(window->feedPanel()->model()->rowCount() > 0, kDataTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(window->poolsModel()->rowCount() > 0, kDataTimeoutMs);

    // Rows update: after more events, the table still shows exactly the store's instances with
    // the store's phases (in place: the same rows, their cells changed).
    const quint64 seen = window->feedPanel()->model()->totalReceived();
    QTRY_VERIFY_WITH_TIMEOUT(window->feedPanel()->model()->totalReceived() >= seen + 10,
                             kDataTimeoutMs);
    const auto tableMatchesStore = [&] {
        window->instancesModel()->flush();
        if (window->instancesModel()->liveCount() != store->instanceCount())
            return false;
        const QList<bh::client::InstanceState> instances = store->instances();
        for (const bh::client::InstanceState &s : instances) {
            const int row = window->instancesModel()->rowOf(s.info.name);
            if (row < 0 || window->instancesModel()->isFading(row))
                return false;
            const QModelIndex phase =
                window->instancesModel()->index(row, InstancesModel::PhaseColumn);
            if (phase.data().toString() != s.info.phase)
                return false;
        }
        return true;
    };
    QTRY_VERIFY_WITH_TIMEOUT(tableMatchesStore(), kDataTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(window->instancesProxy()->rowCount() >= store->instanceCount(), 10000);
    QVERIFY(window->statusText().contains(QStringLiteral("Events: ")));
}

void tst_inspectorlive::pauseStopsViewButNotState()
{
    ServerProcess server;
    QString error;
    QVERIFY2(server.start({}, &error), qPrintable(error));
    auto window = openWindow({ "--url", server.url(), "--connect" });
    QVERIFY(window);
    QTRY_VERIFY_WITH_TIMEOUT(window->feedPanel()->model()->rowCount() > 0, kDataTimeoutMs);
    FeedModel *feed = window->feedPanel()->model();
    window->feedPanel()->pauseAction()->trigger();
    QVERIFY(feed->isPaused());
    const int frozenRows = feed->rowCount();
    const quint64 receivedAtPause = feed->totalReceived();
    const quint64 clientEventsAtPause = window->client()->stats().eventsReceived;
    // Events keep arriving and being folded ...
    QTRY_VERIFY_WITH_TIMEOUT(window->client()->stats().eventsReceived >= clientEventsAtPause + 10,
                             kDataTimeoutMs);
    QVERIFY(feed->totalReceived() >= receivedAtPause + 10);
    QTRY_COMPARE_WITH_TIMEOUT(window->instancesModel()->liveCount(),
                              window->client()->store()->instanceCount(), kDataTimeoutMs);
    // ... the feed view does not move.
    QCOMPARE(feed->rowCount(), frozenRows);
    QVERIFY(feed->pendingCount() >= 10);
    window->feedPanel()->pauseAction()->trigger();
    QVERIFY(!feed->isPaused());
    QVERIFY(feed->rowCount() >= frozenRows + 10);
}

void tst_inspectorlive::exportWritesValidJsonLines()
{
    ServerProcess server;
    QString error;
    QVERIFY2(server.start({}, &error), qPrintable(error));
    auto window = openWindow({ "--url", server.url(), "--connect" });
    QVERIFY(window);
    QTRY_VERIFY_WITH_TIMEOUT(window->feedPanel()->model()->rowCount() >= 20, kDataTimeoutMs);
    window->feedPanel()->pauseAction()->trigger(); // a stable set of rows to compare with
    const QString path = m_dir.filePath(QStringLiteral("live.jsonl"));
    const auto result = window->feedPanel()->exportTo(path);
    QVERIFY2(result.ok(), qPrintable(result.message));
    FeedModel *feed = window->feedPanel()->model();
    QCOMPARE(result.lines, qint64(feed->rowCount()));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    int row = 0;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine();
        QVERIFY(line.endsWith('\n'));
        QString message;
        const auto event = bh::protocol::decodeEvent(line.chopped(1), nullptr, &message);
        QVERIFY2(event, qPrintable(message));
        QCOMPARE(*event, feed->entryAt(row).event);
        ++row;
    }
    QCOMPARE(row, feed->rowCount());
}

void tst_inspectorlive::wrongApiKeyIsReportedInWords()
{
    const QString serverKey = m_dir.filePath(QStringLiteral("server.key"));
    const QString clientKey = m_dir.filePath(QStringLiteral("client.key"));
    for (const auto &[path, key] : { std::pair { serverKey, QByteArray("right-key") },
                                     std::pair { clientKey, QByteArray("wrong-key") } }) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(key + '\n');
    }
    ServerProcess server;
    QString error;
    QVERIFY2(server.start({ QStringLiteral("--api-key-file"), serverKey }, &error),
             qPrintable(error));
    auto window = openWindow({ "--url", server.url(), "--api-key-file", clientKey, "--connect" });
    QVERIFY(window);
    QTRY_COMPARE_WITH_TIMEOUT(window->client()->lastError(), bh::client::ClientError::Unauthorized,
                              kDataTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(window->client()->state(), ConnectionState::Disconnected, 10000);
    const QString text = window->connectionBar()->indicatorText();
    QVERIFY2(text.startsWith(QStringLiteral("Disconnected")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("invalid API key")), qPrintable(text));
}

QTEST_MAIN(tst_inspectorlive)
#include "tst_inspectorlive.moc"
