#pragma once

#include "eventhistory.h"
#include "kubestatus.h"
#include "resourcetype.h"
#include "storedobject.h"
#include "storeevent.h"

#include <QJsonObject>
#include <QLoggingCategory>
#include <QMap>
#include <QObject>

#include <optional>

namespace bh::sim {

Q_DECLARE_LOGGING_CATEGORY(lcSim)

// The simulator's storage (etcd + apiserver registry for two resources): objects keyed
// "namespace/name", one global resourceVersion counter, uid / creationTimestamp /
// generation set by the server, and the bounded EventHistory. HTTP verbs and programmatic
// changes (tests, scenario) go through the same functions, so they have the same semantics.
class ObjectStore : public QObject
{
    Q_OBJECT
public:
    // Which part of an object a write may change (the apiserver's status subresource).
    enum class Scope {
        Main, // PUT/PATCH on the object: status is kept as it was
        Status, // PUT/PATCH on .../status: only status changes
        All // programmatic: everything
    };

    struct Result
    {
        ObjectPtr object;
        std::optional<KubeStatus> error;
        bool ok() const { return !error.has_value(); }
    };

    // Objects of one resource, sorted by "namespace/name".
    using Snapshot = QMap<QString, ObjectPtr>;

    explicit ObjectStore(int historyLimit = EventHistory::DefaultLimit,
                         std::chrono::milliseconds historyMaxAge = EventHistory::DefaultMaxAge,
                         QObject *parent = nullptr);

    // POST. Fails with 409 AlreadyExists, 422 Invalid (missing name, bad name, a Pod
    // without spec.containers[].name), 400 (namespace mismatch).
    Result create(Resource resource, const QString &ns, QJsonObject object);
    // PUT. Fails with 404, 409 Conflict (stale metadata.resourceVersion), 400 (name mismatch).
    Result replace(Resource resource, const QString &ns, const QString &name, QJsonObject object,
                   Scope scope = Scope::All);
    // RFC 7386 merge patch. A metadata.resourceVersion in the patch is a precondition (409).
    Result mergePatch(Resource resource, const QString &ns, const QString &name,
                      const QJsonObject &patch, Scope scope = Scope::All);
    // DELETE. Returns the last state; fails with 404.
    Result remove(Resource resource, const QString &ns, const QString &name);

    ObjectPtr get(Resource resource, const QString &ns, const QString &name) const;
    // Current objects of a namespace (empty ns = all namespaces), sorted by name.
    QList<ObjectPtr> list(Resource resource, const QString &ns = {}) const;
    const Snapshot &current(Resource resource) const;
    // The state as it was at resourceVersion rv, rebuilt from the history. Fails with 410
    // (rv older than the history) or 504 (rv in the future).
    std::optional<Snapshot> snapshotAt(Resource resource, quint64 rv, KubeStatus *error) const;

    quint64 resourceVersion() const { return m_resourceVersion; }
    // Takes the next resourceVersion of the one global counter for an object kept outside
    // this store (ManifestStore: the deployment kinds). No history event, no signal: those
    // kinds are not watchable, and a gap in the pods/claims sequence is legal (KUBE-API.md).
    quint64 allocateResourceVersion() { return ++m_resourceVersion; }
    int count(Resource resource) const { return int(current(resource).size()); }

    EventHistory &history() { return m_history; }
    const EventHistory &history() const { return m_history; }
    // Every resourceVersion older than the current one now gets 410.
    void compact();

    // The whole state as JSON: {"resourceVersion":"N","pods":[…],"claims":[…]}, objects as
    // stored (with their resourceVersions). What etcd keeps across an apiserver restart.
    QJsonObject saveState() const;
    // Replaces every object and the resourceVersion counter with a saveState() result.
    // Emits nothing; the history is left compacted at the restored resourceVersion (a
    // restarted apiserver's watch cache starts there: older versions get 410). On bad input
    // returns false with one line in *error and changes nothing.
    bool restoreState(const QJsonObject &state, QString *error);

Q_SIGNALS:
    // Emitted synchronously after every change (one resourceVersion each).
    void changed(const bh::sim::StoreEventPtr &event);

private:
    Snapshot &mutableMap(Resource resource);
    Result commit(Resource resource, StoreEvent::Type type, QJsonObject object,
                  const ObjectPtr &previous);
    std::optional<KubeStatus> validate(const ResourceType &type, const QJsonObject &object) const;

    Snapshot m_pods;
    Snapshot m_claims;
    quint64 m_resourceVersion = 1;
    EventHistory m_history;
};

} // namespace bh::sim
