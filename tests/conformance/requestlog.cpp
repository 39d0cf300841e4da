#include "requestlog.h"

#include <algorithm>

namespace bh::conformance {

bool LoggedRequest::isWatch() const
{
    static const QStringList truthy { QStringLiteral("1"),    QStringLiteral("t"),
                                      QStringLiteral("T"),    QStringLiteral("true"),
                                      QStringLiteral("TRUE"), QStringLiteral("True") };
    return truthy.contains(value("watch"));
}

RequestLog::RequestLog(const QStringList &lines)
{
    for (const QString &line : lines) {
        LoggedRequest r;
        r.raw = line;
        const int space = line.indexOf(QLatin1Char(' '));
        r.method = line.left(space);
        const QString target = line.mid(space + 1);
        const int q = target.indexOf(QLatin1Char('?'));
        r.path = q < 0 ? target : target.left(q);
        if (q >= 0)
            r.query = QUrlQuery(target.mid(q + 1));
        m_entries << r;
    }
}

QList<LoggedRequest> RequestLog::api(const QString &method) const
{
    QList<LoggedRequest> out;
    for (const LoggedRequest &r : m_entries)
        if (!r.isControl() && r.method == method)
            out << r;
    return out;
}

QSet<QString> RequestLog::paths(const QString &method) const
{
    QSet<QString> out;
    for (const LoggedRequest &r : api(method))
        out.insert(r.path);
    return out;
}

QList<LoggedRequest> RequestLog::watches(const QString &collection) const
{
    QList<LoggedRequest> out;
    for (const LoggedRequest &r : api())
        if (r.path == collection && r.isWatch())
            out << r;
    return out;
}

QList<LoggedRequest> RequestLog::lists(const QString &collection) const
{
    QList<LoggedRequest> out;
    for (const LoggedRequest &r : api())
        if (r.path == collection && !r.isWatch())
            out << r;
    return out;
}

QString RequestLog::text() const
{
    QStringList lines;
    for (const LoggedRequest &r : m_entries)
        if (!r.isControl() || r.method != QLatin1String("GET"))
            lines << r.raw;
    return lines.join(QLatin1Char('\n'));
}

QString RequestLog::diff(const QSet<QString> &expected, const QSet<QString> &actual)
{
    QStringList missing(expected.cbegin(), expected.cend());
    missing.erase(std::remove_if(missing.begin(), missing.end(),
                                 [&](const QString &p) { return actual.contains(p); }),
                  missing.end());
    QStringList extra(actual.cbegin(), actual.cend());
    extra.erase(std::remove_if(extra.begin(), extra.end(),
                               [&](const QString &p) { return expected.contains(p); }),
                extra.end());
    if (missing.isEmpty() && extra.isEmpty())
        return QString();
    missing.sort();
    extra.sort();
    return QStringLiteral("expected but not requested: [%1]; unexpected: [%2]")
        .arg(missing.join(QStringLiteral(", ")), extra.join(QStringLiteral(", ")));
}

} // namespace bh::conformance
