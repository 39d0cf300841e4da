#pragma once

#include "resourcetype.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace bh::sim {

// A Kubernetes metav1.Status error (KUBE-API.md §6): the body of every error response and
// of watch ERROR events. A value type.
class KubeStatus
{
public:
    KubeStatus() = default;
    KubeStatus(int code, QString reason, QString message, QJsonObject details = {});

    int code() const { return m_code; }
    QString reason() const { return m_reason; }
    QString message() const { return m_message; }
    QJsonObject details() const { return m_details; }

    // {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",...}
    QJsonObject toJson() const;
    QByteArray toCompactJson() const;

    static KubeStatus unauthorized();
    static KubeStatus forbidden(const ResourceType &type, const QString &verb, const QString &ns);
    static KubeStatus badRequest(const QString &message);
    static KubeStatus notFound(const ResourceType &type, const QString &name);
    static KubeStatus notFoundPath(const QString &path);
    static KubeStatus namespaceNotFound(const QString &ns);
    static KubeStatus alreadyExists(const ResourceType &type, const QString &name);
    static KubeStatus conflict(const ResourceType &type, const QString &name);
    static KubeStatus expired(const QString &message); // 410, reason Expired
    static KubeStatus tooOldResourceVersion(quint64 requested, quint64 oldest);
    // 422 Invalid on ListOptions; each cause is {field, reason, message}.
    struct Cause
    {
        QString field;
        QString reason; // e.g. "FieldValueForbidden"
        QString message; // e.g. "Forbidden: sendInitialEvents is forbidden for list"
    };
    static KubeStatus invalidListOptions(const QList<Cause> &causes);
    static KubeStatus invalidObject(const ResourceType &type, const QString &name,
                                    const QList<Cause> &causes);
    static KubeStatus methodNotAllowed();
    static KubeStatus unsupportedMediaType(const QString &contentType);
    static KubeStatus tooLargeResourceVersion(quint64 requested, quint64 current);
    // Any code, as used by fault injection ("injected fault").
    static KubeStatus forCode(int code, const QString &message);

private:
    int m_code = 500;
    QString m_reason;
    QString m_message;
    QJsonObject m_details;
};

} // namespace bh::sim
