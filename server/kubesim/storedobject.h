#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <memory>

namespace bh::sim {

// One immutable version of a stored object. Its compact JSON encodings are computed once,
// on first use, and shared by every list response and watch stream that sends it.
class StoredObject
{
public:
    explicit StoredObject(QJsonObject json);

    const QJsonObject &json() const { return m_json; }
    const QString &name() const { return m_name; }
    const QString &ns() const { return m_namespace; }
    quint64 resourceVersion() const { return m_resourceVersion; }
    const QJsonObject &labels() const { return m_labels; }

    // The full object (with kind/apiVersion), compact JSON.
    const QByteArray &encoded() const;
    // The object as a list item: built-in kinds without kind/apiVersion.
    const QByteArray &encodedItem(bool builtIn) const;
    // `{"type":"ADDED","object":{...}}\n`, the synthetic event a new watch gets for this
    // object (cached: thousands of watches starting together share it).
    const QByteArray &addedLine() const;

private:
    QJsonObject m_json;
    QString m_name;
    QString m_namespace;
    quint64 m_resourceVersion = 0;
    QJsonObject m_labels;
    mutable QByteArray m_encoded;
    mutable QByteArray m_encodedItem;
    mutable QByteArray m_addedLine;
};

using ObjectPtr = std::shared_ptr<const StoredObject>;

} // namespace bh::sim
