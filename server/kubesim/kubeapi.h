#pragma once

#include "kubestatus.h"
#include "manifestkind.h"
#include "manifeststore.h"
#include "objectstore.h"

#include <QObject>
#include <QStringList>

namespace bh::http {
class Responder;
class Request;
} // namespace bh::http

namespace bh::sim {

class WatchRegistry;

// The Kubernetes API surface of the simulator (KUBE-API.md): discovery documents, the
// namespace object, and get/list/watch/create/update/patch/delete for pods and
// boilerhouseclaims (including the /status subresource), get/list/create/update/patch/delete
// (no watch) for the kinds deploy/ applies (ManifestKind), and an /openapi/v2 document that
// declares no schema (kubectl --validate=strict then has nothing to check client-side). Every error
// is a Status.
class KubeApi : public QObject
{
    Q_OBJECT
public:
    KubeApi(ObjectStore *store, WatchRegistry *watches, QStringList namespaces,
            QObject *parent = nullptr);

    // Answers one (already authenticated) API request.
    void handle(http::Responder *responder);

    static void sendStatus(http::Responder *responder, const KubeStatus &status);

    // Whether the deploy/ kinds (and /openapi/v2) are served; default false.
    void setServeManifestKinds(bool serve) { m_serveManifests = serve; }
    // The store of the deploy/ kinds (owned by this object).
    ManifestStore *manifests() { return m_manifests; }

private:
    void handleResource(http::Responder *responder, Resource resource, const QString &ns,
                        const QString &name, bool status);
    // True when `seg` addresses a ManifestKind (then it has been answered).
    bool handleManifestPath(http::Responder *responder, const QStringList &seg);
    void handleManifest(http::Responder *responder, const ManifestKind &kind, const QString &ns,
                        const QString &name);
    void sendDiscovery(http::Responder *responder, const QString &path);
    void sendOpenApiV2(http::Responder *responder);
    void sendNamespace(http::Responder *responder, const QString &ns);
    void sendNamespaceList(http::Responder *responder);
    QJsonObject namespaceObject(const QString &ns) const;

    ObjectStore *m_store;
    ManifestStore *m_manifests;
    bool m_serveManifests = false;
    WatchRegistry *m_watches;
    QStringList m_namespaces;
    QString m_namespaceCreated;
};

} // namespace bh::sim
