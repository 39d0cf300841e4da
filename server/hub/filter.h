#pragma once

#include "protocol/event.h"

#include <QString>
#include <QUrlQuery>

#include <optional>

namespace bh::hub {

// The per-client event filter of PROTOCOL B.2: `types` (comma list), `tenant`, `workload`;
// each optional, combined with AND. A value type; the default filter lets everything pass.
//
// `tenant` matches events whose tenantId equals it (so pool.instance.ready, which carries no
// tenant, never passes a tenant filter); `workload` matches workloadRef likewise
// (tenant.released carries none). stream.resync always passes: it is a control frame.
class Filter
{
public:
    // Parses the filter parameters of a /ws request query; other parameters are ignored.
    // Returns std::nullopt and sets *error (e.g. "unknown event type: foo") for unknown
    // types, empty values and repeated tenant/workload parameters; the HTTP route answers 400.
    static std::optional<Filter> fromQuery(const QUrlQuery &query, QString *error = nullptr);

    bool matches(const protocol::Event &event) const;
    // True when every event passes (no parameter given).
    bool isPassAll() const
    {
        return m_typeMask == AllTypes && m_tenant.isEmpty() && m_workload.isEmpty();
    }

    void setTypes(std::initializer_list<protocol::EventType> types);
    void setTenant(const QString &tenant) { m_tenant = tenant; }
    void setWorkload(const QString &workload) { m_workload = workload; }
    bool acceptsType(protocol::EventType type) const;
    QString tenant() const { return m_tenant; }
    QString workload() const { return m_workload; }

    bool operator==(const Filter &other) const;
    bool operator!=(const Filter &other) const { return !(*this == other); }

private:
    void setTypeMask(quint32 mask);

    static constexpr quint32 AllTypes = 0xffffffffu;
    quint32 m_typeMask = AllTypes; // bit per protocol::EventType
    QString m_tenant;
    QString m_workload;
};

} // namespace bh::hub
