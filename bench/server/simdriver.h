#pragma once

#include "epoll.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bh::bench {

// Writes pod changes to the Kubernetes simulator over one keep-alive, pipelined HTTP
// connection: each change is a merge-patch of pod "bench-<i % pods>" (a label bump), which
// the server turns into one instance.state frame per client. Stamps the send time of each
// change into sentAtMicros so the load client can match deliveries.
class SimDriver
{
public:
    static constexpr int MaxInFlight = 256; // pipelined requests awaiting a response

    SimDriver(Epoll &loop, int simPort, std::string ns, int pods,
              std::vector<std::int64_t> &sentAtMicros);
    ~SimDriver();

    // Creates the pods with blocking requests (not measured). Returns false on failure.
    bool createPods();
    // Sends changes due at `rate` per second since the last call of start(); rate <= 0 means
    // as fast as the in-flight window allows.
    void start(double rate);
    void pump();
    std::uint64_t sent() const { return m_sent; }
    std::uint64_t answered() const { return m_answered; }
    std::uint64_t failed() const { return m_failed; }

private:
    bool reconnect();
    void sendOne();
    void onEvent(std::uint32_t events);

    Epoll &m_loop;
    int m_port;
    std::string m_ns;
    int m_pods;
    std::vector<std::int64_t> &m_sentAt;
    int m_fd = -1;
    std::string m_out;
    std::string m_carry;
    double m_rate = 0;
    double m_startedAt = 0;
    std::uint64_t m_sentAtStart = 0;
    std::uint64_t m_sent = 0;
    std::uint64_t m_answered = 0;
    std::uint64_t m_failed = 0;
};

} // namespace bh::bench
