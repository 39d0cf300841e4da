#include "kubestatus.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace bh::sim {

KubeStatus::KubeStatus(int code, QString reason, QString message, QJsonObject details)
    : m_code(code)
    , m_reason(std::move(reason))
    , m_message(std::move(message))
    , m_details(std::move(details))
{ }

QJsonObject KubeStatus::toJson() const
{
    QJsonObject o { { QStringLiteral("kind"), QStringLiteral("Status") },
                    { QStringLiteral("apiVersion"), QStringLiteral("v1") },
                    { QStringLiteral("metadata"), QJsonObject() },
                    { QStringLiteral("status"), QStringLiteral("Failure") },
                    { QStringLiteral("message"), m_message },
                    { QStringLiteral("reason"), m_reason },
                    { QStringLiteral("code"), m_code } };
    if (!m_details.isEmpty())
        o.insert(QStringLiteral("details"), m_details);
    return o;
}

QByteArray KubeStatus::toCompactJson() const
{
    return QJsonDocument(toJson()).toJson(QJsonDocument::Compact);
}

static QJsonObject resourceDetails(const ResourceType &type, const QString &name = {})
{
    QJsonObject d;
    if (!name.isEmpty())
        d.insert(QStringLiteral("name"), name);
    if (!type.group.isEmpty())
        d.insert(QStringLiteral("group"), type.group);
    d.insert(QStringLiteral("kind"), type.plural);
    return d;
}

KubeStatus KubeStatus::unauthorized()
{
    return { 401, QStringLiteral("Unauthorized"), QStringLiteral("Unauthorized") };
}

KubeStatus KubeStatus::forbidden(const ResourceType &type, const QString &verb, const QString &ns)
{
    const QString msg =
        QStringLiteral("%1 is forbidden: User \"system:serviceaccount:%2:boilerhouse\" cannot %3 "
                       "resource \"%4\" in API group \"%5\" in the namespace \"%2\"")
            .arg(type.qualifiedName(), ns, verb, type.plural, type.group);
    return { 403, QStringLiteral("Forbidden"), msg, resourceDetails(type) };
}

KubeStatus KubeStatus::badRequest(const QString &message)
{
    return { 400, QStringLiteral("BadRequest"), message };
}

KubeStatus KubeStatus::notFound(const ResourceType &type, const QString &name)
{
    return { 404, QStringLiteral("NotFound"),
             QStringLiteral("%1 \"%2\" not found").arg(type.qualifiedName(), name),
             resourceDetails(type, name) };
}

KubeStatus KubeStatus::notFoundPath(const QString &path)
{
    Q_UNUSED(path)
    return {
        404, QStringLiteral("NotFound"),
        QStringLiteral("the server could not find the requested resource"),
        QJsonObject {
            { QStringLiteral("causes"),
              QJsonArray { QJsonObject {
                  { QStringLiteral("reason"), QStringLiteral("UnexpectedServerResponse") },
                  { QStringLiteral("message"), QStringLiteral("404 page not found") } } } } }
    };
}

KubeStatus KubeStatus::namespaceNotFound(const QString &ns)
{
    return { 404, QStringLiteral("NotFound"), QStringLiteral("namespaces \"%1\" not found").arg(ns),
             QJsonObject { { QStringLiteral("name"), ns },
                           { QStringLiteral("kind"), QStringLiteral("namespaces") } } };
}

KubeStatus KubeStatus::alreadyExists(const ResourceType &type, const QString &name)
{
    return { 409, QStringLiteral("AlreadyExists"),
             QStringLiteral("%1 \"%2\" already exists").arg(type.qualifiedName(), name),
             resourceDetails(type, name) };
}

KubeStatus KubeStatus::conflict(const ResourceType &type, const QString &name)
{
    return { 409, QStringLiteral("Conflict"),
             QStringLiteral("Operation cannot be fulfilled on %1 \"%2\": the object has been "
                            "modified; please apply your changes to the latest version and try "
                            "again")
                 .arg(type.qualifiedName(), name),
             resourceDetails(type, name) };
}

KubeStatus KubeStatus::expired(const QString &message)
{
    return { 410, QStringLiteral("Expired"), message };
}

KubeStatus KubeStatus::tooOldResourceVersion(quint64 requested, quint64 oldest)
{
    return expired(QStringLiteral("too old resource version: %1 (%2)").arg(requested).arg(oldest));
}

