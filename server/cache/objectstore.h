#pragma once

#include <QJsonObject>
#include <QList>
#include <QLoggingCategory>
#include <QObject>
#include <QString>

#include <functional>
#include <map>
#include <memory>

Q_DECLARE_LOGGING_CATEGORY(lcCache)

namespace bh::cache {

// A cached Kubernetes object. Immutable once stored and shared (by pointer) between the
// store, the change signal and every reader, so a change costs one object, not a copy.
using ObjectPtr = std::shared_ptr<const QJsonObject>;

// The current state of one resource (e.g. managed Pods) of the one watched namespace, keyed
// by metadata.name, fed by a reflector's added/modified/deleted/listed signals.
//
// Every effective change is announced once with changed(previous, current):
//   - added:    previous == nullptr, current != nullptr
//   - modified: both set (previous is the state before the change)
//   - deleted:  previous set (the last known state), current == nullptr
// An object whose metadata.resourceVersion equals the cached one is not a change (re-watch
// or relist duplicates are absorbed here). replace() is the relist diff: it turns a fresh
// full list into exactly the added/modified/deleted changes that happened in the gap.
//
// Memory: a Projection (optional) trims each object before it is stored (drop spec,
// managedFields, ...). The store always keeps metadata.name and metadata.resourceVersion.
class ObjectStore : public QObject
{
    Q_OBJECT
public:
    using Projection = std::function<QJsonObject(const QJsonObject &)>;

    enum class Result {
        Changed, // the store changed; changed() was emitted
        Unchanged, // same resourceVersion as cached, or delete of an unknown object
        Invalid, // the object has no metadata.name; rejected (logged once per call)
    };
    Q_ENUM(Result)

    // What one replace() did.
    struct ReplaceSummary
    {
        int added = 0;
        int modified = 0;
        int deleted = 0;
        int invalid = 0;
    };

    explicit ObjectStore(QString resource, QObject *parent = nullptr);
    ~ObjectStore() override;

    QString resource() const { return m_resource; }
    void setProjection(Projection projection) { m_projection = std::move(projection); }

    Result applyAdded(const QJsonObject &object);
    Result applyModified(const QJsonObject &object);
    Result applyDeleted(const QJsonObject &object);
    // The relist diff. Changes are emitted deletions first, then additions/modifications,
    // each group in name order.
    ReplaceSummary replace(const QList<QJsonObject> &items);

    ObjectPtr get(const QString &name) const;
    // Every object, sorted by name.
    QList<ObjectPtr> list() const;
    int size() const { return static_cast<int>(m_objects.size()); }
    bool isEmpty() const { return m_objects.empty(); }
    // Total changed() emissions since construction.
    quint64 changeCount() const { return m_changeCount; }

    static QString nameOf(const QJsonObject &object);
    static QString resourceVersionOf(const QJsonObject &object);

Q_SIGNALS:
    void changed(const bh::cache::ObjectPtr &previous, const bh::cache::ObjectPtr &current);
    void replaced(const bh::cache::ObjectStore::ReplaceSummary &summary);

private:
    Result upsert(const QJsonObject &object);
    ObjectPtr store(const QJsonObject &object) const;
    void emitChange(const ObjectPtr &previous, const ObjectPtr &current);

    QString m_resource;
    Projection m_projection;
    std::map<QString, ObjectPtr> m_objects;
    quint64 m_changeCount = 0;
};

} // namespace bh::cache

Q_DECLARE_METATYPE(bh::cache::ObjectPtr)
