// GET /metrics (PROTOCOL B.4) of the real boilerhouse-server process watching an in-process
// Kubernetes API simulator over HTTP. Every scrape is parsed by a real third-party parser
// (Debian's python3-prometheus-client, text_string_to_metric_families) and linted with
// promtool (Debian's prometheus); a missing tool fails the test.

#include "clusterfixture.h"
#include "eventclient.h"
#include "httpclient.h"
#include "rawupgrade.h"
#include "serverprocess.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpSocket>
#include <QTest>

#include <cmath>
#include <optional>

namespace {

constexpr int kTimeout = 15'000;
// Faults with backoff (500s) take a few retries before the watch is back.
constexpr int kRecoveryTimeout = 40'000;
const QByteArray kKey = "metrics-k3y";
const QString kPython = QStringLiteral("/usr/bin/python3");
const QString kPromtool = QStringLiteral("/usr/bin/promtool");

// Reads the exposition on stdin with the reference Python client's parser and prints the
// families as JSON: {name: {type, help, samples: [[sample name, {labels}, "value"]]}}.
// A family that appears twice, or any parse error, exits non-zero.
const char kParser[] = R"PY(
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = {}
for family in text_string_to_metric_families(sys.stdin.read()):
    if family.name in out:
        sys.exit("family twice: " + family.name)
    out[family.name] = {"type": family.type, "help": family.documentation,
                        "samples": [[s.name, s.labels, repr(float(s.value))] for s in family.samples]}
print(json.dumps(out))
)PY";

using Labels = QMap<QString, QString>;

struct Sample
{
    QString name;
    Labels labels;
    double value = 0;
};

struct Family
{
    QString type;
    QString help;
    QList<Sample> samples;
};

// The scrape as the third-party parser saw it.
struct Scrape
{
    QMap<QString, Family> families;
    QString error; // empty = parsed

    // The value of one sample (by sample name and exact labels); NaN when absent.
    double value(const QString &sampleName, const Labels &labels = {}) const
    {
        for (const Family &f : families) {
            for (const Sample &s : f.samples) {
                if (s.name == sampleName && s.labels == labels)
                    return s.value;
            }
        }
        return std::nan("");
    }
};

Scrape parseWithPrometheusClient(const QByteArray &body)
{
    Scrape scrape;
    QProcess python;
    python.start(kPython, { QStringLiteral("-c"), QString::fromLatin1(kParser) });
    if (!python.waitForStarted(kTimeout)) {
        scrape.error = QStringLiteral("cannot start %1: %2").arg(kPython, python.errorString());
        return scrape;
    }
    python.write(body);
    python.closeWriteChannel();
    if (!python.waitForFinished(kTimeout) || python.exitStatus() != QProcess::NormalExit
        || python.exitCode() != 0) {
        scrape.error = QStringLiteral("prometheus_client parser failed (exit %1): %2")
                           .arg(python.exitCode())
                           .arg(QString::fromUtf8(python.readAllStandardError()));
        return scrape;
    }
    const QJsonObject root = QJsonDocument::fromJson(python.readAllStandardOutput()).object();
    for (auto it = root.begin(); it != root.end(); ++it) {
        const QJsonObject f = it.value().toObject();
        Family family;
        family.type = f.value("type").toString();
        family.help = f.value("help").toString();
        for (const QJsonValue &sv : f.value("samples").toArray()) {
            const QJsonArray s = sv.toArray();
            Sample sample;
            sample.name = s.at(0).toString();
            const QJsonObject labels = s.at(1).toObject();
            for (auto l = labels.begin(); l != labels.end(); ++l)
                sample.labels.insert(l.key(), l.value().toString());
            const QString v = s.at(2).toString();
            sample.value = v == QLatin1String("inf") ? INFINITY : v.toDouble();
            family.samples << sample;
        }
        scrape.families.insert(it.key(), family);
    }
    if (scrape.families.isEmpty())
        scrape.error = QStringLiteral("the parser found no metric family");
    return scrape;
}

