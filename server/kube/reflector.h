#pragma once

#include "kube/reflectorconfig.h"
#include "kube/reflectorstats.h"
#include "kube/resourceref.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>

#include <memory>

namespace bh::kube {

class KubeClient;

// Keeps one collection in sync, like client-go's Reflector (KUBE-API.md §8):
//  - paginated list (limit=pageSize, continue), emitted whole as listed() (replace semantics);
//  - watch from the list's resourceVersion with allowWatchBookmarks=true and a random
//    timeoutSeconds in [watchTimeoutMin, watchTimeoutMax];
//  - a stream that ends normally is watched again from the last resourceVersion seen
//    (BOOKMARKs advance it), without listing;
//  - 410 Expired/Gone (ERROR event or HTTP status) -> relist;
//  - connection refused / 429 -> backoff, then watch again; other errors -> backoff, relist;
//  - an idle watchdog restarts a stream that delivered no bytes for too long.
class Reflector : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, Listing, Watching, Backoff, Stopped };
    Q_ENUM(State)

    Reflector(KubeClient *client, ResourceRef resource, ReflectorConfig config = {},
              QObject *parent = nullptr);
    ~Reflector() override;

    void start();
    void stop();

    State state() const;
    bool hasSynced() const;
    QString lastError() const;
    QString lastResourceVersion() const;
    ReflectorStats stats() const;
    const ResourceRef &resource() const;

Q_SIGNALS:
    // Full state after every (re)list: the consumer diffs (replace semantics).
    void listed(const QList<QJsonObject> &items, const QString &resourceVersion);
    void added(const QJsonObject &object);
    void modified(const QJsonObject &object);
    void deleted(const QJsonObject &object);
    void synced(); // first successful list
    void stateChanged(bh::kube::Reflector::State state, const QString &reason);

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace bh::kube
