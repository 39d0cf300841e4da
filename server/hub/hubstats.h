#pragma once

#include "hub/latencyhistogram.h"
#include "protocol/event.h"

#include <QtGlobal>

#include <array>

namespace bh::hub {

// Counters of one WsHub (for /metrics and the benchmark). A value type, read via
// WsHub::stats().
struct HubStats
{
    // Indexed by protocol::EventType.
    static constexpr int EventTypeCount = 5;

    int connected = 0; // clients past the handshake, not yet disconnected
    int handshaking = 0; // sockets accepted, handshake not yet complete
    quint64 accepted = 0; // handshakes completed
    quint64 disconnected = 0; // clients gone (any reason)
    quint64 rejected = 0; // accept() refused (limit, bad filter) or handshake failed
    quint64 handshakeTimeouts = 0;
    quint64 slowConsumerCloses = 0; // buffer cap or write deadline (1008 "slow consumer")
    quint64 pingTimeouts = 0; // no pong within an interval
    quint64 oversizedCloses = 0; // client sent a too-large message (1009)
    quint64 eventsBroadcast = 0; // broadcast() calls
    quint64 replayEvents = 0; // synthetic events written as initial replays
    quint64 framesSent = 0; // event frames queued to clients (replay + live)
    quint64 bytesSent = 0; // bytes of those frames
    quint64 batchesFlushed = 0; // coalesced flushes (one socket write per client each)
    std::array<quint64, EventTypeCount> sentByType {}; // frames per protocol::EventType
    // Live events only (replays are not deliveries of a cluster change).
    LatencyHistogram deliveryLatency;

    quint64 sent(protocol::EventType type) const
    {
        return sentByType[static_cast<std::size_t>(type)];
    }
};

} // namespace bh::hub
