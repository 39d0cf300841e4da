#pragma once

#include "httplimits.h"
#include "httprequest.h"

#include <QBasicTimer>
#include <QByteArray>
#include <QObject>
#include <QPointer>

#include <http_parser.h>

#include <chrono>
#include <deque>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

namespace bh::http {

class Response;
class Responder;

// One accepted TCP (or TLS) connection: parses requests with http_parser, hands each one
// as a Responder to the server's handler and writes the responses back in request order.
// Internal to bh_http.
//
// Reading policy: a request head is only PEEKED until it is complete (so that a WebSocket
// upgrade can be handed away with its head unread), then parsed; the body is peeked, fed to
// the parser and consumed exactly as far as the parser went. The socket's read buffer is
// bounded (ReadBufferBytes), so a peer that sends faster than requests are answered is held
// back by TCP.
class Connection : public QObject
{
    Q_OBJECT
public:
    // Bytes fed to the parser per step while reading a body. Default 64 KiB.
    static constexpr qsizetype ReadChunkBytes = 64 * 1024;
    // First peek size for a request head (most heads are smaller). Default 4 KiB.
    static constexpr qint64 InitialPeekBytes = 4 * 1024;
    // Extra bytes over Limits::maxUrlBytes allowed on an unfinished request line (method,
    // spaces, "HTTP/1.1") before it is answered 414 without waiting for the head. Default 32.
    static constexpr qsizetype RequestLineSlackBytes = 32;
    // Longest request method accepted (http_parser knows none longer than 11 bytes).
    static constexpr qsizetype MaxMethodBytes = 24;

    // How long a connection closed after an error keeps reading (and discarding) the peer's
    // input so that the error response is not destroyed by a TCP reset. Default 2 s.
    static constexpr std::chrono::milliseconds LingerTimeout { 2000 };

    Connection(QTcpSocket *socket, const Limits &limits, QObject *parent = nullptr);
    ~Connection() override;

    void setPaused(bool paused);
    // Aborts the connection (responders emit disconnected()).
    void abortConnection();
    bool isClosed() const { return m_closed; }

    // Used by Responder.
    void output(Responder *responder, const QByteArray &data);
    void output(Responder *responder, const char *data, qsizetype size);
    void responseFinished(Responder *responder);
    qint64 bytesToWrite(const Responder *responder) const;
    bool isFront(const Responder *responder) const;
    QTcpSocket *takeSocket(Responder *responder);
    const Limits &limits() const { return m_limits; }
    void noteOutputLevel(Responder *responder);
    // From ~Responder: a responder deleted while still queued breaks the connection.
    void forgetResponder(Responder *responder);
    void flush(Responder *responder);
    // An upgrade request answered with a normal response: consume its head, close after.
    void rejectUpgrade(Responder *responder);

Q_SIGNALS:
    // A complete request: the server calls its handler.
    void requestReady(bh::http::Responder *responder);
    // The connection is gone (closed, aborted, or its socket taken); deleted later.
    void closed(bh::http::Connection *connection);

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    enum class ReadState { Head, Body, Stopped };
    enum class TimerKind { None, FirstByte, Request, Idle, Linger };

    void processInput();
    bool step(); // one parsing step; false when nothing more can be done now
    bool stepHead(qint64 available);
    bool stepBody(qint64 available);
    static bool headTerminated(const char *buf, qint64 n);
    static char *scratch(qint64 size);
    void resetParser();
    bool checkParserError(http_errno err);
    void completeRequest(int upgradeHeadBytes);
    void respondError(int status, const QString &message);
    void dispatchFront();
    void advanceQueue();
    void onDisconnected();
    void onBytesWritten();
    void updateTimer();
    void consume(qint64 bytes);
    void closeGracefully(bool linger);
    void discardInput();
    void shutdownWriteWhenFlushed();

    // http_parser callbacks
    static int onMessageBegin(http_parser *p);
    static int onUrl(http_parser *p, const char *at, size_t length);
    static int onHeaderField(http_parser *p, const char *at, size_t length);
    static int onHeaderValue(http_parser *p, const char *at, size_t length);
    static int onHeadersComplete(http_parser *p);
    static int onBody(http_parser *p, const char *at, size_t length);
    static int onMessageComplete(http_parser *p);
    static const http_parser_settings &parserSettings();
    bool flushHeader();

    QTcpSocket *m_socket;
    Limits m_limits;
    QHostAddress m_peer;
    std::deque<Responder *> m_queue;

    http_parser m_parser;
    ReadState m_readState = ReadState::Head;
    qsizetype m_scanFrom = 0; // head terminator search resumes here
    bool m_requestStarted = false; // bytes of the next request were seen
    bool m_everRequested = false; // a request was completed on this connection
    Request m_current;
    QByteArray m_url;
    QByteArray m_field;
    QByteArray m_value;
    QByteArray m_body;
    bool m_inValue = false;
    bool m_headersComplete = false;
    bool m_messageComplete = false;
    int m_errorStatus = 0;
    QString m_errorMessage;

    QBasicTimer m_timer;
    TimerKind m_timerKind = TimerKind::None;

    bool m_paused = false;
    bool m_closed = false;
    bool m_closing = false; // graceful close requested
    bool m_destroying = false;
    bool m_lingering = false;
    bool m_writeShutdown = false;
    bool m_inProcess = false;
    bool m_again = false;
};

} // namespace bh::http
