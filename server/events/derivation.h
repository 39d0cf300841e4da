#pragma once

#include "protocol/event.h"

#include <QJsonObject>
#include <QList>

namespace bh::events {

// The derivation rules of PROTOCOL A.3, as pure functions of a (previous, current) object
// pair (nullptr = unknown / deleted). Where Boilerhouse meaning lives: labels, phases and
// transitions.
class Derivation
{
public:
    // Label keys and phases (PROTOCOL A.2).
    static constexpr const char *WorkloadLabel = "boilerhouse.dev/workload";
    static constexpr const char *TenantLabel = "boilerhouse.dev/tenant";
    static constexpr const char *PoolStatusLabel = "boilerhouse.dev/pool-status";
    static constexpr const char *ManagedLabel = "boilerhouse.dev/managed";

    // Pod ADDED/MODIFIED -> instance.state (+ pool.instance.ready when pool-status became
    // "ready"); DELETED -> instance.state with phase "Deleted" and the last labels.
    static QList<protocol::Event> pod(const QJsonObject *previous, const QJsonObject *current);
    // Claim -> tenant.claimed when the phase becomes Active; tenant.released when it
    // becomes Released or the claim is deleted; nothing for the other phases.
    static QList<protocol::Event> claim(const QJsonObject *previous, const QJsonObject *current);

    // Field accessors shared with the REST routes.
    static QString name(const QJsonObject &object);
    static QString label(const QJsonObject &object, const char *key);
    static QString podPhase(const QJsonObject &pod);
    static QString claimPhase(const QJsonObject &claim);
    static QString specField(const QJsonObject &object, const char *key);
    static QString statusField(const QJsonObject &object, const char *key);
};

} // namespace bh::events
