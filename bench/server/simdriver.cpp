#include "simdriver.h"

#include "childprocess.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace bh::bench {

SimDriver::SimDriver(Epoll &loop, int simPort, std::string ns, int pods,
                     std::vector<std::int64_t> &sentAtMicros)
    : m_loop(loop)
    , m_port(simPort)
    , m_ns(std::move(ns))
    , m_pods(pods)
    , m_sentAt(sentAtMicros)
{
    m_sentAt.assign(static_cast<std::size_t>(pods), 0);
}

SimDriver::~SimDriver()
{
    if (m_fd >= 0) {
        m_loop.remove(m_fd);
        close(m_fd);
    }
}

bool SimDriver::createPods()
{
    for (int i = 0; i < m_pods; ++i) {
        const std::string body = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"bench-"
            + std::to_string(i)
            + "\",\"labels\":{\"boilerhouse.dev/managed\":\"true\",\"boilerhouse.dev/workload\":"
              "\"bench\",\"boilerhouse.dev/tenant\":\"t"
            + std::to_string(i % 50)
            + "\"}},\"spec\":{\"containers\":[{\"name\":\"agent\",\"image\":\"agent:1\"}]},"
              "\"status\":{\"phase\":\"Running\",\"podIP\":\"10.0.0.1\"}}";
        const int status = httpRequest(m_port, "POST", "/api/v1/namespaces/" + m_ns + "/pods",
                                       body, nullptr);
        if (status != 201 && status != 200 && status != 409) {
            std::fprintf(stderr, "bench: creating pod bench-%d failed: HTTP %d\n", i, status);
            return false;
        }
    }
    return reconnect();
}

// A fresh keep-alive connection: the previous one may have been closed by the simulator's
// idle timeout while clients connected and drained their replays (the patches of a run on a
// dead connection were silently lost: 256 in flight, then nothing). Requests still
// unanswered on the old connection are given up.
bool SimDriver::reconnect()
{
    if (m_fd >= 0) {
        m_loop.remove(m_fd);
        close(m_fd);
    }
    m_out.clear();
    m_carry.clear();
    m_answered = m_sent;
    m_fd = connectLoopback(m_port);
    if (m_fd < 0)
        return false;
    m_loop.add(m_fd, EPOLLIN, [this](std::uint32_t ev) { onEvent(ev); });
    return true;
}

void SimDriver::start(double rate)
{
    if (!reconnect())
        std::fprintf(stderr, "bench: cannot reconnect to the simulator\n");
    m_rate = rate;
    m_startedAt = monotonicSeconds();
    m_sentAtStart = m_sent;
}

void SimDriver::pump()
{
    if (m_fd < 0)
        return;
    std::uint64_t due;
    if (m_rate > 0)
        due = m_sentAtStart
            + static_cast<std::uint64_t>((monotonicSeconds() - m_startedAt) * m_rate);
    else
        due = m_answered + MaxInFlight;
    while (m_sent < due && m_sent - m_answered < static_cast<std::uint64_t>(MaxInFlight))
        sendOne();
    if (!m_out.empty()) {
        const ssize_t n = send(m_fd, m_out.data(), m_out.size(), MSG_NOSIGNAL);
        if (n > 0)
            m_out.erase(0, static_cast<std::size_t>(n));
        m_loop.modify(m_fd, m_out.empty() ? EPOLLIN : (EPOLLIN | EPOLLOUT));
    }
}

void SimDriver::sendOne()
{
    const int pod = static_cast<int>(m_sent % static_cast<std::uint64_t>(m_pods));
    const std::string body = "{\"metadata\":{\"labels\":{\"bench/seq\":\"" + std::to_string(m_sent)
        + "\"}}}";
    m_out += "PATCH /api/v1/namespaces/" + m_ns + "/pods/bench-" + std::to_string(pod)
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/merge-patch+json\r\n"
          "Content-Length: "
        + std::to_string(body.size()) + "\r\n\r\n" + body;
    m_sentAt[static_cast<std::size_t>(pod)] = monotonicMicros();
    ++m_sent;
}

void SimDriver::onEvent(std::uint32_t events)
{
    if (events & EPOLLOUT)
        pump();
    if (!(events & (EPOLLIN | EPOLLHUP)))
        return;
    char buf[65536];
    for (;;) {
        const ssize_t n = read(m_fd, buf, sizeof buf);
        if (n <= 0)
            break;
        // Count status lines; keep a small tail so a line split across reads is seen once.
        std::string chunk = m_carry;
        chunk.append(buf, static_cast<std::size_t>(n));
        std::size_t pos = 0;
        std::size_t consumed = 0;
        while ((pos = chunk.find("HTTP/1.1 ", pos)) != std::string::npos) {
            if (pos + 12 > chunk.size())
                break; // incomplete status line: carried over below
            ++m_answered;
            if (chunk[pos + 9] != '2')
                ++m_failed;
            pos += 12;
            consumed = pos;
        }
        std::size_t from = std::max(consumed, chunk.size() >= 11 ? chunk.size() - 11 : 0);
        if (pos != std::string::npos && pos < from)
            from = pos;
        m_carry = chunk.substr(from);
    }
}

} // namespace bh::bench
