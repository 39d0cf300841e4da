// --log-format json against the real boilerhouse-server process: everything it writes on
// stderr — its own categories, Qt's, start-up errors — is one JSON object per line, checked
// by Qt's parser and by Python's json module (key order included); a bad value exits 2 with
// one line.

#include "clusterfixture.h"
#include "eventclient.h"
#include "httpclient.h"
#include "serverprocess.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

#include <csignal>
#include <functional>

namespace {

constexpr int kTimeout = 15'000;
const QString kPython = QStringLiteral("/usr/bin/python3");

// Every stdin line must be a JSON object whose keys start ts, level, logger, msg; prints
// the number of lines. Any other line exits non-zero naming it.
const char kChecker[] = R"PY(
import json, sys
n = 0
for raw in sys.stdin.buffer.read().split(b"\n")[:-1]:
    n += 1
    obj = json.loads(raw.decode("utf-8"))
    if not isinstance(obj, dict):
        sys.exit("not an object: %r" % raw)
    if list(obj.keys())[:4] != ["ts", "level", "logger", "msg"]:
        sys.exit("key order: %r" % raw)
    if obj["level"] not in ("debug", "info", "warning", "error", "fatal"):
        sys.exit("level: %r" % raw)
print(n)
)PY";

// Checks `text` line by line; the parsed objects, or an empty list + *error.
QList<QJsonObject> parseJsonLines(const QByteArray &text, QString *error)
{
    if (text.isEmpty() || !text.endsWith('\n')) {
        *error =
            QStringLiteral("stderr empty or without final newline: ") + QString::fromUtf8(text);
        return {};
    }
    QList<QJsonObject> objects;
    static const QRegularExpression ts(
        QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$"));
    for (const QByteArray &line : text.chopped(1).split('\n')) {
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &parseError);
        if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
            *error = QStringLiteral("not a JSON object line: ") + QString::fromUtf8(line);
            return {};
        }
        const QJsonObject o = doc.object();
        if (!ts.match(o.value("ts").toString()).hasMatch() || !o.value("logger").isString()
            || !o.value("msg").isString()) {
            *error = QStringLiteral("missing or malformed field: ") + QString::fromUtf8(line);
            return {};
        }
        objects << o;
    }
    QProcess python;
    python.start(kPython, { QStringLiteral("-c"), QString::fromLatin1(kChecker) });
    if (!python.waitForStarted(kTimeout)) {
        *error = QStringLiteral("cannot start %1").arg(kPython);
        return {};
    }
    python.write(text);
    python.closeWriteChannel();
    if (!python.waitForFinished(kTimeout) || python.exitCode() != 0
        || python.readAllStandardOutput().trimmed().toInt() != objects.size()) {
        *error = QStringLiteral("python json check failed: ")
            + QString::fromUtf8(python.readAllStandardError());
        return {};
    }
    return objects;
}

bool hasMessage(const QList<QJsonObject> &lines, const QString &logger, const QString &level,
                const QString &contains)
{
    for (const QJsonObject &o : lines) {
        if (o.value("logger").toString() == logger && o.value("level").toString() == level
            && o.value("msg").toString().contains(contains))
            return true;
    }
    return false;
}

} // namespace

class tst_logformat : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void jsonModeWritesOnlyJsonLines();
    void variableSelectsJson();
    void textIsTheDefault();
    void badValueExitsTwoWithOneLine_data();
    void badValueExitsTwoWithOneLine();
    void startupErrorIsOneJsonLine();

private:
    QProcessEnvironment environment() const;
    // Starts, waits until ready, runs `traffic`, sends SIGTERM, waits for exit 0.
    bool runServer(ServerProcess &server, const QStringList &arguments,
                   const QProcessEnvironment &env, const std::function<void()> &traffic = {});

    ClusterFixture m_cluster;
    HttpClient m_http;
};

QProcessEnvironment tst_logformat::environment() const
{
    QProcessEnvironment env = ServerProcess::cleanEnvironment();
    env.remove("LOG_FORMAT");
    env.remove("QT_LOGGING_RULES");
    env.remove("QT_MESSAGE_PATTERN");
    env.insert("KUBECONFIG", m_cluster.kubeconfigPath());
    return env;
}

void tst_logformat::initTestCase()
{
    QVERIFY2(QFile::exists(kPython), "/usr/bin/python3 is missing");
    QVERIFY(m_cluster.start());
    m_cluster.createPod("my-agent-alice-0000aaaa", "my-agent", "alice", "Running");
}

bool tst_logformat::runServer(ServerProcess &server, const QStringList &arguments,
                              const QProcessEnvironment &env, const std::function<void()> &traffic)
{
    if (!server.start(arguments, env)) {
        qWarning().noquote() << server.errors();
        return false;
    }
    if (!QTest::qWaitFor([&] { return m_http.get(server.url("/readyz")).status == 200; },
                         kTimeout)) {
        qWarning().noquote() << "never ready:" << server.errors();
        return false;
    }
    if (traffic)
        traffic();
    server.sendSignal(SIGTERM);
    if (!QTest::qWaitFor([&] { return !server.isRunning(); }, kTimeout)) {
        qWarning().noquote() << "did not exit:" << server.errors();
        return false;
    }
    return server.exitStatus() == QProcess::NormalExit && server.exitCode() == 0;
}

