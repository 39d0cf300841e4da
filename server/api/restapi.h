#pragma once

#include "api/apiconfig.h"
#include "api/bearerauth.h"
#include "api/snapshotbuilder.h"
#include "http/httprequest.h"
#include "http/httpresponse.h"

#include <QLoggingCategory>
#include <QObject>

#include <functional>

Q_DECLARE_LOGGING_CATEGORY(lcApi)

namespace bh::cache {
class ObjectStore;
}
namespace bh::http {
class Responder;
}

namespace bh::api {

// The REST routes of PROTOCOL A.4/A.5 (+ B.4 livez/readyz), reading the shared caches:
//   GET /api/v1/health, /api/v1/stats            (open)
//   GET /api/v1/instances, /api/v1/instances/{name}, /api/v1/tenants, /api/v1/tenants/{id}
//                                                (Bearer API key when one is configured)
//   GET /livez, /readyz                          (open; readyz 503 with the reason)
//   GET /metrics                                 (Prometheus text 0.0.4, B.4; Bearer API key
//                                                when one is configured; 404 without provider)
// Every response: JSON, X-Content-Type-Options: nosniff, X-Frame-Options: DENY, CORS
// headers for allowed origins; HEAD answers like GET; unknown route 404 and wrong method
// 405 (with Allow) as JSON errors; OPTIONS 204 when CORS is configured. Snapshot responses
// (instances, tenants; 200) carry X-Boilerhouse-Cursor when a cursor provider is set (B.1).
class RestApi : public QObject
{
    Q_OBJECT
public:
    // Empty string = ready; otherwise why not (shown by /readyz).
    using ReadinessProvider = std::function<QString()>;
    // The event-sequence position the caches reflect right now (PROTOCOL B.1), sent as
    // X-Boilerhouse-Cursor with every snapshot response; empty = no header.
    using CursorProvider = std::function<QString()>;
    // The /metrics body in the Prometheus text exposition format 0.0.4 (PROTOCOL B.4).
    using MetricsProvider = std::function<QByteArray()>;

    RestApi(ApiConfig config, const cache::ObjectStore *pods, const cache::ObjectStore *claims,
            QObject *parent = nullptr);
    ~RestApi() override;

    void setReadinessProvider(ReadinessProvider provider) { m_readiness = std::move(provider); }
    void setCursorProvider(CursorProvider provider) { m_cursor = std::move(provider); }
    void setMetricsProvider(MetricsProvider provider) { m_metrics = std::move(provider); }

    // Answers one request completely (routing, auth, headers).
    http::Response respond(const http::Request &request) const;
    // respond() + send.
    void handle(http::Responder *responder) const;
    // A JSON error with the common headers (used by the /ws route before an upgrade).
    http::Response errorResponse(const http::Request &request, int status,
                                 const QString &message) const;
    // The 404 JSON answer with the common headers (used for upgrades on unknown paths).
    http::Response notFound(const http::Request &request) const;

    quint64 requestCount() const { return m_requests; }

private:
    http::Response route(const http::Request &request) const;
    void addCommonHeaders(const http::Request &request, http::Response &response) const;
    bool corsEnabled() const { return !m_config.corsOrigins.isEmpty(); }
    bool originAllowed(const QString &origin) const;

    ApiConfig m_config;
    BearerAuth m_auth;
    SnapshotBuilder m_snapshot;
    ReadinessProvider m_readiness;
    CursorProvider m_cursor;
    MetricsProvider m_metrics;
    mutable quint64 m_requests = 0;
};

} // namespace bh::api
