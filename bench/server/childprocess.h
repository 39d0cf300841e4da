#pragma once

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace bh::bench {

// A program the benchmark starts (simulator, server): spawned with fork/exec, its stdout
// read until the "listening on <url>" line, its CPU time and RSS read from /proc.
class ChildProcess
{
public:
    ChildProcess() = default;
    ChildProcess(const ChildProcess &) = delete;
    ChildProcess &operator=(const ChildProcess &) = delete;
    ~ChildProcess();

    // Starts argv[0] with the given arguments and extra environment ("K=V"); waits up to
    // timeoutMs for a stdout line starting with "listening on ". Returns false on failure.
    bool start(const std::vector<std::string> &argv, const std::vector<std::string> &env,
               int timeoutMs);
    void stop(); // SIGTERM, then SIGKILL after 3 s
    pid_t pid() const { return m_pid; }
    const std::string &url() const { return m_url; } // e.g. http://127.0.0.1:40000
    int port() const;

    // user+system CPU seconds consumed so far, and resident memory in KiB.
    double cpuSeconds() const;
    long rssKiB() const;

private:
    pid_t m_pid = -1;
    int m_stdout = -1;
    std::string m_url;
};

double selfCpuSeconds();
long selfRssKiB();
double monotonicSeconds();
std::int64_t monotonicMicros();

} // namespace bh::bench
