#pragma once

#include <QByteArray>
#include <QList>
#include <QLoggingCategory>
#include <QMap>
#include <QString>

Q_DECLARE_LOGGING_CATEGORY(lcMetrics)

namespace bh::cache {
class ObjectStore;
}
namespace bh::events {
class Deriver;
class Journal;
} // namespace bh::events
namespace bh::hub {
class WsHub;
}
namespace bh::kube {
class Reflector;
}

namespace bh::app {

// The collector behind GET /metrics (PROTOCOL B.4): reads the server's parts at scrape time —
// WsHub::stats(), each Reflector::stats() and its ObjectStore, the Deriver's counts, the
// resume Journal, /proc — and writes them with api::PrometheusText. Holds no counters of
// its own. A value type over non-owning pointers to parts that outlive it.
class ServerMetrics
{
public:
    // One watched resource: its label value, its reflector and its cache.
    struct Resource
    {
        QString name; // "pods", "boilerhouseclaims"
        const kube::Reflector *reflector = nullptr;
        const cache::ObjectStore *store = nullptr;
    };
    struct Sources
    {
        const hub::WsHub *hub = nullptr;
        const events::Deriver *deriver = nullptr;
        const events::Journal *journal = nullptr;
        // /ws upgrades refused before the hub (origin, auth, limits, filters), by HTTP status.
        const QMap<int, quint64> *refusedUpgrades = nullptr;
        QList<Resource> resources;
    };

    explicit ServerMetrics(Sources sources);

    // The exposition (text format 0.0.4). A part that is not set is left out.
    QByteArray scrape() const;

private:
    Sources m_sources;
};

} // namespace bh::app
