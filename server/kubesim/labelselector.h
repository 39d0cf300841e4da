#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace bh::sim {

// A parsed Kubernetes label selector (apimachinery pkg/labels): comma-separated
// requirements, all of which must match. Operators =, ==, !=, in, notin, exists, !key,
// and > / < (numeric). Parse errors use the apiserver's exact messages
// ("unable to parse requirement: ...", "found '...', expected: ...").
class LabelSelector
{
public:
    enum class Operator {
        Equals,
        DoubleEquals,
        NotEquals,
        In,
        NotIn,
        Exists,
        DoesNotExist,
        GreaterThan,
        LessThan
    };
    struct Requirement
    {
        QString key;
        Operator op;
        QStringList values; // sorted, unique (like sets.String)
    };

    LabelSelector() = default; // matches everything

    // Parses `text`; on error returns std::nullopt and sets *error to the apiserver's message.
    static std::optional<LabelSelector> parse(const QString &text, QString *error = nullptr);

    bool isEmpty() const { return m_requirements.isEmpty(); }
    const QList<Requirement> &requirements() const { return m_requirements; }

    // `labels` is metadata.labels (string values).
    bool matches(const QJsonObject &labels) const;

private:
    QList<Requirement> m_requirements;
};

} // namespace bh::sim
