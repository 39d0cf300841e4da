#include "kube/kubeclient.h"

#include "kube/credentialprovider.h"
#include "kube/requestjob.h"
#include "kube/watchstream.h"

#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkRequest>
#include <QTimer>

// Debug output (one line per request) is off unless QT_LOGGING_RULES="bh.kube.debug=true".
Q_LOGGING_CATEGORY(lcKube, "bh.kube", QtInfoMsg)

namespace bh::kube {

namespace {

constexpr const char *UserAgent = "boilerhouse-server/0.1 (Qt)";

QNetworkProxy proxyFor(const QUrl &url)
{
    if (url.isEmpty())
        return QNetworkProxy(QNetworkProxy::NoProxy);
    const bool socks = url.scheme() == QLatin1String("socks5");
    return QNetworkProxy(socks ? QNetworkProxy::Socks5Proxy : QNetworkProxy::HttpProxy, url.host(),
                         quint16(url.port(socks ? 1080 : 8080)), url.userName(), url.password());
}

} // namespace

KubeClient::KubeClient(ClusterConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_credentials(new CredentialProvider(m_config.credentials, this))
    , m_nam(new QNetworkAccessManager(this))
    , m_watchNam(new QNetworkAccessManager(this))
{
    const QNetworkProxy proxy = proxyFor(m_config.proxyUrl);
    m_nam->setProxy(proxy);
    m_watchNam->setProxy(proxy);
    const Credentials &cr = m_config.credentials;
    if (!m_config.isTls() && (!cr.token.isEmpty() || !cr.tokenFile.isEmpty() || cr.exec))
        qCWarning(lcKube, "%s: server %s is plain http: credentials are sent only over https",
                  qPrintable(m_config.source), qPrintable(m_config.server.toDisplayString()));
}

KubeClient::~KubeClient() = default;

QUrl KubeClient::urlFor(const QString &path, const QString &query) const
{
    QUrl url = m_config.server;
    QString prefix = url.path();
    while (prefix.endsWith(QLatin1Char('/')))
        prefix.chop(1);
    url.setPath(prefix + path);
    if (!query.isEmpty())
        url.setQuery(query, QUrl::StrictMode);
    else
        url.setQuery(QString());
    return url;
}

namespace {

// QUrlQuery leaves '+', '=' and '/' in values alone; encode every key and value fully.
QString encodeQuery(const QUrlQuery &query)
{
    QStringList parts;
    const auto items = query.queryItems(QUrl::FullyDecoded);
    for (const auto &kv : items) {
        parts.append(QString::fromLatin1(QUrl::toPercentEncoding(kv.first) + '='
                                         + QUrl::toPercentEncoding(kv.second)));
    }
    return parts.join(QLatin1Char('&'));
}

} // namespace

RequestJob *KubeClient::get(const QString &path, const QUrlQuery &query)
{
    auto *job = new RequestJob(this, path, encodeQuery(query));
    // Queued, so that finished() is never emitted before the caller could connect.
    QTimer::singleShot(0, job, &RequestJob::send);
    return job;
}

WatchStream *KubeClient::openWatch(const QString &path, const QUrlQuery &query,
                                   std::chrono::milliseconds idleTimeout)
{
    auto *stream = new WatchStream(this, path, encodeQuery(query), idleTimeout);
    QTimer::singleShot(0, stream, &WatchStream::send);
    return stream;
}

void KubeClient::prepare(QObject *context, const QString &path, const QString &query,
                         std::function<void(QNetworkRequest)> send,
                         std::function<void(const QString &)> fail)
{
    const QUrl url = urlFor(path, query);
    m_credentials->acquire(
        context,
        [this, url, send = std::move(send), fail = std::move(fail)](const AuthMaterial &material,
                                                                    const QString &error) {
            if (!error.isEmpty()) {
                fail(error);
                return;
            }
            QNetworkRequest request(url);
            request.setRawHeader("Accept", "application/json");
            request.setHeader(QNetworkRequest::UserAgentHeader, QByteArray(UserAgent));
            request.setTransferTimeout(int(m_requestTimeout.count()));
            if (m_config.isTls()) {
                QSslConfiguration tls = m_config.tls;
                if (!material.clientCertificate.isNull()) {
                    tls.setLocalCertificate(material.clientCertificate);
                    tls.setPrivateKey(material.clientKey);
                }
                request.setSslConfiguration(tls);
                if (!m_config.tlsServerName.isEmpty())
                    request.setPeerVerifyName(m_config.tlsServerName);
                if (!material.token.isEmpty())
                    request.setRawHeader("Authorization", "Bearer " + material.token.toUtf8());
            }
            send(request);
        });
}

} // namespace bh::kube
