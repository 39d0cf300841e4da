#include "stallprobe.h"

#include <algorithm>

#include <time.h>

namespace bh::gui {

namespace {
qint64 threadCpuNs()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}
} // namespace

StallProbe::StallProbe(QObject *parent)
    : QObject(parent)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &StallProbe::tick);
}

void StallProbe::start(int intervalMs)
{
    m_maxStallNs = 0;
    m_maxBusyNs = 0;
    m_ticks = 0;
    m_lastCpuNs = threadCpuNs();
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
    const qint64 cpu = threadCpuNs();
    m_maxStallNs = std::max(m_maxStallNs, now - m_lastNs - periodNs);
    m_maxBusyNs = std::max(m_maxBusyNs, cpu - m_lastCpuNs - periodNs);
    m_lastNs = now;
    m_lastCpuNs = cpu;
    ++m_ticks;
}

} // namespace bh::gui
