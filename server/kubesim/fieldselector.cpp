#include "fieldselector.h"

namespace bh::sim {

namespace {

// Splits on `sep` outside backslash escapes.
QStringList splitTerms(const QString &s)
{
    QStringList out;
    QString cur;
    for (qsizetype i = 0; i < s.size(); ++i) {
        const QChar c = s.at(i);
        if (c == QLatin1Char('\\') && i + 1 < s.size()) {
            cur.append(c);
            cur.append(s.at(++i));
        } else if (c == QLatin1Char(',')) {
            out << cur;
            cur.clear();
        } else {
            cur.append(c);
        }
    }
    out << cur;
    return out;
}

std::optional<QString> unescape(const QString &v)
{
    QString out;
    for (qsizetype i = 0; i < v.size(); ++i) {
        const QChar c = v.at(i);
        if (c == QLatin1Char('\\')) {
            if (i + 1 >= v.size())
                return std::nullopt;
            const QChar n = v.at(++i);
            if (n != QLatin1Char('\\') && n != QLatin1Char(',') && n != QLatin1Char('='))
                return std::nullopt;
            out.append(n);
        } else if (c == QLatin1Char(',') || c == QLatin1Char('=')) {
            return std::nullopt;
        } else {
            out.append(c);
        }
    }
    return out;
}

} // namespace

std::optional<FieldSelector> FieldSelector::parse(const QString &text, QString *error)
{
    FieldSelector sel;
    if (text.isEmpty())
        return sel;
    for (const QString &term : splitTerms(text)) {
        // Operators in the order apimachinery tries them: !=, ==, =.
        qsizetype pos = -1;
        int opLen = 0;
        bool equals = true;
        for (qsizetype i = 0; i < term.size(); ++i) {
            if (term.at(i) == QLatin1Char('\\')) {
                ++i;
                continue;
            }
            if (term.mid(i, 2) == QLatin1String("!=")) {
                pos = i, opLen = 2, equals = false;
                break;
            }
            if (term.mid(i, 2) == QLatin1String("==")) {
                pos = i, opLen = 2;
                break;
            }
            if (term.at(i) == QLatin1Char('=')) {
                pos = i, opLen = 1;
                break;
            }
        }
        if (pos < 0) {
            if (error)
                *error =
                    QStringLiteral("invalid selector: '%1'; can't understand '%2'").arg(text, term);
            return std::nullopt;
        }
        const QString field = term.left(pos).trimmed();
        const auto value = unescape(term.mid(pos + opLen));
        if (!value) {
            if (error)
                *error =
                    QStringLiteral("invalid selector: '%1'; can't understand '%2'").arg(text, term);
            return std::nullopt;
        }
        if (field != QLatin1String("metadata.name")
            && field != QLatin1String("metadata.namespace")) {
            if (error)
                *error = QStringLiteral("field label not supported: %1").arg(field);
            return std::nullopt;
        }
        sel.m_requirements.append({ field, equals, *value });
    }
    return sel;
}

bool FieldSelector::matches(const QString &name, const QString &ns) const
{
    for (const Requirement &r : m_requirements) {
        const QString &actual = r.field == QLatin1String("metadata.name") ? name : ns;
        if ((actual == r.value) != r.equals)
            return false;
    }
    return true;
}

} // namespace bh::sim
