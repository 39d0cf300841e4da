#include "stallprobe.h"

#include <algorithm>

namespace bh::gui {

StallProbe::StallProbe(QObject *parent)
    : QObject(parent)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &StallProbe::tick);
}

void StallProbe::start(int intervalMs)
{
    m_maxStallNs = 0;
    m_ticks = 0;
    m_timer.setInterval(intervalMs);
    m_clock.start();
    m_lastNs = 0;
    m_timer.start();
}

void StallProbe::stop()
{
    m_timer.stop();
}

void StallProbe::tick()
{
    const qint64 now = m_clock.nsecsElapsed();
    const qint64 periodNs = qint64(m_timer.interval()) * 1'000'000;
    m_maxStallNs = std::max(m_maxStallNs, now - m_lastNs - periodNs);
    m_lastNs = now;
    ++m_ticks;
}

} // namespace bh::gui
