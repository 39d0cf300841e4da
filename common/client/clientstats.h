#pragma once

#include <QDateTime>

namespace bh::client {

// Counters of one BoilerhouseClient since it was created (a value type, read with
// BoilerhouseClient::stats()).
struct ClientStats
{
    quint64 eventsReceived = 0; // decoded /ws events, stream.resync included
    quint64 badFrames = 0; // frames decodeEvent() rejected
    quint64 snapshots = 0; // successful snapshots (each one resets the store)
    quint64 reconnects = 0; // reconnect attempts after a lost or failed connection
    quint64 gaplessResumes = 0; // reconnects that resumed with ?since= (no snapshot)
    quint64 resyncs = 0; // stream.resync frames (each leads to a snapshot)
    quint64 sequenceGaps = 0; // a "seq" that was not the previous + 1 (leads to a snapshot)
    QDateTime connectedSince; // when the current Live period began; invalid when not Live
    QDateTime lastEventAt; // receive time of the last event
};

} // namespace bh::client
