#include "wsloadclient.h"

#include "childprocess.h"

#include <cstring>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace bh::bench {

WsLoadClient::WsLoadClient(Epoll &loop, int port, std::string pathAndQuery)
    : m_loop(loop)
    , m_port(port)
{
    m_request = "GET " + pathAndQuery
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
}

WsLoadClient::~WsLoadClient()
{
    closeAll();
}

void WsLoadClient::connectClients(int count)
{
    const std::size_t first = m_conns.size();
    m_conns.resize(first + static_cast<std::size_t>(count));
    for (std::size_t i = first; i < m_conns.size(); ++i) {
        Conn &c = m_conns[i];
        c.fd = connectLoopback(m_port);
        if (c.fd < 0) {
            c.state = Conn::State::Closed;
            ++m_closed;
            continue;
        }
        m_loop.add(c.fd, EPOLLOUT | EPOLLIN, [this, i](std::uint32_t ev) { onEvent(i, ev); });
    }
}

void WsLoadClient::resetCounters()
{
    m_frames = 0;
    m_bytes = 0;
    latency.reset();
    firstLatency.reset();
}

void WsLoadClient::closeAll()
{
    for (Conn &c : m_conns) {
        if (c.fd >= 0) {
            m_loop.remove(c.fd);
            close(c.fd);
            c.fd = -1;
        }
    }
    m_conns.clear();
    m_open = 0;
}

void WsLoadClient::closeConn(Conn &c)
{
    if (c.state == Conn::State::Open)
        --m_open;
    if (c.state != Conn::State::Closed)
        ++m_closed;
    c.state = Conn::State::Closed;
    if (c.fd >= 0) {
        m_loop.remove(c.fd);
        close(c.fd);
        c.fd = -1;
    }
    std::string().swap(c.pending);
}

void WsLoadClient::onEvent(std::size_t index, std::uint32_t events)
{
    Conn &c = m_conns[index];
    if (c.state == Conn::State::Connecting && (events & EPOLLOUT)) {
        if (send(c.fd, m_request.data(), m_request.size(), MSG_NOSIGNAL)
            != static_cast<ssize_t>(m_request.size())) {
            closeConn(c);
            return;
        }
        c.state = Conn::State::Handshaking;
        m_loop.modify(c.fd, EPOLLIN);
    }
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        static char buf[256 * 1024];
        for (;;) {
            const ssize_t n = read(c.fd, buf, sizeof buf);
            if (n > 0) {
                m_bytes += static_cast<std::uint64_t>(n);
                onData(c, buf, static_cast<std::size_t>(n));
                if (c.state == Conn::State::Closed)
                    return;
                if (static_cast<std::size_t>(n) < sizeof buf)
                    return;
                continue;
            }
            if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
                closeConn(c);
            return;
        }
    }
}

void WsLoadClient::onData(Conn &c, const char *data, std::size_t size)
{
    if (c.state == Conn::State::Handshaking) {
        c.pending.append(data, size);
        const auto end = c.pending.find("\r\n\r\n");
        if (end == std::string::npos)
            return;
        if (c.pending.compare(0, 12, "HTTP/1.1 101") != 0) {
            closeConn(c);
            return;
        }
        c.state = Conn::State::Open;
        ++m_open;
        std::string rest = c.pending.substr(end + 4);
        c.pending.clear();
        if (!rest.empty())
            onData(c, rest.data(), rest.size());
        return;
    }
    if (!c.pending.empty()) {
        c.pending.append(data, size);
        std::string all;
        all.swap(c.pending);
        const std::size_t used = parseFrames(c, all.data(), all.size());
        if (c.state != Conn::State::Closed && used < all.size())
            c.pending.assign(all, used, std::string::npos);
        return;
    }
    const std::size_t used = parseFrames(c, data, size);
    if (c.state != Conn::State::Closed && used < size)
        c.pending.assign(data + used, size - used);
}

std::size_t WsLoadClient::parseFrames(Conn &c, const char *data, std::size_t size)
{
    std::size_t pos = 0;
    while (size - pos >= 2) {
        const auto b0 = static_cast<unsigned char>(data[pos]);
        const auto b1 = static_cast<unsigned char>(data[pos + 1]);
        std::size_t header = 2;
        std::uint64_t len = b1 & 0x7f;
        if (len == 126) {
            if (size - pos < 4)
                break;
            len = (static_cast<unsigned char>(data[pos + 2]) << 8)
                | static_cast<unsigned char>(data[pos + 3]);
            header = 4;
        } else if (len == 127) {
            if (size - pos < 10)
                break;
            len = 0;
            for (int i = 0; i < 8; ++i)
                len = (len << 8) | static_cast<unsigned char>(data[pos + 2 + i]);
            header = 10;
        }
        if (size - pos < header + len)
            break;
        const char *payload = data + pos + header;
        const int opcode = b0 & 0x0f;
        if (opcode == 0x1 || opcode == 0x0) {
            ++m_frames;
            onText(payload, static_cast<std::size_t>(len));
        } else if (opcode == 0x9) {
            sendPong(c, payload, static_cast<std::size_t>(len));
        } else if (opcode == 0x8) {
            closeConn(c);
            return size;
        }
        pos += header + static_cast<std::size_t>(len);
    }
    return pos;
}

void WsLoadClient::onText(const char *payload, std::size_t size)
{
    if (!m_sentAt || m_sentAt->empty())
        return;
    static const char key[] = "\"name\":\"bench-";
    const char *at = static_cast<const char *>(memmem(payload, size, key, sizeof key - 1));
    if (!at)
        return;
    if (memmem(payload, size, "\"Deleted\"", 9))
        return;
    std::size_t id = 0;
    for (const char *p = at + sizeof key - 1; p < payload + size && *p >= '0' && *p <= '9'; ++p)
        id = id * 10 + static_cast<std::size_t>(*p - '0');
    if (id >= m_sentAt->size() || (*m_sentAt)[id] == 0)
        return;
    const std::int64_t stamp = (*m_sentAt)[id];
    const std::int64_t micros = monotonicMicros() - stamp;
    latency.record(micros);
    if (m_firstSeenStamp.size() < m_sentAt->size())
        m_firstSeenStamp.resize(m_sentAt->size(), 0);
    if (m_firstSeenStamp[id] != stamp) {
        m_firstSeenStamp[id] = stamp;
        firstLatency.record(micros);
    }
}

void WsLoadClient::sendPong(Conn &c, const char *payload, std::size_t size)
{
    if (size > 125)
        return;
    unsigned char frame[2 + 4 + 125];
    frame[0] = 0x8A;
    frame[1] = static_cast<unsigned char>(0x80 | size);
    const unsigned char mask[4] = { 1, 2, 3, 4 };
    std::memcpy(frame + 2, mask, 4);
    for (std::size_t i = 0; i < size; ++i)
        frame[6 + i] = static_cast<unsigned char>(payload[i]) ^ mask[i % 4];
    send(c.fd, frame, 6 + size, MSG_NOSIGNAL);
}

} // namespace bh::bench