void tst_logformat::jsonModeWritesOnlyJsonLines()
{
    ServerProcess server;
    auto traffic = [&] {
        QCOMPARE(m_http.get(server.url("/api/v1/instances")).status, 200);
        QCOMPARE(m_http.get(server.url("/no/such/route")).status, 404);
        EventClient client;
        client.open(server.wsUrl());
        QTRY_VERIFY_WITH_TIMEOUT(client.count() >= 1, kTimeout);
        m_cluster.setPodPhase("my-agent-alice-0000aaaa", "Failed");
        QTRY_VERIFY_WITH_TIMEOUT(client.count() >= 2, kTimeout);
        // A watch restart and a compaction: the reflectors log state changes and the 410.
        m_cluster.simulator()->closeAllWatches();
        m_cluster.setPodPhase("my-agent-alice-0000aaaa", "Running");
        m_cluster.simulator()->compactHistory();
        QTRY_VERIFY_WITH_TIMEOUT(client.count() >= 3, kTimeout);
        client.close();
        QTRY_VERIFY_WITH_TIMEOUT(client.isClosed() || !client.isConnected(), kTimeout);
    };
    QVERIFY(runServer(server, { "--log-format", "json", "--verbose" }, environment(), traffic));
    QVERIFY2(!QTest::currentTestFailed(), "traffic failed");
    QString error;
    const QList<QJsonObject> lines = parseJsonLines(server.stderrText().toUtf8(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(lines.size() >= 10, qPrintable(server.stderrText()));
    QVERIFY(hasMessage(lines, "bh.server", "info", "watching namespace boilerhouse"));
    QVERIFY(hasMessage(lines, "bh.server", "info", "signal 15 received"));
    // --verbose: debug lines of other categories are JSON too.
    bool debug = false;
    for (const QJsonObject &o : lines)
        debug = debug || o.value("level").toString() == QLatin1String("debug");
    QVERIFY2(debug, qPrintable(server.stderrText()));
    // stdout keeps its plain announcement lines.
    QVERIFY(server.stdoutLines().value(0).startsWith("listening on http://"));
}

void tst_logformat::variableSelectsJson()
{
    ServerProcess server;
    QProcessEnvironment env = environment();
    env.insert("LOG_FORMAT", "json");
    QVERIFY(runServer(server, {}, env));
    QString error;
    const QList<QJsonObject> lines = parseJsonLines(server.stderrText().toUtf8(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(hasMessage(lines, "bh.server", "info", "signal 15 received"));
}

void tst_logformat::textIsTheDefault()
{
    ServerProcess server;
    QVERIFY(runServer(server, {}, environment()));
    const QString text = server.stderrText();
    QVERIFY2(text.contains(QStringLiteral("\nbh.server: signal 15 received"))
                 || text.startsWith(QStringLiteral("bh.server: signal 15 received")),
             qPrintable(text));
    for (const QString &line : text.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        QVERIFY2(!line.startsWith(QLatin1Char('{')), qPrintable(line));
}

void tst_logformat::badValueExitsTwoWithOneLine_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QString>("value");
    QTest::newRow("--log-format xml")
        << QStringList { "--log-format", "xml" } << QString() << QStringLiteral("xml");
    QTest::newRow("LOG_FORMAT=Json")
        << QStringList() << QStringLiteral("Json") << QStringLiteral("Json");
    QTest::newRow("--log-format=") << QStringList { "--log-format=" } << QString() << QString();
}

void tst_logformat::badValueExitsTwoWithOneLine()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, variable);
    QFETCH(QString, value);
    QProcessEnvironment env = environment();
    if (!variable.isNull())
        env.insert("LOG_FORMAT", variable);
    ServerProcess server;
    QVERIFY(server.run(arguments, env, kTimeout));
    QCOMPARE(server.exitStatus(), QProcess::NormalExit);
    QCOMPARE(server.exitCode(), 2);
    QCOMPARE(server.stderrText(),
             QStringLiteral("boilerhouse-server: invalid log format \"%1\" (--log-format / "
                            "LOG_FORMAT): expected text or json\n")
                 .arg(value));
    QVERIFY(server.stdoutLines().isEmpty());
}

void tst_logformat::startupErrorIsOneJsonLine()
{
    QProcessEnvironment env = environment();
    env.remove("KUBECONFIG");
    ServerProcess server;
    QVERIFY(server.run({ "--log-format", "json", "--kubeconfig", "/nonexistent/kubeconfig" }, env,
                       kTimeout));
    QCOMPARE(server.exitCode(), 2);
    QString error;
    const QList<QJsonObject> lines = parseJsonLines(server.stderrText().toUtf8(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(lines.size(), 1);
    QCOMPARE(lines.first().value("level").toString(), QStringLiteral("error"));
    QCOMPARE(lines.first().value("logger").toString(), QStringLiteral("bh.server"));
    QVERIFY2(
        lines.first().value("msg").toString().startsWith(QStringLiteral("boilerhouse-server: "))
            && lines.first().value("msg").toString().contains("/nonexistent/kubeconfig"),
        qPrintable(server.stderrText()));
}

QTEST_GUILESS_MAIN(tst_logformat)
#include "tst_logformat.moc"
