#pragma once

#include "protocol/event.h"

#include <QByteArray>

#include <chrono>

namespace bh::events {

// One derived event, encoded once (PROTOCOL A.3) and shared by every client that gets it.
// `event` keeps the fields the hub filters on (type, tenantId, workloadRef: PROTOCOL B.2);
// `json` is the exact frame for part-A clients. `seq` is the event's position in the
// server's event sequence (PROTOCOL B.1; 0 for synthetic replay events). `receivedAt` is when
// the watch event that caused it reached the server (steady clock; default-constructed for
// synthetic replay events): the start of the delivery latency the hub measures.
struct EncodedEvent
{
    protocol::Event event;
    QByteArray json;
    quint64 seq = 0;
    std::chrono::steady_clock::time_point receivedAt {};

    static EncodedEvent fromEvent(protocol::Event e, quint64 seq = 0)
    {
        EncodedEvent out;
        out.json = protocol::encodeEvent(e);
        out.event = std::move(e);
        out.seq = seq;
        return out;
    }
};

} // namespace bh::events
