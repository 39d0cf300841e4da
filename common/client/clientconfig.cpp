#include "clientconfig.h"

#include <QUrlQuery>

namespace bh::client {

namespace {
QUrl withPath(const QUrl &base, const QString &path)
{
    QUrl url = base;
    QString prefix = base.path();
    while (prefix.endsWith(QLatin1Char('/')))
        prefix.chop(1);
    url.setPath(prefix + path);
    url.setQuery(QString());
    url.setFragment(QString());
    return url;
}
} // namespace

QUrl ClientConfig::restUrl(const QString &path) const
{
    return withPath(serverUrl, path);
}

QUrl ClientConfig::streamUrl(const std::optional<QString> &since) const
{
    QUrl url = withPath(serverUrl, QStringLiteral("/ws"));
    url.setScheme(serverUrl.scheme() == QLatin1String("https") ? QStringLiteral("wss")
                                                               : QStringLiteral("ws"));
    if (since) {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("since"),
                           QString::fromLatin1(QUrl::toPercentEncoding(*since, ":")));
        url.setQuery(query);
    }
    return url;
}

QString ClientConfig::validate() const
{
    if (serverUrl.isEmpty())
        return QStringLiteral("no server URL given (expected http://HOST:PORT)");
    if (!serverUrl.isValid())
        return QStringLiteral("invalid server URL: %1").arg(serverUrl.errorString());
    if (serverUrl.scheme() != QLatin1String("http") && serverUrl.scheme() != QLatin1String("https"))
        return QStringLiteral("server URL must start with http:// or https:// (got \"%1\")")
            .arg(serverUrl.toString());
    if (serverUrl.host().isEmpty())
        return QStringLiteral("server URL has no host: \"%1\"").arg(serverUrl.toString());
    if (!reconnect.isValid())
        return QStringLiteral("invalid reconnect policy");
    if (requestTimeout.count() <= 0 || handshakeTimeout.count() <= 0 || pingInterval.count() < 0)
        return QStringLiteral("timeouts must be positive");
    if (maxSnapshotBytes <= 0 || maxFrameBytes <= 0)
        return QStringLiteral("size limits must be positive");
    return {};
}

} // namespace bh::client