const Labels kPods { { "resource", "pods" } };
const Labels kClaims { { "resource", "boilerhouseclaims" } };
Labels typeLabel(const char *type)
{
    return { { "type", QString::fromLatin1(type) } };
}

} // namespace

class tst_metrics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void servesTextFormat004();
    void exposesEverySeriesWithItsType_data();
    void exposesEverySeriesWithItsType();
    void passesPromtoolLint();
    void histogramBucketsAreCumulative();
    void processMetricsArePlausible();
    void historyIsReported();
    void requiresKeyWhenSet_data();
    void requiresKeyWhenSet();
    void countersMoveAfterEvents();
    void refusedUpgradesCountedByStatus_data();
    void refusedUpgradesCountedByStatus();
    void faultMovesItsCounter_data();
    void faultMovesItsCounter();

private:
    bool waitReady(ServerProcess &server);
    Scrape scrape(ServerProcess &server);

    ClusterFixture m_cluster;
    ServerProcess m_open; // development mode (no API key)
    ServerProcess m_locked; // BOILERHOUSE_API_KEY set
    HttpClient m_http;
    Scrape m_first; // the open server's first scrape, once both watches synced
};

bool tst_metrics::waitReady(ServerProcess &server)
{
    return QTest::qWaitFor([&] { return m_http.get(server.url("/readyz")).status == 200; },
                           kTimeout);
}

Scrape tst_metrics::scrape(ServerProcess &server)
{
    const HttpClient::Reply reply = m_http.get(server.url("/metrics"));
    if (reply.status != 200) {
        Scrape failed;
        failed.error = QStringLiteral("GET /metrics: %1 %2").arg(reply.status).arg(reply.error);
        return failed;
    }
    return parseWithPrometheusClient(reply.body);
}

void tst_metrics::initTestCase()
{
    QVERIFY2(QFile::exists(kPython), "/usr/bin/python3 is missing");
    QVERIFY2(QFile::exists(kPromtool),
             "promtool is missing: install Debian's prometheus (scripts/packages/ops.txt)");
    QVERIFY(m_cluster.start());
    m_cluster.createPod("my-agent-alice-0000aaaa", "my-agent", "alice", "Running");
    m_cluster.createClaim("claim-alice-my-agent", "alice", "my-agent",
                          QJsonObject { { "phase", "Active" } });
    QProcessEnvironment env = ServerProcess::cleanEnvironment();
    env.remove("LOG_FORMAT");
    env.insert("KUBECONFIG", m_cluster.kubeconfigPath());
    QVERIFY2(m_open.start({}, env), qPrintable(m_open.errors()));
    env.insert("BOILERHOUSE_API_KEY", QString::fromLatin1(kKey));
    env.insert("BOILERHOUSE_WS_ORIGINS", "http://allowed.example");
    env.insert("BOILERHOUSE_WS_AUTH", "1");
    QVERIFY2(m_locked.start({}, env), qPrintable(m_locked.errors()));
    QVERIFY2(waitReady(m_open), qPrintable(m_open.errors()));
    QVERIFY2(waitReady(m_locked), qPrintable(m_locked.errors()));
    m_first = scrape(m_open);
    QVERIFY2(m_first.error.isEmpty(), qPrintable(m_first.error));
}

