#include "epoll.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace bh::bench {

Epoll::Epoll()
    : m_fd(epoll_create1(EPOLL_CLOEXEC))
{
}

Epoll::~Epoll()
{
    close(m_fd);
}

void Epoll::add(int fd, std::uint32_t events, Handler handler)
{
    m_handlers[fd] = std::move(handler);
    epoll_event ev {};
    ev.events = events;
    ev.data.fd = fd;
    epoll_ctl(m_fd, EPOLL_CTL_ADD, fd, &ev);
}

void Epoll::modify(int fd, std::uint32_t events)
{
    epoll_event ev {};
    ev.events = events;
    ev.data.fd = fd;
    epoll_ctl(m_fd, EPOLL_CTL_MOD, fd, &ev);
}

void Epoll::remove(int fd)
{
    epoll_ctl(m_fd, EPOLL_CTL_DEL, fd, nullptr);
    m_handlers.erase(fd);
}

int Epoll::run(int timeoutMs)
{
    epoll_event events[256];
    const int n = epoll_wait(m_fd, events, 256, timeoutMs);
    for (int i = 0; i < n; ++i) {
        auto it = m_handlers.find(events[i].data.fd);
        if (it != m_handlers.end()) {
            auto handler = it->second; // the handler may remove itself
            handler(events[i].events);
        }
    }
    return n < 0 ? 0 : n;
}

int connectLoopback(int port)
{
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    return fd;
}

int httpRequest(int port, const std::string &method, const std::string &path,
                const std::string &body, std::string *responseBody, int timeoutMs)
{
    const int fd = connectLoopback(port);
    if (fd < 0)
        return -1;
    std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!body.empty())
        req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size())
            + "\r\n";
    req += "\r\n" + body;
    std::size_t sent = 0;
    std::string response;
    int waited = 0;
    while (waited < timeoutMs) {
        pollfd p { fd, static_cast<short>(POLLIN | (sent < req.size() ? POLLOUT : 0)), 0 };
        if (poll(&p, 1, 50) <= 0) {
            waited += 50;
            continue;
        }
        if ((p.revents & POLLOUT) && sent < req.size()) {
            const ssize_t n = send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
            if (n > 0)
                sent += static_cast<std::size_t>(n);
        }
        if (p.revents & (POLLIN | POLLHUP)) {
            char buf[65536];
            const ssize_t n = read(fd, buf, sizeof buf);
            if (n <= 0)
                break;
            response.append(buf, static_cast<std::size_t>(n));
        }
    }
    close(fd);
    if (response.compare(0, 9, "HTTP/1.1 ") != 0)
        return -1;
    const int status = std::atoi(response.c_str() + 9);
    if (responseBody) {
        const auto at = response.find("\r\n\r\n");
        *responseBody = at == std::string::npos ? std::string() : response.substr(at + 4);
        // De-chunk a chunked body (good enough for small JSON replies).
        if (response.find("Transfer-Encoding: chunked") != std::string::npos
            || response.find("transfer-encoding: chunked") != std::string::npos) {
            std::string plain;
            std::size_t pos = 0;
            const std::string &b = *responseBody;
            while (pos < b.size()) {
                const auto eol = b.find("\r\n", pos);
                if (eol == std::string::npos)
                    break;
                const auto len = std::stoul(b.substr(pos, eol - pos), nullptr, 16);
                if (len == 0)
                    break;
                plain += b.substr(eol + 2, len);
                pos = eol + 2 + len + 2;
            }
            *responseBody = plain;
        }
    }
    return status;
}

} // namespace bh::bench
