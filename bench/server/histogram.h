#pragma once

#include <array>
#include <cstdint>

namespace bh::bench {

// Latency histogram with 1 µs buckets up to 100 ms, then an overflow bucket.
// Fixed memory (800 KiB), O(1) record; percentiles by a scan at report time.
class Histogram
{
public:
    static constexpr std::int64_t MaxMicros = 100'000;

    void record(std::int64_t micros)
    {
        if (micros < 0)
            micros = 0;
        ++m_count;
        if (micros > m_max)
            m_max = micros;
        if (micros >= MaxMicros)
            ++m_overflow;
        else
            ++m_buckets[static_cast<std::size_t>(micros)];
    }
    std::uint64_t count() const { return m_count; }
    std::int64_t maxMicros() const { return m_max; }
    // Percentile in µs (p in 0..100); returns MaxMicros when it falls in the overflow.
    std::int64_t percentile(double p) const
    {
        if (m_count == 0)
            return 0;
        const auto target = static_cast<std::uint64_t>(p / 100.0 * static_cast<double>(m_count));
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < m_buckets.size(); ++i) {
            seen += m_buckets[i];
            if (seen > target)
                return static_cast<std::int64_t>(i);
        }
        return m_max;
    }
    void reset() { *this = Histogram(); }

private:
    std::array<std::uint32_t, MaxMicros> m_buckets {};
    std::uint64_t m_count = 0;
    std::uint64_t m_overflow = 0;
    std::int64_t m_max = 0;
};

} // namespace bh::bench
