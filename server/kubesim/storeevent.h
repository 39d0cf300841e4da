#pragma once

#include "resourcetype.h"
#include "storedobject.h"

#include <QByteArray>

#include <memory>

namespace bh::sim {

// One change of the store (one resourceVersion), as kept in the history and fanned out to
// watches. Immutable; each wire form is encoded once, on first use, and shared by every
// watch stream that sends it.
class StoreEvent
{
public:
    enum class Type { Added, Modified, Deleted };
    // What a particular watcher gets (selector transitions turn a modification into an
    // ADDED or DELETED for that watcher).
    enum class WireType { Added, Modified, Deleted };

    StoreEvent(Resource resource, Type type, quint64 resourceVersion, ObjectPtr object,
               ObjectPtr previous, qint64 timeMs);

    Resource resource() const { return m_resource; }
    Type type() const { return m_type; }
    quint64 resourceVersion() const { return m_resourceVersion; }
    // The new state (for Deleted: the last state, with the deletion's resourceVersion).
    const ObjectPtr &object() const { return m_object; }
    // The state before (null for Added; for Deleted the stored last state).
    const ObjectPtr &previous() const { return m_previous; }
    qint64 timeMs() const { return m_timeMs; }

    // `{"type":"ADDED","object":{...}}\n`. For WireType::Deleted of a Modified event (an
    // object leaving a selector) the object is the previous state carrying this event's
    // resourceVersion, as the apiserver's cacher sends it.
    const QByteArray &line(WireType wire) const;

    static QByteArray encodeLine(const char *type, const QByteArray &object);

private:
    Resource m_resource;
    Type m_type;
    quint64 m_resourceVersion;
    ObjectPtr m_object;
    ObjectPtr m_previous;
    qint64 m_timeMs;
    mutable QByteArray m_lines[3];
};

using StoreEventPtr = std::shared_ptr<const StoreEvent>;

} // namespace bh::sim
