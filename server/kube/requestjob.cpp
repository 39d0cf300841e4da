#include "kube/requestjob.h"

#include "kube/credentialprovider.h"
#include "kube/kubeclient.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace bh::kube {

RequestJob::RequestJob(KubeClient *client, QString path, QString query)
    : QObject(client)
    , m_client(client)
    , m_path(std::move(path))
    , m_query(std::move(query))
{ }

RequestJob::~RequestJob()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

void RequestJob::send()
{
    if (m_done)
        return;
    m_client->prepare(
        this, m_path, m_query,
        [this](QNetworkRequest request) {
            qCDebug(lcKube, "GET %s", qPrintable(request.url().toString()));
            m_reply = m_client->manager(false)->get(request);
            connect(m_reply, &QNetworkReply::finished, this, &RequestJob::onReplyFinished);
            connect(m_reply, &QNetworkReply::downloadProgress, this,
                    [this](qint64 received, qint64) {
                        if (received > MaxResponseBytes)
                            fail(Error::TooLarge,
                                 QStringLiteral("GET %1: response larger than %2 bytes")
                                     .arg(m_path)
                                     .arg(MaxResponseBytes));
                    });
        },
        [this](const QString &error) { fail(Error::Credentials, error); });
}

void RequestJob::abort()
{
    fail(Error::Aborted, QStringLiteral("GET %1: aborted").arg(m_path));
}

void RequestJob::onReplyFinished()
{
    if (!m_reply)
        return;
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    reply->deleteLater();
    reply->disconnect(this);
    m_status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    m_body = reply->readAll();
    qCDebug(lcKube, "GET %s: status %d, %lld bytes%s", qPrintable(m_path), m_status,
            qlonglong(m_body.size()),
            reply->error() == QNetworkReply::NoError
                ? ""
                : qPrintable(QStringLiteral(", ") + reply->errorString()));
    if (m_status == 0) {
        m_connectionRefused = reply->error() == QNetworkReply::ConnectionRefusedError;
        const bool timedOut = reply->error() == QNetworkReply::OperationCanceledError
            || reply->error() == QNetworkReply::TimeoutError;
        fail(Error::Network,
             QStringLiteral("GET %1: %2")
                 .arg(m_path,
                      timedOut ? QStringLiteral("no response within %1 ms")
                                     .arg(m_client->requestTimeout().count())
                               : reply->errorString()));
        return;
    }
    if (m_status == 401 && m_client->credentials()->usesExec() && !m_retried) {
        m_retried = true;
        m_client->credentials()->invalidate();
        send();
        return;
    }
    if (m_status < 200 || m_status > 299) {
        const QJsonObject status = QJsonDocument::fromJson(m_body).object();
        m_reason = status.value(QLatin1String("reason")).toString();
        const QString message = status.value(QLatin1String("message")).toString();
        fail(Error::Http,
             QStringLiteral("GET %1: HTTP %2%3%4")
                 .arg(m_path)
                 .arg(m_status)
                 .arg(m_reason.isEmpty() ? QString() : QStringLiteral(" ") + m_reason)
                 .arg(message.isEmpty() ? QString() : QStringLiteral(": ") + message));
        return;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(m_body, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        fail(Error::InvalidJson,
             QStringLiteral("GET %1: response is not a JSON object: %2")
                 .arg(m_path, pe.errorString()));
        return;
    }
    m_json = doc.object();
    complete();
}

void RequestJob::fail(Error error, const QString &message)
{
    if (m_done)
        return;
    m_error = error;
    m_errorString = message;
    complete();
}

void RequestJob::complete()
{
    if (m_done)
        return;
    m_done = true;
    if (m_reply) {
        QNetworkReply *reply = m_reply.data();
        m_reply = nullptr;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
    emit finished();
}

} // namespace bh::kube
