#pragma once

#include <QtGlobal>

#include <array>
#include <chrono>

namespace bh::hub {

// Event delivery latency, Prometheus-style: fixed upper bounds in seconds, a count per bucket
// (not cumulative; the exposition sums them), the sum and the count. A value type, part of
// HubStats. Delivery latency = from the watch event's arrival in the server
// (EncodedEvent::receivedAt, set by the Deriver in the turn the watch line is decoded) to the end of the socket write that hands its frame to the
// last client of the batch.
struct LatencyHistogram
{
    // Upper bounds ("le") in seconds; +Inf is the implicit last bucket.
    static constexpr std::array<double, 12> BoundsSeconds { 0.0005, 0.001, 0.0025, 0.005,
                                                            0.01,   0.025, 0.05,   0.1,
                                                            0.25,   0.5,   1.0,    2.5 };
    static constexpr std::size_t BucketCount = BoundsSeconds.size() + 1;

    std::array<quint64, BucketCount> buckets {}; // buckets[i]: observations <= bound i (and > i-1)
    double sumSeconds = 0;
    quint64 count = 0;

    void observe(std::chrono::nanoseconds latency)
    {
        const double seconds = std::chrono::duration<double>(latency).count();
        std::size_t i = 0;
        while (i < BoundsSeconds.size() && seconds > BoundsSeconds[i])
            ++i;
        ++buckets[i];
        sumSeconds += seconds;
        ++count;
    }
};

} // namespace bh::hub
