#pragma once

#include "protocol/event.h"

#include <QColor>
#include <QList>

namespace bh::gui {

// Colours shared by every view, so a type or phase looks the same in the feed, the
// instances table and the chart.
class EventStyle
{
public:
    // The event types an operator can toggle and chart (stream.resync is shown but not charted).
    static const QList<protocol::EventType> &chartedTypes();
    static QColor typeColor(protocol::EventType type);
    // Running green, Pending amber, Failed/Error red, Deleted grey, Succeeded blue, ...
    static QColor phaseColor(const QString &phase);
};

} // namespace bh::gui
