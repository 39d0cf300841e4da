#pragma once

#include <sys/types.h>

namespace bh::bench {

// The machine's limit, as a reference: a forked child that accepts WebSocket handshakes
// with a fixed reply, then writes one pre-framed text frame (the size of an instance.state
// event) to every client in rounds as fast as the kernel takes them (a client whose socket
// buffer is full is skipped for that round). No Qt, no JSON, no copies. Frames are
// coalesced FramesPerWrite to a send(), as the hub coalesces a turn's events.
class RawBroadcaster
{
public:
    static constexpr int FramesPerWrite = 32;

    ~RawBroadcaster();
    // Starts the child; it begins broadcasting once `clients` handshakes are done.
    bool start(int clients);
    void stop();
    int port() const { return m_port; }
    pid_t pid() const { return m_pid; }

private:
    pid_t m_pid = -1;
    int m_port = 0;
};

} // namespace bh::bench
