#include "eventburst.h"

#include <algorithm>

namespace bh::gui {

EventBurst::EventBurst(int eventsPerSecond, int total, QObject *parent)
    : QObject(parent)
    , m_rate(std::max(1, eventsPerSecond))
    , m_total(std::max(0, total))
{
    m_timer.setInterval(kTickMs);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &EventBurst::tick);
}

void EventBurst::start()
{
    m_sent = 0;
    m_clock.start();
    m_timer.start();
}

protocol::Event EventBurst::eventAt(int i)
{
    using protocol::EventType;
    // Six consecutive events take one pod through its life; every other pod survives it.
    const int pod = (i / 6) % kPodNames;
    const int step = i % 6;
    const QString workload = (pod % 3 == 0) ? QStringLiteral("web") : QStringLiteral("agent");
    const QString tenant = QStringLiteral("tenant-%1").arg(pod % 40);
    const QString name =
        QStringLiteral("%1-pool-%2").arg(workload).arg(pod, 8, 16, QLatin1Char('0'));
    protocol::Event e;
    e.workloadRef = workload;
    switch (step) {
    case 0:
        e.type = EventType::InstanceState;
        e.name = name;
        e.phase = QStringLiteral("Pending");
        break;
    case 1:
        e.type = EventType::InstanceState;
        e.name = name;
        e.phase = QStringLiteral("Running");
        break;
    case 2:
        e.type = EventType::PoolInstanceReady;
        e.name = name;
        break;
    case 3:
        e.type = EventType::TenantClaimed;
        e.name = QStringLiteral("claim-%1-%2").arg(tenant, workload);
        e.tenantId = tenant;
        e.source = QStringLiteral("pool");
        break;
    case 4:
        e.type = EventType::TenantReleased;
        e.name = QStringLiteral("claim-%1-%2").arg(tenant, workload);
        e.tenantId = tenant;
        e.workloadRef.clear();
        break;
    default:
        e.type = EventType::InstanceState;
        e.name = name;
        e.phase = pod % 2 ? QStringLiteral("Running") : QStringLiteral("Deleted");
        break;
    }
    return e;
}

void EventBurst::tick()
{
    const qint64 due = std::min<qint64>(m_total, m_clock.elapsed() * m_rate / 1000);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    while (m_sent < due)
        emit event(eventAt(m_sent++), now);
    if (m_sent >= m_total) {
        m_timer.stop();
        emit finished();
    }
}

} // namespace bh::gui
