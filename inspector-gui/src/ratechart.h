#pragma once

#include "protocol/event.h"

#include <QChartView>
#include <QHash>
#include <QTimer>

class QDateTimeAxis;
class QLineSeries;
class QValueAxis;

namespace bh::gui {

class EventRateTracker;

// Events per second by type over the tracker's window, redrawn once a second.
class RateChart : public QChartView
{
    Q_OBJECT
public:
    // Redraw period: once a second, the chart's resolution.
    static constexpr int kRefreshIntervalMs = 1000;

    explicit RateChart(const EventRateTracker *tracker, QWidget *parent = nullptr);

    // Redraws from the tracker now (also called by the timer).
    void refresh();
    QLineSeries *series(protocol::EventType type) const { return m_series.value(int(type)); }

private:
    const EventRateTracker *m_tracker;
    QHash<int, QLineSeries *> m_series;
    QDateTimeAxis *m_xAxis = nullptr;
    QValueAxis *m_yAxis = nullptr;
    QTimer m_timer;
};

} // namespace bh::gui
