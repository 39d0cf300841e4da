#include "storeevent.h"

#include <QJsonDocument>

namespace bh::sim {

StoreEvent::StoreEvent(Resource resource, Type type, quint64 resourceVersion, ObjectPtr object,
                       ObjectPtr previous, qint64 timeMs)
    : m_resource(resource)
    , m_type(type)
    , m_resourceVersion(resourceVersion)
    , m_object(std::move(object))
    , m_previous(std::move(previous))
    , m_timeMs(timeMs)
{ }

QByteArray StoreEvent::encodeLine(const char *type, const QByteArray &object)
{
    QByteArray out;
    out.reserve(object.size() + 32);
    out.append("{\"type\":\"");
    out.append(type);
    out.append("\",\"object\":");
    out.append(object);
    out.append("}\n");
    return out;
}

const QByteArray &StoreEvent::line(WireType wire) const
{
    QByteArray &slot = m_lines[static_cast<int>(wire)];
    if (!slot.isEmpty())
        return slot;
    switch (wire) {
    case WireType::Added:
        slot = encodeLine("ADDED", m_object->encoded());
        break;
    case WireType::Modified:
        slot = encodeLine("MODIFIED", m_object->encoded());
        break;
    case WireType::Deleted:
        if (m_type == Type::Deleted || !m_previous) {
            slot = encodeLine("DELETED", m_object->encoded());
        } else {
            QJsonObject prev = m_previous->json();
            QJsonObject meta = prev.value(QLatin1String("metadata")).toObject();
            meta.insert(QLatin1String("resourceVersion"), QString::number(m_resourceVersion));
            prev.insert(QLatin1String("metadata"), meta);
            slot = encodeLine("DELETED", QJsonDocument(prev).toJson(QJsonDocument::Compact));
        }
        break;
    }
    return slot;
}

} // namespace bh::sim
