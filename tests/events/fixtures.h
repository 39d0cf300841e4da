#pragma once

// Small Kubernetes object builders shared by the events tests.

#include <QJsonObject>
#include <QString>

namespace fixtures {

inline QJsonObject pod(const QString &name, const QString &phase, const QString &workload,
                       const QString &tenant = {}, const QString &poolStatus = {},
                       const QString &rv = QStringLiteral("1"))
{
    QJsonObject labels { { "boilerhouse.dev/managed", "true" } };
    if (!workload.isEmpty())
        labels.insert("boilerhouse.dev/workload", workload);
    if (!tenant.isEmpty())
        labels.insert("boilerhouse.dev/tenant", tenant);
    if (!poolStatus.isEmpty())
        labels.insert("boilerhouse.dev/pool-status", poolStatus);
    QJsonObject o { { "metadata",
                      QJsonObject {
                          { "name", name }, { "resourceVersion", rv }, { "labels", labels } } } };
    QJsonObject status;
    if (!phase.isEmpty())
        status.insert("phase", phase);
    o.insert("status", status);
    return o;
}

inline QJsonObject claim(const QString &name, const QString &phase, const QString &tenant,
                         const QString &workload, const QString &source = {},
                         const QString &rv = QStringLiteral("1"))
{
    QJsonObject status;
    if (!phase.isEmpty())
        status.insert("phase", phase);
    if (!source.isEmpty())
        status.insert("source", source);
    return QJsonObject {
        { "metadata", QJsonObject { { "name", name }, { "resourceVersion", rv } } },
        { "spec", QJsonObject { { "tenantId", tenant }, { "workloadRef", workload } } },
        { "status", status }
    };
}

} // namespace fixtures