void tst_metrics::servesTextFormat004()
{
    const HttpClient::Reply get = m_http.get(m_open.url("/metrics"));
    QCOMPARE(get.status, 200);
    QCOMPARE(get.header("Content-Type"), QByteArray("text/plain; version=0.0.4; charset=utf-8"));
    QCOMPARE(get.header("X-Content-Type-Options"), QByteArray("nosniff"));
    QVERIFY(get.body.endsWith('\n'));
    QVERIFY(get.body.startsWith("# HELP "));
    // HELP and TYPE once per family.
    QSet<QByteArray> typed;
    for (const QByteArray &line : get.body.split('\n')) {
        if (!line.startsWith("# TYPE "))
            continue;
        const QByteArray name = line.split(' ').value(2);
        QVERIFY2(!typed.contains(name), name.constData());
        typed.insert(name);
    }
    QCOMPARE(get.body.count("# HELP "), typed.size());

    // HEAD over a raw socket (QNetworkAccessManager's custom-verb HEAD waits for a body).
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_open.port());
    QVERIFY(socket.waitForConnected(kTimeout));
    socket.write("HEAD /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    QByteArray head;
    QTRY_VERIFY_WITH_TIMEOUT(
        (head += socket.readAll(), socket.state() == QAbstractSocket::UnconnectedState), kTimeout);
    head += socket.readAll();
    QVERIFY2(head.startsWith("HTTP/1.1 200 "), head.constData());
    QVERIFY(head.contains("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
    QVERIFY(head.endsWith("\r\n\r\n")); // no body

    const HttpClient::Reply post = m_http.request("POST", m_open.url("/metrics"));
    QCOMPARE(post.status, 405);
}

void tst_metrics::exposesEverySeriesWithItsType_data()
{
    QTest::addColumn<QString>("family"); // as the Python parser names it (counters: no _total)
    QTest::addColumn<QString>("type");
    QTest::addColumn<QList<Labels>>("labelSets");
    const QList<Labels> none { Labels() };
    const QList<Labels> resources { kPods, kClaims };
    const QList<Labels> derivedTypes { typeLabel("instance.state"),
                                       typeLabel("pool.instance.ready"),
                                       typeLabel("tenant.claimed"), typeLabel("tenant.released") };
    const QList<Labels> sentTypes = derivedTypes + QList<Labels> { typeLabel("stream.resync") };
    auto row = [](const char *family, const char *type, const QList<Labels> &labels) {
        QTest::newRow(family) << QString::fromLatin1(family) << QString::fromLatin1(type) << labels;
    };
    row("boilerhouse_ws_clients", "gauge", none);
    row("boilerhouse_ws_handshakes_in_progress", "gauge", none);
    row("boilerhouse_ws_connections", "counter", none);
    row("boilerhouse_ws_rejected", "counter", none);
    row("boilerhouse_ws_disconnects", "counter", none);
    row("boilerhouse_ws_slow_consumer_closes", "counter", none);
    row("boilerhouse_ws_ping_timeouts", "counter", none);
    row("boilerhouse_ws_oversized_closes", "counter", none);
    row("boilerhouse_ws_handshake_timeouts", "counter", none);
    row("boilerhouse_ws_upgrades_refused", "counter",
        { { { "code", "400" } },
          { { "code", "401" } },
          { { "code", "403" } },
          { { "code", "404" } },
          { { "code", "503" } } });
    row("boilerhouse_events_derived", "counter", derivedTypes);
    row("boilerhouse_events_sent", "counter", sentTypes);
    row("boilerhouse_ws_sent_bytes", "counter", none);
    row("boilerhouse_watch_restarts", "counter", resources);
    row("boilerhouse_relists", "counter", resources);
    row("boilerhouse_watch_gone", "counter", resources);
    row("boilerhouse_apiserver_errors", "counter", resources);
    row("boilerhouse_watch_events", "counter", resources);
    row("boilerhouse_watch_synced", "gauge", resources);
    row("boilerhouse_cache_objects", "gauge", resources);
    row("boilerhouse_event_delivery_latency_seconds", "histogram", none);
    row("boilerhouse_history_events", "gauge", none);
    row("boilerhouse_history_capacity", "gauge", none);
    row("boilerhouse_history_bytes", "gauge", none);
    row("process_resident_memory_bytes", "gauge", none);
    row("process_virtual_memory_bytes", "gauge", none);
    row("process_cpu_seconds", "counter", none);
    row("process_open_fds", "gauge", none);
    row("process_max_fds", "gauge", none);
    row("process_start_time_seconds", "gauge", none);
}

void tst_metrics::exposesEverySeriesWithItsType()
{
    QFETCH(QString, family);
    QFETCH(QString, type);
    QFETCH(QList<Labels>, labelSets);
    QVERIFY2(m_first.families.contains(family), qPrintable(family + " missing"));
    const Family &f = m_first.families.value(family);
    QCOMPARE(f.type, type);
    QVERIFY(!f.help.isEmpty());
    if (type == QLatin1String("histogram"))
        return; // its samples: histogramBucketsAreCumulative
    QList<Labels> seen;
    for (const Sample &s : f.samples) {
        QCOMPARE(s.name, type == QLatin1String("counter") ? family + "_total" : family);
        QVERIFY(std::isfinite(s.value) && s.value >= 0);
        seen << s.labels;
    }
    QCOMPARE(seen, labelSets);
}

void tst_metrics::passesPromtoolLint()
{
    const HttpClient::Reply reply = m_http.get(m_open.url("/metrics"));
    QCOMPARE(reply.status, 200);
    QProcess promtool;
    promtool.start(kPromtool, { QStringLiteral("check"), QStringLiteral("metrics") });
    QVERIFY2(promtool.waitForStarted(kTimeout), qPrintable(promtool.errorString()));
    promtool.write(reply.body);
    promtool.closeWriteChannel();
    QVERIFY(promtool.waitForFinished(kTimeout));
    const QByteArray output = promtool.readAllStandardOutput() + promtool.readAllStandardError();
    QVERIFY2(promtool.exitStatus() == QProcess::NormalExit && promtool.exitCode() == 0,
             output.constData());
    QVERIFY2(output.trimmed().isEmpty(), output.constData());
}

void tst_metrics::histogramBucketsAreCumulative()
{
    const Family f = m_first.families.value("boilerhouse_event_delivery_latency_seconds");
    QList<double> bounds;
    QList<double> counts;
    double count = -1;
    double sum = -1;
    for (const Sample &s : f.samples) {
        if (s.name.endsWith("_bucket")) {
            bounds << s.labels.value("le").toDouble(); // "+Inf" -> 0 is checked below
            counts << s.value;
            QCOMPARE(s.labels.size(), 1);
        } else if (s.name.endsWith("_count")) {
            count = s.value;
        } else if (s.name.endsWith("_sum")) {
            sum = s.value;
        }
    }
    QCOMPARE(f.samples.last().name,
             QStringLiteral("boilerhouse_event_delivery_latency_seconds_count"));
    QCOMPARE(bounds.size(), 13); // 12 bounds + +Inf
    QCOMPARE(f.samples.at(12).labels.value("le"), QStringLiteral("+Inf"));
    for (int i = 1; i < 12; ++i)
        QVERIFY(bounds.at(i) > bounds.at(i - 1));
    for (int i = 1; i < counts.size(); ++i)
        QVERIFY(counts.at(i) >= counts.at(i - 1));
    QCOMPARE(count, counts.last());
    QVERIFY(sum >= 0);
}

void tst_metrics::processMetricsArePlausible()
{
    const double now = double(QDateTime::currentSecsSinceEpoch());
    const double start = m_first.value("process_start_time_seconds");
    QVERIFY2(start > now - 600 && start <= now + 1, qPrintable(QString::number(start, 'f')));
    const double rss = m_first.value("process_resident_memory_bytes");
    QVERIFY2(rss > 1e6 && rss < 4e9, qPrintable(QString::number(rss, 'f')));
    QVERIFY(m_first.value("process_virtual_memory_bytes") >= rss);
    const double fds = m_first.value("process_open_fds");
    QVERIFY(fds >= 4); // stdio + the listening socket at least
    QVERIFY(fds <= m_first.value("process_max_fds"));
    QVERIFY(m_first.value("process_cpu_seconds_total") >= 0);
    // CPU time moves forward (clock-tick granularity: the first scrape may still read 0).
    QTRY_VERIFY_WITH_TIMEOUT(scrape(m_open).value("process_cpu_seconds_total")
                                 > m_first.value("process_cpu_seconds_total"),
                             kTimeout);
}

void tst_metrics::historyIsReported()
{
    QCOMPARE(m_first.value("boilerhouse_history_capacity"), 10'000.0);
    const double events = m_first.value("boilerhouse_history_events");
    const double bytes = m_first.value("boilerhouse_history_bytes");
    // The initial list emits its objects as live events (1 pod + 1 claim: 2-3 events).
    QVERIFY2(events >= 2, qPrintable(QString::number(events)));
    // At least the encoded JSON of each event, and not absurd per event.
    QVERIFY2(bytes >= events * 60 && bytes <= events * 4096, qPrintable(QString::number(bytes)));
    QCOMPARE(m_first.value("boilerhouse_watch_synced", kPods), 1.0);
    QCOMPARE(m_first.value("boilerhouse_watch_synced", kClaims), 1.0);
}

void tst_metrics::requiresKeyWhenSet_data()
{
    QTest::addColumn<bool>("locked");
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("no key configured: open") << false << QByteArray() << 200 << QByteArray();
    QTest::newRow("key set, no header")
        << true << QByteArray() << 401 << QByteArray(R"({"error":"missing Authorization header"})");
    QTest::newRow("key set, not Bearer")
        << true << QByteArray("Basic eDp5") << 401
        << QByteArray(R"({"error":"missing Authorization header"})");
    QTest::newRow("key set, wrong key") << true << QByteArray("Bearer wrong") << 401
                                        << QByteArray(R"({"error":"invalid API key"})");
    QTest::newRow("key set, right key")
        << true << QByteArray("Bearer " + kKey) << 200 << QByteArray();
}

void tst_metrics::requiresKeyWhenSet()
{
    QFETCH(bool, locked);
    QFETCH(QByteArray, authorization);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!authorization.isEmpty())
        headers.append({ "Authorization", authorization });
    const HttpClient::Reply reply =
        m_http.get((locked ? m_locked : m_open).url("/metrics"), headers);
    QCOMPARE(reply.status, status);
    if (status != 200) {
        QCOMPARE(reply.body, body);
        return;
    }
    const Scrape parsed = parseWithPrometheusClient(reply.body);
    QVERIFY2(parsed.error.isEmpty(), qPrintable(parsed.error));
    QVERIFY(parsed.families.contains("boilerhouse_ws_clients"));
}

void tst_metrics::countersMoveAfterEvents()
{
    const Scrape before = scrape(m_open);
    QVERIFY2(before.error.isEmpty(), qPrintable(before.error));
    auto grew = [&before](const Scrape &now, const QString &name, const Labels &labels, double by) {
        const double was = before.value(name, labels);
        const double is = now.value(name, labels);
        if (is >= was + by)
            return true;
        qWarning().noquote() << name << labels << "was" << was << "is" << is << "expected +" << by;
        return false;
    };

    EventClient client;
    client.open(m_open.wsUrl());
    QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), kTimeout);
    const Scrape connected = scrape(m_open);
    QVERIFY(connected.value("boilerhouse_ws_clients") >= 1);
    QVERIFY(grew(connected, "boilerhouse_ws_connections_total", {}, 1));
    // The replay (1 pod, 1 claim) was sent to this client.
    QVERIFY(grew(connected, "boilerhouse_events_sent_total", typeLabel("instance.state"), 1));
    QVERIFY(grew(connected, "boilerhouse_events_sent_total", typeLabel("tenant.claimed"), 1));

    m_cluster.createPod("my-agent-bob-0000bbbb", "my-agent", "bob", "Pending");
    m_cluster.setPodPhase("my-agent-bob-0000bbbb", "Running");
    m_cluster.createClaim("claim-bob-my-agent", "bob", "my-agent",
                          QJsonObject { { "phase", "Active" } });
    QTRY_VERIFY_WITH_TIMEOUT(client.framesOfType("tenant.claimed").size() >= 2, kTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(client.framesOfType("instance.state").size() >= 3, kTimeout);

    const Scrape after = scrape(m_open);
    QVERIFY2(after.error.isEmpty(), qPrintable(after.error));
    QVERIFY(grew(after, "boilerhouse_events_derived_total", typeLabel("instance.state"), 2));
    QVERIFY(grew(after, "boilerhouse_events_derived_total", typeLabel("tenant.claimed"), 1));
    QVERIFY(grew(after, "boilerhouse_events_sent_total", typeLabel("instance.state"), 3));
    QVERIFY(grew(after, "boilerhouse_ws_sent_bytes_total", {}, 3 * 60));
    QVERIFY(grew(after, "boilerhouse_watch_events_total", kPods, 2));
    QVERIFY(grew(after, "boilerhouse_watch_events_total", kClaims, 1));
    QVERIFY(grew(after, "boilerhouse_cache_objects", kPods, 1));
    QVERIFY(grew(after, "boilerhouse_cache_objects", kClaims, 1));
    QVERIFY(grew(after, "boilerhouse_history_events", {}, 3));
    QVERIFY(grew(after, "boilerhouse_history_bytes", {}, 3 * 60));
    // Three live events reached a client: three latency observations, each under a minute.
    QVERIFY(grew(after, "boilerhouse_event_delivery_latency_seconds_count", {}, 3));
    const double sumGrowth = after.value("boilerhouse_event_delivery_latency_seconds_sum")
        - before.value("boilerhouse_event_delivery_latency_seconds_sum");
    QVERIFY2(sumGrowth > 0 && sumGrowth < 60, qPrintable(QString::number(sumGrowth)));
    QCOMPARE(after.value("boilerhouse_events_derived_total", typeLabel("pool.instance.ready")),
             before.value("boilerhouse_events_derived_total", typeLabel("pool.instance.ready")));

    client.close();
    QTRY_VERIFY_WITH_TIMEOUT(grew(scrape(m_open), "boilerhouse_ws_disconnects_total", {}, 1),
                             kTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(scrape(m_open).value("boilerhouse_ws_clients"),
                              before.value("boilerhouse_ws_clients"), kTimeout);
}

void tst_metrics::refusedUpgradesCountedByStatus_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<bool>("withKey");
    QTest::addColumn<int>("status");
    const QByteArray allowed = "http://allowed.example";
    QTest::newRow("foreign origin: 403")
        << QByteArray("/ws") << QByteArray("http://evil.example") << true << 403;
    QTest::newRow("no key with /ws auth: 401") << QByteArray("/ws") << allowed << false << 401;
    QTest::newRow("unknown event type: 400")
        << QByteArray("/ws?types=nope") << allowed << true << 400;
    QTest::newRow("upgrade on another path: 404")
        << QByteArray("/elsewhere") << allowed << true << 404;
}

void tst_metrics::refusedUpgradesCountedByStatus()
{
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, origin);
    QFETCH(bool, withKey);
    QFETCH(int, status);
    auto scrapeLocked = [this] {
        const HttpClient::Reply reply =
            m_http.get(m_locked.url("/metrics"), { { "Authorization", "Bearer " + kKey } });
        return parseWithPrometheusClient(reply.body);
    };
    const Labels code { { "code", QString::number(status) } };
    const Scrape before = scrapeLocked();
    QVERIFY2(before.error.isEmpty(), qPrintable(before.error));
    const double rejectedBefore = before.value("boilerhouse_ws_rejected_total");
    QList<QPair<QByteArray, QByteArray>> headers { { "Origin", origin } };
    if (withKey)
        headers.append({ "Authorization", "Bearer " + kKey });
    const RawUpgrade::Reply reply = RawUpgrade::send(m_locked.port(), headers, target);
    QCOMPARE(reply.status, status);
    const Scrape after = scrapeLocked();
    QVERIFY2(after.error.isEmpty(), qPrintable(after.error));
    QCOMPARE(after.value("boilerhouse_ws_upgrades_refused_total", code),
             before.value("boilerhouse_ws_upgrades_refused_total", code) + 1);
    // Refused before the hub: the hub's own counter does not move.
    QCOMPARE(after.value("boilerhouse_ws_rejected_total"), rejectedBefore);
    // Every status the route answers with is exposed from the start.
    for (const char *known : { "400", "401", "403", "404", "503" })
        QVERIFY(!std::isnan(after.value("boilerhouse_ws_upgrades_refused_total",
                                        { { "code", QString::fromLatin1(known) } })));
}

