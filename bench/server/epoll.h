#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

namespace bh::bench {

// A minimal epoll loop: the load client and the simulator driver share one so the
// benchmark's own cost stays one thread, no Qt, no allocations per frame.
class Epoll
{
public:
    using Handler = std::function<void(std::uint32_t events)>;
    Epoll();
    ~Epoll();
    Epoll(const Epoll &) = delete;
    Epoll &operator=(const Epoll &) = delete;

    void add(int fd, std::uint32_t events, Handler handler);
    void modify(int fd, std::uint32_t events);
    void remove(int fd);
    // Waits up to timeoutMs and dispatches ready handlers. Returns the number dispatched.
    int run(int timeoutMs);

private:
    int m_fd;
    std::unordered_map<int, Handler> m_handlers;
};

// Connects a non-blocking TCP socket to 127.0.0.1:port (connect may still be in progress).
int connectLoopback(int port);
// Reads "HTTP/1.1 <status>" + body of a blocking request on a fresh connection.
int httpRequest(int port, const std::string &method, const std::string &path,
                const std::string &body, std::string *responseBody, int timeoutMs = 10000);

} // namespace bh::bench
