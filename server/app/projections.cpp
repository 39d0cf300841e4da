#include "projections.h"

#include "api/snapshotbuilder.h"

namespace bh::app {

namespace {
void copy(QJsonObject &to, const QJsonObject &from, const char *key)
{
    const auto it = from.constFind(QLatin1String(key));
    if (it != from.constEnd())
        to.insert(QLatin1String(key), *it);
}
} // namespace

QJsonObject Projections::pod(const QJsonObject &object)
{
    const QJsonObject metadata = object.value(QLatin1String("metadata")).toObject();
    QJsonObject m;
    for (const char *key : { "name", "resourceVersion", "creationTimestamp", "labels" })
        copy(m, metadata, key);
    const QJsonObject status = object.value(QLatin1String("status")).toObject();
    QJsonObject s;
    for (const char *key : { "phase", "podIP" })
        copy(s, status, key);
    return QJsonObject { { QLatin1String("metadata"), m }, { QLatin1String("status"), s } };
}

QJsonObject Projections::claim(const QJsonObject &object)
{
    const QJsonObject metadata = object.value(QLatin1String("metadata")).toObject();
    QJsonObject m;
    for (const char *key : { "name", "resourceVersion", "creationTimestamp" })
        copy(m, metadata, key);
    const QJsonObject annotations = metadata.value(QLatin1String("annotations")).toObject();
    QJsonObject a;
    copy(a, annotations, api::SnapshotBuilder::LastActivityAnnotation);
    if (!a.isEmpty())
        m.insert(QLatin1String("annotations"), a);
    const QJsonObject spec = object.value(QLatin1String("spec")).toObject();
    QJsonObject s;
    for (const char *key : { "tenantId", "workloadRef", "resume" })
        copy(s, spec, key);
    QJsonObject out { { QLatin1String("metadata"), m }, { QLatin1String("spec"), s } };
    copy(out, object, "status");
    return out;
}

} // namespace bh::app
