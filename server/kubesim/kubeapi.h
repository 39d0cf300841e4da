#pragma once

#include "kubestatus.h"
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
// boilerhouseclaims (including the /status subresource). Every error is a Status.
class KubeApi : public QObject
{
    Q_OBJECT
public:
    KubeApi(ObjectStore *store, WatchRegistry *watches, QStringList namespaces,
            QObject *parent = nullptr);

    // Answers one (already authenticated) API request.
    void handle(http::Responder *responder);

    static void sendStatus(http::Responder *responder, const KubeStatus &status);

private:
    void handleResource(http::Responder *responder, Resource resource, const QString &ns,
                        const QString &name, bool status);
    void sendDiscovery(http::Responder *responder, const QString &path);
    void sendNamespace(http::Responder *responder, const QString &ns);
    void sendNamespaceList(http::Responder *responder);
    QJsonObject namespaceObject(const QString &ns) const;

    ObjectStore *m_store;
    WatchRegistry *m_watches;
    QStringList m_namespaces;
    QString m_namespaceCreated;
};

} // namespace bh::sim
