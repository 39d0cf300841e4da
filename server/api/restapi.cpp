#include "restapi.h"

#include "api/prometheustext.h"
#include "http/httpresponder.h"

Q_LOGGING_CATEGORY(lcApi, "bh.api", QtInfoMsg)

namespace bh::api {

using http::Request;
using http::Response;

namespace {
const QLatin1String kApiPrefix("/api/v1/");
constexpr char kAllowGet[] = "GET, HEAD";
constexpr char kAllowGetCors[] = "GET, HEAD, OPTIONS";

Response okJson(const QByteArray &body)
{
    return Response::json(200, body);
}
} // namespace

RestApi::RestApi(ApiConfig config, const cache::ObjectStore *pods, const cache::ObjectStore *claims,
                 QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_auth(m_config.apiKey)
    , m_snapshot(pods, claims)
{ }

RestApi::~RestApi() = default;

void RestApi::handle(http::Responder *responder) const
{
    responder->send(respond(responder->request()));
}

Response RestApi::respond(const Request &request) const
{
    ++m_requests;
    Response response = route(request);
    addCommonHeaders(request, response);
    // The cursor is taken in the same event-loop turn as the snapshot: both reflect the same
    // cache state.
    const QString path = request.path();
    if (m_cursor && response.status() == 200
        && (path.startsWith(QLatin1String("/api/v1/instances"))
            || path.startsWith(QLatin1String("/api/v1/tenants")))) {
        const QString cursor = m_cursor();
        if (!cursor.isEmpty())
            response.setHeader(protocol::kCursorHeader, cursor.toUtf8());
    }
    qCDebug(lcApi).noquote() << request.methodName() << request.target() << "->"
                             << response.status();
    return response;
}

Response RestApi::errorResponse(const Request &request, int status, const QString &message) const
{
    Response response = Response::jsonError(status, message);
    addCommonHeaders(request, response);
    return response;
}

Response RestApi::notFound(const Request &request) const
{
    return errorResponse(request, 404, QStringLiteral("not found"));
}

bool RestApi::originAllowed(const QString &origin) const
{
    if (origin.isEmpty())
        return false;
    for (const QString &allowed : m_config.corsOrigins) {
        if (allowed == QLatin1String("*") || allowed == origin)
            return true;
    }
    return false;
}

void RestApi::addCommonHeaders(const Request &request, Response &response) const
{
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("X-Frame-Options", "DENY");
    // RFC 9110 11.6.1: a 401 names the scheme it wants (no realm dialog: browsers only
    // prompt for Basic).
    if (response.status() == 401)
        response.setHeader("WWW-Authenticate", R"(Bearer realm="boilerhouse")");
    if (!corsEnabled())
        return;
    const QByteArray origin = request.header("Origin");
    if (originAllowed(QString::fromUtf8(origin))) {
        response.setHeader("Access-Control-Allow-Origin", origin);
        response.setHeader("Access-Control-Allow-Credentials", "true");
        response.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
        response.setHeader("Access-Control-Allow-Headers", "Content-Type, Authorization");
    }
    response.setHeader("Vary", "Origin");
}

Response RestApi::route(const Request &request) const
{
    const QString path = request.path();
    const Request::Method method = request.method();
    const bool readMethod = method == Request::Method::Get || method == Request::Method::Head;

    // CORS preflight: answered before auth (browsers send no credentials with it).
    if (method == Request::Method::Options && corsEnabled())
        return Response(204);

    auto wrongMethod = [this]() {
        return Response::jsonError(405, QStringLiteral("method not allowed"))
            .setHeader("Allow", corsEnabled() ? kAllowGetCors : kAllowGet);
    };

    if (path == QLatin1String("/livez") || path == QLatin1String("/readyz")) {
        if (!readMethod)
            return wrongMethod();
        if (path == QLatin1String("/livez"))
            return okJson(R"({"status":"ok"})");
        const QString reason = m_readiness ? m_readiness() : QString();
        if (!reason.isEmpty())
            return Response::jsonError(503, reason);
        return okJson(R"({"status":"ready"})");
    }

    if (path == QLatin1String("/metrics") && m_metrics) {
        // PROTOCOL B.4: behind the API key when one is set (the same 401s as the REST API).
        const BearerAuth::Result auth = m_auth.check(request.header("Authorization"));
        if (auth != BearerAuth::Result::Allowed)
            return Response::jsonError(401, BearerAuth::message(auth));
        if (!readMethod)
            return wrongMethod();
        return Response(200, m_metrics(), PrometheusText::ContentType);
    }

    if (!path.startsWith(kApiPrefix))
        return Response::jsonError(404, QStringLiteral("not found"));

    const QString route = path.mid(kApiPrefix.size());
    const bool open = route == QLatin1String("health") || route == QLatin1String("stats");
    if (!open) {
        const BearerAuth::Result auth = m_auth.check(request.header("Authorization"));
        if (auth != BearerAuth::Result::Allowed)
            return Response::jsonError(401, BearerAuth::message(auth));
    }

    const QStringList parts = route.split(QLatin1Char('/'));
    const QString collection = parts.value(0);
    const bool item = parts.size() == 2 && !parts.at(1).isEmpty();
    const bool known =
        (parts.size() == 1
         && (collection == QLatin1String("health") || collection == QLatin1String("stats")
             || collection == QLatin1String("instances") || collection == QLatin1String("tenants")))
        || (item
            && (collection == QLatin1String("instances")
                || collection == QLatin1String("tenants")));
    if (!known)
        return Response::jsonError(404, QStringLiteral("not found"));
    if (!readMethod)
        return wrongMethod();

    if (collection == QLatin1String("health"))
        return okJson(R"({"status":"ok"})");
    if (collection == QLatin1String("stats"))
        return okJson(m_snapshot.stats().encode());
    // Bodies are joined from each object's cached encoding (SnapshotBuilder; byte-for-byte
    // the typed encoding, tests/api/tst_snapshotbuilder).
    if (collection == QLatin1String("instances")) {
        if (!item)
            return okJson(m_snapshot.instancesJson());
        const std::optional<QByteArray> instance = m_snapshot.instanceJson(parts.at(1));
        if (!instance)
            return Response::jsonError(404,
                                       QStringLiteral("instance not found: %1").arg(parts.at(1)));
        return okJson(*instance);
    }
    // tenants
    if (!item)
        return okJson(m_snapshot.tenantsJson());
    const std::optional<QByteArray> tenant = m_snapshot.tenantJson(parts.at(1));
    if (!tenant)
        return Response::jsonError(404, QStringLiteral("tenant not found"));
    return okJson(*tenant);
}

} // namespace bh::api