static QString joinCauses(const QList<KubeStatus::Cause> &causes)
{
    QStringList parts;
    for (const auto &c : causes)
        parts << c.field + QStringLiteral(": ") + c.message;
    if (parts.size() == 1)
        return parts.first();
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

static QJsonArray causesJson(const QList<KubeStatus::Cause> &causes)
{
    QJsonArray arr;
    for (const auto &c : causes)
        arr.append(QJsonObject { { QStringLiteral("reason"), c.reason },
                                 { QStringLiteral("message"), c.message },
                                 { QStringLiteral("field"), c.field } });
    return arr;
}

KubeStatus KubeStatus::invalidListOptions(const QList<Cause> &causes)
{
    return { 422, QStringLiteral("Invalid"),
             QStringLiteral("ListOptions.meta.k8s.io \"\" is invalid: ") + joinCauses(causes),
             QJsonObject { { QStringLiteral("group"), QStringLiteral("meta.k8s.io") },
                           { QStringLiteral("kind"), QStringLiteral("ListOptions") },
                           { QStringLiteral("causes"), causesJson(causes) } } };
}

KubeStatus KubeStatus::invalidObject(const ResourceType &type, const QString &name,
                                     const QList<Cause> &causes)
{
    QJsonObject d = resourceDetails(type, name);
    d.insert(QStringLiteral("kind"), type.kind);
    d.insert(QStringLiteral("causes"), causesJson(causes));
    const QString what =
        type.group.isEmpty() ? type.kind : type.kind + QLatin1Char('.') + type.group;
    return { 422, QStringLiteral("Invalid"),
             QStringLiteral("%1 \"%2\" is invalid: %3").arg(what, name, joinCauses(causes)), d };
}

KubeStatus KubeStatus::methodNotAllowed()
{
    return { 405, QStringLiteral("MethodNotAllowed"),
             QStringLiteral("the server does not allow this method on the requested resource") };
}

KubeStatus KubeStatus::unsupportedMediaType(const QString &contentType)
{
    return { 415, QStringLiteral("UnsupportedMediaType"),
             QStringLiteral("the body of the request was in an unknown format - accepted media "
                            "types include: application/json, application/merge-patch+json")
                 + (contentType.isEmpty() ? QString()
                                          : QStringLiteral(" (got %1)").arg(contentType)) };
}

KubeStatus KubeStatus::tooLargeResourceVersion(quint64 requested, quint64 current)
{
    return {
        504, QStringLiteral("Timeout"),
        QStringLiteral("Too large resource version: %1, current: %2").arg(requested).arg(current),
        QJsonObject {
            { QStringLiteral("causes"),
              QJsonArray { QJsonObject {
                  { QStringLiteral("reason"), QStringLiteral("ResourceVersionTooLarge") },
                  { QStringLiteral("message"), QStringLiteral("Too large resource version") } } } },
            { QStringLiteral("retryAfterSeconds"), 1 } }
    };
}

KubeStatus KubeStatus::forCode(int code, const QString &message)
{
    QString reason;
    switch (code) {
    case 400:
        reason = QStringLiteral("BadRequest");
        break;
    case 401:
        reason = QStringLiteral("Unauthorized");
        break;
    case 403:
        reason = QStringLiteral("Forbidden");
        break;
    case 404:
        reason = QStringLiteral("NotFound");
        break;
    case 405:
        reason = QStringLiteral("MethodNotAllowed");
        break;
    case 409:
        reason = QStringLiteral("Conflict");
        break;
    case 410:
        reason = QStringLiteral("Expired");
        break;
    case 422:
        reason = QStringLiteral("Invalid");
        break;
    case 429:
        reason = QStringLiteral("TooManyRequests");
        break;
    case 500:
        reason = QStringLiteral("InternalError");
        break;
    case 503:
        reason = QStringLiteral("ServiceUnavailable");
        break;
    case 504:
        reason = QStringLiteral("Timeout");
        break;
    default:
        reason = QStringLiteral("Unknown");
        break;
    }
    QJsonObject details;
    if (code == 429 || code == 503 || code == 504)
        details.insert(QStringLiteral("retryAfterSeconds"), 1);
    return { code, reason, message, details };
}

} // namespace bh::sim
