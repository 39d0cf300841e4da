#pragma once

#include <QtGlobal>

namespace bh::kube {

// Counters of one Reflector since construction.
struct ReflectorStats
{
    quint64 lists = 0; // completed (successful) lists, the first included
    quint64 relists = 0; // lists after the first
    quint64 watchRestarts = 0; // watches opened after the first of a list (resumed from an RV)
    quint64 gone410 = 0; // 410 Expired/Gone, as ERROR event or HTTP status
    quint64 errors = 0; // failed requests/streams that led to a backoff
    quint64 idleTimeouts = 0; // streams restarted by the idle watchdog
    quint64 events = 0; // ADDED/MODIFIED/DELETED delivered
    quint64 bookmarks = 0; // BOOKMARK events seen
};

} // namespace bh::kube
