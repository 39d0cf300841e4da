#include "rawbroadcaster.h"

#include <arpa/inet.h>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <string>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace bh::bench {

namespace {
[[noreturn]] void runBroadcaster(int listenFd, int clients)
{
    const std::string payload = "{\"type\":\"instance.state\",\"name\":\"bench-123\",\"phase\":"
                                "\"Running\",\"workloadRef\":\"bench\",\"tenantId\":\"t23\"}";
    std::string frame;
    frame += static_cast<char>(0x81);
    frame += static_cast<char>(payload.size());
    frame += payload;
    // Like the server, coalesce: one send() carries FramesPerWrite frames.
    std::string batch;
    for (int i = 0; i < RawBroadcaster::FramesPerWrite; ++i)
        batch += frame;
    static const char reply[] = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                "Connection: Upgrade\r\n"
                                "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    std::vector<int> open;
    while (static_cast<int>(open.size()) < clients) {
        const int fd = accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        std::string head;
        char buf[4096];
        while (head.find("\r\n\r\n") == std::string::npos) {
            const ssize_t n = read(fd, buf, sizeof buf);
            if (n <= 0)
                break;
            head.append(buf, static_cast<std::size_t>(n));
        }
        if (write(fd, reply, sizeof reply - 1) < 0) {
            close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        open.push_back(fd);
    }
    for (;;) {
        for (const int fd : open)
            send(fd, batch.data(), batch.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
}
} // namespace

RawBroadcaster::~RawBroadcaster()
{
    stop();
}

bool RawBroadcaster::start(int clients)
{
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || listen(fd, 4096) != 0) {
        close(fd);
        return false;
    }
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len);
    m_port = ntohs(addr.sin_port);
    m_pid = fork();
    if (m_pid == 0)
        runBroadcaster(fd, clients);
    close(fd);
    return m_pid > 0;
}

void RawBroadcaster::stop()
{
    if (m_pid > 0) {
        kill(m_pid, SIGKILL);
        waitpid(m_pid, nullptr, 0);
        m_pid = -1;
    }
}

} // namespace bh::bench
