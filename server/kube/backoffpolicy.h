#pragma once

#include <chrono>

namespace bh::kube {

// Exponential backoff parameters (client-go's reflector values by default):
// delay(n) = min(max, initial * factor^n) * (1 + jitter * U[0,1)), and the sequence
// restarts at `initial` after `resetAfter` without a failure.
struct BackoffPolicy
{
    static constexpr std::chrono::milliseconds DefaultInitial { 800 };
    static constexpr std::chrono::milliseconds DefaultMax { 30'000 };
    static constexpr double DefaultFactor = 2.0;
    static constexpr double DefaultJitter = 0.2;
    static constexpr std::chrono::milliseconds DefaultResetAfter { 120'000 };

    std::chrono::milliseconds initial = DefaultInitial;
    std::chrono::milliseconds max = DefaultMax;
    double factor = DefaultFactor;
    double jitter = DefaultJitter;
    std::chrono::milliseconds resetAfter = DefaultResetAfter;
};

} // namespace bh::kube
