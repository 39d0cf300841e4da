#pragma once

#include <QtGlobal>

#include <chrono>

namespace bh::hub {

// Every bound of the WebSocket fan-out, as a value type (README "Limits"). The defaults are
// the documented ones; boilerhouse-server may override each from its options, tests shrink
// the timeouts.
struct HubConfig
{
    // Unsent bytes queued for one client (live events; the initial replay gets this much on
    // top of its own size). Going over it closes the client: 1008 "slow consumer".
    static constexpr qint64 DefaultMaxClientBufferBytes = 1024 * 1024;
    // Queued data must have left the process within this time, else 1008 "slow consumer"
    // (PROTOCOL A.3: "each write has a 10-second deadline").
    static constexpr std::chrono::milliseconds DefaultWriteDeadline { 10'000 };
    // Largest incoming message (and frame) a client may send; beyond it: close 1009.
    // Client frames are read and discarded (PROTOCOL A.3).
    static constexpr qint64 DefaultMaxIncomingMessageBytes = 64 * 1024;
    // Connected clients plus handshakes in progress; canAccept() is false at the limit and
    // the HTTP route answers 503 before the upgrade (PROTOCOL B.3).
    static constexpr int DefaultMaxClients = 10'000;
    // Time from accept() to a complete upgrade request head; then the socket is aborted.
    static constexpr std::chrono::milliseconds DefaultHandshakeTimeout { 10'000 };
    // A ping goes to every client at this interval; a client whose pong has not arrived by
    // the next ping is closed (1008 "ping timeout"). Zero disables pings.
    static constexpr std::chrono::milliseconds DefaultPingInterval { 30'000 };
    // After the hub closes a client (slow consumer, ping timeout, closeAll) its socket may
    // flush the close frame for this long; then it is aborted.
    static constexpr std::chrono::milliseconds DefaultCloseGrace { 2'000 };
    // Period of the housekeeping sweep that enforces the write deadline and the handshake
    // timeout; both are enforced with at most this much lateness.
    static constexpr std::chrono::milliseconds DefaultSweepInterval { 250 };

    // Events queued by broadcast() are written once per event-loop turn, one socket write
    // per client; a batch reaching this size is written at once (bounds latency and memory).
    static constexpr qint64 DefaultMaxBatchBytes = 64 * 1024;

    // Largest upgrade request head the hub reads for its handshake; beyond it: 431.
    static constexpr qint64 DefaultMaxHandshakeBytes = 16 * 1024;

    // Kernel send buffer (SO_SNDBUF) of every /ws socket. maxClientBufferBytes only counts
    // what the process still holds; without this bound Linux autotunes a stalled client's
    // send buffer up to tcp_wmem's maximum (measured by the fault soak: 3.9 MB pinned per
    // frozen client on loopback). Linux doubles the value for its bookkeeping. 0 = leave the
    // kernel's autotuning.
    static constexpr int DefaultSocketSendBufferBytes = 64 * 1024;

    qint64 maxClientBufferBytes = DefaultMaxClientBufferBytes;
    std::chrono::milliseconds writeDeadline = DefaultWriteDeadline;
    qint64 maxIncomingMessageBytes = DefaultMaxIncomingMessageBytes;
    int maxClients = DefaultMaxClients;
    std::chrono::milliseconds handshakeTimeout = DefaultHandshakeTimeout;
    std::chrono::milliseconds pingInterval = DefaultPingInterval;
    std::chrono::milliseconds closeGrace = DefaultCloseGrace;
    std::chrono::milliseconds sweepInterval = DefaultSweepInterval;
    qint64 maxBatchBytes = DefaultMaxBatchBytes;
    qint64 maxHandshakeBytes = DefaultMaxHandshakeBytes;
    int socketSendBufferBytes = DefaultSocketSendBufferBytes;
    // Write to the socket descriptor directly while Qt's write buffer is empty (plain TCP
    // only; TLS sockets always go through Qt). Off: every write goes through QTcpSocket
    // (for A/B measurements, bh_hub_bench --modes hub,hubqt).
    bool directSocketWrites = true;
};

} // namespace bh::hub
