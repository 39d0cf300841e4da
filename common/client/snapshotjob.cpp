#include "snapshotjob.h"

#include "client/clientlogging.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace bh::client {

namespace {
const char *pathOf(bool instances)
{
    return instances ? "/api/v1/instances" : "/api/v1/tenants";
}

ClientError classifyNetworkError(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::HostNotFoundError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::UnknownNetworkError:
    case QNetworkReply::SslHandshakeFailedError:
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyNotFoundError:
        return ClientError::Unreachable;
    // Qt 6.4 reports a transfer timeout as OperationCanceledError (QT-NOTES §5).
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
    case QNetworkReply::ProxyTimeoutError:
        return ClientError::Timeout;
    default:
        return ClientError::HttpError;
    }
}
} // namespace

SnapshotJob::SnapshotJob(QNetworkAccessManager *nam, const ClientConfig &config, QObject *parent)
    : QObject(parent)
    , m_nam(nam)
    , m_config(config)
{ }

SnapshotJob::~SnapshotJob()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

void SnapshotJob::start()
{
    if (m_started)
        return;
    m_started = true;
    const QString problem = m_config.validate();
    if (!problem.isEmpty()) {
        // Report asynchronously: callers connect finished() after constructing, maybe
        // after start() too.
        QTimer::singleShot(0, this, [this, problem] { finish(ClientError::InvalidUrl, problem); });
        return;
    }
    request(Step::Instances);
}

void SnapshotJob::abort()
{
    if (m_finished)
        return;
    m_aborted = true;
    m_finished = true;
    m_error = ClientError::Aborted;
    m_errorString = QStringLiteral("aborted");
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
        m_reply = nullptr;
    }
}

void SnapshotJob::request(Step step)
{
    m_step = step;
    QNetworkRequest req(m_config.restUrl(QString::fromLatin1(pathOf(step == Step::Instances))));
    req.setRawHeader("Accept", "application/json");
    if (!m_config.apiKey.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + m_config.apiKey.toUtf8());
    req.setTransferTimeout(int(m_config.requestTimeout.count()));
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                     QNetworkRequest::NoLessSafeRedirectPolicy);
    qCDebug(lcClient) << "GET" << req.url().toString();
    m_reply = m_nam->get(req);
    connect(m_reply, &QNetworkReply::readyRead, this, &SnapshotJob::onReplyReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &SnapshotJob::onReplyFinished);
}

void SnapshotJob::onReplyReadyRead()
{
    // Enforce the size bound while the body arrives, not after it is all in memory.
    if (m_reply && m_reply->bytesAvailable() > m_config.maxSnapshotBytes) {
        QNetworkReply *reply = m_reply;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
        m_reply = nullptr;
        finish(ClientError::BadResponse,
               QStringLiteral("%1: response larger than %2 bytes")
                   .arg(QLatin1String(pathOf(m_step == Step::Instances)))
                   .arg(m_config.maxSnapshotBytes));
    }
}

void SnapshotJob::onReplyFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    m_reply = nullptr;
    reply->deleteLater();
    const QString path = QLatin1String(pathOf(m_step == Step::Instances));
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    m_httpStatus = status;
    const QByteArray body = reply->readAll();

    if (status == 0) {
        const ClientError code = classifyNetworkError(reply->error());
        const QString what = code == ClientError::Timeout
            ? QStringLiteral("no response within %1 ms").arg(m_config.requestTimeout.count())
            : reply->errorString();
        finish(code, QStringLiteral("cannot reach %1: %2").arg(reply->url().toString(), what));
        return;
    }
    if (status < 200 || status > 299) {
        const auto serverMessage = protocol::decodeErrorMessage(body);
        const QString text =
            serverMessage ? *serverMessage : QString::fromUtf8(body.left(200)).trimmed();
        if (status == 401) {
            finish(ClientError::Unauthorized,
                   text.isEmpty() ? QStringLiteral("unauthorized") : text);
        } else {
            finish(ClientError::HttpError,
                   QStringLiteral("%1: HTTP %2%3")
                       .arg(path)
                       .arg(status)
                       .arg(text.isEmpty() ? QString() : QStringLiteral(": ") + text));
        }
        return;
    }
    if (reply->error() != QNetworkReply::NoError) {
        // 2xx but the transfer broke off (e.g. the server closed mid-body).
        finish(classifyNetworkError(reply->error()),
               QStringLiteral("%1: %2").arg(path, reply->errorString()));
        return;
    }
    const QByteArray cursorHeader = reply->rawHeader(protocol::kCursorHeader);
    QString message;
    if (m_step == Step::Instances) {
        auto instances = protocol::decodeInstances(body, nullptr, &message);
        if (!instances) {
            finish(ClientError::BadResponse, QStringLiteral("%1: %2").arg(path, message));
            return;
        }
        m_snapshot.instances = std::move(*instances);
        if (!cursorHeader.isEmpty())
            m_instancesCursor = QString::fromUtf8(cursorHeader);
        request(Step::Tenants);
        return;
    }
    auto tenants = protocol::decodeTenants(body, nullptr, &message);
    if (!tenants) {
        finish(ClientError::BadResponse, QStringLiteral("%1: %2").arg(path, message));
        return;
    }
    m_snapshot.tenants = std::move(*tenants);
    if (!cursorHeader.isEmpty())
        m_snapshot.cursor = m_instancesCursor;
    if (!m_snapshot.cursor && (m_instancesCursor || !cursorHeader.isEmpty()))
        qCWarning(lcClient) << "only one snapshot response carried a cursor; not resuming";
    finish(ClientError::None, QString());
}

void SnapshotJob::finish(ClientError error, const QString &message)
{
    if (m_finished)
        return;
    m_finished = true;
    m_error = error;
    m_errorString = message;
    if (error != ClientError::None)
        qCDebug(lcClient) << "snapshot failed:" << error << message;
    Q_EMIT finished(this);
}

} // namespace bh::client
