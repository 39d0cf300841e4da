#pragma once

#include "httprequest.h"
#include "httpresponse.h"

#include <QObject>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

namespace bh::http {

class Connection;

// The answer channel of one request (KJob-like: it ends exactly once, with send(),
// endStream() or the peer going away).
//
// A Responder is owned by its connection. The handler may answer at once or keep a
// QPointer<Responder> and answer later (deferred responses are written in request order
// when requests are pipelined). When the peer disconnects, disconnected() is emitted and
// the Responder is deleted later: never keep a raw pointer.
class Responder : public QObject
{
    Q_OBJECT
public:
    ~Responder() override;

    const Request &request() const { return m_request; }

    // Sends a complete response. Adds Content-Length, Date, Connection headers. For HEAD
    // requests the body is not written (Content-Length still reflects it).
    void send(const Response &response);

    // Starts a chunked response (Transfer-Encoding: chunked); headers are flushed at once.
    void beginStream(int status, const HeaderList &headers);
    // Writes one chunk (empty data is ignored) and flushes it. Returns false when the
    // stream is not open (not begun, ended, or peer gone).
    bool writeChunk(const QByteArray &data);
    // Writes the terminating chunk. The connection then goes on with the next request.
    void endStream();
    // Closes the connection without a clean end (used to simulate broken streams).
    void abort();

    bool isStreaming() const;
    bool isFinished() const { return m_finished; }
    // Bytes queued on the socket and not yet written.
    qint64 bytesToWrite() const;
    // True when bytesToWrite() exceeds Limits::maxOutputBufferBytes.
    bool isBackpressured() const;

    // For a WebSocket upgrade request only: detaches the socket, with the request head
    // still unread in it (ready for QWebSocketServer::handleConnection). The connection
    // then forgets the socket; the caller owns it (setParent is cleared). Returns nullptr
    // for non-upgrade requests or when the head was already consumed.
    QTcpSocket *takeSocket();

Q_SIGNALS:
    // The peer closed the connection or it was aborted before this response finished.
    void disconnected();
    // Emitted after every write that drained the socket's buffer below half of
    // Limits::maxOutputBufferBytes (streams use it to resume writing).
    void writable();

private:
    bool canStartAnswer(const char *what);
    friend class Connection;
    Responder(Connection *connection, Request request);

    Connection *m_connection;
    Request m_request;
    bool m_finished = false;
    // Internal state, managed by Connection.
    QByteArray m_pending; // output buffered while an earlier response is unfinished
    int m_upgradeHeadBytes = 0; // > 0: WebSocket upgrade whose head is still unread
    bool m_streaming = false; // beginStream() called, endStream() not yet
    bool m_chunked = true; // stream framing (false for HTTP/1.0 peers: raw + close)
    bool m_closeAfter = false; // close the connection once this response is written
    bool m_aboveHalf = false; // output went above half the limit (writable() pending)
    bool m_dispatched = false; // handed to the handler
    bool m_internal = false; // an error answered by the layer itself (no handler)
};

} // namespace bh::http
