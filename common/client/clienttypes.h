#pragma once

#include <QMetaType>
#include <QObject>

// The enums of the client library, registered with Qt's meta-object system so they can travel
// in queued signals, QSignalSpy and QDebug.
namespace bh::client {
Q_NAMESPACE

// Where a BoilerhouseClient is in its connection state machine.
enum class ConnectionState {
    Disconnected, // idle: never connected, disconnectFromServer(), or a fatal error (401)
    FetchingSnapshot, // GET /api/v1/instances + /api/v1/tenants in flight
    ConnectingStream, // /ws handshake in flight
    Live, // following /ws; the store is current
    WaitingToReconnect, // connection lost; the reconnect timer runs (reason says how long)
};
Q_ENUM_NS(ConnectionState)

// Why something failed. Every error also comes with a human-readable message.
enum class ClientError {
    None,
    InvalidUrl, // the server URL is not an absolute http(s) URL
    Unreachable, // TCP/TLS connect failed: refused, host not found, network down
    Timeout, // no answer (or no progress) within the configured timeout
    Unauthorized, // HTTP 401; the message is the server's {"error":…} text. Not retried.
    HttpError, // any other non-2xx status; the message has the status and server's text
    BadResponse, // 2xx but the body is not the JSON of PROTOCOL A.4 (or exceeds the limit)
    BadFrame, // a /ws frame that protocol::decodeEvent() rejects (the frame is skipped)
    StreamClosed, // /ws closed by the server or the network
    Aborted, // cancelled by the caller
};
Q_ENUM_NS(ClientError)

} // namespace bh::client
