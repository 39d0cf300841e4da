#include "soakrunner.h"

#include "childprocess.h"
#include "client/boilerhouseclient.h"
#include "client/statestore.h"
#include "cutproxy.h"
#include "httpcaller.h"
#include "scenariodriver.h"
#include "slowclient.h"
#include "soaklogging.h"
#include "waiter.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>
#include <cstdio>

namespace bh::soak {

namespace {

void out(const QString &line)
{
    std::fputs(qPrintable(line + QLatin1Char('\n')), stdout);
    std::fflush(stdout);
}

QString defaultBinary(const char *name, const char *builtIn)
{
    const QString sibling = QCoreApplication::applicationDirPath() + QLatin1Char('/') + name;
    if (QFileInfo(sibling).isExecutable())
        return sibling;
    return QString::fromUtf8(builtIn);
}

} // namespace

SoakRunner::SoakRunner(SoakOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    if (m_options.seed == 0)
        m_options.seed = quint32(QDateTime::currentMSecsSinceEpoch() % 1'000'000'007) | 1u;
    m_random.seed(m_options.seed);
}

SoakRunner::~SoakRunner()
{
    for (const Client &c : std::as_const(m_clients))
        c.client->disconnectFromServer();
    if (m_server)
        m_server->stop();
    if (m_sim)
        m_sim->stop();
}

void SoakRunner::fail(const QString &what)
{
    if (m_firstFailure.isEmpty())
        m_firstFailure = what;
    out(QStringLiteral("FAIL: ") + what);
}

QStringList SoakRunner::simulatorArgs(bool goneAsHttp) const
{
    QStringList args { QStringLiteral("--port"), QString::number(m_simPort),
                       QStringLiteral("--state-file"), m_stateFile };
    if (goneAsHttp)
        args << QStringLiteral("--gone-as-http");
    return args;
}

bool SoakRunner::startSimulator(bool goneAsHttp)
{
    if (!m_sim->start(simulatorArgs(goneAsHttp))) {
        fail(m_sim->errorString());
        return false;
    }
    m_goneAsHttp = goneAsHttp;
    m_simPort = quint16(m_sim->url().port());
    m_driver->setSimulatorUrl(m_sim->url());
    return true;
}

bool SoakRunner::startServer()
{
    const QStringList args { QStringLiteral("--port"),       QString::number(m_serverPort),
                             QStringLiteral("--kubeconfig"), m_kubeconfig,
                             QStringLiteral("--namespace"),  QStringLiteral("boilerhouse") };
    if (!m_server->start(args)) {
        fail(m_server->errorString());
        return false;
    }
    m_serverPort = quint16(m_server->url().port());
    return true;
}

bool SoakRunner::simControl(const QString &path)
{
    QUrl url = m_sim->url();
    const qsizetype q = path.indexOf(QLatin1Char('?'));
    url.setPath(q < 0 ? path : path.left(q));
    if (q >= 0)
        url.setQuery(path.mid(q + 1));
    const HttpResult r = m_http->callWithRetry("POST", url);
    if (!r.ok()) {
        fail(QStringLiteral("simulator control %1 → %2 %3").arg(path).arg(r.status).arg(r.error));
        return false;
    }
    return true;
}

quint64 SoakRunner::simulatorResourceVersion()
{
    QUrl url = m_sim->url();
    url.setPath(QStringLiteral("/_sim/stats"));
    const HttpResult r = m_http->callWithRetry("GET", url);
    return QJsonDocument::fromJson(r.body)["resourceVersion"].toString().toULongLong();
}

bool SoakRunner::setUp()
{
    if (m_options.workDir.isEmpty()) {
        m_tempDir = std::make_unique<QTemporaryDir>();
        if (!m_tempDir->isValid()) {
            fail(QStringLiteral("cannot create a temporary directory"));
            return false;
        }
        m_dir = m_tempDir->path();
    } else {
        m_dir = m_options.workDir;
    }
    m_stateFile = m_dir + QStringLiteral("/kubesim-state.json");
    QFile::remove(m_stateFile);
    const QString serverBinary = m_options.serverBinary.isEmpty()
        ? defaultBinary("boilerhouse-server", SOAK_SERVER_BINARY)
        : m_options.serverBinary;
    const QString simBinary = m_options.kubesimBinary.isEmpty()
        ? defaultBinary("boilerhouse-kubesim", SOAK_KUBESIM_BINARY)
        : m_options.kubesimBinary;

    m_http = new HttpCaller(this);
    m_driver = new ScenarioDriver(m_http, &m_random, this);
    m_sim = new ChildProcess(QStringLiteral("boilerhouse-kubesim"), simBinary,
                             m_dir + QStringLiteral("/kubesim.log"), this);
    m_server = new ChildProcess(QStringLiteral("boilerhouse-server"), serverBinary,
                                m_dir + QStringLiteral("/server.log"), this);
    connect(m_server, &ChildProcess::stderrLine, this, &SoakRunner::onServerLog);
    connect(m_sim, &ChildProcess::exitedUnexpectedly, this, [this](int code) {
        fail(QStringLiteral("boilerhouse-kubesim crashed (exit %1)").arg(code));
    });
    connect(m_server, &ChildProcess::exitedUnexpectedly, this, [this](int code) {
        fail(QStringLiteral("boilerhouse-server crashed (exit %1)").arg(code));
    });

    if (!startSimulator(m_random.bounded(2) == 1))
        return false;
    m_kubeconfig = m_dir + QStringLiteral("/kubeconfig.yaml");
    QFile kubeconfig(m_kubeconfig);
    if (!kubeconfig.open(QIODevice::WriteOnly)) {
        fail(QStringLiteral("cannot write %1").arg(m_kubeconfig));
        return false;
    }
    kubeconfig.write(QStringLiteral("apiVersion: v1\nkind: Config\n"
                                    "clusters:\n- name: sim\n  cluster:\n    server: %1\n"
                                    "users:\n- name: soak\n  user: {}\n"
                                    "contexts:\n- name: soak\n  context:\n    cluster: sim\n"
                                    "    user: soak\n    namespace: boilerhouse\n"
                                    "current-context: soak\n")
                         .arg(m_sim->url().toString())
                         .toUtf8());
    kubeconfig.close();
    if (!startServer())
        return false;

    for (int i = 0; i < m_options.clients; ++i) {
        Client c;
        c.resume = i % 2 == 0;
        c.proxy = new CutProxy(m_serverPort, this);
        if (!c.proxy->listen()) {
            fail(QStringLiteral("proxy cannot listen"));
            return false;
        }
        c.client = new client::BoilerhouseClient(this);
        client::ClientConfig config;
        config.serverUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(c.proxy->port()));
        config.useResume = c.resume;
        config.reconnect.initialDelay = ClientInitialBackoff;
        config.reconnect.maxDelay = ClientMaxBackoff;
        c.client->setConfig(config);
        connect(c.client, &client::BoilerhouseClient::stateChanged, this,
                [this] { m_activity = true; });
        connect(c.client, &client::BoilerhouseClient::eventReceived, this,
                [this] { m_activity = true; });
        c.client->connectToServer();
        m_clients.append(c);
    }
    for (int i = 0; i < m_options.slowClients; ++i) {
        auto *s = new SlowClient(this);
        s->connectTo(m_serverPort);
        m_slow.append(s);
    }
    out(QStringLiteral("boilerhouse-soak: seed %1, %2 rounds x %3 actions + %4 faults, %5 clients "
                       "(%6 resuming with ?since=), %7 slow clients; logs in %8")
            .arg(m_options.seed)
            .arg(m_options.rounds)
            .arg(m_options.actionsPerRound)
            .arg(m_options.faultsPerRound)
            .arg(m_options.clients)
            .arg((m_options.clients + 1) / 2)
            .arg(m_options.slowClients)
            .arg(m_dir));
    return true;
}

void SoakRunner::onServerLog(const QString &line)
{
    // What the server saw of the faults (its reflector's log lines).
    if (line.contains(QLatin1String("resourceVersion expired"))) {
        if (line.contains(QLatin1String("ERROR event 410")))
            ++m_seen410Event;
        else if (line.contains(QLatin1String("HTTP 410")))
            ++m_seen410Http;
    } else if (line.contains(QLatin1String("listing (relist)"))) {
        ++m_seenRelists;
    } else if (line.contains(QLatin1String("injected fault (500)"))) {
        ++m_seen500;
    }
    static const QRegularExpression re(QStringLiteral("closing slow consumer.*\\)\"?\\s+(\\d+)"));
    const auto m = re.match(line);
    if (!m.hasMatch())
        return;
    const quint16 port = quint16(m.captured(1).toUInt());
    for (SlowClient *s : std::as_const(m_slow)) {
        if (s->localPort() == port && s->state() == SlowClient::State::Stalled) {
            ++m_slowClosedByServer;
            s->resume(); // within the close grace: the 1008 close frame can still arrive
        }
    }
}

FaultKind SoakRunner::nextFault()
{
    if (m_faultBag.isEmpty()) {
        for (int k = 0; k < FaultKindCount; ++k) {
            if (FaultKind(k) == FaultKind::SlowClient && m_slow.isEmpty())
                continue;
            m_faultBag.append(FaultKind(k));
        }
        // Shuffle (Fisher–Yates with the seeded generator): every kind once per bag.
        for (qsizetype i = m_faultBag.size() - 1; i > 0; --i)
            m_faultBag.swapItemsAt(i, qsizetype(m_random.bounded(quint32(i + 1))));
    }
    return m_faultBag.takeFirst();
}

bool SoakRunner::inject(FaultKind kind, QString *detail)
{
    switch (kind) {
    case FaultKind::CloseWatches:
        return simControl(QStringLiteral("/_sim/close-watches"));
    case FaultKind::Gone410Event:
    case FaultKind::Gone410Http: {
        const bool wantHttp = kind == FaultKind::Gone410Http;
        if (m_goneAsHttp != wantHttp) {
            // The form of the 410 is a simulator start option: restart it in that form.
            QString d;
            ++m_faults[FaultKind::SimulatorRestart];
            if (!inject(FaultKind::SimulatorRestart, &d))
                return false;
            *detail = d + QStringLiteral(", then ");
        }
        if (m_goneAsHttp != wantHttp) {
            m_sim->stop();
            if (!startSimulator(wantHttp))
                return false;
        }
        // One watch is behind the global resourceVersion after these two writes (the other
        // resource's), so its re-watch after the compaction is too old: 410, relist, diff.
        QString error;
        if (!m_driver->burst(1, &error)) {
            fail(error);
            return false;
        }
        QString d;
        if (!m_driver->step(&d, &error)) {
            fail(error);
            return false;
        }
        *detail += QStringLiteral("after \"%1\"").arg(d);
        return simControl(QStringLiteral("/_sim/compact"))
            && simControl(QStringLiteral("/_sim/close-watches"));
    }
    case FaultKind::ServerErrors: {
        const int count = 1 + int(m_random.bounded(3));
        *detail = QStringLiteral("%1 x 500").arg(count);
        return simControl(QStringLiteral("/_sim/fail?count=%1&code=500").arg(count))
            && simControl(QStringLiteral("/_sim/close-watches"));
    }
    case FaultKind::Stall: {
        const int ms = MinStallMs + int(m_random.bounded(quint32(MaxStallMs - MinStallMs)));
        *detail = QStringLiteral("%1 ms").arg(ms);
        return simControl(QStringLiteral("/_sim/stall?ms=%1").arg(ms));
    }
    case FaultKind::ConnectionReset:
        return simControl(QStringLiteral("/_sim/restart"));
    case FaultKind::SimulatorRestart: {
        const quint64 rvBefore = simulatorResourceVersion();
        const bool kill = m_random.bounded(2) == 1;
        m_sim->stop(kill);
        const bool goneAsHttp = !m_goneAsHttp;
        if (!startSimulator(goneAsHttp))
            return false;
        const quint64 rvAfter = simulatorResourceVersion();
        *detail = QStringLiteral("%1, resourceVersion %2 → %3, 410s now as %4")
                      .arg(kill ? "SIGKILL" : "SIGTERM")
                      .arg(rvBefore)
                      .arg(rvAfter)
                      .arg(goneAsHttp ? "HTTP status" : "ERROR event");
        if (rvAfter != rvBefore) {
            ++m_simLostState;
            fail(QStringLiteral("the restarted simulator is at resourceVersion %1, was %2")
                     .arg(rvAfter)
                     .arg(rvBefore));
        }
        return true;
    }
    case FaultKind::ServerRestart: {
        // A stalled slow client cannot be told apart from a restart's cut: let it read first.
        for (SlowClient *s : std::as_const(m_slow)) {
            if (s->state() == SlowClient::State::Stalled) {
                ++m_slowInterrupted;
                s->resume();
            }
        }
        const int code = m_server->stop();
        *detail = QStringLiteral("SIGTERM, exit %1").arg(code);
        if (code != 0) {
            ++m_badExits;
            fail(QStringLiteral("boilerhouse-server exited %1 after SIGTERM (expected 0)")
                     .arg(code));
        }
        return startServer();
    }
    case FaultKind::SlowClient: {
        // One that was closed before (slow close, server restart) connects again first.
        reconnectEndedSlowClients();
        SlowClient *target = nullptr;
        waitUntil(
            [this, &target] {
                for (SlowClient *s : std::as_const(m_slow)) {
                    if (s->state() == SlowClient::State::Reading) {
                        target = s;
                        return true;
                    }
                }
                return false;
            },
            SlowConnectTimeout);
        if (!target) {
            ++m_slowSkipped;
            *detail = QStringLiteral("none reading; skipped");
            return true;
        }
        target->stall();
        ++m_slowStalls;
        // Large events until the server closes it: the kernel buffers first (hundreds of KiB
        // on loopback), then the server's 1 MiB per-client buffer or its 10 s write deadline.
        QElapsedTimer waited;
        waited.start();
        int written = 0;
        QString error;
        while (target->state() == SlowClient::State::Stalled
               && waited.elapsed() < SlowCloseTimeout.count()) {
            if (written < MaxSlowBurstEvents) {
                if (!m_driver->burstLarge(SlowBurstBatch, &error)) {
                    fail(error);
                    return false;
                }
                written += SlowBurstBatch;
            } else {
                waitUntil([target] { return target->state() != SlowClient::State::Stalled; },
                          std::chrono::milliseconds(SlowCloseTimeout.count() - waited.elapsed()));
            }
        }
        const bool closed = target->state() != SlowClient::State::Stalled;
        *detail = QStringLiteral("port %1 stopped reading; %2 after %3 ms and %4 large events")
                      .arg(target->localPort())
                      .arg(closed ? "closed by the server" : "NOT closed")
                      .arg(waited.elapsed())
                      .arg(written);
        if (!closed) {
            ++m_slowNotClosed;
            fail(QStringLiteral("slow client on port %1 not closed by the server within %2 ms "
                                "(%3 events of ~450 bytes written meanwhile)")
                     .arg(target->localPort())
                     .arg(SlowCloseTimeout.count())
                     .arg(written));
            target->resume();
            return false;
        }
        return true;
    }
    case FaultKind::ClientCut: {
        Client &c = m_clients[int(m_random.bounded(quint32(m_clients.size())))];
        const int pairs = c.proxy->cut();
        *detail = QStringLiteral("%1 connection(s) of a client %2")
                      .arg(pairs)
                      .arg(c.resume ? "resuming with ?since=" : "without since");
        return true;
    }
    case FaultKind::ClientReconnect: {
        Client &c = m_clients[int(m_random.bounded(quint32(m_clients.size())))];
        c.client->disconnectFromServer();
        c.client->connectToServer();
        *detail = c.resume ? QStringLiteral("a resuming client") : QStringLiteral("a plain client");
        return true;
    }
    }
    return true;
}

bool SoakRunner::fetchTruth(Truth *truth)
{
    QUrl pods = m_sim->url();
    pods.setPath(QStringLiteral("/api/v1/namespaces/boilerhouse/pods"));
    QUrl claims = m_sim->url();
    claims.setPath(
        QStringLiteral("/apis/boilerhouse.dev/v1alpha1/namespaces/boilerhouse/boilerhouseclaims"));
    const HttpResult p = m_http->callWithRetry("GET", pods);
    const HttpResult c = m_http->callWithRetry("GET", claims);
    if (!p.ok() || !c.ok()) {
        fail(QStringLiteral("cannot read the truth from the simulator: %1 / %2")
                 .arg(p.status)
                 .arg(c.status));
        return false;
    }
    *truth = Truth::fromObjects(QJsonDocument::fromJson(p.body)["items"].toArray(),
                                QJsonDocument::fromJson(c.body)["items"].toArray());
    return true;
}

void SoakRunner::reconnectEndedSlowClients()
{
    for (SlowClient *s : std::as_const(m_slow)) {
        if (s->state() == SlowClient::State::Disconnected)
            s->connectTo(m_serverPort);
    }
}

bool SoakRunner::converge(int round, qint64 *elapsedMs)
{
    QElapsedTimer timer;
    timer.start();
    if (!simControl(QStringLiteral("/_sim/stall?ms=0"))
        || !simControl(QStringLiteral("/_sim/fail?count=0&code=500")))
        return false;
    if (!m_sim->isRunning() || !m_server->isRunning()) {
        fail(QStringLiteral("round %1: a process is not running").arg(round));
        return false;
    }
    Truth truth;
    if (!fetchTruth(&truth))
        return false;

    QUrl readyz = m_server->url();
    readyz.setPath(QStringLiteral("/readyz"));
    QUrl instances = m_server->url();
    instances.setPath(QStringLiteral("/api/v1/instances"));
    QUrl tenants = m_server->url();
    tenants.setPath(QStringLiteral("/api/v1/tenants"));

    QDeadlineTimer deadline(m_options.quiescenceTimeout);
    QStringList lastDiffs;
    for (;;) {
        reconnectEndedSlowClients();
        lastDiffs.clear();
        const HttpResult ready = m_http->call("GET", readyz);
        if (ready.status != 200)
            lastDiffs.append(QStringLiteral("server /readyz: %1 %2")
                                 .arg(ready.status)
                                 .arg(QString::fromUtf8(ready.body.left(200))));
        for (int i = 0; i < m_clients.size() && lastDiffs.isEmpty(); ++i) {
            const Client &c = m_clients.at(i);
            if (c.client->state() != client::ConnectionState::Live) {
                lastDiffs.append(
                    QStringLiteral("client %1: not Live (%2)").arg(i).arg(c.client->stateReason()));
                break;
            }
            const QStringList d = truth.clientDifferences(*c.client->store());
            for (const QString &line : d)
                lastDiffs.append(QStringLiteral("client %1 (%2): %3")
                                     .arg(i)
                                     .arg(c.resume ? "resume" : "plain", line));
        }
        if (lastDiffs.isEmpty()) {
            const HttpResult i = m_http->call("GET", instances);
            const HttpResult t = m_http->call("GET", tenants);
            if (!i.ok() || !t.ok())
                lastDiffs.append(
                    QStringLiteral("server REST: %1 / %2").arg(i.status).arg(t.status));
            else
                lastDiffs = truth.restDifferences(i.body, t.body);
        }
        if (lastDiffs.isEmpty()) {
            // The comparisons must see a deliberate error, or they prove nothing.
            const Truth wrong = truth.perturbed();
            const HttpResult i = m_http->call("GET", instances);
            const HttpResult t = m_http->call("GET", tenants);
            for (int k = 0; k < m_clients.size(); ++k) {
                if (wrong.clientDifferences(*m_clients.at(k).client->store()).isEmpty()) {
                    fail(QStringLiteral("round %1: the comparison of client %2 is blind to a "
                                        "perturbed truth")
                             .arg(round)
                             .arg(k));
                    return false;
                }
            }
            if (wrong.restDifferences(i.body, t.body).isEmpty()) {
                fail(QStringLiteral("round %1: the REST comparison is blind to a perturbed truth")
                         .arg(round));
                return false;
            }
            ++m_perturbationChecks;
            break;
        }
        if (deadline.hasExpired()) {
            ++m_divergences;
            fail(QStringLiteral("round %1: no convergence within %2 ms; first difference: %3 "
                                "(%4 differences)")
                     .arg(round)
                     .arg(m_options.quiescenceTimeout.count())
                     .arg(lastDiffs.first())
                     .arg(lastDiffs.size()));
            for (const QString &d : std::as_const(lastDiffs).mid(0, 10))
                out(QStringLiteral("  ") + d);
            return false;
        }
        m_activity = false;
        waitUntil([this] { return m_activity; }, RecheckInterval);
    }
    *elapsedMs = timer.elapsed();
    return true;
}

bool SoakRunner::runRound(int round)
{
    // Faults at random positions among the actions.
    QList<bool> plan(m_options.actionsPerRound, false);
    for (int i = 0; i < m_options.faultsPerRound; ++i)
        plan.insert(qsizetype(m_random.bounded(quint32(plan.size() + 1))), true);
    QStringList faultsDone;
    for (bool isFault : std::as_const(plan)) {
        if (isFault) {
            const FaultKind kind = nextFault();
            QString detail;
            const bool ok = inject(kind, &detail);
            ++m_faults[kind];
            faultsDone.append(faultName(kind));
            if (m_options.verbose)
                out(QStringLiteral("  fault: %1 %2").arg(faultName(kind), detail));
            if (!ok)
                return false;
        } else {
            QString description;
            QString error;
            if (!m_driver->step(&description, &error)) {
                fail(QStringLiteral("round %1: %2").arg(round).arg(error));
                return false;
            }
            if (m_options.verbose)
                out(QStringLiteral("  action: ") + description);
        }
        QCoreApplication::processEvents();
    }
    qint64 ms = 0;
    const bool ok = converge(round, &ms);
    if (ok) {
        m_maxConvergeMs = std::max(m_maxConvergeMs, ms);
        m_totalConvergeMs += ms;
        ++m_rounds;
        out(QStringLiteral("round %1/%2: %3 actions, faults: %4; converged in %5 ms")
                .arg(round)
                .arg(m_options.rounds)
                .arg(m_options.actionsPerRound)
                .arg(faultsDone.join(QStringLiteral(", ")))
                .arg(ms));
    }
    return ok;
}

int SoakRunner::run()
{
    QElapsedTimer timer;
    timer.start();
    if (!setUp()) {
        printTable(timer.elapsed());
        return 3;
    }
    bool ok = true;
    for (int round = 1; round <= m_options.rounds && ok; ++round)
        ok = runRound(round) && m_firstFailure.isEmpty();
    if (ok) {
        // Every stall must have ended with the server closing the slow client (B.3).
        QDeadlineTimer deadline(m_options.quiescenceTimeout);
        waitUntil(
            [this] {
                return std::none_of(m_slow.cbegin(), m_slow.cend(), [](const SlowClient *s) {
                    return s->state() == SlowClient::State::Stalled;
                });
            },
            std::chrono::milliseconds(std::max<qint64>(0, deadline.remainingTime())));
        for (SlowClient *s : std::as_const(m_slow)) {
            if (s->state() == SlowClient::State::Stalled) {
                ++m_slowNotClosed;
                fail(QStringLiteral("slow client on port %1 was not closed by the server")
                         .arg(s->localPort()));
                s->resume();
            }
        }
    }
    // Both children must exit cleanly (under ASan a leak at exit is a non-zero status).
    for (const Client &c : std::as_const(m_clients))
        c.client->disconnectFromServer();
    for (ChildProcess *child : { m_server, m_sim }) {
        const int code = child->stop();
        if (code != 0) {
            ++m_badExits;
            fail(QStringLiteral("%1 exited %2 after SIGTERM at the end (expected 0)")
                     .arg(child->name())
                     .arg(code));
        }
    }
    printTable(timer.elapsed());
    return m_firstFailure.isEmpty() ? 0 : 1;
}

void SoakRunner::printTable(qint64 elapsedMs) const
{
    client::ClientStats sum;
    for (const Client &c : m_clients) {
        const client::ClientStats s = c.client->stats();
        sum.reconnects += s.reconnects;
        sum.gaplessResumes += s.gaplessResumes;
        sum.resyncs += s.resyncs;
        sum.sequenceGaps += s.sequenceGaps;
        sum.snapshots += s.snapshots;
        sum.eventsReceived += s.eventsReceived;
        sum.badFrames += s.badFrames;
    }
    int faults = 0;
    for (int n : m_faults)
        faults += n;
    int slowConnects = 0;
    int slow1008 = 0;
    int slowOther = 0;
    int slowCut = 0;
    for (const SlowClient *s : m_slow) {
        slowConnects += s->connects();
        slow1008 += s->closes1008();
        slowOther += s->otherCloses();
        slowCut += s->cutsWithoutClose();
    }
    out(QString());
    out(QStringLiteral("# boilerhouse-soak seed %1: %2 s")
            .arg(m_options.seed)
            .arg(elapsedMs / 1000.0, 0, 'f', 1));
    out(QStringLiteral(
        "| rounds | actions | faults | client reconnects | gapless resumes | resyncs | "
        "seq gaps | snapshots | events folded | divergences |"));
    out(QStringLiteral("|---|---|---|---|---|---|---|---|---|---|"));
    out(QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 | %7 | %8 | %9 | %10 |")
            .arg(m_rounds)
            .arg(m_driver ? m_driver->actions() : 0)
            .arg(faults)
            .arg(sum.reconnects)
            .arg(sum.gaplessResumes)
            .arg(sum.resyncs)
            .arg(sum.sequenceGaps)
            .arg(sum.snapshots)
            .arg(sum.eventsReceived)
            .arg(m_divergences));
    out(QString());
    out(QStringLiteral("| fault | injected |"));
    out(QStringLiteral("|---|---|"));
    for (int k = 0; k < FaultKindCount; ++k)
        out(QStringLiteral("| %1 | %2 |")
                .arg(faultName(FaultKind(k)))
                .arg(m_faults.value(FaultKind(k))));
    out(QString());
    out(QStringLiteral("slow clients: %1 stalls, %2 closed by the server as slow consumers (%3 "
                       "close frames 1008 read, %4 other closes, %5 cut without a close frame), "
                       "%6 interrupted by a server restart, %7 never closed, %9 skipped (none "
                       "connected); %8 connects")
            .arg(m_slowStalls)
            .arg(m_slowClosedByServer)
            .arg(slow1008)
            .arg(slowOther)
            .arg(slowCut)
            .arg(m_slowInterrupted)
            .arg(m_slowNotClosed)
            .arg(slowConnects)
            .arg(m_slowSkipped));
    out(QStringLiteral("convergence after a round: max %1 ms, mean %2 ms; simulator restarts that "
                       "lost state: %3; exits != 0 after SIGTERM: %4; crashes: %5; bad "
                       "frames: %6; driver requests retried: %7")
            .arg(m_maxConvergeMs)
            .arg(m_rounds ? m_totalConvergeMs / m_rounds : 0)
            .arg(m_simLostState)
            .arg(m_badExits)
            .arg((m_sim ? m_sim->crashes() : 0) + (m_server ? m_server->crashes() : 0))
            .arg(sum.badFrames)
            .arg(m_driver ? m_driver->requestsRetried() : 0));
    out(QStringLiteral("comparison self-checks (a perturbed truth must differ): %1 passed")
            .arg(m_perturbationChecks));
    out(QStringLiteral("seen by the server (its log): %1 x 410 as ERROR event, %2 x HTTP 410, "
                       "%3 relists, %4 injected 500s")
            .arg(m_seen410Event)
            .arg(m_seen410Http)
            .arg(m_seenRelists)
            .arg(m_seen500));
    out(m_firstFailure.isEmpty() ? QStringLiteral("result: PASS (0 divergences)")
                                 : QStringLiteral("result: FAIL — %1").arg(m_firstFailure));
}

} // namespace bh::soak
