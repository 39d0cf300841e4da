#include "faultkind.h"

namespace bh::soak {

QString faultName(FaultKind kind)
{
    switch (kind) {
    case FaultKind::CloseWatches:
        return QStringLiteral("closed watches");
    case FaultKind::Gone410Event:
        return QStringLiteral("compaction, 410 as ERROR event");
    case FaultKind::Gone410Http:
        return QStringLiteral("compaction, 410 as HTTP status");
    case FaultKind::ServerErrors:
        return QStringLiteral("apiserver 500s");
    case FaultKind::Stall:
        return QStringLiteral("apiserver stall");
    case FaultKind::ConnectionReset:
        return QStringLiteral("apiserver connections reset");
    case FaultKind::SimulatorRestart:
        return QStringLiteral("simulator restart");
    case FaultKind::ServerRestart:
        return QStringLiteral("server restart");
    case FaultKind::SlowClient:
        return QStringLiteral("slow client");
    case FaultKind::ClientCut:
        return QStringLiteral("client network cut");
    case FaultKind::ClientReconnect:
        return QStringLiteral("client reconnect");
    }
    return QStringLiteral("?");
}

} // namespace bh::soak
