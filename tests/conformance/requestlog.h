#pragma once

#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QUrlQuery>

namespace bh::conformance {

// One entry of the simulator's request log ("METHOD /path?query").
struct LoggedRequest
{
    QString method;
    QString path;
    QUrlQuery query;
    QString raw;

    bool isControl() const { return path.startsWith(QLatin1String("/_sim")); }
    bool isWatch() const;
    bool has(const char *key) const { return query.hasQueryItem(QString::fromLatin1(key)); }
    QString value(const char *key) const
    {
        return query.queryItemValue(QString::fromLatin1(key), QUrl::FullyDecoded);
    }
};

// The parsed log plus the selections the checks need.
class RequestLog
{
public:
    RequestLog() = default;
    explicit RequestLog(const QStringList &lines);

    const QList<LoggedRequest> &entries() const { return m_entries; }
    // Requests to the Kubernetes API (not /_sim) with this method.
    QList<LoggedRequest> api(const QString &method = QStringLiteral("GET")) const;
    // The set of paths (no query) of api(method).
    QSet<QString> paths(const QString &method = QStringLiteral("GET")) const;
    // GETs of one collection path; watches or lists.
    QList<LoggedRequest> watches(const QString &collection) const;
    QList<LoggedRequest> lists(const QString &collection) const;
    // The log without the harness's polling (GET /_sim/...), one request per line.
    QString text() const;

    // "expected but missing: …; unexpected: …" or empty when equal.
    static QString diff(const QSet<QString> &expected, const QSet<QString> &actual);

private:
    QList<LoggedRequest> m_entries;
};

} // namespace bh::conformance
