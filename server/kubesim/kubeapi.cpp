#include "kubeapi.h"

#include "labelselector.h"
#include "listoptions.h"
#include "listquery.h"
#include "watchregistry.h"

#include "http/httpresponder.h"
#include "http/httpresponse.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QUuid>

namespace bh::sim {

namespace {

// The version /version reports (the gcloud kubectl dispatcher picks kubectl.1.33 for it).
constexpr const char *ReportedMajor = "1";
constexpr const char *ReportedMinor = "33";
constexpr const char *ReportedGitVersion = "v1.33.0-boilerhouse-kubesim";

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

void sendJson(http::Responder *r, int status, const QByteArray &body)
{
    r->send(http::Response::json(status, body));
}

QJsonObject resourceEntry(const ResourceType &t, bool subresourceStatus)
{
    if (subresourceStatus)
        return QJsonObject { { "name", t.plural + QStringLiteral("/status") },
                             { "singularName", QString() },
                             { "namespaced", true },
                             { "kind", t.kind },
                             { "verbs", QJsonArray { "get", "patch", "update" } } };
    return QJsonObject {
        { "name", t.plural },
        { "singularName", t.singular },
        { "namespaced", true },
        { "kind", t.kind },
        { "verbs", QJsonArray { "create", "delete", "get", "list", "patch", "update", "watch" } },
        { "shortNames", QJsonArray { t.shortName } }
    };
}

// Discovery entries of the ManifestKinds of `group`, appended to `entries`.
QJsonArray manifestEntries(const QString &group, QJsonArray entries)
{
    for (const ManifestKind &k : ManifestKind::all()) {
        if (k.group != group)
            continue;
        QJsonObject e { { "name", k.plural },
                        { "singularName", k.singular },
                        { "namespaced", true },
                        { "kind", k.kind },
                        { "verbs",
                          QJsonArray { "create", "delete", "get", "list", "patch", "update" } } };
        if (!k.shortNames.isEmpty())
            e.insert(QStringLiteral("shortNames"), QJsonArray::fromStringList(k.shortNames));
        entries.append(e);
    }
    return entries;
}

// The APIGroupList entries of the ManifestKind groups, appended to `groups`.
QJsonArray manifestGroups(QJsonArray groups)
{
    for (const QString &g : ManifestKind::groups()) {
        if (g.isEmpty())
            continue;
        const QJsonObject gv { { "groupVersion", g + QStringLiteral("/v1") }, { "version", "v1" } };
        groups.append(QJsonObject {
            { "name", g }, { "versions", QJsonArray { gv } }, { "preferredVersion", gv } });
    }
    return groups;
}

QJsonObject groupVersion()
{
    const ResourceType &c = ResourceType::of(Resource::Claims);
    return QJsonObject { { "groupVersion", c.apiVersion }, { "version", c.version } };
}

QString verbFor(const http::Request &req, bool collection, bool watch)
{
    switch (req.method()) {
    case http::Request::Method::Get:
    case http::Request::Method::Head:
        return collection ? (watch ? QStringLiteral("watch") : QStringLiteral("list"))
                          : QStringLiteral("get");
    case http::Request::Method::Post:
        return QStringLiteral("create");
    case http::Request::Method::Put:
        return QStringLiteral("update");
    case http::Request::Method::Patch:
        return QStringLiteral("patch");
    case http::Request::Method::Delete:
        return collection ? QStringLiteral("deletecollection") : QStringLiteral("delete");
    default:
        return QString::fromLatin1(req.methodName()).toLower();
    }
}

// A request body that must be one JSON object; otherwise the apiserver's 400.
bool parseJsonObject(const QByteArray &body, QJsonObject *out, KubeStatus *error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = KubeStatus::badRequest(
            QStringLiteral("couldn't get version/kind; json parse error: %1")
                .arg(pe.error != QJsonParseError::NoError ? pe.errorString()
                                                          : QStringLiteral("expected a JSON object")));
        return false;
    }
    *out = doc.object();
    return true;
}

} // namespace

