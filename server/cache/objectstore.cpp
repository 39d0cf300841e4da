#include "objectstore.h"

#include <QJsonValue>

Q_LOGGING_CATEGORY(lcCache, "bh.cache", QtInfoMsg)

namespace bh::cache {

ObjectStore::ObjectStore(QString resource, QObject *parent)
    : QObject(parent)
    , m_resource(std::move(resource))
{ }

ObjectStore::~ObjectStore() = default;

QString ObjectStore::nameOf(const QJsonObject &object)
{
    return object.value(QLatin1String("metadata"))
        .toObject()
        .value(QLatin1String("name"))
        .toString();
}

QString ObjectStore::resourceVersionOf(const QJsonObject &object)
{
    return object.value(QLatin1String("metadata"))
        .toObject()
        .value(QLatin1String("resourceVersion"))
        .toString();
}

ObjectPtr ObjectStore::store(const QJsonObject &object) const
{
    if (!m_projection)
        return std::make_shared<const QJsonObject>(object);
    QJsonObject trimmed = m_projection(object);
    // The store's own keys survive any projection.
    const QJsonObject original = object.value(QLatin1String("metadata")).toObject();
    QJsonObject metadata = trimmed.value(QLatin1String("metadata")).toObject();
    metadata.insert(QLatin1String("name"), original.value(QLatin1String("name")));
    metadata.insert(QLatin1String("resourceVersion"),
                    original.value(QLatin1String("resourceVersion")));
    trimmed.insert(QLatin1String("metadata"), metadata);
    return std::make_shared<const QJsonObject>(std::move(trimmed));
}

void ObjectStore::emitChange(const ObjectPtr &previous, const ObjectPtr &current)
{
    ++m_changeCount;
    Q_EMIT changed(previous, current);
}

const EncodingPtr &ObjectStore::encode(const Entry &entry, Encoder encoder) const
{
    if (entry.encodedBy == encoder)
        return entry.encoding;
    dropEncoding(entry);
    entry.encoding = encoder(*entry.object);
    entry.encodedBy = encoder;
    ++m_encodeCount;
    ++m_encodedCount;
    if (entry.encoding)
        m_encodedBytes += entry.encoding->memoryBytes();
    return entry.encoding;
}

void ObjectStore::dropEncoding(const Entry &entry) const
{
    if (!entry.encodedBy)
        return;
    --m_encodedCount;
    if (entry.encoding)
        m_encodedBytes -= entry.encoding->memoryBytes();
    entry.encoding.reset();
    entry.encodedBy = nullptr;
}

void ObjectStore::assign(Entry &entry, ObjectPtr object)
{
    dropEncoding(entry);
    entry.object = std::move(object);
    if (m_encoder)
        encode(entry, m_encoder);
}

void ObjectStore::setEncoder(Encoder encoder)
{
    m_encoder = encoder;
    if (!m_encoder)
        return;
    for (const auto &entry : m_objects)
        encode(entry.second, m_encoder);
}

EncodingPtr ObjectStore::encoded(const QString &name, Encoder encoder) const
{
    Q_ASSERT(encoder);
    auto it = m_objects.find(name);
    if (it == m_objects.end())
        return nullptr;
    return encode(it->second, encoder);
}

void ObjectStore::forEachEncoded(Encoder encoder,
                                 const std::function<void(const EncodingPtr &)> &visit) const
{
    Q_ASSERT(encoder);
    for (const auto &entry : m_objects)
        visit(encode(entry.second, encoder));
}

ObjectStore::Result ObjectStore::upsert(const QJsonObject &object)
{
    const QString name = nameOf(object);
    if (name.isEmpty()) {
        qCWarning(lcCache) << m_resource << ": object without metadata.name ignored";
        return Result::Invalid;
    }
    auto it = m_objects.find(name);
    if (it != m_objects.end()) {
        const QString rv = resourceVersionOf(object);
        if (!rv.isEmpty() && rv == resourceVersionOf(*it->second.object))
            return Result::Unchanged;
        const ObjectPtr previous = it->second.object;
        assign(it->second, store(object));
        const ObjectPtr current = it->second.object;
        emitChange(previous, current);
        return Result::Changed;
    }
    it = m_objects.emplace(name, Entry()).first;
    assign(it->second, store(object));
    const ObjectPtr current = it->second.object;
    emitChange(nullptr, current);
    return Result::Changed;
}

ObjectStore::Result ObjectStore::applyAdded(const QJsonObject &object)
{
    return upsert(object);
}

ObjectStore::Result ObjectStore::applyModified(const QJsonObject &object)
{
    return upsert(object);
}

ObjectStore::Result ObjectStore::applyDeleted(const QJsonObject &object)
{
    const QString name = nameOf(object);
    if (name.isEmpty()) {
        qCWarning(lcCache) << m_resource << ": deleted object without metadata.name ignored";
        return Result::Invalid;
    }
    auto it = m_objects.find(name);
    if (it == m_objects.end())
        return Result::Unchanged;
    const ObjectPtr previous = it->second.object;
    dropEncoding(it->second);
    m_objects.erase(it);
    emitChange(previous, nullptr);
    return Result::Changed;
}

ObjectStore::ReplaceSummary ObjectStore::replace(const QList<QJsonObject> &items)
{
    ReplaceSummary summary;
    // Index the fresh list by name (last one wins on duplicates, as a map would).
    std::map<QString, const QJsonObject *> fresh;
    for (const QJsonObject &item : items) {
        const QString name = nameOf(item);
        if (name.isEmpty()) {
            ++summary.invalid;
            continue;
        }
        fresh[name] = &item;
    }
    if (summary.invalid)
        qCWarning(lcCache) << m_resource << ":" << summary.invalid
                           << "listed object(s) without metadata.name ignored";

    // Deletions first: objects that vanished during the gap.
    for (auto it = m_objects.begin(); it != m_objects.end();) {
        if (fresh.count(it->first)) {
            ++it;
            continue;
        }
        const ObjectPtr previous = it->second.object;
        dropEncoding(it->second);
        it = m_objects.erase(it);
        ++summary.deleted;
        emitChange(previous, nullptr);
    }
    // Then additions and modifications, in name order.
    for (const auto &[name, item] : fresh) {
        const bool known = m_objects.count(name) > 0;
        if (upsert(*item) == Result::Changed)
            ++(known ? summary.modified : summary.added);
    }
    qCDebug(lcCache) << m_resource << "relist diff: added" << summary.added << "modified"
                     << summary.modified << "deleted" << summary.deleted;
    Q_EMIT replaced(summary);
    return summary;
}

ObjectPtr ObjectStore::get(const QString &name) const
{
    auto it = m_objects.find(name);
    return it == m_objects.end() ? nullptr : it->second.object;
}

QList<ObjectPtr> ObjectStore::list() const
{
    QList<ObjectPtr> out;
    out.reserve(static_cast<qsizetype>(m_objects.size()));
    for (const auto &entry : m_objects)
        out.append(entry.second.object);
    return out;
}

} // namespace bh::cache
