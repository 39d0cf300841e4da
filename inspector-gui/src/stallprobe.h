#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace bh::gui {

// Measures how responsive the event loop is: a short periodic timer notes the time between
// its ticks; the longest gap minus the period is the worst stall (the time the loop could not
// serve a timer, a paint or a key press). Two views of the same gap:
// - wall stall: what a user sees, including time the OS gave the CPU to other processes;
// - busy stall: the CPU time this thread spent inside the gap, i.e. the part caused by work
//   done on the event loop (independent of how loaded the machine is).
class StallProbe : public QObject
{
    Q_OBJECT
public:
    // Probe period: 5 ms (a finer timer would mostly measure the timer itself).
    static constexpr int kDefaultIntervalMs = 5;

    explicit StallProbe(QObject *parent = nullptr);

    void start(int intervalMs = kDefaultIntervalMs);
    void stop();
    // Longest time between two ticks beyond the period, in ms, since start().
    double maxStallMs() const { return m_maxStallNs / 1e6; }
    // Largest CPU time of this thread between two ticks beyond the period, in ms.
    double maxBusyMs() const { return m_maxBusyNs / 1e6; }
    quint64 ticks() const { return m_ticks; }

private:
    void tick();

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    qint64 m_lastCpuNs = 0;
    qint64 m_maxStallNs = 0;
    qint64 m_maxBusyNs = 0;
    quint64 m_ticks = 0;
};

} // namespace bh::gui
