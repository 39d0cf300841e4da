#pragma once

#include "kube/clusterconfig.h"

#include <QLoggingCategory>
#include <QObject>
#include <QString>
#include <QUrlQuery>

#include <chrono>
#include <functional>

QT_BEGIN_NAMESPACE
class QNetworkAccessManager;
class QNetworkRequest;
QT_END_NAMESPACE

Q_DECLARE_LOGGING_CATEGORY(lcKube)

namespace bh::kube {

class CredentialProvider;
class RequestJob;
class WatchStream;

// The authenticated request factory for one API server. Two QNetworkAccessManagers: one
// for watches and one for everything else (over plain HTTP/1.1 Qt 6.4 allows only 6
// connections per host and manager, and long watches would starve short requests).
// HTTP/2 stays allowed for TLS, so every request multiplexes on one connection there.
// Credentials are sent only over TLS (as client-go does).
class KubeClient : public QObject
{
    Q_OBJECT
public:
    // Idle timeout of non-watch requests (no bytes for this long -> Network error).
    static constexpr std::chrono::milliseconds DefaultRequestTimeout { 60'000 };

    explicit KubeClient(ClusterConfig config, QObject *parent = nullptr);
    ~KubeClient() override;

    const ClusterConfig &config() const { return m_config; }
    CredentialProvider *credentials() const { return m_credentials; }

    // GET path?query. The job is a child of the client; delete it after finished().
    RequestJob *get(const QString &path, const QUrlQuery &query = {});
    // GET path?query as a watch stream; the stream is a child of the client.
    WatchStream *openWatch(const QString &path, const QUrlQuery &query,
                           std::chrono::milliseconds idleTimeout);

    QUrl urlFor(const QString &path, const QString &query) const;

    std::chrono::milliseconds requestTimeout() const { return m_requestTimeout; }
    void setRequestTimeout(std::chrono::milliseconds timeout) { m_requestTimeout = timeout; }

private:
    friend class RequestJob;
    friend class WatchStream;
    // Builds an authenticated request (after fetching credentials, possibly asynchronously)
    // and hands it to `send`, or reports why credentials are missing.
    void prepare(QObject *context, const QString &path, const QString &query,
                 std::function<void(QNetworkRequest)> send,
                 std::function<void(const QString &)> fail);
    QNetworkAccessManager *manager(bool watch) const { return watch ? m_watchNam : m_nam; }

    ClusterConfig m_config;
    CredentialProvider *m_credentials;
    QNetworkAccessManager *m_nam;
    QNetworkAccessManager *m_watchNam;
    std::chrono::milliseconds m_requestTimeout = DefaultRequestTimeout;
};

} // namespace bh::kube
