#pragma once

#include "cache/encoding.h"

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
//
// Encodings (encoding.h): each entry has one slot for what a reader encoded from the object
// (e.g. its REST JSON). encoded()/forEachEncoded() fill it on first use and hand it out
// afterwards, so an object is encoded once per change, not once per request; every change of
// the object (modify, delete, relist) drops the slot with the old object, so an encoding is
// never stale. The slot remembers which encoder filled it: another encoder re-encodes (correct,
// but two readers of one store with different encoders would thrash — the server has one per
// store). setEncoder() makes it eager: objects are encoded when stored, before any read.
// Single-threaded like the rest of the store (the slots are filled from const readers).
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

    // Encode every object when it is stored (and every current object now); nullptr = lazy
    // only (the default).
    void setEncoder(Encoder encoder);
    // The object's encoding by `encoder` (memoized); nullptr when there is no such object or
    // the encoder returned nullptr for it.
    EncodingPtr encoded(const QString &name, Encoder encoder) const;
    // Every object's encoding by `encoder`, in name order (nullptr ones included).
    void forEachEncoded(Encoder encoder,
                        const std::function<void(const EncodingPtr &)> &visit) const;
    // Memory of the encodings held right now (Encoding::memoryBytes() summed), how many
    // entries hold one, and the encoder calls since construction (a read that hits the
    // slot does not call it).
    qint64 encodedMemoryBytes() const { return m_encodedBytes; }
    int encodedCount() const { return m_encodedCount; }
    quint64 encodeCount() const { return m_encodeCount; }

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
    // One cached object and its encoding slot (mutable: filled by const readers).
    struct Entry
    {
        ObjectPtr object;
        mutable EncodingPtr encoding;
        mutable Encoder encodedBy = nullptr; // nullptr = slot empty
    };

    Result upsert(const QJsonObject &object);
    ObjectPtr store(const QJsonObject &object) const;
    void emitChange(const ObjectPtr &previous, const ObjectPtr &current);
    const EncodingPtr &encode(const Entry &entry, Encoder encoder) const;
    // Sets a new object into an entry: drops the old encoding, encodes eagerly if set.
    void assign(Entry &entry, ObjectPtr object);
    void dropEncoding(const Entry &entry) const;

    QString m_resource;
    Projection m_projection;
    Encoder m_encoder = nullptr;
    std::map<QString, Entry> m_objects;
    quint64 m_changeCount = 0;
    mutable qint64 m_encodedBytes = 0;
    mutable int m_encodedCount = 0;
    mutable quint64 m_encodeCount = 0;
};

} // namespace bh::cache

Q_DECLARE_METATYPE(bh::cache::ObjectPtr)
