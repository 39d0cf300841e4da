#include "eventstyle.h"

namespace bh::gui {

const QList<protocol::EventType> &EventStyle::chartedTypes()
{
    static const QList<protocol::EventType> types {
        protocol::EventType::InstanceState,
        protocol::EventType::PoolInstanceReady,
        protocol::EventType::TenantClaimed,
        protocol::EventType::TenantReleased,
    };
    return types;
}

QColor EventStyle::typeColor(protocol::EventType type)
{
    switch (type) {
    case protocol::EventType::InstanceState:
        return QColor(0x1f, 0x77, 0xb4);
    case protocol::EventType::PoolInstanceReady:
        return QColor(0x2c, 0xa0, 0x2c);
    case protocol::EventType::TenantClaimed:
        return QColor(0xff, 0x7f, 0x0e);
    case protocol::EventType::TenantReleased:
        return QColor(0x94, 0x67, 0xbd);
    case protocol::EventType::StreamResync:
        return QColor(0xd6, 0x27, 0x28);
    }
    return QColor(Qt::black);
}

QColor EventStyle::phaseColor(const QString &phase)
{
    if (phase == QLatin1String("Running") || phase == QLatin1String("Active"))
        return QColor(0x1b, 0x8a, 0x2f);
    if (phase == QLatin1String("Pending") || phase == QLatin1String("Releasing"))
        return QColor(0xc2, 0x7c, 0x0e);
    if (phase == QLatin1String("Failed") || phase == QLatin1String("Error")
        || phase == QLatin1String("ReleaseFailed"))
        return QColor(0xc6, 0x28, 0x28);
    if (phase == QLatin1String("Succeeded") || phase == QLatin1String("Released"))
        return QColor(0x1f, 0x5f, 0xa8);
    if (phase == QLatin1String("Deleted") || phase == QLatin1String("Unknown"))
        return QColor(0x80, 0x80, 0x80);
    return {};
}

} // namespace bh::gui