KubeApi::KubeApi(ObjectStore *store, WatchRegistry *watches, QStringList namespaces,
                 QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_manifests(new ManifestStore(store, this))
    , m_watches(watches)
    , m_namespaces(std::move(namespaces))
    , m_namespaceCreated(QDateTime::currentDateTimeUtc().toString(Qt::ISODate))
{ }

void KubeApi::sendStatus(http::Responder *responder, const KubeStatus &status)
{
    http::Response response = http::Response::json(status.code(), status.toCompactJson());
    // Like the apiserver: 429/503/504 Status objects with retryAfterSeconds carry Retry-After
    // (client-go honours it before retrying).
    const int retryAfter = status.details().value(QLatin1String("retryAfterSeconds")).toInt();
    if (retryAfter > 0)
        response.setHeader("Retry-After", QByteArray::number(retryAfter));
    responder->send(response);
}

void KubeApi::handle(http::Responder *responder)
{
    const http::Request &req = responder->request();
    QString path = req.path();
    while (path.size() > 1 && path.endsWith(QLatin1Char('/')))
        path.chop(1);
    const QStringList seg = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const bool isGet =
        req.method() == http::Request::Method::Get || req.method() == http::Request::Method::Head;
    if (m_serveManifests && handleManifestPath(responder, seg))
        return;

    // Namespaced resources:
    //   /api/v1/namespaces/{ns}/pods[/{name}[/status]]
    //   /apis/boilerhouse.dev/v1alpha1/namespaces/{ns}/boilerhouseclaims[/{name}[/status]]
    // and the all-namespaces collections /api/v1/pods, /apis/.../boilerhouseclaims.
    qsizetype base = -1;
    if (seg.size() >= 2 && seg[0] == QLatin1String("api") && seg[1] == QLatin1String("v1"))
        base = 2;
    else if (seg.size() >= 3 && seg[0] == QLatin1String("apis")
             && seg[1] == QLatin1String("boilerhouse.dev") && seg[2] == QLatin1String("v1alpha1"))
        base = 3;
    if (base > 0 && seg.size() > base) {
        const bool core = base == 2;
        QString ns;
        qsizetype r = base;
        if (seg[base] == QLatin1String("namespaces")) {
            if (seg.size() == base + 1) {
                if (core && isGet)
                    return sendNamespaceList(responder);
                return sendStatus(responder, KubeStatus::notFoundPath(path));
            }
            ns = seg[base + 1];
            if (seg.size() == base + 2) {
                if (core && isGet)
                    return sendNamespace(responder, ns);
                if (core)
                    return sendStatus(responder, KubeStatus::methodNotAllowed());
                return sendStatus(responder, KubeStatus::notFoundPath(path));
            }
            r = base + 2;
        }
        const auto resource = ResourceType::fromPlural(seg[r]);
        const bool groupOk = resource && ((*resource == Resource::Pods) == core);
        const qsizetype rest = seg.size() - r - 1; // segments after the plural
        const bool statusSub = rest == 2 && seg[r + 2] == QLatin1String("status");
        if (!groupOk || rest > 2 || (rest == 2 && !statusSub) || (ns.isEmpty() && rest > 0))
            return sendStatus(responder, KubeStatus::notFoundPath(path));
        const QString name = rest >= 1 ? seg[r + 1] : QString();
        return handleResource(responder, *resource, ns, name, statusSub);
    }

    if (!isGet)
        return sendStatus(responder, KubeStatus::methodNotAllowed());
    return sendDiscovery(responder, path);
}

void KubeApi::sendDiscovery(http::Responder *responder, const QString &path)
{
    const ResourceType &pods = ResourceType::of(Resource::Pods);
    const ResourceType &claims = ResourceType::of(Resource::Claims);
    if (path == QLatin1String("/version")) {
        return sendJson(
            responder, 200,
            compact(QJsonObject { { "major", ReportedMajor },
                                  { "minor", ReportedMinor },
                                  { "gitVersion", ReportedGitVersion },
                                  { "gitCommit", "0000000000000000000000000000000000000000" },
                                  { "gitTreeState", "clean" },
                                  { "buildDate", "2026-01-01T00:00:00Z" },
                                  { "goVersion", "go1.24.0" },
                                  { "compiler", "gc" },
                                  { "platform", "linux/amd64" } }));
    }
    if (path == QLatin1String("/api")) {
        const QString host = QString::fromLatin1(responder->request().header("host"));
        return sendJson(
            responder, 200,
            compact(QJsonObject { { "kind", "APIVersions" },
                                  { "versions", QJsonArray { "v1" } },
                                  { "serverAddressByClientCIDRs",
                                    QJsonArray { QJsonObject { { "clientCIDR", "0.0.0.0/0" },
                                                               { "serverAddress", host } } } } }));
    }
    const QJsonObject group { { "name", claims.group },
                              { "versions", QJsonArray { groupVersion() } },
                              { "preferredVersion", groupVersion() } };
    if (path == QLatin1String("/apis")) {
        return sendJson(
            responder, 200,
            compact(QJsonObject { { "kind", "APIGroupList" },
                                  { "apiVersion", "v1" },
                                  { "groups",
                                    m_serveManifests ? manifestGroups(QJsonArray { group })
                                                     : QJsonArray { group } } }));
    }
    for (const QString &g : m_serveManifests ? ManifestKind::groups() : QStringList()) {
        if (g.isEmpty())
            continue;
        const QJsonObject gv { { "groupVersion", g + QStringLiteral("/v1") }, { "version", "v1" } };
        if (path == QLatin1String("/apis/") + g) {
            return sendJson(responder, 200,
                            compact(QJsonObject { { "kind", "APIGroup" },
                                                  { "apiVersion", "v1" },
                                                  { "name", g },
                                                  { "versions", QJsonArray { gv } },
                                                  { "preferredVersion", gv } }));
        }
        if (path == QLatin1String("/apis/") + g + QLatin1String("/v1")) {
            return sendJson(responder, 200,
                            compact(QJsonObject { { "kind", "APIResourceList" },
                                                  { "apiVersion", "v1" },
                                                  { "groupVersion", g + QStringLiteral("/v1") },
                                                  { "resources", manifestEntries(g, {}) } }));
        }
    }
    if (path == QLatin1String("/apis/boilerhouse.dev")) {
        QJsonObject g = group;
        g.insert("kind", "APIGroup");
        g.insert("apiVersion", "v1");
        return sendJson(responder, 200, compact(g));
    }
    if (path == QLatin1String("/api/v1")) {
        const QJsonObject nsEntry { { "name", "namespaces" },
                                    { "singularName", "namespace" },
                                    { "namespaced", false },
                                    { "kind", "Namespace" },
                                    { "verbs", QJsonArray { "get", "list" } },
                                    { "shortNames", QJsonArray { "ns" } } };
        const QJsonArray core { nsEntry, resourceEntry(pods, false), resourceEntry(pods, true) };
        return sendJson(
            responder, 200,
            compact(QJsonObject {
                { "kind", "APIResourceList" },
                { "apiVersion", "v1" },
                { "groupVersion", "v1" },
                { "resources", m_serveManifests ? manifestEntries(QString(), core) : core } }));
    }
    if (path == QLatin1String("/apis/boilerhouse.dev/v1alpha1")) {
        return sendJson(responder, 200,
                        compact(QJsonObject { { "kind", "APIResourceList" },
                                              { "apiVersion", "v1" },
                                              { "groupVersion", claims.apiVersion },
                                              { "resources",
                                                QJsonArray { resourceEntry(claims, false),
                                                             resourceEntry(claims, true) } } }));
    }
    if (m_serveManifests && path == QLatin1String("/openapi/v2"))
        return sendOpenApiV2(responder);
    if (path == QLatin1String("/healthz") || path == QLatin1String("/readyz")
        || path == QLatin1String("/livez")) {
        return responder->send(http::Response(200, "ok", "text/plain; charset=utf-8"));
    }
    sendStatus(responder, KubeStatus::notFoundPath(path));
}

void KubeApi::sendOpenApiV2(http::Responder *responder)
{
    // An OpenAPI v2 document without paths or definitions: the simulator publishes no schema,
    // so kubectl's client-side --validate=strict finds none to check an object against (it
    // skips kinds the schema does not describe), and kubectl apply computes its strategic
    // merge patches from the API types compiled into it. The objects themselves are validated
    // by the simulator (422 Invalid). kubectl asks for the gnostic protobuf encoding.
    static const QByteArray title = QByteArrayLiteral("boilerhouse-kubesim");
    static const QByteArray version = QByteArray(ReportedGitVersion);
    const QByteArray accept = responder->request().header("accept");
    if (accept.contains("protobuf")) {
        auto field = [](int number, const QByteArray &bytes) {
            // Length-delimited field; every length here is < 128 (one varint byte).
            return QByteArray(1, char((number << 3) | 2)) + QByteArray(1, char(bytes.size()))
                + bytes;
        };
        // openapi_v2.Document { swagger = 1; info = 2 { title = 1; version = 2 } }
        const QByteArray doc =
            field(1, QByteArrayLiteral("2.0")) + field(2, field(1, title) + field(2, version));
        return responder->send(
            http::Response(200, doc, "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"));
    }
    sendJson(responder, 200,
             compact(QJsonObject { { "swagger", "2.0" },
                                   { "info",
                                     QJsonObject { { "title", QString::fromLatin1(title) },
                                                   { "version", QString::fromLatin1(version) } } },
                                   { "paths", QJsonObject() },
                                   { "definitions", QJsonObject() } }));
}

QJsonObject KubeApi::namespaceObject(const QString &ns) const
{
    return QJsonObject {
        { "kind", "Namespace" },
        { "apiVersion", "v1" },
        { "metadata",
          QJsonObject { { "name", ns },
                        { "uid", QUuid::createUuidV5(QUuid(), ns).toString(QUuid::WithoutBraces) },
                        { "resourceVersion", "1" },
                        { "creationTimestamp", m_namespaceCreated },
                        { "labels", QJsonObject { { "kubernetes.io/metadata.name", ns } } } } },
        { "spec", QJsonObject { { "finalizers", QJsonArray { "kubernetes" } } } },
        { "status", QJsonObject { { "phase", "Active" } } }
    };
}

void KubeApi::sendNamespace(http::Responder *responder, const QString &ns)
{
    if (!m_namespaces.contains(ns))
        return sendStatus(responder, KubeStatus::namespaceNotFound(ns));
    sendJson(responder, 200, compact(namespaceObject(ns)));
}

void KubeApi::sendNamespaceList(http::Responder *responder)
{
    QJsonArray items;
    for (const QString &ns : m_namespaces) {
        QJsonObject o = namespaceObject(ns);
        o.remove("kind");
        o.remove("apiVersion");
        items.append(o);
    }
    sendJson(responder, 200,
             compact(QJsonObject { { "kind", "NamespaceList" },
                                   { "apiVersion", "v1" },
                                   { "metadata", QJsonObject { { "resourceVersion", "1" } } },
                                   { "items", items } }));
}

void KubeApi::handleResource(http::Responder *responder, Resource resource, const QString &ns,
                             const QString &name, bool status)
{
    const http::Request &req = responder->request();
    const ResourceType &rt = ResourceType::of(resource);
    const bool collection = name.isEmpty();
    const QUrlQuery query = req.query();

    KubeStatus err;
    std::optional<ListOptions> options;
    bool watch = false;
    if (collection
        && (req.method() == http::Request::Method::Get
            || req.method() == http::Request::Method::Head)) {
        options = ListOptions::parse(query, &err);
        watch = options && options->watch;
    }
    if (!ns.isEmpty() && !m_namespaces.contains(ns))
        return sendStatus(responder,
                          KubeStatus::forbidden(rt, verbFor(req, collection, watch), ns));

    const auto scope = status ? ObjectStore::Scope::Status : ObjectStore::Scope::Main;
    auto parseBody = [&](QJsonObject *out) -> bool {
        KubeStatus error;
        if (parseJsonObject(req.body(), out, &error))
            return true;
        sendStatus(responder, error);
        return false;
    };
    auto answer = [&](const ObjectStore::Result &r, int okStatus) {
        if (!r.ok())
            return sendStatus(responder, *r.error);
        sendJson(responder, okStatus, r.object->encoded());
    };

    switch (req.method()) {
    case http::Request::Method::Get:
    case http::Request::Method::Head:
        if (collection) {
            if (!options)
                return sendStatus(responder, err);
            QString q = QString::fromUtf8(req.url().query(QUrl::FullyEncoded).toUtf8());
            if (watch)
                return m_watches->open(responder, resource, ns, *options, q);
            const ListQuery::Result r = ListQuery::run(*m_store, resource, ns, *options);
            if (!r.ok())
                return sendStatus(responder, *r.error);
            return sendJson(responder, 200, r.body);
        } else {
            const ObjectPtr o = m_store->get(resource, ns, name);
            if (!o)
                return sendStatus(responder, KubeStatus::notFound(rt, name));
            return sendJson(responder, 200, o->encoded());
        }
    case http::Request::Method::Post: {
        if (!collection || status)
            return sendStatus(responder, KubeStatus::methodNotAllowed());
        QJsonObject body;
        if (!parseBody(&body))
            return;
        return answer(m_store->create(resource, ns, body), 201);
    }
    case http::Request::Method::Put: {
        if (collection)
            return sendStatus(responder, KubeStatus::methodNotAllowed());
        QJsonObject body;
        if (!parseBody(&body))
            return;
        return answer(m_store->replace(resource, ns, name, body, scope), 200);
    }
    case http::Request::Method::Patch: {
        if (collection)
            return sendStatus(responder, KubeStatus::methodNotAllowed());
        const QByteArray ct = req.header("content-type").split(';').first().trimmed().toLower();
        // Strategic merge patch is treated as a JSON merge patch (identical for the maps
        // and scalars Boilerhouse objects use; lists are replaced, not merged).
        if (ct != "application/merge-patch+json" && ct != "application/strategic-merge-patch+json")
            return sendStatus(responder, KubeStatus::unsupportedMediaType(QString::fromLatin1(ct)));
        QJsonObject body;
        if (!parseBody(&body))
            return;
        return answer(m_store->mergePatch(resource, ns, name, body, scope), 200);
    }
    case http::Request::Method::Delete:
        if (collection || status)
            return sendStatus(responder, KubeStatus::methodNotAllowed());
        return answer(m_store->remove(resource, ns, name), 200);
    default:
        return sendStatus(responder, KubeStatus::methodNotAllowed());
    }
}

bool KubeApi::handleManifestPath(http::Responder *responder, const QStringList &seg)
{
    // /api/v1/[namespaces/{ns}/]{plural}[/{name}] and /apis/{group}/v1/[namespaces/{ns}/]...
    QString group;
    qsizetype base = -1;
    if (seg.size() >= 3 && seg[0] == QLatin1String("api") && seg[1] == QLatin1String("v1")) {
        base = 2;
    } else if (seg.size() >= 4 && seg[0] == QLatin1String("apis")) {
        group = seg[1];
        if (group == ResourceType::of(Resource::Claims).group)
            return false;
        base = 3;
    } else {
        return false;
    }
    const QString version = seg[base - 1];
    QString ns;
    qsizetype r = base;
    if (seg[base] == QLatin1String("namespaces") && seg.size() > base + 2) {
        ns = seg[base + 1];
        r = base + 2;
    }
    const ManifestKind *kind = ManifestKind::find(group, version, seg[r]);
    if (!kind)
        return false;
    const qsizetype rest = seg.size() - r - 1;
    if (rest > 1 || (ns.isEmpty() && rest > 0)) {
        sendStatus(responder, KubeStatus::notFoundPath(seg.join(QLatin1Char('/'))));
        return true;
    }
    handleManifest(responder, *kind, ns, rest == 1 ? seg[r + 1] : QString());
    return true;
}

void KubeApi::handleManifest(http::Responder *responder, const ManifestKind &kind,
                             const QString &ns, const QString &name)
{
    const http::Request &req = responder->request();
    const bool collection = name.isEmpty();
    const QUrlQuery query = req.query();
    const bool dryRun = query.queryItemValue(QStringLiteral("dryRun")) == QLatin1String("All");
    if (!ns.isEmpty() && !m_namespaces.contains(ns))
        return sendStatus(responder, KubeStatus::namespaceNotFound(ns));

    auto parseBody = [&](QJsonObject *out) -> bool {
        KubeStatus error;
        if (parseJsonObject(req.body(), out, &error))
            return true;
        sendStatus(responder, error);
        return false;
    };
    auto answer = [&](const ManifestStore::Result &r, int okStatus) {
        if (!r.ok())
            return sendStatus(responder, *r.error);
        sendJson(responder, okStatus, r.object->encoded());
    };

    switch (req.method()) {
    case http::Request::Method::Get:
    case http::Request::Method::Head: {
        if (!collection) {
            const ObjectPtr o = m_manifests->get(kind, ns, name);
            if (!o)
                return sendStatus(responder, kind.notFound(name));
            return sendJson(responder, 200, o->encoded());
        }
        if (query.queryItemValue(QStringLiteral("watch")) == QLatin1String("true")
            || query.queryItemValue(QStringLiteral("watch")) == QLatin1String("1"))
            return sendStatus(responder, KubeStatus::methodNotAllowed());
        std::optional<LabelSelector> selector = LabelSelector();
        QString selectorError;
        const QString selectorText =
            query.queryItemValue(QStringLiteral("labelSelector"), QUrl::FullyDecoded);
        if (!selectorText.isEmpty())
            selector = LabelSelector::parse(selectorText, &selectorError);
        if (!selector)
            return sendStatus(responder, KubeStatus::badRequest(selectorError));
        QByteArray items;
        for (const ObjectPtr &o : m_manifests->list(kind, ns)) {
            if (!selector->matches(o->labels()))
                continue;
            if (!items.isEmpty())
                items.append(',');
            items.append(o->encodedItem(true));
        }
        const QByteArray body = "{\"kind\":\"" + kind.listKind.toUtf8() + "\",\"apiVersion\":\""
            + kind.apiVersion().toUtf8() + "\",\"metadata\":{\"resourceVersion\":\""
            + QByteArray::number(m_manifests->resourceVersion()) + "\"},\"items\":[" + items + "]}";
        return sendJson(responder, 200, body);
    }
    case http::Request::Method::Post: {
        if (!collection || ns.isEmpty())
            return sendStatus(responder, KubeStatus::methodNotAllowed());
        QJsonObject body;
        if (!parseBody(&body))
            return;
        return answer(m_manifests->create(kind, ns, body, dryRun), 201);
    }
    case http::Request::Method::Put: {
        if (collection)
            return sendStatus(responder, KubeStatus::methodNotAllowed());
        QJsonObject body;
        if (!parseBody(&body))
            return;
        return answer(m_manifests->replace(kind, ns, name, body, dryRun), 200);
    }
    case http::Request::Method::Patch: {
        if (collection)
            return sendStatus(responder, KubeStatus::methodNotAllowed());
        const QByteArray ct = req.header("content-type").split(';').first().trimmed().toLower();
        ManifestStore::PatchType type;
        if (ct == "application/merge-patch+json")
            type = ManifestStore::PatchType::Merge;
        else if (ct == "application/strategic-merge-patch+json")
            type = ManifestStore::PatchType::StrategicMerge;
        else
            return sendStatus(responder, KubeStatus::unsupportedMediaType(QString::fromLatin1(ct)));
        QJsonObject body;
        if (!parseBody(&body))
            return;
        return answer(m_manifests->patch(kind, ns, name, body, type, dryRun), 200);
    }
    case http::Request::Method::Delete:
        if (collection)
            return sendStatus(responder, KubeStatus::methodNotAllowed());
        return answer(m_manifests->remove(kind, ns, name, dryRun), 200);
    default:
        return sendStatus(responder, KubeStatus::methodNotAllowed());
    }
}

} // namespace bh::sim
