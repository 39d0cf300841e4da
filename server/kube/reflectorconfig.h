#pragma once

#include "kube/backoffpolicy.h"

#include <chrono>

namespace bh::kube {

// Tunables of a Reflector (value type; tests shrink the times).
struct ReflectorConfig
{
    // Items per list page (limit=N, then continue=TOKEN).
    static constexpr int DefaultPageSize = 500;
    // Watch timeoutSeconds is drawn uniformly from [min, max] (client-go: 300..600 s).
    static constexpr std::chrono::seconds DefaultWatchTimeoutMin { 300 };
    static constexpr std::chrono::seconds DefaultWatchTimeoutMax { 600 };
    // A watch that delivered no bytes for (its timeoutSeconds + this grace) is restarted:
    // the server should have ended it cleanly by then.
    static constexpr std::chrono::milliseconds DefaultIdleGrace { 30'000 };
    // A watch that ends normally sooner than this without any event counts as an error
    // (client-go's "very short watch") and backs off.
    static constexpr std::chrono::milliseconds DefaultMinWatchDuration { 1'000 };

    int pageSize = DefaultPageSize;
    std::chrono::seconds watchTimeoutMin = DefaultWatchTimeoutMin;
    std::chrono::seconds watchTimeoutMax = DefaultWatchTimeoutMax;
    std::chrono::milliseconds idleGrace = DefaultIdleGrace;
    // If non-zero, the idle watchdog uses this instead of timeoutSeconds + idleGrace.
    std::chrono::milliseconds idleTimeout { 0 };
    std::chrono::milliseconds minWatchDuration = DefaultMinWatchDuration;
    BackoffPolicy backoff;
};

} // namespace bh::kube
