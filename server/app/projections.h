#pragma once

#include <QJsonObject>

namespace bh::app {

// What the caches keep of each object: only the fields the derivation rules (events/) and
// the REST routes (api/) read. A full Pod is several KB (spec, managedFields, conditions);
// the projection keeps a few hundred bytes, which matters at 10,000 pods.
class Projections
{
public:
    // metadata{name, resourceVersion, creationTimestamp, labels}, status{phase, podIP}.
    static QJsonObject pod(const QJsonObject &object);
    // metadata{name, resourceVersion, creationTimestamp, annotations[last-activity]},
    // spec{tenantId, workloadRef, resume}, status (all of it: it is small).
    static QJsonObject claim(const QJsonObject &object);
};

} // namespace bh::app
