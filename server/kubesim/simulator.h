#pragma once

#include "manifeststore.h"
#include "objectstore.h"
#include "simulatorconfig.h"

#include <QObject>
#include <QStringList>
#include <QUrl>

#include <chrono>
#include <functional>
#include <memory>

namespace bh::http {
class Server;
class Responder;
} // namespace bh::http

namespace bh::sim {

class KubeApi;
class WatchRegistry;

// The Kubernetes API simulator: an ObjectStore served over the project's HTTP layer with the
// Kubernetes list/watch protocol (KUBE-API.md), fault injection and counters. Usable
// in-process (tests, boilerhouse-server --simulate) and by boilerhouse-kubesim.
//
// Control endpoints (not subject to auth or injected faults): POST /_sim/compact,
// /_sim/close-watches, /_sim/fail?count=N&code=C, /_sim/latency?ms=N, /_sim/stall?ms=N,
// /_sim/restart, /_sim/scenario/step?count=N; GET /_sim/stats, /_sim/requests.
class Simulator : public QObject
{
    Q_OBJECT
public:
    explicit Simulator(SimulatorConfig config = {}, QObject *parent = nullptr);
    ~Simulator() override;

    // Starts listening; false + errorString() on failure.
    bool start();
    QString errorString() const;
    QUrl url() const; // e.g. http://127.0.0.1:40123
    const SimulatorConfig &config() const { return m_config; }

    // Programmatic create/update/patch/delete of pods and claims (same semantics as HTTP).
    ObjectStore *store() { return m_store; }
    // The deploy/ kinds (ServiceAccount, Service, Deployment, Role, RoleBinding).
    ManifestStore *manifests();

    // Fault injection.
    void compactHistory(); // every resourceVersion older than the current one gets 410
    void closeAllWatches(); // ends every open watch cleanly (terminating chunk)
    void failNextRequests(int count, int httpStatus); // Status error with that code
    void setLatency(std::chrono::milliseconds latency); // delays every API response
    void stall(std::chrono::milliseconds duration); // accept but do not answer/stream
    void restart(); // aborts every connection, keeps the state

    // Counters.
    int openWatchCount(const QString &resource) const; // "pods" / "boilerhouseclaims"
    QStringList openWatchQueries(const QString &resource) const;
    quint64 requestsServed() const;
    QStringList requestLog() const; // "GET /path?query" lines, bounded

    // Hook for POST /_sim/scenario/step?count=N (set by whoever runs a Scenario). Returns
    // the number of steps done.
    void setScenarioStepper(std::function<int(int)> stepper);

Q_SIGNALS:
    void watchOpened(const QString &resource);
    void watchClosed(const QString &resource);
    void objectChanged(const QString &resource, const QString &type, const QString &ns,
                       const QString &name, quint64 resourceVersion);
    // One request was received (after logging, before answering).
    void requestReceived(const QString &line);

private:
    void handle(http::Responder *responder);
    void process(http::Responder *responder);
    void handleControl(http::Responder *responder);
    void endStall();

    struct Private;
    SimulatorConfig m_config;
    std::unique_ptr<Private> d;
    ObjectStore *m_store;
    http::Server *m_server;
    WatchRegistry *m_watches;
    KubeApi *m_api;
};

} // namespace bh::sim
