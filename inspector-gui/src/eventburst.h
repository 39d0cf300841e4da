#pragma once

#include "protocol/event.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace bh::gui {

// A load generator for benchmarks and tests of the window: emits `total` events at
// `eventsPerSecond`, paced by elapsed time (so a slow loop gets bigger batches, as a socket
// would deliver them), in a cluster-like mix: pool pods created, Running, ready, claimed by a
// tenant, released and (every other one) deleted, over a fixed set of pod names.
class EventBurst : public QObject
{
    Q_OBJECT
public:
    // Pacing timer: 10 ms.
    static constexpr int kTickMs = 10;
    // Distinct pod names cycled through: 500.
    static constexpr int kPodNames = 500;

    EventBurst(int eventsPerSecond, int total, QObject *parent = nullptr);

    void start();
    int sent() const { return m_sent; }
    bool isFinished() const { return m_sent >= m_total; }
    // Builds the i-th event of the sequence (deterministic).
    static protocol::Event eventAt(int i);

signals:
    void event(const bh::protocol::Event &event, const QDateTime &receivedAt);
    void finished();

private:
    void tick();

    QTimer m_timer;
    QElapsedTimer m_clock;
    int m_rate;
    int m_total;
    int m_sent = 0;
};

} // namespace bh::gui
