#include "eventserver.h"

#include "api/restapi.h"
#include "cache/objectstore.h"
#include "events/deriver.h"
#include "http/httpresponder.h"
#include "http/httpserver.h"
#include "hub/clientoptions.h"
#include "hub/filter.h"
#include "hub/wshub.h"
#include "kube/kubeclient.h"
#include "kube/reflector.h"
#include "projections.h"
#include "servermetrics.h"

#include <QTcpSocket>
#include <QTimer>

#include <memory>

Q_LOGGING_CATEGORY(lcServer, "bh.server", QtInfoMsg)

namespace bh::app {

namespace {
const QLatin1String kWsPath("/ws");
const QLatin1String kManagedSelector("boilerhouse.dev/managed=true");
// A refused Origin is logged quoted and cut to this many characters (it is client input).
constexpr qsizetype kMaxLoggedOriginChars = 256;

http::Limits httpLimits(const EventServer::Config &config)
{
    http::Limits limits;
    limits.maxConnections = config.hub.maxClients + config.restConnectionMargin;
    return limits;
}
} // namespace

EventServer::EventServer(Config config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_http(new http::Server(httpLimits(m_config), this))
    , m_kube(new kube::KubeClient(m_config.cluster, this))
    , m_pods(new cache::ObjectStore(QStringLiteral("pods"), this))
    , m_claims(new cache::ObjectStore(QStringLiteral("boilerhouseclaims"), this))
    , m_journal(events::Journal::randomEpoch(), m_config.historyCapacity)
    , m_upgradePolicy(m_config.upgrade)
{
    m_pods->setProjection(&Projections::pod);
    m_claims->setProjection(&Projections::claim);

    kube::ResourceRef podRef;
    podRef.apiPath = QStringLiteral("/api/v1/namespaces/%1/pods").arg(m_config.ns);
    podRef.labelSelector = kManagedSelector;
    podRef.kind = QStringLiteral("Pod");
    podRef.plural = QStringLiteral("pods");
    kube::ResourceRef claimRef;
    claimRef.apiPath =
        QStringLiteral("/apis/boilerhouse.dev/v1alpha1/namespaces/%1/boilerhouseclaims")
            .arg(m_config.ns);
    claimRef.kind = QStringLiteral("BoilerhouseClaim");
    claimRef.plural = QStringLiteral("boilerhouseclaims");
    m_podReflector = new kube::Reflector(m_kube, podRef, m_config.reflector, this);
    m_claimReflector = new kube::Reflector(m_kube, claimRef, m_config.reflector, this);
    connectReflector(m_podReflector, m_pods);
    connectReflector(m_claimReflector, m_claims);

    m_deriver = new events::Deriver(m_pods, m_claims, this);
    m_hub = new hub::WsHub(m_config.hub, this);
    m_hub->setReplayProvider([this] { return m_deriver->replay(); });
    connect(m_deriver, &events::Deriver::derived, this, [this](const events::EncodedEvent &event) {
        m_journal.record(event);
        m_hub->broadcast(event);
    });

    m_api = new api::RestApi(m_config.api, m_pods, m_claims, this);
    m_api->setReadinessProvider([this] { return readiness(); });
    m_api->setCursorProvider([this] { return m_journal.cursor().toString(); });
    ServerMetrics::Sources metricsSources;
    metricsSources.hub = m_hub;
    metricsSources.deriver = m_deriver;
    metricsSources.journal = &m_journal;
    metricsSources.refusedUpgrades = &m_refusedUpgrades;
    metricsSources.resources = { { podRef.plural, m_podReflector, m_pods },
                                 { claimRef.plural, m_claimReflector, m_claims } };
    m_api->setMetricsProvider(
        [metrics = ServerMetrics(std::move(metricsSources))] { return metrics.scrape(); });

    if (!m_config.tls.isNull())
        m_http->setTlsConfiguration(m_config.tls);
    m_http->setHandler([this](http::Responder *responder) { route(responder); });
}

EventServer::~EventServer() = default;

void EventServer::connectReflector(kube::Reflector *reflector, cache::ObjectStore *store)
{
    connect(reflector, &kube::Reflector::listed, store,
            [store](const QList<QJsonObject> &items, const QString &) { store->replace(items); });
    connect(reflector, &kube::Reflector::added, store,
            [store](const QJsonObject &o) { store->applyAdded(o); });
    connect(reflector, &kube::Reflector::modified, store,
            [store](const QJsonObject &o) { store->applyModified(o); });
    connect(reflector, &kube::Reflector::deleted, store,
            [store](const QJsonObject &o) { store->applyDeleted(o); });
    // Reflector state changes are logged once, by the reflector itself (bh.kube).
}

bool EventServer::start()
{
    if (!m_http->listen(m_config.address, m_config.port)) {
        m_error = QStringLiteral("cannot listen on %1:%2: %3")
                      .arg(m_config.address.toString())
                      .arg(m_config.port)
                      .arg(m_http->errorString());
        return false;
    }
    qCInfo(lcServer).noquote() << "watching namespace" << m_config.ns << "at"
                               << m_config.cluster.server.toString() << "("
                               << m_config.cluster.source << ")";
    m_podReflector->start();
    m_claimReflector->start();
    return true;
}

quint16 EventServer::port() const
{
    return m_http->serverPort();
}

QString EventServer::readiness() const
{
    QStringList reasons;
    for (const kube::Reflector *reflector : { m_podReflector, m_claimReflector }) {
        const QString plural = reflector->resource().plural;
        const QString error = reflector->lastError();
        const bool watching = reflector->state() == kube::Reflector::State::Watching;
        if (reflector->hasSynced() && watching)
            continue;
        QString reason = reflector->hasSynced()
            ? QStringLiteral("%1: watch not running").arg(plural)
            : QStringLiteral("%1: not synced").arg(plural);
        if (!error.isEmpty())
            reason += QStringLiteral(" (%1)").arg(error);
        reasons << reason;
    }
    if (m_stopping)
        reasons << QStringLiteral("shutting down");
    return reasons.join(QStringLiteral("; "));
}

void EventServer::route(http::Responder *responder)
{
    const http::Request &request = responder->request();
    if (!request.isWebSocketUpgrade()) {
        m_api->handle(responder);
        return;
    }
    // Every refused upgrade goes through here (counted for /metrics).
    auto refuse = [&](int status, const QString &message) {
        ++m_refusedUpgrades[status];
        responder->send(m_api->errorResponse(request, status, message));
    };
    if (request.path() != kWsPath) {
        ++m_refusedUpgrades[404];
        responder->send(m_api->notFound(request));
        return;
    }
    if (m_stopping) {
        refuse(503, QStringLiteral("shutting down"));
        return;
    }
    const hub::UpgradePolicy::Decision decision = m_upgradePolicy.decide(request);
    if (!decision.allowed()) {
        if (decision.verdict == hub::UpgradePolicy::Verdict::ForbiddenOrigin)
            qCInfo(lcServer) << "refused /ws from origin"
                             << QString::fromUtf8(decision.origin.left(kMaxLoggedOriginChars))
                             << "from" << request.peerAddress().toString();
        else
            qCInfo(lcServer).noquote() << "refused /ws from" << request.peerAddress().toString()
                                       << "-" << decision.message();
        refuse(decision.httpStatus(), decision.message());
        return;
    }
    if (!m_hub->canAccept()) {
        refuse(503, QStringLiteral("too many WebSocket clients"));
        return;
    }
    const QUrlQuery query = request.query();
    QString filterError;
    const std::optional<hub::Filter> filter = hub::Filter::fromQuery(query, &filterError);
    if (!filter) {
        refuse(400, filterError);
        return;
    }
    QTcpSocket *socket = responder->takeSocket();
    if (!socket) {
        refuse(400, QStringLiteral("bad WebSocket upgrade"));
        return;
    }
    hub::ClientOptions options;
    options.filter = *filter;
    options.subprotocol = decision.subprotocol;
    if (query.hasQueryItem(QStringLiteral("since"))) {
        // PROTOCOL B.1: no initial replay; the events after the cursor (each with "seq"), or
        // stream.resync. Evaluated at handshake completion, in the turn the client goes live.
        const QString since = query.queryItemValue(QStringLiteral("since"), QUrl::FullyDecoded);
        options.includeSeq = true;
        options.replay = [this, since] {
            return m_journal.resume(since);
        };
    }
    m_hub->accept(socket, options);
}

void EventServer::shutdown()
{
    if (m_stopping)
        return;
    m_stopping = true;
    qCInfo(lcServer) << "shutting down:" << m_hub->clientCount() << "WebSocket client(s)";
    m_http->close();
    m_podReflector->stop();
    m_claimReflector->stop();
    // clientCount() drops to 0 at once (closing clients are not counted); each of them
    // reports clientDisconnected() once its close handshake is done (or it was aborted).
    auto waiting = std::make_shared<int>(m_hub->clientCount());
    m_hub->closeAll(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("server shutting down"));
    if (*waiting == 0) {
        QTimer::singleShot(0, this, &EventServer::stopped);
        return;
    }
    auto *grace = new QTimer(this);
    grace->setSingleShot(true);
    auto done = [this, grace] {
        grace->stop();
        disconnect(m_hub, &hub::WsHub::clientDisconnected, this, nullptr);
        Q_EMIT stopped();
    };
    connect(grace, &QTimer::timeout, this, done);
    connect(m_hub, &hub::WsHub::clientDisconnected, this, [waiting, done] {
        if (--*waiting <= 0)
            done();
    });
    grace->start(m_config.shutdownGrace);
}

} // namespace bh::app
