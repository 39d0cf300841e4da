#pragma once

#include <QString>

namespace bh::soak {

// The faults the soak injects (issue 6), one per kind of trouble a real deployment meets.
enum class FaultKind {
    CloseWatches, // the apiserver ends every watch cleanly (POST /_sim/close-watches)
    Gone410Event, // compaction + closed watches: the re-watch gets HTTP 200 + ERROR 410
    Gone410Http, // the same with the simulator in --gone-as-http mode: HTTP 410
    ServerErrors, // the next 1–3 apiserver requests answer 500, watches closed to hit them
    Stall, // the apiserver accepts but answers nothing for 0.3–2.5 s
    ConnectionReset, // every apiserver connection aborted (POST /_sim/restart)
    SimulatorRestart, // the simulator process stopped (SIGTERM or SIGKILL) and started again
    ServerRestart, // boilerhouse-server SIGTERM, restarted on the same port
    SlowClient, // a raw client stops reading during a burst of events
    ClientCut, // one client's network cut (it resumes with ?since= when it can)
    ClientReconnect, // one client disconnects and connects again (new snapshot)
};
inline constexpr int FaultKindCount = int(FaultKind::ClientReconnect) + 1;

QString faultName(FaultKind kind);

} // namespace bh::soak
