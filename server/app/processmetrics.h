#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace bh::app {

// The standard process_* metrics of the Prometheus clients, read from /proc like the Go
// client's process collector: /proc/self/stat (CPU, RSS, virtual size, start time),
// /proc/stat (boot time), /proc/self/fd (open descriptors), getrlimit(RLIMIT_NOFILE).
// A value type; read() takes one sample.
struct ProcessMetrics
{
    double cpuSeconds = 0; // user + system
    double residentMemoryBytes = 0;
    double virtualMemoryBytes = 0;
    double startTimeSeconds = 0; // since the Unix epoch
    double openFds = 0;
    double maxFds = 0; // soft limit (RLIMIT_NOFILE)

    // One sample of this process; std::nullopt (+ *error) when /proc cannot be read.
    static std::optional<ProcessMetrics> read(QString *error = nullptr);
    // The parsing half, for tests: the contents of /proc/<pid>/stat and of /proc/stat.
    static std::optional<ProcessMetrics> parse(const QByteArray &procSelfStat,
                                               const QByteArray &procStat, long ticksPerSecond,
                                               long pageSize, QString *error = nullptr);
};

} // namespace bh::app
