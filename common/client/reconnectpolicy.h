#pragma once

#include <chrono>

namespace bh::client {

// Exponential reconnect backoff as a value type: attempt 0 waits initialDelay, each further
// attempt multiplies by `multiplier`, capped at maxDelay. The client resets the attempt count
// once it is Live again. No jitter: one inspector per operator does not need it, and tests
// can check exact delays.
struct ReconnectPolicy
{
    static constexpr std::chrono::milliseconds kDefaultInitialDelay { 1000 }; // 1 s
    static constexpr std::chrono::milliseconds kDefaultMaxDelay { 30000 }; // 30 s
    static constexpr double kDefaultMultiplier = 2.0;

    std::chrono::milliseconds initialDelay = kDefaultInitialDelay;
    std::chrono::milliseconds maxDelay = kDefaultMaxDelay;
    double multiplier = kDefaultMultiplier;

    // Delay before reconnect attempt `attempt` (0-based). Always within
    // [min(initialDelay, maxDelay), maxDelay]; negative attempts count as 0. Never overflows.
    std::chrono::milliseconds delayForAttempt(int attempt) const;

    // False when a delay is negative, maxDelay < initialDelay or multiplier < 1.
    bool isValid() const;

    bool operator==(const ReconnectPolicy &o) const
    {
        return initialDelay == o.initialDelay && maxDelay == o.maxDelay
            && multiplier == o.multiplier;
    }
    bool operator!=(const ReconnectPolicy &o) const { return !(*this == o); }
};

} // namespace bh::client
