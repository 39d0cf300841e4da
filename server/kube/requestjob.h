#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>

QT_BEGIN_NAMESPACE
class QNetworkReply;
QT_END_NAMESPACE

namespace bh::kube {

class KubeClient;

// One GET against the API server. Emits finished() exactly once; the receiver owns the
// job afterwards (deleteLater()). A 401 with an exec plugin re-runs the plugin and retries
// once.
class RequestJob : public QObject
{
    Q_OBJECT
public:
    // Response bodies above this are aborted with Error::TooLarge (a 500-item pod page is
    // a few MiB).
    static constexpr qint64 MaxResponseBytes = 256LL * 1024 * 1024;

    enum class Error {
        None,
        Network, // connection refused, TLS, DNS, reset, timeout
        Http, // a non-2xx status (see httpStatus(), reason(), message())
        InvalidJson, // 2xx but the body is not a JSON object
        TooLarge, // body above MaxResponseBytes
        Credentials, // the credential plugin / token file failed
        Aborted,
    };
    Q_ENUM(Error)

    ~RequestJob() override;

    Error error() const { return m_error; }
    bool ok() const { return m_error == Error::None; }
    int httpStatus() const { return m_status; }
    QByteArray body() const { return m_body; }
    QJsonObject json() const { return m_json; }
    // For Error::Http: the Kubernetes Status reason ("Expired", "Forbidden"...) if any.
    QString reason() const { return m_reason; }
    QString errorString() const { return m_errorString; }
    bool connectionRefused() const { return m_connectionRefused; }
    QString path() const { return m_path; }

    void abort();

Q_SIGNALS:
    void finished();

private:
    friend class KubeClient;
    RequestJob(KubeClient *client, QString path, QString query);
    void send();
    void onReplyFinished();
    void fail(Error error, const QString &message);
    void complete();

    KubeClient *m_client;
    QString m_path;
    QString m_query;
    QPointer<QNetworkReply> m_reply; // the manager may delete it first (client teardown)
    bool m_retried = false;
    bool m_done = false;
    Error m_error = Error::None;
    int m_status = 0;
    QByteArray m_body;
    QJsonObject m_json;
    QString m_reason;
    QString m_errorString;
    bool m_connectionRefused = false;
};

} // namespace bh::kube
