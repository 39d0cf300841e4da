#include "httpconnection.h"

#include "httplogging.h"
#include "httpresponder.h"
#include "httpresponse.h"

#include <QPointer>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimerEvent>

#include <algorithm>
#include <cstring>
#include <vector>

#include <sys/socket.h>

namespace bh::http {

Connection::Connection(QTcpSocket *socket, const Limits &limits, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_limits(limits)
    , m_peer(socket->peerAddress())
{
    socket->setParent(this);
    // Bounded read buffer: a whole head must fit (it is peeked), beyond that TCP holds the
    // peer back while requests wait for their answers.
    socket->setReadBufferSize(
        std::max<qint64>(qint64(m_limits.maxHeadBytes) + 1, qint64(ReadChunkBytes)));
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(socket, &QTcpSocket::readyRead, this, &Connection::processInput);
    connect(socket, &QTcpSocket::disconnected, this, &Connection::onDisconnected);
    connect(socket, &QTcpSocket::bytesWritten, this, &Connection::onBytesWritten);
    resetParser();
    if (socket->state() != QAbstractSocket::ConnectedState)
        QMetaObject::invokeMethod(this, &Connection::onDisconnected, Qt::QueuedConnection);
    else if (socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &Connection::processInput, Qt::QueuedConnection);
    updateTimer();
}

Connection::~Connection()
{
    // Destroyed with the server: no signals from the dying socket into this object.
    if (m_socket)
        disconnect(m_socket, nullptr, this, nullptr);
    // Responders go first, while this object is whole (they call forgetResponder()).
    m_destroying = true;
    m_queue.clear();
    const auto responders = findChildren<Responder *>(Qt::FindDirectChildrenOnly);
    qDeleteAll(responders);
}

void Connection::forgetResponder(Responder *responder)
{
    if (m_destroying)
        return;
    const auto it = std::find(m_queue.begin(), m_queue.end(), responder);
    if (it == m_queue.end())
        return;
    // Deleted by its user before its response was written: the byte stream of this
    // connection can no longer be completed in order.
    qCWarning(lcHttp) << "Responder deleted before its response was written; aborting connection";
    m_queue.erase(it);
    QMetaObject::invokeMethod(this, &Connection::abortConnection, Qt::QueuedConnection);
}

const http_parser_settings &Connection::parserSettings()
{
    static const http_parser_settings settings = [] {
        http_parser_settings s;
        http_parser_settings_init(&s);
        s.on_message_begin = &Connection::onMessageBegin;
        s.on_url = &Connection::onUrl;
        s.on_header_field = &Connection::onHeaderField;
        s.on_header_value = &Connection::onHeaderValue;
        s.on_headers_complete = &Connection::onHeadersComplete;
        s.on_body = &Connection::onBody;
        s.on_message_complete = &Connection::onMessageComplete;
        return s;
    }();
    return settings;
}

void Connection::resetParser()
{
    http_parser_init(&m_parser, HTTP_REQUEST);
    m_parser.data = this;
    m_current = Request();
    m_url.clear();
    m_field.clear();
    m_value.clear();
    m_body = QByteArray();
    m_inValue = false;
    m_headersComplete = false;
    m_messageComplete = false;
    m_errorStatus = 0;
    m_errorMessage.clear();
}

int Connection::onMessageBegin(http_parser *)
{
    return 0;
}

int Connection::onUrl(http_parser *p, const char *at, size_t length)
{
    auto *c = static_cast<Connection *>(p->data);
    c->m_url.append(at, qsizetype(length));
    if (std::size_t(c->m_url.size()) > c->m_limits.maxUrlBytes) {
        c->m_errorStatus = 414;
        c->m_errorMessage =
            QStringLiteral("request target longer than %1 bytes").arg(c->m_limits.maxUrlBytes);
        return -1;
    }
    return 0;
}

bool Connection::flushHeader()
{
    m_inValue = false;
    if (m_field.isEmpty())
        return true;
    // RFC 9110 §5.6.2: a field name is a token (http_parser lets some separators through).
    static constexpr char Separators[] = "\"(),/:;<=>?@[\\]{} \t";
    for (const char ch : std::as_const(m_field)) {
        if (uchar(ch) <= 0x20 || uchar(ch) >= 0x7f || std::strchr(Separators, ch)) {
            m_errorStatus = 400;
            m_errorMessage = QStringLiteral("malformed request: invalid character in header name");
            return false;
        }
    }
    m_current.addHeader(m_field, m_value.trimmed());
    m_field.clear();
    m_value.clear();
    return true;
}

int Connection::onHeaderField(http_parser *p, const char *at, size_t length)
{
    auto *c = static_cast<Connection *>(p->data);
    if (c->m_inValue && !c->flushHeader())
        return -1;
    c->m_field.append(at, qsizetype(length));
    return 0;
}

int Connection::onHeaderValue(http_parser *p, const char *at, size_t length)
{
    auto *c = static_cast<Connection *>(p->data);
    c->m_inValue = true;
    c->m_value.append(at, qsizetype(length));
    return 0;
}

int Connection::onHeadersComplete(http_parser *p)
{
    auto *c = static_cast<Connection *>(p->data);
    if (c->m_inValue && !c->flushHeader())
        return -1;
    if (p->http_major != 1 || p->http_minor > 1) {
        c->m_errorStatus = 400;
        c->m_errorMessage =
            QStringLiteral("unsupported HTTP version %1.%2").arg(p->http_major).arg(p->http_minor);
        return -1;
    }
    c->m_current.setMethod(QByteArray(http_method_str(http_method(p->method))));
    c->m_current.setTarget(c->m_url);
    c->m_current.setVersion(p->http_major, p->http_minor);
    c->m_current.setPeerAddress(c->m_peer);
    if ((p->flags & F_CONTENTLENGTH) && p->content_length > c->m_limits.maxBodyBytes) {
        c->m_errorStatus = 413;
        c->m_errorMessage =
            QStringLiteral("request body larger than %1 bytes").arg(c->m_limits.maxBodyBytes);
        return -1;
    }
    c->m_headersComplete = true;
    return 0;
}

int Connection::onBody(http_parser *p, const char *at, size_t length)
{
    auto *c = static_cast<Connection *>(p->data);
    if (std::size_t(c->m_body.size()) + length > c->m_limits.maxBodyBytes) {
        c->m_errorStatus = 413;
        c->m_errorMessage =
            QStringLiteral("request body larger than %1 bytes").arg(c->m_limits.maxBodyBytes);
        return -1;
    }
    c->m_body.append(at, qsizetype(length));
    return 0;
}

int Connection::onMessageComplete(http_parser *p)
{
    auto *c = static_cast<Connection *>(p->data);
    // Trailers of a chunked body arrive as header callbacks: they join the headers.
    if (c->m_inValue && !c->flushHeader())
        return -1;
    c->m_messageComplete = true;
    // Stop at the message boundary: the next request is parsed in its own step.
    http_parser_pause(p, 1);
    return 0;
}

char *Connection::scratch(qint64 size)
{
    // One buffer per thread, shared by all connections: thousands of connections must not
    // each keep a read-sized buffer. Never used across a call that can re-enter another
    // connection's parsing (the handler runs after the last use).
    static thread_local std::vector<char> buffer;
    if (buffer.size() < std::size_t(size))
        buffer.resize(std::size_t(size));
    return buffer.data();
}

bool Connection::headTerminated(const char *buf, qint64 n)
{
    for (qint64 i = 1; i < n; ++i) {
        const void *nl = std::memchr(buf + i, '\n', std::size_t(n - i));
        if (!nl)
            return false;
        i = static_cast<const char *>(nl) - buf;
        if (buf[i - 1] == '\n' || (i >= 2 && buf[i - 1] == '\r' && buf[i - 2] == '\n'))
            return true;
    }
    return false;
}

void Connection::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    updateTimer();
    if (!paused)
        QMetaObject::invokeMethod(this, &Connection::processInput, Qt::QueuedConnection);
}

void Connection::closeGracefully(bool linger)
{
    m_closing = true;
    m_readState = ReadState::Stopped;
    m_timer.stop();
    m_timerKind = TimerKind::None;
    // Lingering close after an error answered while the peer may still be sending: closing a
    // socket with unread input makes the kernel send a RST, which can destroy the response
    // before the peer has read it. So: half-close once the response is out, read and discard
    // until the peer closes, at most LingerTimeout. (Not for TLS: the fd carries records.)
    if (linger && m_socket && !qobject_cast<QSslSocket *>(m_socket)) {
        m_lingering = true;
        m_timerKind = TimerKind::Linger;
        m_timer.start(int(LingerTimeout.count()), Qt::CoarseTimer, this);
        discardInput();
        m_socket->flush();
        shutdownWriteWhenFlushed();
        return;
    }
    if (m_socket)
        m_socket->disconnectFromHost();
}

void Connection::discardInput()
{
    if (!m_socket)
        return;
    char *buf = scratch(ReadChunkBytes);
    while (m_socket && m_socket->bytesAvailable() > 0) {
        if (m_socket->read(buf, ReadChunkBytes) <= 0)
            break;
    }
}

void Connection::shutdownWriteWhenFlushed()
{
    if (!m_lingering || m_writeShutdown || !m_socket || m_socket->bytesToWrite() > 0)
        return;
    m_writeShutdown = true;
    if (::shutdown(int(m_socket->socketDescriptor()), SHUT_WR) != 0)
        m_socket->disconnectFromHost();
}

void Connection::processInput()
{
    if (m_lingering) {
        discardInput();
        return;
    }
    if (m_inProcess) {
        m_again = true;
        return;
    }
    QPointer<Connection> guard(this);
    m_inProcess = true;
    do {
        m_again = false;
        while (guard && step()) { }
    } while (guard && m_again);
    if (!guard)
        return;
    m_inProcess = false;
    updateTimer();
}

bool Connection::step()
{
    if (m_closed || m_closing || !m_socket || m_paused || m_readState == ReadState::Stopped)
        return false;
    // The response being written plus maxPipelinedRequests read ahead of it.
    if (m_queue.size() > std::size_t(std::max(0, m_limits.maxPipelinedRequests)))
        return false;
    const qint64 available = m_socket->bytesAvailable();
    if (available <= 0)
        return false;
    return m_readState == ReadState::Head ? stepHead(available) : stepBody(available);
}

void Connection::consume(qint64 bytes)
{
    while (bytes > 0 && m_socket) {
        const qint64 chunk = std::min<qint64>(bytes, ReadChunkBytes);
        const qint64 got = m_socket->read(scratch(chunk), chunk);
        if (got <= 0)
            break;
        bytes -= got;
    }
}

bool Connection::stepHead(qint64 available)
{
    // Peek a typical head's worth first (pipelined small requests would otherwise copy
    // maxHeadBytes each time), everything up to maxHeadBytes only when that was not enough.
    const qint64 limit = std::min<qint64>(available, qint64(m_limits.maxHeadBytes));
    qint64 want = std::min<qint64>(limit, std::max<qint64>(InitialPeekBytes, m_scanFrom + 1));
    char *peeked = scratch(want);
    qint64 n = m_socket->peek(peeked, want);
    if (n <= 0)
        return false;
    if (n < limit && !headTerminated(peeked, n)) {
        want = limit;
        peeked = scratch(want);
        n = m_socket->peek(peeked, want);
        if (n <= 0)
            return false;
    }
    const char *buf = peeked;

    // Empty lines before a request line are ignored (RFC 9112 §2.2).
    qsizetype lead = 0;
    while (lead < n && (buf[lead] == '\r' || buf[lead] == '\n'))
        ++lead;
    if (lead > 0) {
        consume(lead);
        m_scanFrom = 0;
        return true;
    }
    m_requestStarted = true;

    // A request line must start with a method token: reject anything else at once (a TLS
    // ClientHello on the plain port, binary garbage) instead of waiting for the timeout.
    for (qsizetype i = 0; i < n; ++i) {
        const char c = buf[i];
        if (c == ' ' && i > 0)
            break;
        if (i >= MaxMethodBytes || !((c >= 'A' && c <= 'Z') || c == '-' || c == '_')) {
            respondError(400, QStringLiteral("malformed request: bad request method"));
            return false;
        }
    }

    qsizetype headEnd = -1;
    for (qsizetype i = std::max<qsizetype>(m_scanFrom, 1); i < n; ++i) {
        const void *nl = std::memchr(buf + i, '\n', std::size_t(n - i));
        if (!nl)
            break;
        i = static_cast<const char *>(nl) - buf;
        if (buf[i - 1] == '\n' || (i >= 2 && buf[i - 1] == '\r' && buf[i - 2] == '\n')) {
            headEnd = i + 1;
            break;
        }
    }
    if (headEnd < 0) {
        m_scanFrom = qsizetype(n);
        if (std::size_t(n) >= m_limits.maxHeadBytes) {
            respondError(
                431,
                QStringLiteral("request head larger than %1 bytes").arg(m_limits.maxHeadBytes));
        } else if (std::size_t(n) > m_limits.maxUrlBytes + RequestLineSlackBytes
                   && !std::memchr(buf, '\n', std::size_t(n))) {
            respondError(
                414,
                QStringLiteral("request target longer than %1 bytes").arg(m_limits.maxUrlBytes));
        }
        return false;
    }

    resetParser();
    http_parser_execute(&m_parser, &parserSettings(), buf, std::size_t(headEnd));
    if (!checkParserError(HTTP_PARSER_ERRNO(&m_parser)))
        return false;
    if (!m_headersComplete) {
        respondError(400, QStringLiteral("malformed request: incomplete head"));
        return false;
    }
    m_scanFrom = 0;
    if (m_current.isWebSocketUpgrade()) {
        if (!m_messageComplete) {
            respondError(400, QStringLiteral("WebSocket upgrade request with a body"));
            return false;
        }
        completeRequest(int(headEnd)); // the head stays unread for takeSocket()
        return false;
    }
    consume(headEnd);
    if (m_messageComplete) {
        completeRequest(0);
        return true;
    }
    if (m_parser.upgrade) {
        respondError(400, QStringLiteral("unsupported upgrade request with a body"));
        return false;
    }
    if (m_queue.empty() && m_current.httpMinor() >= 1
        && QByteArrayView(m_current.header("expect")).compare("100-continue", Qt::CaseInsensitive)
            == 0) {
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    }
    m_readState = ReadState::Body;
    return true;
}

bool Connection::stepBody(qint64 available)
{
    const qint64 want = std::min<qint64>(available, ReadChunkBytes);
    char *buf = scratch(want);
    const qint64 n = m_socket->peek(buf, want);
    if (n <= 0)
        return false;
    const std::size_t parsed =
        http_parser_execute(&m_parser, &parserSettings(), buf, std::size_t(n));
    if (!checkParserError(HTTP_PARSER_ERRNO(&m_parser)))
        return false;
    consume(qint64(parsed));
    if (m_messageComplete) {
        completeRequest(0);
        return true;
    }
    return parsed > 0;
}

bool Connection::checkParserError(http_errno err)
{
    if (m_errorStatus != 0) {
        respondError(m_errorStatus, m_errorMessage);
        return false;
    }
    if (err == HPE_PAUSED) {
        http_parser_pause(&m_parser, 0);
        return true;
    }
    if (err != HPE_OK) {
        respondError(400,
                     QStringLiteral("malformed request: %1")
                         .arg(QLatin1String(http_errno_description(err))));
        return false;
    }
    return true;
}

void Connection::completeRequest(int upgradeHeadBytes)
{
    Request request = m_current;
    request.setBody(m_body);
    resetParser();
    m_requestStarted = false;
    m_readState = ReadState::Head;
    m_scanFrom = 0;
    m_everRequested = true;
    // The request timer ends with the request; the next one gets its own.
    m_timer.stop();
    m_timerKind = TimerKind::None;

    auto *responder = new Responder(this, std::move(request));
    if (upgradeHeadBytes > 0) {
        responder->m_upgradeHeadBytes = upgradeHeadBytes;
        m_readState = ReadState::Stopped;
    } else if (!responder->request().wantsKeepAlive()) {
        responder->m_closeAfter = true;
        m_readState = ReadState::Stopped;
    }
    m_queue.push_back(responder);
    if (upgradeHeadBytes > 0) {
        // An upgrade is handed on only when every earlier response has been written.
        if (m_queue.size() == 1)
            dispatchFront();
        return;
    }
    responder->m_dispatched = true;
    emit requestReady(responder);
}

void Connection::dispatchFront()
{
    if (m_queue.empty() || m_closed)
        return;
    Responder *front = m_queue.front();
    if (front->m_dispatched)
        return;
    front->m_dispatched = true;
    emit requestReady(front);
}

void Connection::respondError(int status, const QString &message)
{
    qCDebug(lcHttp) << "answering" << status << message << "to" << m_peer;
    m_readState = ReadState::Stopped;
    m_requestStarted = false;
    m_timer.stop();
    m_timerKind = TimerKind::None;
    auto *responder = new Responder(this, Request());
    responder->m_internal = true;
    responder->m_dispatched = true;
    responder->m_closeAfter = true;
    m_queue.push_back(responder);
    responder->send(Response::jsonError(status, message));
}

bool Connection::isFront(const Responder *responder) const
{
    return !m_queue.empty() && m_queue.front() == responder;
}

void Connection::output(Responder *responder, const QByteArray &data)
{
    if (m_closed || !m_socket || data.isEmpty())
        return;
    if (isFront(responder))
        m_socket->write(data);
    else
        responder->m_pending.append(data);
}

void Connection::output(Responder *responder, const char *data, qsizetype size)
{
    if (m_closed || !m_socket || size <= 0)
        return;
    if (isFront(responder))
        m_socket->write(data, size);
    else
        responder->m_pending.append(data, size);
}

void Connection::flush(Responder *responder)
{
    if (!m_closed && m_socket && isFront(responder))
        m_socket->flush();
}

void Connection::rejectUpgrade(Responder *responder)
{
    if (responder->m_upgradeHeadBytes <= 0)
        return;
    consume(responder->m_upgradeHeadBytes);
    responder->m_upgradeHeadBytes = 0;
    responder->m_closeAfter = true;
}

void Connection::responseFinished(Responder *responder)
{
    responder->m_finished = true;
    responder->m_streaming = false;
    if (isFront(responder))
        advanceQueue();
}

void Connection::advanceQueue()
{
    QPointer<Connection> guard(this);
    while (guard && !m_closed && !m_queue.empty() && m_queue.front()->m_finished) {
        Responder *done = m_queue.front();
        m_queue.pop_front();
        const bool close = done->m_closeAfter;
        done->deleteLater();
        if (close) {
            closeGracefully(done->m_internal);
            return;
        }
        if (!m_queue.empty()) {
            Responder *next = m_queue.front();
            if (!next->m_pending.isEmpty()) {
                m_socket->write(next->m_pending);
                next->m_pending = QByteArray();
                m_socket->flush();
                noteOutputLevel(next);
            }
            dispatchFront();
        }
    }
    if (guard && !m_closed)
        processInput();
}

qint64 Connection::bytesToWrite(const Responder *responder) const
{
    if (m_closed || !m_socket)
        return 0;
    return isFront(responder) ? m_socket->bytesToWrite() : responder->m_pending.size();
}

void Connection::noteOutputLevel(Responder *responder)
{
    if (m_socket && isFront(responder)
        && std::size_t(m_socket->bytesToWrite()) > m_limits.maxOutputBufferBytes / 2) {
        responder->m_aboveHalf = true;
    }
}

void Connection::onBytesWritten()
{
    if (m_lingering) {
        shutdownWriteWhenFlushed();
        return;
    }
    if (m_queue.empty() || !m_socket)
        return;
    Responder *front = m_queue.front();
    if (front->m_aboveHalf
        && std::size_t(m_socket->bytesToWrite()) <= m_limits.maxOutputBufferBytes / 2) {
        front->m_aboveHalf = false;
        emit front->writable();
    }
}

QTcpSocket *Connection::takeSocket(Responder *responder)
{
    if (m_closed || !m_socket || responder->m_upgradeHeadBytes <= 0 || responder->m_finished
        || !isFront(responder)) {
        return nullptr;
    }
    QTcpSocket *socket = m_socket;
    disconnect(socket, nullptr, this, nullptr);
    m_socket = nullptr;
    socket->setParent(nullptr);
    socket->setReadBufferSize(0); // the new owner decides its own buffering
    responder->m_finished = true;
    responder->m_upgradeHeadBytes = 0;
    m_closed = true;
    m_timer.stop();
    m_timerKind = TimerKind::None;
    emit closed(this);
    deleteLater();
    return socket;
}

void Connection::abortConnection()
{
    if (m_closed)
        return;
    if (m_socket)
        m_socket->abort();
    if (!m_closed)
        onDisconnected();
}

void Connection::onDisconnected()
{
    if (m_closed)
        return;
    m_closed = true;
    m_timer.stop();
    m_timerKind = TimerKind::None;
    QList<QPointer<Responder>> responders;
    responders.reserve(qsizetype(m_queue.size()));
    for (Responder *r : m_queue)
        responders.append(r);
    m_queue.clear();
    for (const QPointer<Responder> &r : responders) {
        if (r && !r->m_finished) {
            r->m_finished = true;
            r->m_streaming = false;
            emit r->disconnected();
        }
        if (r)
            r->deleteLater();
    }
    emit closed(this);
    deleteLater();
}

void Connection::updateTimer()
{
    if (m_lingering)
        return;
    TimerKind want = TimerKind::None;
    if (!m_closed && !m_closing && !m_paused && m_socket) {
        if (m_requestStarted || m_readState == ReadState::Body)
            want = TimerKind::Request;
        else if (m_queue.empty() && m_readState == ReadState::Head)
            want = m_everRequested ? TimerKind::Idle : TimerKind::FirstByte;
    }
    if (want == m_timerKind)
        return;
    m_timerKind = want;
    switch (want) {
    case TimerKind::None:
        m_timer.stop();
        break;
    case TimerKind::FirstByte:
    case TimerKind::Request:
        m_timer.start(int(m_limits.requestTimeout.count()), Qt::CoarseTimer, this);
        break;
    case TimerKind::Idle:
        m_timer.start(int(m_limits.keepAliveTimeout.count()), Qt::CoarseTimer, this);
        break;
    case TimerKind::Linger:
        break;
    }
}

void Connection::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_timer.timerId()) {
        QObject::timerEvent(event);
        return;
    }
    const TimerKind kind = m_timerKind;
    m_timer.stop();
    m_timerKind = TimerKind::None;
    if (m_closed || !m_socket)
        return;
    switch (kind) {
    case TimerKind::Request:
        respondError(408,
                     QStringLiteral("request not complete within %1 ms")
                         .arg(m_limits.requestTimeout.count()));
        break;
    case TimerKind::Linger:
        m_socket->abort();
        break;
    case TimerKind::FirstByte:
    case TimerKind::Idle:
        qCDebug(lcHttp) << "closing idle connection from" << m_peer;
        m_closing = true;
        m_socket->disconnectFromHost();
        break;
    case TimerKind::None:
        break;
    }
}

} // namespace bh::http
