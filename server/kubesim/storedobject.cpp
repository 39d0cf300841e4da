#include "storedobject.h"

#include <QJsonDocument>

namespace bh::sim {

StoredObject::StoredObject(QJsonObject json)
    : m_json(std::move(json))
{
    const QJsonObject meta = m_json.value(QLatin1String("metadata")).toObject();
    m_name = meta.value(QLatin1String("name")).toString();
    m_namespace = meta.value(QLatin1String("namespace")).toString();
    m_resourceVersion = meta.value(QLatin1String("resourceVersion")).toString().toULongLong();
    m_labels = meta.value(QLatin1String("labels")).toObject();
}

const QByteArray &StoredObject::encoded() const
{
    if (m_encoded.isEmpty())
        m_encoded = QJsonDocument(m_json).toJson(QJsonDocument::Compact);
    return m_encoded;
}

const QByteArray &StoredObject::encodedItem(bool builtIn) const
{
    if (!builtIn)
        return encoded();
    if (m_encodedItem.isEmpty()) {
        QJsonObject item = m_json;
        item.remove(QLatin1String("kind"));
        item.remove(QLatin1String("apiVersion"));
        m_encodedItem = QJsonDocument(item).toJson(QJsonDocument::Compact);
    }
    return m_encodedItem;
}

const QByteArray &StoredObject::addedLine() const
{
    if (m_addedLine.isEmpty()) {
        const QByteArray &obj = encoded();
        m_addedLine.reserve(obj.size() + 32);
        m_addedLine.append("{\"type\":\"ADDED\",\"object\":");
        m_addedLine.append(obj);
        m_addedLine.append("}\n");
    }
    return m_addedLine;
}

} // namespace bh::sim
