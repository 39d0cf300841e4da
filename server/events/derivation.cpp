#include "derivation.h"

namespace bh::events {

using protocol::Event;
using protocol::EventType;

namespace {
const QLatin1String kReady("ready");
const QLatin1String kActive("Active");
const QLatin1String kReleased("Released");
const QLatin1String kDeleted("Deleted");
} // namespace

QString Derivation::name(const QJsonObject &object)
{
    return object.value(QLatin1String("metadata"))
        .toObject()
        .value(QLatin1String("name"))
        .toString();
}

QString Derivation::label(const QJsonObject &object, const char *key)
{
    return object.value(QLatin1String("metadata"))
        .toObject()
        .value(QLatin1String("labels"))
        .toObject()
        .value(QLatin1String(key))
        .toString();
}

QString Derivation::specField(const QJsonObject &object, const char *key)
{
    return object.value(QLatin1String("spec")).toObject().value(QLatin1String(key)).toString();
}

QString Derivation::statusField(const QJsonObject &object, const char *key)
{
    return object.value(QLatin1String("status")).toObject().value(QLatin1String(key)).toString();
}

QString Derivation::podPhase(const QJsonObject &pod)
{
    return statusField(pod, "phase");
}

QString Derivation::claimPhase(const QJsonObject &claim)
{
    return statusField(claim, "phase");
}

QList<Event> Derivation::pod(const QJsonObject *previous, const QJsonObject *current)
{
    QList<Event> out;
    if (!current) {
        if (!previous)
            return out;
        Event e;
        e.type = EventType::InstanceState;
        e.name = name(*previous);
        e.phase = kDeleted;
        e.workloadRef = label(*previous, WorkloadLabel);
        e.tenantId = label(*previous, TenantLabel);
        out.append(std::move(e));
        return out;
    }
    Event state;
    state.type = EventType::InstanceState;
    state.name = name(*current);
    state.phase = podPhase(*current);
    state.workloadRef = label(*current, WorkloadLabel);
    state.tenantId = label(*current, TenantLabel);
    out.append(state);

    const bool readyNow = label(*current, PoolStatusLabel) == kReady;
    const bool readyBefore = previous && label(*previous, PoolStatusLabel) == kReady;
    if (readyNow && !readyBefore) {
        Event ready;
        ready.type = EventType::PoolInstanceReady;
        ready.name = state.name;
        ready.workloadRef = state.workloadRef;
        out.append(std::move(ready));
    }
    return out;
}

QList<Event> Derivation::claim(const QJsonObject *previous, const QJsonObject *current)
{
    QList<Event> out;
    if (!current) {
        if (!previous)
            return out;
        Event e;
        e.type = EventType::TenantReleased;
        e.name = name(*previous);
        e.tenantId = specField(*previous, "tenantId");
        out.append(std::move(e));
        return out;
    }
    const QString phase = claimPhase(*current);
    const QString before = previous ? claimPhase(*previous) : QString();
    const bool known = previous != nullptr;
    if (phase == kActive && (!known || before != kActive)) {
        Event e;
        e.type = EventType::TenantClaimed;
        e.name = name(*current);
        e.tenantId = specField(*current, "tenantId");
        e.workloadRef = specField(*current, "workloadRef");
        e.source = statusField(*current, "source");
        out.append(std::move(e));
    } else if (phase == kReleased && (!known || before != kReleased)) {
        Event e;
        e.type = EventType::TenantReleased;
        e.name = name(*current);
        e.tenantId = specField(*current, "tenantId");
        out.append(std::move(e));
    }
    return out;
}

} // namespace bh::events