namespace {
enum class Fault { Compact, CloseWatches, Fail500 };
}
Q_DECLARE_METATYPE(Fault)

void tst_metrics::faultMovesItsCounter_data()
{
    QTest::addColumn<Fault>("fault");
    QTest::addColumn<bool>("goneAsHttpStatus");
    QTest::addColumn<QStringList>("counters"); // each must grow by >= 1 for pods and claims
    QTest::newRow("410 as ERROR event: gone + relist")
        << Fault::Compact << false
        << QStringList { "boilerhouse_watch_gone_total", "boilerhouse_relists_total" };
    QTest::newRow("410 as HTTP status: gone + relist")
        << Fault::Compact << true
        << QStringList { "boilerhouse_watch_gone_total", "boilerhouse_relists_total" };
    QTest::newRow("closed watches: restart")
        << Fault::CloseWatches << false << QStringList { "boilerhouse_watch_restarts_total" };
    QTest::newRow("500s: apiserver errors")
        << Fault::Fail500 << false << QStringList { "boilerhouse_apiserver_errors_total" };
}

void tst_metrics::faultMovesItsCounter()
{
    QFETCH(Fault, fault);
    QFETCH(bool, goneAsHttpStatus);
    QFETCH(QStringList, counters);

    bh::sim::SimulatorConfig config;
    config.gone410AsHttpStatus = goneAsHttpStatus;
    ClusterFixture cluster(config);
    QVERIFY(cluster.start());
    cluster.createPod("w-t-00000001", "w", "t", "Running");
    cluster.createClaim("claim-t-w", "t", "w", QJsonObject { { "phase", "Active" } });
    QProcessEnvironment env = ServerProcess::cleanEnvironment();
    env.remove("LOG_FORMAT");
    env.insert("KUBECONFIG", cluster.kubeconfigPath());
    ServerProcess server;
    QVERIFY2(server.start({}, env), qPrintable(server.errors()));
    QVERIFY2(waitReady(server), qPrintable(server.errors()));
    const Scrape before = scrape(server);
    QVERIFY2(before.error.isEmpty(), qPrintable(before.error));
    for (const QString &counter : counters) {
        QCOMPARE(before.value(counter, kPods), 0.0);
        QCOMPARE(before.value(counter, kClaims), 0.0);
    }

    // All in this event-loop turn: the simulator serves nothing in between.
    bh::sim::Simulator *sim = cluster.simulator();
    switch (fault) {
    case Fault::Compact:
        sim->closeAllWatches();
        cluster.setPodPhase("w-t-00000001", "Failed");
        cluster.setClaimStatus("claim-t-w", QJsonObject { { "phase", "Released" } });
        sim->compactHistory();
        break;
    case Fault::CloseWatches:
        sim->closeAllWatches();
        break;
    case Fault::Fail500:
        sim->failNextRequests(2, 500);
        sim->closeAllWatches();
        break;
    }

    for (const QString &counter : counters) {
        for (const Labels &resource : { kPods, kClaims }) {
            QTRY_VERIFY2_WITH_TIMEOUT(scrape(server).value(counter, resource) >= 1,
                                      qPrintable(counter + " " + resource.value("resource")),
                                      kRecoveryTimeout);
        }
    }
    // Back to healthy: synced, watching, cache right.
    QTRY_COMPARE_WITH_TIMEOUT(m_http.get(server.url("/readyz")).status, 200, kRecoveryTimeout);
    const Scrape after = scrape(server);
    QCOMPARE(after.value("boilerhouse_watch_synced", kPods), 1.0);
    QCOMPARE(after.value("boilerhouse_watch_synced", kClaims), 1.0);
    QCOMPARE(after.value("boilerhouse_cache_objects", kPods), 1.0);
    QCOMPARE(after.value("boilerhouse_cache_objects", kClaims), 1.0);
    if (fault == Fault::Compact) {
        // The relist diff turned the gap's changes into events.
        QTRY_VERIFY_WITH_TIMEOUT(
            scrape(server).value("boilerhouse_events_derived_total", typeLabel("tenant.released"))
                >= 1,
            kTimeout);
    }
}

QTEST_GUILESS_MAIN(tst_metrics)
#include "tst_metrics.moc"
