#pragma once

#include "events/encodedevent.h"
#include "hub/filter.h"

#include <QList>

#include <functional>

namespace bh::hub {

// What one client asked for, decided by the /ws route before the upgrade. A value type.
struct ClientOptions
{
    // PROTOCOL B.2 filter, applied to the replay and to live events.
    Filter filter;
    // PROTOCOL B.1: the client connected with ?since=, so every event frame carries
    // ,"seq":N (protocol::withSeq) — live events use EncodedEvent::seq.
    bool includeSeq = false;
    // Replaces the hub's replay provider for this client (B.1: the history after the cursor,
    // or a stream.resync event). Called at handshake completion, in the same event-loop turn
    // as the client becomes a broadcast target. Unset: the hub's provider.
    std::function<QList<events::EncodedEvent>()> replay;
    // Sec-WebSocket-Protocol to answer with (B.3: the bearer subprotocol a browser offered
    // is echoed, as the kube-apiserver does); empty: none.
    QByteArray subprotocol;
};

} // namespace bh::hub
