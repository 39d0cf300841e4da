#include "labelselector.h"

#include <QRegularExpression>

#include <algorithm>

namespace bh::sim {

namespace {

// Lengths from apimachinery pkg/util/validation.
constexpr int QualifiedNameMaxLength = 63; // name part of a key
constexpr int LabelValueMaxLength = 63;
constexpr int Dns1123SubdomainMaxLength = 253; // key prefix

enum class Token {
    Error,
    EndOfString,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar
};

struct Scanned
{
    Token tok;
    QString lit;
};

std::optional<Token> keywordToken(const QString &s)
{
    static const QList<QPair<QString, Token>> table {
        { QStringLiteral(")"), Token::ClosedPar },    { QStringLiteral(","), Token::Comma },
        { QStringLiteral("!"), Token::DoesNotExist }, { QStringLiteral("=="), Token::DoubleEquals },
        { QStringLiteral("="), Token::Equals },       { QStringLiteral(">"), Token::GreaterThan },
        { QStringLiteral("in"), Token::In },          { QStringLiteral("<"), Token::LessThan },
        { QStringLiteral("!="), Token::NotEquals },   { QStringLiteral("notin"), Token::NotIn },
        { QStringLiteral("("), Token::OpenPar }
    };
    for (const auto &p : table)
        if (p.first == s)
            return p.second;
    return std::nullopt;
}

bool isWhitespace(QChar c)
{
    return c == QLatin1Char(' ') || c == QLatin1Char('\t') || c == QLatin1Char('\r')
        || c == QLatin1Char('\n');
}

bool isSpecialSymbol(QChar c)
{
    switch (c.unicode()) {
    case '=':
    case '!':
    case '(':
    case ')':
    case ',':
    case '>':
    case '<':
        return true;
    default:
        return false;
    }
}

QList<Scanned> lex(const QString &s)
{
    QList<Scanned> out;
    qsizetype pos = 0;
    const qsizetype n = s.size();
    for (;;) {
        while (pos < n && isWhitespace(s.at(pos)))
            ++pos;
        if (pos >= n) {
            out.append({ Token::EndOfString, QString() });
            return out;
        }
        if (isSpecialSymbol(s.at(pos))) {
            QString buffer;
            std::optional<Scanned> last;
            while (pos < n && isSpecialSymbol(s.at(pos))) {
                buffer.append(s.at(pos));
                if (auto t = keywordToken(buffer)) {
                    last = Scanned { *t, buffer };
                    ++pos;
                } else if (last) {
                    break;
                } else {
                    ++pos;
                }
            }
            if (!last)
                out.append({ Token::Error,
                             QStringLiteral("error expected: keyword found '%1'").arg(buffer) });
            else
                out.append(*last);
        } else {
            const qsizetype start = pos;
            while (pos < n && !isWhitespace(s.at(pos)) && !isSpecialSymbol(s.at(pos)))
                ++pos;
            const QString word = s.mid(start, pos - start);
            const auto t = keywordToken(word);
            out.append({ t ? *t : Token::Identifier, word });
        }
    }
}

const QString &binaryOperators()
{
    static const QString s = QStringLiteral("in, !=, notin, =, ==, gt, lt");
    return s;
}

QString quoted(const QString &v)
{
    QString out = QStringLiteral("\"");
    for (QChar c : v) {
        if (c == QLatin1Char('"') || c == QLatin1Char('\\'))
            out.append(QLatin1Char('\\'));
        out.append(c);
    }
    out.append(QLatin1Char('"'));
    return out;
}

QStringList validateQualifiedName(const QString &value)
{
    static const QRegularExpression nameRe(
        QStringLiteral("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$"));
    static const QRegularExpression dnsRe(
        QStringLiteral("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"));
    static const QString nameFmt = QStringLiteral(
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
        "an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
        "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    QStringList errs;
    const QStringList parts = value.split(QLatin1Char('/'));
    QString name;
    if (parts.size() == 1) {
        name = parts[0];
    } else if (parts.size() == 2) {
        const QString &prefix = parts[0];
        name = parts[1];
        if (prefix.isEmpty()) {
            errs << QStringLiteral("prefix part must be non-empty");
        } else {
            if (prefix.size() > Dns1123SubdomainMaxLength)
                errs << QStringLiteral("prefix part must be no more than %1 characters")
                            .arg(Dns1123SubdomainMaxLength);
            if (!dnsRe.match(prefix).hasMatch())
                errs << QStringLiteral(
                    "prefix part a lowercase RFC 1123 subdomain must consist of lower case "
                    "alphanumeric characters, '-' or '.', and must start and end with an "
                    "alphanumeric character (e.g. 'example.com', regex used for validation is "
                    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
        }
    } else {
        return { QStringLiteral("a qualified name ") + nameFmt
                 + QStringLiteral(" with an optional DNS subdomain prefix and '/' (e.g. "
                                  "'example.com/MyName')") };
    }
    if (name.isEmpty()) {
        errs << QStringLiteral("name part must be non-empty");
    } else {
        if (name.size() > QualifiedNameMaxLength)
            errs << QStringLiteral("name part must be no more than %1 characters")
                        .arg(QualifiedNameMaxLength);
        if (!nameRe.match(name).hasMatch())
            errs << QStringLiteral("name part ") + nameFmt;
    }
    return errs;
}

QStringList validateLabelValue(const QString &value)
{
    static const QRegularExpression re(
        QStringLiteral("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$"));
    QStringList errs;
    if (value.size() > LabelValueMaxLength)
        errs << QStringLiteral("must be no more than %1 characters").arg(LabelValueMaxLength);
    if (!re.match(value).hasMatch())
        errs << QStringLiteral(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', "
            "'_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', "
            " or 'my_value',  or '12345', regex used for validation is "
            "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
    return errs;
}

QString formatValues(const QStringList &values)
{
    // Go's %v of a []string: [a b]
    return QLatin1Char('[') + values.join(QLatin1Char(' ')) + QLatin1Char(']');
}

class Parser
{
public:
    explicit Parser(const QString &text)
        : m_items(lex(text))
    { }

    std::optional<QList<LabelSelector::Requirement>> parse(QString *error)
    {
        QList<LabelSelector::Requirement> reqs;
        for (;;) {
            const Scanned la = lookahead(true);
            switch (la.tok) {
            case Token::Identifier:
            case Token::DoesNotExist: {
                QString err;
                auto r = parseRequirement(&err);
                if (!r) {
                    *error = QStringLiteral("unable to parse requirement: ") + err;
                    return std::nullopt;
                }
                reqs.append(*r);
                const Scanned t = consume(true);
                if (t.tok == Token::EndOfString)
                    return reqs;
                if (t.tok == Token::Comma) {
                    const Scanned t2 = lookahead(true);
                    if (t2.tok != Token::Identifier && t2.tok != Token::DoesNotExist) {
                        *error = QStringLiteral("found '%1', expected: identifier after ','")
                                     .arg(t2.lit);
                        return std::nullopt;
                    }
                } else {
                    *error =
                        QStringLiteral("found '%1', expected: ',' or 'end of string'").arg(t.lit);
                    return std::nullopt;
                }
                break;
            }
            case Token::EndOfString:
                return reqs;
            default:
                *error = QStringLiteral("found '%1', expected: !, identifier, or 'end of string'")
                             .arg(la.lit);
                return std::nullopt;
            }
        }
    }

private:
    Scanned lookahead(bool values) const
    {
        Scanned s = m_items.at(std::min<qsizetype>(m_pos, m_items.size() - 1));
        if (values && (s.tok == Token::In || s.tok == Token::NotIn))
            s.tok = Token::Identifier;
        return s;
    }
    Scanned consume(bool values)
    {
        Scanned s = lookahead(values);
        if (m_pos < m_items.size() - 1)
            ++m_pos;
        return s;
    }

    std::optional<LabelSelector::Requirement> parseRequirement(QString *err)
    {
        using Op = LabelSelector::Operator;
        std::optional<Op> op;
        Scanned t = consume(true);
        if (t.tok == Token::DoesNotExist) {
            op = Op::DoesNotExist;
            t = consume(true);
        }
        if (t.tok != Token::Identifier) {
            *err = QStringLiteral("found '%1', expected: identifier").arg(t.lit);
            return std::nullopt;
        }
        const QString key = t.lit;
        const QStringList keyErrs = validateQualifiedName(key);
        if (!keyErrs.isEmpty()) {
            *err = QStringLiteral("key: Invalid value: %1: %2")
                       .arg(quoted(key), keyErrs.join(QStringLiteral("; ")));
            return std::nullopt;
        }
        const Token next = lookahead(true).tok;
        if (next == Token::EndOfString || next == Token::Comma) {
            if (!op)
                op = Op::Exists;
        }
        if (op)
            return LabelSelector::Requirement { key, *op, {} };

        const Scanned o = consume(false);
        switch (o.tok) {
        case Token::In:
            op = Op::In;
            break;
        case Token::Equals:
            op = Op::Equals;
            break;
        case Token::DoubleEquals:
            op = Op::DoubleEquals;
            break;
        case Token::GreaterThan:
            op = Op::GreaterThan;
            break;
        case Token::LessThan:
            op = Op::LessThan;
            break;
        case Token::NotIn:
            op = Op::NotIn;
            break;
        case Token::NotEquals:
            op = Op::NotEquals;
            break;
        default:
            *err = QStringLiteral("found '%1', expected: %2").arg(o.lit, binaryOperators());
            return std::nullopt;
        }
        std::optional<QStringList> values;
        if (*op == Op::In || *op == Op::NotIn)
            values = parseValues(err);
        else
            values = parseExactValue(err);
        if (!values)
            return std::nullopt;
        return newRequirement(key, *op, *values, err);
    }

    static std::optional<LabelSelector::Requirement>
    newRequirement(const QString &key, LabelSelector::Operator op, QStringList vals, QString *err)
    {
        using Op = LabelSelector::Operator;
        vals.removeDuplicates();
        std::sort(vals.begin(), vals.end());
        QStringList errs;
        switch (op) {
        case Op::In:
        case Op::NotIn:
            if (vals.isEmpty())
                errs << QStringLiteral("values: Invalid value: %1: for 'in', 'notin' operators, "
                                       "values set can't be empty")
                            .arg(formatValues(vals));
            break;
        case Op::Equals:
        case Op::DoubleEquals:
        case Op::NotEquals:
            if (vals.size() != 1)
                errs << QStringLiteral("values: Invalid value: %1: exact-match compatibility "
                                       "requires one single value")
                            .arg(formatValues(vals));
            break;
        case Op::GreaterThan:
        case Op::LessThan:
            for (int i = 0; i < vals.size(); ++i) {
                bool ok = false;
                vals.at(i).toLongLong(&ok, 10);
                if (!ok)
                    errs << QStringLiteral("values[%1]: Invalid value: %2: for 'Gt', 'Lt' "
                                           "operators, the value must be an integer")
                                .arg(i)
                                .arg(quoted(vals.at(i)));
            }
            break;
        default:
            break;
        }
        for (int i = 0; i < vals.size(); ++i) {
            const QStringList ve = validateLabelValue(vals.at(i));
            if (!ve.isEmpty())
                errs << QStringLiteral("values[%1]: Invalid value: %2: %3")
                            .arg(i)
                            .arg(quoted(vals.at(i)), ve.join(QStringLiteral("; ")));
        }
        if (!errs.isEmpty()) {
            *err = errs.size() == 1
                ? errs.first()
                : QLatin1Char('[') + errs.join(QStringLiteral(", ")) + QLatin1Char(']');
            return std::nullopt;
        }
        return LabelSelector::Requirement { key, op, vals };
    }

    std::optional<QStringList> parseValues(QString *err)
    {
        Scanned t = consume(true);
        if (t.tok != Token::OpenPar) {
            *err = QStringLiteral("found '%1' expected: '('").arg(t.lit);
            return std::nullopt;
        }
        const Scanned la = lookahead(true);
        switch (la.tok) {
        case Token::Identifier:
        case Token::Comma: {
            auto s = parseIdentifiersList(err);
            if (!s)
                return std::nullopt;
            if (consume(true).tok != Token::ClosedPar) {
                *err = QStringLiteral("found '%1', expected: ')'").arg(la.lit);
                return std::nullopt;
            }
            return s;
        }
        case Token::ClosedPar:
            consume(true);
            return QStringList { QString() };
        default:
            *err = QStringLiteral("found '%1', expected: ',', ')' or identifier").arg(la.lit);
            return std::nullopt;
        }
    }

    std::optional<QStringList> parseIdentifiersList(QString *err)
    {
        QStringList s;
        for (;;) {
            const Scanned t = consume(true);
            switch (t.tok) {
            case Token::Identifier: {
                s << t.lit;
                const Scanned t2 = lookahead(true);
                if (t2.tok == Token::Comma)
                    continue;
                if (t2.tok == Token::ClosedPar)
                    return s;
                *err = QStringLiteral("found '%1', expected: ',' or ')'").arg(t2.lit);
                return std::nullopt;
            }
            case Token::Comma: {
                if (s.isEmpty())
                    s << QString();
                const Scanned t2 = lookahead(true);
                if (t2.tok == Token::ClosedPar) {
                    s << QString();
                    return s;
                }
                if (t2.tok == Token::Comma) {
                    consume(true);
                    s << QString();
                }
                break;
            }
            default:
                *err = QStringLiteral("found '%1', expected: ',', or identifier").arg(t.lit);
                return std::nullopt;
            }
        }
    }

    std::optional<QStringList> parseExactValue(QString *err)
    {
        const Token la = lookahead(true).tok;
        if (la == Token::EndOfString || la == Token::Comma)
            return QStringList { QString() };
        const Scanned t = consume(true);
        if (t.tok == Token::Identifier)
            return QStringList { t.lit };
        *err = QStringLiteral("found '%1', expected: identifier").arg(t.lit);
        return std::nullopt;
    }

    QList<Scanned> m_items;
    qsizetype m_pos = 0;
};

} // namespace

std::optional<LabelSelector> LabelSelector::parse(const QString &text, QString *error)
{
    QString err;
    Parser parser(text);
    auto reqs = parser.parse(&err);
    if (!reqs) {
        if (error)
            *error = err;
        return std::nullopt;
    }
    LabelSelector sel;
    // Like apimachinery, requirements are kept sorted by key.
    std::stable_sort(reqs->begin(), reqs->end(),
                     [](const Requirement &a, const Requirement &b) { return a.key < b.key; });
    sel.m_requirements = *reqs;
    return sel;
}

bool LabelSelector::matches(const QJsonObject &labels) const
{
    for (const Requirement &r : m_requirements) {
        const auto it = labels.constFind(r.key);
        const bool has = it != labels.constEnd();
        const QString value = has ? it->toString() : QString();
        switch (r.op) {
        case Operator::Equals:
        case Operator::DoubleEquals:
            if (!has || value != r.values.value(0))
                return false;
            break;
        case Operator::In:
            if (!has || !r.values.contains(value))
                return false;
            break;
        case Operator::NotEquals:
            if (has && value == r.values.value(0))
                return false;
            break;
        case Operator::NotIn:
            if (has && r.values.contains(value))
                return false;
            break;
        case Operator::Exists:
            if (!has)
                return false;
            break;
        case Operator::DoesNotExist:
            if (has)
                return false;
            break;
        case Operator::GreaterThan:
        case Operator::LessThan: {
            if (!has)
                return false;
            bool ok = false;
            const qint64 lv = value.toLongLong(&ok, 10);
            if (!ok)
                return false;
            const qint64 rv = r.values.value(0).toLongLong();
            if (r.op == Operator::GreaterThan ? !(lv > rv) : !(lv < rv))
                return false;
            break;
        }
        }
    }
    return true;
}

} // namespace bh::sim
