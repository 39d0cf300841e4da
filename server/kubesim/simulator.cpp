#include "simulator.h"

#include "kubeapi.h"
#include "watchregistry.h"

#include "http/httpresponder.h"
#include "http/httpresponse.h"
#include "http/httpserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTimer>

#include <deque>

namespace bh::sim {

// Upper bounds accepted by the control endpoints (default 10 min for latency/stall,
// 1,000,000 failures).
static constexpr qint64 MaxFaultMs = 10 * 60 * 1000;
static constexpr int MaxFailCount = 1'000'000;

struct Simulator::Private
{
    QString errorString;
    quint64 requests = 0;
    std::deque<QString> log;
    int failCount = 0;
    int failStatus = 500;
    std::chrono::milliseconds latency { 0 };
    bool stalled = false;
    QTimer stallTimer;
    QList<QPointer<http::Responder>> held; // requests that arrived during a stall
    std::function<int(int)> stepper;
};

Simulator::Simulator(SimulatorConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , d(std::make_unique<Private>())
{
    m_store = new ObjectStore(m_config.historyLimit, m_config.historyMaxAge, this);
    m_server = new http::Server(this);
    m_watches =
        new WatchRegistry(m_store,
                          WatchRegistry::Config { m_config.bookmarkInterval, m_config.watchTimeout,
                                                  m_config.gone410AsHttpStatus },
                          this);
    m_api = new KubeApi(m_store, m_watches, m_config.namespaces, this);
    m_api->setServeManifestKinds(m_config.serveDeployKinds);
    m_server->setHandler([this](http::Responder *r) { handle(r); });
    if (!m_config.tls.isNull())
        m_server->setTlsConfiguration(m_config.tls);

    connect(m_watches, &WatchRegistry::watchOpened, this,
            [this](Resource r) { Q_EMIT watchOpened(ResourceType::of(r).plural); });
    connect(m_watches, &WatchRegistry::watchClosed, this,
            [this](Resource r) { Q_EMIT watchClosed(ResourceType::of(r).plural); });
    connect(m_store, &ObjectStore::changed, this, [this](const StoreEventPtr &e) {
        static const char *types[] = { "ADDED", "MODIFIED", "DELETED" };
        Q_EMIT objectChanged(ResourceType::of(e->resource()).plural,
                             QString::fromLatin1(types[int(e->type())]), e->object()->ns(),
                             e->object()->name(), e->resourceVersion());
    });
    d->stallTimer.setSingleShot(true);
    d->stallTimer.setTimerType(Qt::PreciseTimer); // a stall never ends early
    connect(&d->stallTimer, &QTimer::timeout, this, [this] { endStall(); });
}

Simulator::~Simulator()
{
    // Streams first (they reference responders owned by the server's connections).
    delete m_watches;
    m_watches = nullptr;
}

bool Simulator::start()
{
    if (!m_server->listen(m_config.address, m_config.port)) {
        d->errorString = m_server->errorString();
        return false;
    }
    qCInfo(lcSim) << "kubesim listening on" << url().toString();
    return true;
}

QString Simulator::errorString() const
{
    return d->errorString;
}

QUrl Simulator::url() const
{
    QUrl u;
    u.setScheme(m_config.tls.isNull() ? QStringLiteral("http") : QStringLiteral("https"));
    QHostAddress a = m_server->serverAddress();
    if (a == QHostAddress::Any || a == QHostAddress::AnyIPv4 || a.isNull())
        a = QHostAddress::LocalHost;
    else if (a == QHostAddress::AnyIPv6)
        a = QHostAddress::LocalHostIPv6;
    u.setHost(a.toString());
    u.setPort(m_server->serverPort());
    return u;
}

void Simulator::compactHistory()
{
    m_store->compact();
}

void Simulator::closeAllWatches()
{
    m_watches->closeAll();
}

void Simulator::failNextRequests(int count, int httpStatus)
{
    d->failCount = std::max(0, count);
    d->failStatus = httpStatus;
}

void Simulator::setLatency(std::chrono::milliseconds latency)
{
    d->latency = std::max(std::chrono::milliseconds(0), latency);
}

void Simulator::stall(std::chrono::milliseconds duration)
{
    if (duration.count() <= 0) {
        endStall();
        return;
    }
    d->stalled = true;
    m_watches->setStalled(true);
    d->stallTimer.start(duration);
    qCInfo(lcSim) << "stalling for" << duration.count() << "ms";
}

void Simulator::endStall()
{
    d->stallTimer.stop();
    if (!d->stalled)
        return;
    d->stalled = false;
    m_watches->setStalled(false);
    const auto held = std::exchange(d->held, {});
    for (const auto &r : held) {
        if (r)
            process(r);
    }
}

void Simulator::restart()
{
    qCInfo(lcSim) << "restart: aborting every connection";
    endStall();
    m_server->closeAllConnections(); // watch streams see their peers go (no clean end)
}

int Simulator::openWatchCount(const QString &resource) const
{
    const auto r = ResourceType::fromPlural(resource);
    return r ? m_watches->count(*r) : 0;
}

QStringList Simulator::openWatchQueries(const QString &resource) const
{
    const auto r = ResourceType::fromPlural(resource);
    return r ? m_watches->queries(*r) : QStringList();
}

ManifestStore *Simulator::manifests()
{
    return m_api->manifests();
}

quint64 Simulator::requestsServed() const
{
    return d->requests;
}

QStringList Simulator::requestLog() const
{
    return QStringList(d->log.begin(), d->log.end());
}

void Simulator::setScenarioStepper(std::function<int(int)> stepper)
{
    d->stepper = std::move(stepper);
}

void Simulator::handle(http::Responder *responder)
{
    const http::Request &req = responder->request();
    const QString line =
        QString::fromLatin1(req.methodName()) + QLatin1Char(' ') + QString::fromUtf8(req.target());
    ++d->requests;
    d->log.push_back(line);
    while (int(d->log.size()) > std::max(1, m_config.requestLogLimit))
        d->log.pop_front();
    Q_EMIT requestReceived(line);

    if (req.path().startsWith(QLatin1String("/_sim/")))
        return handleControl(responder);
    if (d->stalled) {
        d->held.append(QPointer<http::Responder>(responder));
        return;
    }
    if (d->latency.count() > 0) {
        QPointer<http::Responder> p(responder);
        QTimer::singleShot(d->latency, Qt::PreciseTimer, this, [this, p] {
            if (p)
                process(p);
        });
        return;
    }
    process(responder);
}

void Simulator::process(http::Responder *responder)
{
    if (d->stalled) {
        d->held.append(QPointer<http::Responder>(responder));
        return;
    }
    if (d->failCount > 0) {
        --d->failCount;
        return KubeApi::sendStatus(
            responder,
            KubeStatus::forCode(d->failStatus,
                                QStringLiteral("injected fault (%1)").arg(d->failStatus)));
    }
    if (!m_config.token.isEmpty()) {
        const QByteArray auth = responder->request().header("authorization");
        if (auth != "Bearer " + m_config.token.toUtf8())
            return KubeApi::sendStatus(responder, KubeStatus::unauthorized());
    }
    m_api->handle(responder);
}

void Simulator::handleControl(http::Responder *responder)
{
    const http::Request &req = responder->request();
    const QString path = req.path();
    const QUrlQuery q = req.query();
    const bool post = req.method() == http::Request::Method::Post;
    auto ok = [responder](const QJsonObject &extra = {}) {
        QJsonObject o { { "ok", true } };
        for (auto it = extra.begin(); it != extra.end(); ++it)
            o.insert(it.key(), it.value());
        responder->send(http::Response::json(200, QJsonDocument(o)));
    };
    auto bad = [responder](const QString &msg) {
        responder->send(http::Response::jsonError(400, msg));
    };
    auto intParam = [&q](const char *key, qint64 lo, qint64 hi, qint64 *out) {
        bool okNum = false;
        const qint64 v = q.queryItemValue(QLatin1String(key)).toLongLong(&okNum);
        if (!okNum || v < lo || v > hi)
            return false;
        *out = v;
        return true;
    };

    if (path == QLatin1String("/_sim/stats") && !post) {
        QJsonObject watches;
        QJsonObject objects;
        for (Resource r : { Resource::Pods, Resource::Claims }) {
            const QString plural = ResourceType::of(r).plural;
            watches.insert(plural, QJsonArray::fromStringList(m_watches->queries(r)));
            objects.insert(plural, m_store->count(r));
        }
        return responder->send(http::Response::json(
            200,
            QJsonDocument(
                QJsonObject { { "requestsServed", qint64(d->requests) },
                              { "watches", watches },
                              { "resourceVersion", QString::number(m_store->resourceVersion()) },
                              { "objects", objects } })));
    }
    if (path == QLatin1String("/_sim/requests") && !post)
        return responder->send(
            http::Response::json(200, QJsonDocument(QJsonArray::fromStringList(requestLog()))));
    if (!post)
        return responder->send(
            http::Response::jsonError(405, QStringLiteral("use POST for %1").arg(path)));

    qint64 n = 0;
    qint64 code = 0;
    if (path == QLatin1String("/_sim/compact")) {
        compactHistory();
        return ok({ { "resourceVersion", QString::number(m_store->resourceVersion()) } });
    }
    if (path == QLatin1String("/_sim/close-watches")) {
        const int closed = m_watches->total();
        closeAllWatches();
        return ok({ { "closed", closed } });
    }
    if (path == QLatin1String("/_sim/fail")) {
        if (!intParam("count", 0, MaxFailCount, &n) || !intParam("code", 400, 599, &code))
            return bad(QStringLiteral("need count=0..%1 and code=400..599").arg(MaxFailCount));
        failNextRequests(int(n), int(code));
        return ok();
    }
    if (path == QLatin1String("/_sim/latency")) {
        if (!intParam("ms", 0, MaxFaultMs, &n))
            return bad(QStringLiteral("need ms=0..%1").arg(MaxFaultMs));
        setLatency(std::chrono::milliseconds(n));
        return ok();
    }
    if (path == QLatin1String("/_sim/stall")) {
        if (!intParam("ms", 0, MaxFaultMs, &n))
            return bad(QStringLiteral("need ms=0..%1").arg(MaxFaultMs));
        ok();
        stall(std::chrono::milliseconds(n));
        return;
    }
    if (path == QLatin1String("/_sim/restart")) {
        // Answer first: a chunked answer is flushed to the kernel at once, so it survives the
        // abort of every connection (including this one) on the next event-loop pass.
        responder->beginStream(200, { { "Content-Type", "application/json" } });
        responder->writeChunk(QByteArrayLiteral("{\"ok\":true}"));
        responder->endStream();
        QTimer::singleShot(0, this, [this] { restart(); });
        return;
    }
    if (path == QLatin1String("/_sim/scenario/step")) {
        n = 1;
        if (q.hasQueryItem(QStringLiteral("count")) && !intParam("count", 1, 100'000, &n))
            return bad(QStringLiteral("need count=1..100000"));
        if (!d->stepper)
            return responder->send(
                http::Response::jsonError(409, QStringLiteral("no scenario is attached")));
        const int done = d->stepper(int(n));
        return ok({ { "steps", done },
                    { "resourceVersion", QString::number(m_store->resourceVersion()) } });
    }
    responder->send(
        http::Response::jsonError(404, QStringLiteral("unknown control endpoint %1").arg(path)));
}

} // namespace bh::sim
