#include "kubeapi.h"

#include <QFile>
#include <QJsonArray>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QSslCertificate>

namespace bh::conformance {

KubeApi::KubeApi(const QUrl &base, const QString &token, const QString &caCertPath, QObject *parent)
    : QObject(parent)
    , m_base(base)
    , m_token(token.toUtf8())
    , m_ssl(QSslConfiguration::defaultConfiguration())
{
    if (!caCertPath.isEmpty())
        m_ssl.setCaCertificates(QSslCertificate::fromPath(caCertPath));
}

QJsonObject KubeApi::pod(const QString &name, const QJsonObject &labels)
{
    return QJsonObject {
        { QStringLiteral("apiVersion"), QStringLiteral("v1") },
        { QStringLiteral("kind"), QStringLiteral("Pod") },
        { QStringLiteral("metadata"),
          QJsonObject { { QStringLiteral("name"), name }, { QStringLiteral("labels"), labels } } },
        { QStringLiteral("spec"),
          QJsonObject { { QStringLiteral("containers"),
                          QJsonArray { QJsonObject {
                              { QStringLiteral("name"), QStringLiteral("main") },
                              { QStringLiteral("image"), QStringLiteral("busybox") } } } } } }
    };
}

QJsonObject KubeApi::claim(const QString &name, const QJsonObject &labels)
{
    return QJsonObject {
        { QStringLiteral("apiVersion"), QStringLiteral("boilerhouse.dev/v1alpha1") },
        { QStringLiteral("kind"), QStringLiteral("BoilerhouseClaim") },
        { QStringLiteral("metadata"),
          QJsonObject { { QStringLiteral("name"), name }, { QStringLiteral("labels"), labels } } },
        { QStringLiteral("spec"),
          QJsonObject { { QStringLiteral("tenantId"), QStringLiteral("alice") },
                        { QStringLiteral("workloadRef"), QStringLiteral("agent") } } }
    };
}

ApiReply KubeApi::send(const QByteArray &method, const QString &pathAndQuery,
                       const QByteArray &body, const QByteArray &contentType)
{
    QUrl url = m_base;
    const int q = pathAndQuery.indexOf(QLatin1Char('?'));
    url.setPath(q < 0 ? pathAndQuery : pathAndQuery.left(q));
    if (q >= 0)
        url.setQuery(pathAndQuery.mid(q + 1));
    QNetworkRequest request(url);
    request.setSslConfiguration(m_ssl);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setTransferTimeout(RequestTimeoutMs);
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    request.setRawHeader("Accept", "application/json");
    QNetworkReply *reply = m_nam.sendCustomRequest(request, method, body);
    QSignalSpy done(reply, &QNetworkReply::finished);
    ApiReply result;
    if (!reply->isFinished() && !done.wait(RequestTimeoutMs + 1000)) {
        reply->abort();
        result.error = QStringLiteral("no reply within %1 ms").arg(RequestTimeoutMs);
    }
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    if (result.error.isEmpty() && reply->error() != QNetworkReply::NoError && result.status == 0)
        result.error = reply->errorString();
    reply->deleteLater();
    if (!result.ok())
        m_lastError = QString::fromUtf8(method) + QLatin1Char(' ') + pathAndQuery
            + QStringLiteral(": ") + QString::fromUtf8(result.describe());
    return result;
}

ApiReply KubeApi::create(const QString &collection, const QJsonObject &object)
{
    return send("POST", collection, QJsonDocument(object).toJson(QJsonDocument::Compact));
}

ApiReply KubeApi::mergePatch(const QString &objectPath, const QJsonObject &patch)
{
    return send("PATCH", objectPath, QJsonDocument(patch).toJson(QJsonDocument::Compact),
                QByteArrayLiteral("application/merge-patch+json"));
}

ApiReply KubeApi::remove(const QString &objectPath)
{
    return send("DELETE", objectPath);
}

QJsonObject KubeApi::stats()
{
    return get(QStringLiteral("/_sim/stats")).json();
}

QStringList KubeApi::requestLog()
{
    const ApiReply reply = get(QStringLiteral("/_sim/requests"));
    QStringList lines;
    const QJsonArray array = QJsonDocument::fromJson(reply.body).array();
    for (const QJsonValue &v : array)
        lines << v.toString();
    return lines;
}

int KubeApi::openWatches(const QString &resource)
{
    const ApiReply reply = get(QStringLiteral("/_sim/stats"));
    if (!reply.ok())
        return -1;
    const QJsonValue watches =
        reply.json().value(QStringLiteral("watches")).toObject().value(resource);
    if (watches.isArray())
        return int(watches.toArray().size());
    if (watches.isDouble())
        return watches.toInt();
    return watches.isUndefined() ? 0 : -1;
}

} // namespace bh::conformance
