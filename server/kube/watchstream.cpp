#include "kube/watchstream.h"

#include "kube/credentialprovider.h"
#include "kube/kubeclient.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace bh::kube {

namespace {

// Bytes of a non-2xx watch response kept for its Status message.
constexpr qint64 MaxErrorBodyBytes = 64 * 1024;

bool isEventType(const QString &type)
{
    return type == QLatin1String("ADDED") || type == QLatin1String("MODIFIED")
        || type == QLatin1String("DELETED") || type == QLatin1String("BOOKMARK");
}

} // namespace

WatchStream::WatchStream(KubeClient *client, QString path, QString query,
                         std::chrono::milliseconds idleTimeout)
    : QObject(client)
    , m_client(client)
    , m_path(std::move(path))
    , m_query(std::move(query))
    , m_idleTimeout(idleTimeout)
{ }

WatchStream::~WatchStream()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

void WatchStream::send()
{
    if (m_end != End::Running)
        return;
    m_elapsed.start();
    m_client->prepare(
        this, m_path, m_query,
        [this](QNetworkRequest request) {
            request.setTransferTimeout(int(m_idleTimeout.count()));
            qCDebug(lcKube, "watch %s", qPrintable(request.url().toString()));
            m_reply = m_client->manager(true)->get(request);
            connect(m_reply, &QNetworkReply::readyRead, this, &WatchStream::onReadyRead);
            connect(m_reply, &QNetworkReply::finished, this, &WatchStream::onFinished);
        },
        [this](const QString &error) { finish(End::Credentials, error); });
}

void WatchStream::abort()
{
    finish(End::Aborted, QStringLiteral("watch %1: aborted").arg(m_path));
}

void WatchStream::onReadyRead()
{
    if (!m_reply)
        return;
    m_status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (m_status < 200 || m_status > 299)
        return; // the Status body is read at the end
    const QList<QByteArray> lines = m_framer.feed(m_reply->readAll());
    for (const QByteArray &line : lines) {
        if (!handleLine(line) || m_end != End::Running)
            return;
    }
    if (m_framer.error() == LineFramer::Error::LineTooLong)
        finish(End::Protocol,
               QStringLiteral("watch %1: a line is longer than %2 bytes")
                   .arg(m_path)
                   .arg(m_framer.maxLineBytes()));
}

bool WatchStream::handleLine(const QByteArray &line)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &pe);
    const QJsonObject root = doc.object();
    const QString type = root.value(QLatin1String("type")).toString();
    const QJsonObject object = root.value(QLatin1String("object")).toObject();
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        finish(End::Protocol,
               QStringLiteral("watch %1: event is not a JSON object: %2")
                   .arg(m_path, pe.errorString()));
        return false;
    }
    if (type == QLatin1String("ERROR")) {
        const int code = object.value(QLatin1String("code")).toInt();
        m_reason = object.value(QLatin1String("reason")).toString();
        const QString message =
            QStringLiteral("watch %1: ERROR event %2 %3: %4")
                .arg(m_path)
                .arg(code)
                .arg(m_reason, object.value(QLatin1String("message")).toString());
        const bool gone = code == 410 || m_reason == QLatin1String("Expired")
            || m_reason == QLatin1String("Gone");
        finish(gone ? End::Gone : End::ServerError, message);
        return false;
    }
    if (!isEventType(type) || !root.value(QLatin1String("object")).isObject()) {
        finish(End::Protocol,
               QStringLiteral("watch %1: invalid watch event type \"%2\"").arg(m_path, type));
        return false;
    }
    ++m_events;
    emit eventReceived(type, object);
    return true;
}

void WatchStream::onFinished()
{
    if (!m_reply || m_end != End::Running)
        return;
    QNetworkReply *reply = m_reply;
    m_status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const auto error = reply->error();
    if (m_status == 401 && m_client->credentials()->usesExec() && !m_retried) {
        m_retried = true;
        m_reply = nullptr;
        reply->disconnect(this);
        reply->deleteLater();
        m_client->credentials()->invalidate();
        send();
        return;
    }
    if (m_status != 0 && (m_status < 200 || m_status > 299)) {
        const QJsonObject status = QJsonDocument::fromJson(reply->read(MaxErrorBodyBytes)).object();
        m_reason = status.value(QLatin1String("reason")).toString();
        const QString message =
            QStringLiteral("watch %1: HTTP %2%3%4")
                .arg(m_path)
                .arg(m_status)
                .arg(m_reason.isEmpty() ? QString() : QStringLiteral(" ") + m_reason)
                .arg(status.value(QLatin1String("message")).toString().isEmpty()
                         ? QString()
                         : QStringLiteral(": ")
                             + status.value(QLatin1String("message")).toString());
        finish(m_status == 410 ? End::Gone : End::HttpError, message);
        return;
    }
    // Deliver what is left (the last chunk may arrive with finished()).
    if (m_status >= 200 && m_status <= 299 && reply->bytesAvailable() > 0) {
        onReadyRead();
        if (m_end != End::Running)
            return;
    }
    if (error == QNetworkReply::OperationCanceledError || error == QNetworkReply::TimeoutError) {
        finish(
            End::IdleTimeout,
            QStringLiteral("watch %1: no bytes for %2 ms").arg(m_path).arg(m_idleTimeout.count()));
        return;
    }
    if (error != QNetworkReply::NoError) {
        m_connectionRefused = error == QNetworkReply::ConnectionRefusedError;
        finish(End::Network, QStringLiteral("watch %1: %2").arg(m_path, reply->errorString()));
        return;
    }
    finish(End::Normal, QString());
}

void WatchStream::finish(End end, const QString &message)
{
    if (m_end != End::Running)
        return;
    m_end = end;
    m_errorString = message;
    if (m_reply) {
        QNetworkReply *reply = m_reply.data();
        m_reply = nullptr;
        reply->disconnect(this);
        if (reply->isRunning())
            reply->abort();
        reply->deleteLater();
    }
    emit ended(end);
}

} // namespace bh::kube
