#include "hub/filter.h"

#include <QStringList>

namespace bh::hub {

namespace {
constexpr quint32 bit(protocol::EventType type)
{
    return 1u << static_cast<unsigned>(type);
}

// The event types a client may select (PROTOCOL A.3); stream.resync is a control frame.
bool isFilterable(protocol::EventType type)
{
    return type != protocol::EventType::StreamResync;
}

// Every type bit set: the same as no `types` parameter.
constexpr quint32 everyTypeBit()
{
    quint32 all = 0;
    for (int t = 0; t <= static_cast<int>(protocol::EventType::StreamResync); ++t)
        all |= 1u << t;
    return all;
}

bool setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

// Reads a single-valued parameter; false (with *error) when it is repeated or empty.
bool singleValue(const QUrlQuery &query, const QString &key, QString *out, QString *error)
{
    const QStringList values = query.allQueryItemValues(key, QUrl::FullyDecoded);
    if (values.isEmpty())
        return true;
    if (values.size() > 1)
        return setError(error, QStringLiteral("parameter %1 given more than once").arg(key));
    if (values.first().isEmpty())
        return setError(error, QStringLiteral("parameter %1 is empty").arg(key));
    *out = values.first();
    return true;
}
} // namespace

std::optional<Filter> Filter::fromQuery(const QUrlQuery &query, QString *error)
{
    Filter filter;
    const QString typesKey = QStringLiteral("types");
    if (query.hasQueryItem(typesKey)) {
        quint32 mask = 0;
        // Repeated `types` parameters add up (types=a&types=b == types=a,b).
        const QStringList values = query.allQueryItemValues(typesKey, QUrl::FullyDecoded);
        for (const QString &value : values) {
            const QStringList names = value.split(QLatin1Char(','));
            for (const QString &raw : names) {
                const QString name = raw.trimmed();
                if (name.isEmpty()) {
                    setError(error, QStringLiteral("parameter types has an empty entry"));
                    return std::nullopt;
                }
                const auto type = protocol::eventTypeFromName(name);
                if (!type || !isFilterable(*type)) {
                    setError(error, QStringLiteral("unknown event type: %1").arg(name));
                    return std::nullopt;
                }
                mask |= bit(*type);
            }
        }
        filter.setTypeMask(mask);
    }
    if (!singleValue(query, QStringLiteral("tenant"), &filter.m_tenant, error))
        return std::nullopt;
    if (!singleValue(query, QStringLiteral("workload"), &filter.m_workload, error))
        return std::nullopt;
    return filter;
}

void Filter::setTypes(std::initializer_list<protocol::EventType> types)
{
    quint32 mask = 0;
    for (const auto type : types)
        mask |= bit(type);
    setTypeMask(mask);
}

void Filter::setTypeMask(quint32 mask)
{
    mask |= bit(protocol::EventType::StreamResync);
    m_typeMask = mask == everyTypeBit() ? AllTypes : mask;
}

bool Filter::acceptsType(protocol::EventType type) const
{
    return (m_typeMask & bit(type)) != 0;
}

bool Filter::matches(const protocol::Event &event) const
{
    if (event.type == protocol::EventType::StreamResync)
        return true;
    if (!acceptsType(event.type))
        return false;
    if (!m_tenant.isEmpty() && event.tenantId != m_tenant)
        return false;
    if (!m_workload.isEmpty() && event.workloadRef != m_workload)
        return false;
    return true;
}

bool Filter::operator==(const Filter &other) const
{
    return m_typeMask == other.m_typeMask && m_tenant == other.m_tenant
        && m_workload == other.m_workload;
}

} // namespace bh::hub
