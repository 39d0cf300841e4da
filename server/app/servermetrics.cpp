#include "servermetrics.h"

#include "api/prometheustext.h"
#include "cache/objectstore.h"
#include "events/deriver.h"
#include "events/journal.h"
#include "hub/wshub.h"
#include "kube/reflector.h"
#include "processmetrics.h"

Q_LOGGING_CATEGORY(lcMetrics, "bh.metrics", QtInfoMsg)

namespace bh::app {

using api::PrometheusText;
using protocol::EventType;
using Type = PrometheusText::Type;

namespace {

// The part-A event types (derived and sent), then stream.resync (sent only).
constexpr EventType kDerivedTypes[] = { EventType::InstanceState, EventType::PoolInstanceReady,
                                        EventType::TenantClaimed, EventType::TenantReleased };
constexpr EventType kSentTypes[] = { EventType::InstanceState, EventType::PoolInstanceReady,
                                     EventType::TenantClaimed, EventType::TenantReleased,
                                     EventType::StreamResync };

PrometheusText::Labels typeLabel(EventType type)
{
    return { { QByteArrayLiteral("type"), protocol::eventTypeName(type) } };
}

void writeHub(PrometheusText &out, const hub::HubStats &s)
{
    out.family("boilerhouse_ws_clients", Type::Gauge,
               QStringLiteral("WebSocket clients past the handshake."));
    out.sample(double(s.connected));
    out.family("boilerhouse_ws_handshakes_in_progress", Type::Gauge,
               QStringLiteral("Accepted sockets whose WebSocket handshake is not complete."));
    out.sample(double(s.handshaking));
    const struct
    {
        const char *name;
        const char *help;
        quint64 value;
    } counters[] = {
        { "boilerhouse_ws_connections_total", "WebSocket handshakes completed.", s.accepted },
        { "boilerhouse_ws_rejected_total",
          "Sockets the WebSocket hub refused (client limit) or whose handshake failed or was "
          "abandoned; refusals before the hub: boilerhouse_ws_upgrades_refused_total.",
          s.rejected },
        { "boilerhouse_ws_disconnects_total", "WebSocket clients gone, for any reason.",
          s.disconnected },
        { "boilerhouse_ws_slow_consumer_closes_total",
          "Clients closed with 1008 \"slow consumer\" (buffer cap or write deadline).",
          s.slowConsumerCloses },
        { "boilerhouse_ws_ping_timeouts_total", "Clients closed for a missing pong.",
          s.pingTimeouts },
        { "boilerhouse_ws_oversized_closes_total",
          "Clients closed with 1009 for a too-large incoming message.", s.oversizedCloses },
        { "boilerhouse_ws_handshake_timeouts_total",
          "Sockets aborted because the handshake did not complete in time.", s.handshakeTimeouts },
    };
    for (const auto &c : counters) {
        out.family(c.name, Type::Counter, QString::fromUtf8(c.help));
        out.sample(c.value);
    }
    out.family("boilerhouse_events_sent_total", Type::Counter,
               QStringLiteral("Event frames queued to WebSocket clients (replays included), "
                              "by event type."));
    for (const EventType type : kSentTypes)
        out.sample(typeLabel(type), s.sent(type));
    out.family("boilerhouse_ws_sent_bytes_total", Type::Counter,
               QStringLiteral("Bytes of the event frames queued to WebSocket clients."));
    out.sample(s.bytesSent);

    const auto &h = s.deliveryLatency;
    QList<double> bounds(h.BoundsSeconds.begin(), h.BoundsSeconds.end());
    QList<quint64> counts(h.buckets.begin(), h.buckets.end());
    out.family("boilerhouse_event_delivery_latency_seconds", Type::Histogram,
               QStringLiteral("From a watch event's arrival in the server to the socket write "
                              "handing its frame to the last client of the batch."));
    out.histogram({}, bounds, counts, h.sumSeconds);
}

void writeResources(PrometheusText &out, const QList<ServerMetrics::Resource> &resources)
{
    auto label = [](const ServerMetrics::Resource &r) {
        return PrometheusText::Labels { { QByteArrayLiteral("resource"), r.name } };
    };
    struct Counter
    {
        const char *name;
        const char *help;
        quint64 kube::ReflectorStats::*field;
    };
    const Counter counters[] = {
        { "boilerhouse_watch_restarts_total",
          "Watches re-opened from the last resourceVersion (after a normal end).",
          &kube::ReflectorStats::watchRestarts },
        { "boilerhouse_relists_total", "Lists after the first (after a 410 or an error).",
          &kube::ReflectorStats::relists },
        { "boilerhouse_watch_gone_total", "410 Expired/Gone answers (ERROR event or HTTP status).",
          &kube::ReflectorStats::gone410 },
        { "boilerhouse_apiserver_errors_total",
          "Failed apiserver requests or streams that led to a backoff.",
          &kube::ReflectorStats::errors },
        { "boilerhouse_watch_events_total", "ADDED/MODIFIED/DELETED watch events received.",
          &kube::ReflectorStats::events },
    };
    QList<kube::ReflectorStats> stats;
    for (const ServerMetrics::Resource &r : resources)
        stats.append(r.reflector ? r.reflector->stats() : kube::ReflectorStats());
    for (const Counter &c : counters) {
        out.family(c.name, Type::Counter, QString::fromUtf8(c.help));
        for (qsizetype i = 0; i < resources.size(); ++i)
            out.sample(label(resources.at(i)), stats.at(i).*c.field);
    }
    out.family("boilerhouse_watch_synced", Type::Gauge,
               QStringLiteral("1 once the resource's first list completed, else 0."));
    for (const ServerMetrics::Resource &r : resources)
        out.sample(label(r), r.reflector && r.reflector->hasSynced() ? 1.0 : 0.0);
    out.family("boilerhouse_cache_objects", Type::Gauge,
               QStringLiteral("Objects in the resource's cache."));
    for (const ServerMetrics::Resource &r : resources)
        out.sample(label(r), r.store ? double(r.store->size()) : 0.0);
}

void writeProcess(PrometheusText &out)
{
    QString error;
    const auto p = ProcessMetrics::read(&error);
    if (!p) {
        qCWarning(lcMetrics).noquote() << "process metrics unavailable:" << error;
        return;
    }
    out.family("process_cpu_seconds_total", Type::Counter,
               QStringLiteral("Total user and system CPU time spent in seconds."));
    out.sample(p->cpuSeconds);
    out.family("process_resident_memory_bytes", Type::Gauge,
               QStringLiteral("Resident memory size in bytes."));
    out.sample(p->residentMemoryBytes);
    out.family("process_virtual_memory_bytes", Type::Gauge,
               QStringLiteral("Virtual memory size in bytes."));
    out.sample(p->virtualMemoryBytes);
    out.family("process_start_time_seconds", Type::Gauge,
               QStringLiteral("Start time of the process since unix epoch in seconds."));
    out.sample(p->startTimeSeconds);
    out.family("process_open_fds", Type::Gauge, QStringLiteral("Number of open file descriptors."));
    out.sample(p->openFds);
    out.family("process_max_fds", Type::Gauge,
               QStringLiteral("Maximum number of open file descriptors."));
    out.sample(p->maxFds);
}

} // namespace

ServerMetrics::ServerMetrics(Sources sources)
    : m_sources(std::move(sources))
{ }

QByteArray ServerMetrics::scrape() const
{
    PrometheusText out;
    if (m_sources.hub)
        writeHub(out, m_sources.hub->stats());
    if (m_sources.deriver) {
        out.family("boilerhouse_events_derived_total", Type::Counter,
                   QStringLiteral("Live events derived from cache changes, by event type."));
        for (const EventType type : kDerivedTypes)
            out.sample(typeLabel(type), m_sources.deriver->derivedCount(type));
    }
    if (m_sources.refusedUpgrades) {
        // The statuses the /ws route answers with are always present (0 until seen).
        QMap<int, quint64> refused { { 400, 0 }, { 401, 0 }, { 403, 0 }, { 404, 0 }, { 503, 0 } };
        for (auto it = m_sources.refusedUpgrades->begin(); it != m_sources.refusedUpgrades->end();
             ++it)
            refused[it.key()] = it.value();
        out.family("boilerhouse_ws_upgrades_refused_total", Type::Counter,
                   QStringLiteral("/ws upgrade requests answered with an HTTP error before the "
                                  "WebSocket hub (origin, auth, client limit, filter, path), by "
                                  "status code."));
        for (auto it = refused.begin(); it != refused.end(); ++it)
            out.sample({ { QByteArrayLiteral("code"), QString::number(it.key()) } }, it.value());
    }
    if (!m_sources.resources.isEmpty())
        writeResources(out, m_sources.resources);
    if (m_sources.journal) {
        const events::EventHistory &history = m_sources.journal->history();
        out.family("boilerhouse_history_events", Type::Gauge,
                   QStringLiteral("Events kept for /ws?since= resume."));
        out.sample(double(history.size()));
        out.family("boilerhouse_history_capacity", Type::Gauge,
                   QStringLiteral("Most events kept for /ws?since= resume."));
        out.sample(double(history.capacity()));
        out.family("boilerhouse_history_bytes", Type::Gauge,
                   QStringLiteral("Approximate memory of the resume history in bytes."));
        out.sample(double(history.approximateBytes()));
    }
    writeProcess(out);
    if (out.error() != PrometheusText::Error::None)
        qCCritical(lcMetrics).noquote()
            << "metrics exposition incomplete:" << PrometheusText::errorString(out.error());
    return out.text();
}

} // namespace bh::app
