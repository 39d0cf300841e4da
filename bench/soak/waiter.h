#pragma once

#include <chrono>
#include <functional>

namespace bh::soak {

// Runs the event loop until `done()` is true or the deadline passes; returns done()'s last
// value. The condition is checked after every batch of events and at least every
// PollInterval (a timer wakes the loop), so waiting never sleeps blindly.
bool waitUntil(const std::function<bool()> &done, std::chrono::milliseconds timeout);

// The wake-up period of waitUntil() (default 20 ms).
inline constexpr std::chrono::milliseconds PollInterval { 20 };

} // namespace bh::soak
