#pragma once

#include "epoll.h"
#include "histogram.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bh::bench {

// N WebSocket clients on one epoll loop: handshake, unmasked server frames parsed in place,
// pongs answered, text frames counted. When a frame names a pod "bench-<id>" that the
// driver stamped (sentAtMicros[id] != 0) and is not a Deleted state, its delivery latency
// is recorded.
class WsLoadClient
{
public:
    WsLoadClient(Epoll &loop, int port, std::string pathAndQuery);
    ~WsLoadClient();

    void connectClients(int count);
    int openCount() const { return m_open; }
    int closedCount() const { return m_closed; } // closed by the server or failed
    std::uint64_t framesReceived() const { return m_frames; }
    std::uint64_t bytesReceived() const { return m_bytes; }
    void resetCounters();
    void closeAll();

    // Latency tracking: send times written by the driver (index = pod id); not owned.
    void setSendTimes(const std::vector<std::int64_t> *sentAtMicros) { m_sentAt = sentAtMicros; }
    Histogram latency; // every delivery (each client's copy)
    // The first client's copy of each change only: the pipeline (simulator → watch →
    // server → first socket) without the fan-out to the other clients and without the load
    // client's time to read them. latency − firstLatency is the fan-out's share.
    Histogram firstLatency;

private:
    struct Conn
    {
        int fd = -1;
        enum class State : std::uint8_t { Connecting, Handshaking, Open, Closed } state {};
        std::string pending; // partial frame or handshake bytes
    };
    void onEvent(std::size_t index, std::uint32_t events);
    void onData(Conn &c, const char *data, std::size_t size);
    std::size_t parseFrames(Conn &c, const char *data, std::size_t size);
    void onText(const char *payload, std::size_t size);
    void sendPong(Conn &c, const char *payload, std::size_t size);
    void closeConn(Conn &c);

    Epoll &m_loop;
    int m_port;
    const std::vector<std::int64_t> *m_sentAt = nullptr;
    std::string m_request;
    std::vector<Conn> m_conns;
    std::vector<std::int64_t> m_firstSeenStamp; // per pod id: the send stamp last seen
    int m_open = 0;
    int m_closed = 0;
    std::uint64_t m_frames = 0;
    std::uint64_t m_bytes = 0;
};

} // namespace bh::bench
