#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <QSslConfiguration>
#include <QStringList>
#include <QUrl>

namespace bh::conformance {

// Result of one harness request.
struct ApiReply
{
    int status = 0; // HTTP status; 0 when no response arrived
    QByteArray body;
    QString error; // transport error text, if any
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    bool ok() const { return status >= 200 && status < 300; }
    QByteArray describe() const
    {
        return "HTTP " + QByteArray::number(status) + " " + error.toUtf8() + " " + body.left(2000);
    }
};

// The test harness's own client of the simulator: writes objects through the real
// Kubernetes API (POST, PATCH merge-patch incl. /status, DELETE) and drives the /_sim
// control endpoints. Each call waits for its reply (at most RequestTimeoutMs).
class KubeApi : public QObject
{
    Q_OBJECT
public:
    // Per-request limit of a harness call.
    static constexpr int RequestTimeoutMs = 10'000;

    KubeApi(const QUrl &base, const QString &token, const QString &caCertPath,
            QObject *parent = nullptr);

    static QString podsPath(const QString &ns)
    {
        return QStringLiteral("/api/v1/namespaces/%1/pods").arg(ns);
    }
    static QString claimsPath(const QString &ns)
    {
        return QStringLiteral("/apis/boilerhouse.dev/v1alpha1/namespaces/%1/boilerhouseclaims")
            .arg(ns);
    }
    static QJsonObject pod(const QString &name, const QJsonObject &labels);
    static QJsonObject claim(const QString &name, const QJsonObject &labels);

    ApiReply send(const QByteArray &method, const QString &pathAndQuery,
                  const QByteArray &body = QByteArray(),
                  const QByteArray &contentType = QByteArrayLiteral("application/json"));
    ApiReply create(const QString &collection, const QJsonObject &object);
    ApiReply mergePatch(const QString &objectPath, const QJsonObject &patch);
    ApiReply remove(const QString &objectPath);
    ApiReply get(const QString &pathAndQuery) { return send("GET", pathAndQuery); }

    // Control endpoints.
    ApiReply compact() { return send("POST", QStringLiteral("/_sim/compact")); }
    ApiReply closeWatches() { return send("POST", QStringLiteral("/_sim/close-watches")); }
    QJsonObject stats();
    QStringList requestLog();
    // Open watches of a resource ("pods", "boilerhouseclaims") from /_sim/stats; -1 on error.
    int openWatches(const QString &resource);

    QString lastError() const { return m_lastError; }

private:
    QNetworkAccessManager m_nam;
    QUrl m_base;
    QByteArray m_token;
    QSslConfiguration m_ssl;
    QString m_lastError;
};

} // namespace bh::conformance
