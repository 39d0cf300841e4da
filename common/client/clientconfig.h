#pragma once

#include "client/reconnectpolicy.h"

#include <QString>
#include <QUrl>

#include <chrono>
#include <optional>

namespace bh::client {

// Everything a BoilerhouseClient (and its SnapshotJob / EventStream) needs to reach one
// server. A value type; copy it, change it, hand it over.
struct ClientConfig
{
    static constexpr std::chrono::milliseconds kDefaultRequestTimeout { 10000 }; // 10 s
    static constexpr std::chrono::milliseconds kDefaultHandshakeTimeout { 10000 }; // 10 s
    static constexpr std::chrono::milliseconds kDefaultPingInterval { 20000 }; // 20 s
    static constexpr qint64 kDefaultMaxSnapshotBytes = 64 * 1024 * 1024; // 64 MiB
    static constexpr qint64 kDefaultMaxFrameBytes = 64 * 1024; // 64 KiB
    static constexpr int kDefaultMaxConsecutiveResyncs = 3;
    static constexpr int kDefaultMaxBufferedEvents = 100000;

    // Base URL of the server, e.g. http://127.0.0.1:3000 (a path prefix is kept, so
    // https://host/boilerhouse works behind a proxy). REST is <base>/api/v1/…, the stream is
    // ws(s)://<host>/<prefix>/ws.
    QUrl serverUrl;
    // Sent as "Authorization: Bearer <key>" on REST when not empty.
    QString apiKey;
    // Also send the key on the /ws handshake (server with BOILERHOUSE_WS_AUTH=1, PROTOCOL B.3).
    bool sendKeyOnStream = true;

    ReconnectPolicy reconnect;
    // Per REST request: idle time without progress before it fails with Timeout.
    std::chrono::milliseconds requestTimeout = kDefaultRequestTimeout;
    // /ws: from open() to the completed handshake.
    std::chrono::milliseconds handshakeTimeout = kDefaultHandshakeTimeout;
    // /ws keepalive: a ping every interval; a connection with no frame and no pong during a
    // whole interval is considered dead and closed (so the client reconnects). 0 = off.
    std::chrono::milliseconds pingInterval = kDefaultPingInterval;
    // Largest snapshot body accepted (each of the two responses).
    qint64 maxSnapshotBytes = kDefaultMaxSnapshotBytes;
    // Largest /ws message accepted (the events are ~150 bytes).
    qint64 maxFrameBytes = kDefaultMaxFrameBytes;
    // Use PROTOCOL B.1 (cursor + ?since=) when the server offers it.
    bool useResume = true;
    // stream.resync right after a fresh snapshot this many times in a row → stop resuming
    // for this connection and fall back to part-A behaviour (defends against a loop).
    int maxConsecutiveResyncs = kDefaultMaxConsecutiveResyncs;
    // Server without part B: events buffered while the catch-up snapshot is in flight. More
    // → the connection is dropped and retried (error Timeout), never unbounded memory.
    int maxBufferedEvents = kDefaultMaxBufferedEvents;

    // REST endpoint for `path` (e.g. "/api/v1/instances").
    QUrl restUrl(const QString &path) const;
    // ws(s)://…/ws with ?since=<cursor> when given.
    QUrl streamUrl(const std::optional<QString> &since = std::nullopt) const;
    // Empty when usable, else what is wrong with serverUrl (or the other settings).
    QString validate() const;
};

} // namespace bh::client
