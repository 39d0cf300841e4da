#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace bh::sim {

// A Kubernetes field selector (apimachinery pkg/fields), restricted to the fields the
// apiserver supports for every resource: metadata.name and metadata.namespace, with =, ==
// and !=. Backslash escapes (\, \= \\) in values are honoured.
class FieldSelector
{
public:
    struct Requirement
    {
        QString field;
        bool equals; // false for !=
        QString value;
    };

    FieldSelector() = default; // matches everything

    // On error returns std::nullopt and sets *error to the apiserver's message
    // ("invalid selector: ..." / "field label not supported: ...").
    static std::optional<FieldSelector> parse(const QString &text, QString *error = nullptr);

    bool isEmpty() const { return m_requirements.isEmpty(); }
    const QList<Requirement> &requirements() const { return m_requirements; }
    bool matches(const QString &name, const QString &ns) const;

private:
    QList<Requirement> m_requirements;
};

} // namespace bh::sim
