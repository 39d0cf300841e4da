#include "ratechart.h"

#include "eventratetracker.h"
#include "eventstyle.h"

#include <QChart>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace bh::gui {

RateChart::RateChart(const EventRateTracker *tracker, QWidget *parent)
    : QChartView(new QChart, parent) // owned by the view (the default ctor's chart would leak)
    , m_tracker(tracker)
{
    QChart *chart = this->chart();
    chart->setTitle(tr("Events per second (last %1 min)").arg(tracker->windowSeconds() / 60));
    chart->legend()->setAlignment(Qt::AlignBottom);
    QFont legendFont = chart->legend()->font();
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.85); // four type names fit a narrow pane
    chart->legend()->setFont(legendFont);
    chart->setMargins(QMargins(4, 4, 4, 4));
    m_xAxis = new QDateTimeAxis(chart);
    m_xAxis->setFormat(QStringLiteral("HH:mm"));
    m_xAxis->setTickCount(6);
    m_yAxis = new QValueAxis(chart);
    m_yAxis->setLabelFormat(QStringLiteral("%d"));
    m_yAxis->setMin(0);
    chart->addAxis(m_xAxis, Qt::AlignBottom);
    chart->addAxis(m_yAxis, Qt::AlignLeft);
    for (protocol::EventType type : EventStyle::chartedTypes()) {
        auto *line = new QLineSeries(chart);
        line->setName(protocol::eventTypeName(type));
        QPen pen(EventStyle::typeColor(type));
        pen.setWidthF(1.5);
        line->setPen(pen);
        chart->addSeries(line);
        line->attachAxis(m_xAxis);
        line->attachAxis(m_yAxis);
        m_series.insert(int(type), line);
    }
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(160);

    m_timer.setInterval(kRefreshIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &RateChart::refresh);
    m_timer.start();
    refresh();
}

void RateChart::refresh()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    double top = 0;
    for (auto it = m_series.cbegin(); it != m_series.cend(); ++it) {
        const QList<QPointF> points = m_tracker->series(protocol::EventType(it.key()), now);
        for (const QPointF &p : points)
            top = std::max(top, p.y());
        it.value()->replace(points);
    }
    const qint64 end = (now / 1000) * 1000;
    m_xAxis->setRange(
        QDateTime::fromMSecsSinceEpoch(end - qint64(m_tracker->windowSeconds()) * 1000),
        QDateTime::fromMSecsSinceEpoch(end));
    // A round upper bound with some headroom; at least 5 so an idle chart still has a scale.
    const double step = std::pow(10.0, std::floor(std::log10(std::max(top, 1.0))));
    m_yAxis->setRange(0, std::max(5.0, std::ceil(top * 1.15 / step) * step));
    m_yAxis->applyNiceNumbers();
}

} // namespace bh::gui
