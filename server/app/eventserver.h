#pragma once

#include "api/apiconfig.h"
#include "events/journal.h"
#include "hub/hubconfig.h"
#include "hub/upgradepolicy.h"
#include "kube/clusterconfig.h"
#include "kube/reflectorconfig.h"

#include <QHostAddress>
#include <QLoggingCategory>
#include <QMap>
#include <QObject>
#include <QSslConfiguration>

#include <chrono>

Q_DECLARE_LOGGING_CATEGORY(lcServer)

namespace bh::api {
class RestApi;
}
namespace bh::cache {
class ObjectStore;
}
namespace bh::events {
class Deriver;
}
namespace bh::http {
class Server;
class Responder;
} // namespace bh::http
namespace bh::hub {
class WsHub;
}
namespace bh::kube {
class KubeClient;
class Reflector;
} // namespace bh::kube

namespace bh::app {

// The server's wiring: cluster config -> KubeClient -> one Reflector per resource -> one
// ObjectStore each -> Deriver -> WsHub (/ws) and RestApi (everything else) on one
// http::Server port. Owns every part (Qt parent ownership).
class EventServer : public QObject
{
    Q_OBJECT
public:
    // What EventServer needs; a value type (tests shrink the times).
    struct Config
    {
        // Longest wait in shutdown() for clients to finish the 1001 close handshake.
        static constexpr std::chrono::milliseconds DefaultShutdownGrace { 1'500 };

        QHostAddress address = QHostAddress::LocalHost;
        quint16 port = 0;
        QString ns = QStringLiteral("boilerhouse");
        api::ApiConfig api;
        hub::HubConfig hub;
        kube::ClusterConfig cluster;
        kube::ReflectorConfig reflector;
        QSslConfiguration tls; // null = plain HTTP
        std::chrono::milliseconds shutdownGrace = DefaultShutdownGrace;
        // Live events kept for /ws?since= resume (PROTOCOL B.1).
        int historyCapacity = events::EventHistory::DefaultCapacity;
        // PROTOCOL B.3: Origin allowlist and /ws API-key check, decided before the upgrade.
        hub::UpgradePolicy::Config upgrade;
        // The HTTP layer's connection cap is hub.maxClients plus this many for REST, probes
        // and /ws handshakes being refused (default 1,000: 11,000 with the default 10,000
        // clients; http::Limits' own 20,000 default equals a typical `ulimit -n`).
        static constexpr int DefaultRestConnectionMargin = 1'000;
        int restConnectionMargin = DefaultRestConnectionMargin;
    };

    explicit EventServer(Config config, QObject *parent = nullptr);
    ~EventServer() override;

    // Binds the port and starts both reflectors. False + errorString() when the port cannot
    // be bound; an unreachable apiserver is not an error (the reflectors retry).
    bool start();
    QString errorString() const { return m_error; }
    quint16 port() const;

    // Empty when both watches have synced and are watching; otherwise why not (/readyz).
    QString readiness() const;

    // Stops accepting, closes every WebSocket with 1001, stops the reflectors; emits
    // stopped() once every client is gone or the grace period is over.
    void shutdown();

    cache::ObjectStore *pods() const { return m_pods; }
    cache::ObjectStore *claims() const { return m_claims; }
    hub::WsHub *hub() const { return m_hub; }
    events::Deriver *deriver() const { return m_deriver; }
    kube::Reflector *podReflector() const { return m_podReflector; }
    kube::Reflector *claimReflector() const { return m_claimReflector; }
    const events::Journal &journal() const { return m_journal; }

Q_SIGNALS:
    void stopped();

private:
    void route(http::Responder *responder);
    void connectReflector(kube::Reflector *reflector, cache::ObjectStore *store);

    Config m_config;
    QString m_error;
    http::Server *m_http;
    kube::KubeClient *m_kube;
    cache::ObjectStore *m_pods;
    cache::ObjectStore *m_claims;
    kube::Reflector *m_podReflector;
    kube::Reflector *m_claimReflector;
    events::Deriver *m_deriver;
    hub::WsHub *m_hub;
    api::RestApi *m_api;
    events::Journal m_journal;
    hub::UpgradePolicy m_upgradePolicy;
    // /ws upgrades answered with an HTTP error before reaching the hub, by status (/metrics).
    QMap<int, quint64> m_refusedUpgrades;
    bool m_stopping = false;
};

} // namespace bh::app
