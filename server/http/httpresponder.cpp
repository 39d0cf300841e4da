#include "httpresponder.h"

#include "httpconnection.h"
#include "httplogging.h"

#include <QDateTime>
#include <QLocale>

#include <cstdio>
#include <ctime>

namespace bh::http {

namespace {

// RFC 9110 IMF-fixdate, formatted once per second.
const QByteArray &httpDate()
{
    static thread_local std::time_t cachedSecond = 0;
    static thread_local QByteArray cached;
    const std::time_t now = std::time(nullptr);
    if (now != cachedSecond || cached.isEmpty()) {
        cachedSecond = now;
        cached = QLocale::c()
                     .toString(QDateTime::fromSecsSinceEpoch(qint64(now), Qt::UTC),
                               QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
                     .toLatin1();
    }
    return cached;
}

bool nameIs(const QByteArray &name, QByteArrayView wanted)
{
    return QByteArrayView(name).compare(wanted, Qt::CaseInsensitive) == 0;
}

bool isSafeHeader(const QByteArray &name, const QByteArray &value)
{
    return !name.isEmpty() && !name.contains('\r') && !name.contains('\n') && !name.contains(':')
        && !value.contains('\r') && !value.contains('\n');
}

bool hasConnectionClose(const HeaderList &headers)
{
    for (const auto &h : headers) {
        if (nameIs(h.first, "connection")
            && QByteArrayView(h.second).trimmed().compare("close", Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// Appends status line and the caller's headers, minus the framing headers the layer owns.
void appendHead(QByteArray &out, int status, const HeaderList &headers, bool *hasDate)
{
    out += "HTTP/1.1 ";
    out += QByteArray::number(status);
    out += ' ';
    out += Response::reasonPhrase(status);
    out += "\r\n";
    for (const auto &h : headers) {
        if (nameIs(h.first, "content-length") || nameIs(h.first, "transfer-encoding")
            || nameIs(h.first, "connection")) {
            continue;
        }
        if (!isSafeHeader(h.first, h.second)) {
            qCWarning(lcHttp) << "dropping response header with invalid characters" << h.first;
            continue;
        }
        if (nameIs(h.first, "date"))
            *hasDate = true;
        out += h.first;
        out += ": ";
        out += h.second;
        out += "\r\n";
    }
}

} // namespace

// Bodies up to this size are copied into the head buffer (one socket write); larger ones are
// written as their own (shared, not copied) buffer. Default 4 KiB.
static constexpr qsizetype InlineBodyBytes = 4 * 1024;

Responder::Responder(Connection *connection, Request request)
    : QObject(connection)
    , m_connection(connection)
    , m_request(std::move(request))
{ }

Responder::~Responder()
{
    m_connection->forgetResponder(this);
}

// The common start of send() and beginStream(): an answer may begin only once, and only
// while the connection is open. Rejects a pending upgrade (the head is consumed).
bool Responder::canStartAnswer(const char *what)
{
    if (m_finished || m_streaming) {
        // After the peer left this is a normal race (the handler answered late); otherwise
        // it is a handler bug (answered twice).
        if (m_connection->isClosed())
            qCDebug(lcHttp) << "Responder::" << what << "after the connection closed";
        else
            qCWarning(lcHttp) << "Responder::" << what << "on a response already"
                              << (m_finished ? "finished" : "streaming");
        return false;
    }
    if (m_connection->isClosed())
        return false;
    if (m_upgradeHeadBytes > 0)
        m_connection->rejectUpgrade(this);
    return true;
}

void Responder::send(const Response &response)
{
    if (!canStartAnswer("send"))
        return;
    const int status = response.status();
    m_closeAfter =
        m_closeAfter || !m_request.wantsKeepAlive() || hasConnectionClose(response.headers());
    const bool noBody = status < 200 || status == 204 || status == 304;
    const QByteArray &body = response.body();

    QByteArray out;
    out.reserve(256 + (body.size() <= InlineBodyBytes ? body.size() : 0));
    bool hasDate = false;
    appendHead(out, status, response.headers(), &hasDate);
    if (!noBody) {
        out += "Content-Length: ";
        out += QByteArray::number(body.size());
        out += "\r\n";
    }
    if (!hasDate) {
        out += "Date: ";
        out += httpDate();
        out += "\r\n";
    }
    if (m_closeAfter)
        out += "Connection: close\r\n";
    else if (m_request.httpMinor() == 0)
        out += "Connection: keep-alive\r\n";
    out += "\r\n";
    const bool writeBody =
        !noBody && m_request.method() != Request::Method::Head && !body.isEmpty();
    if (writeBody && body.size() <= InlineBodyBytes) {
        out += body;
        m_connection->output(this, out);
    } else {
        m_connection->output(this, out);
        if (writeBody)
            m_connection->output(this, body);
    }
    m_connection->responseFinished(this);
}

void Responder::beginStream(int status, const HeaderList &headers)
{
    if (!canStartAnswer("beginStream"))
        return;
    m_streaming = true;
    // HTTP/1.0 has no chunked encoding: the stream is raw and ends with the connection.
    m_chunked = m_request.httpMajor() == 1 && m_request.httpMinor() >= 1;
    m_closeAfter =
        m_closeAfter || !m_chunked || !m_request.wantsKeepAlive() || hasConnectionClose(headers);

    QByteArray out;
    out.reserve(256);
    bool hasDate = false;
    appendHead(out, status, headers, &hasDate);
    if (m_chunked)
        out += "Transfer-Encoding: chunked\r\n";
    if (!hasDate) {
        out += "Date: ";
        out += httpDate();
        out += "\r\n";
    }
    if (m_closeAfter)
        out += "Connection: close\r\n";
    out += "\r\n";
    m_connection->output(this, out);
    m_connection->flush(this);
}

bool Responder::writeChunk(const QByteArray &data)
{
    if (!m_streaming || m_finished || m_connection->isClosed())
        return false;
    if (data.isEmpty() || m_request.method() == Request::Method::Head)
        return true;
    if (m_chunked) {
        char line[24];
        const int n = std::snprintf(line, sizeof line, "%llx\r\n",
                                    static_cast<unsigned long long>(data.size()));
        m_connection->output(this, line, n);
        m_connection->output(this, data);
        m_connection->output(this, "\r\n", 2);
    } else {
        m_connection->output(this, data);
    }
    m_connection->flush(this);
    m_connection->noteOutputLevel(this);
    return true;
}

void Responder::endStream()
{
    if (!m_streaming || m_finished)
        return;
    if (m_connection->isClosed())
        return;
    if (m_chunked && m_request.method() != Request::Method::Head) {
        m_connection->output(this, "0\r\n\r\n", 5);
        m_connection->flush(this);
    }
    m_connection->responseFinished(this);
}

void Responder::abort()
{
    m_connection->abortConnection();
}

bool Responder::isStreaming() const
{
    return m_streaming && !m_finished;
}

qint64 Responder::bytesToWrite() const
{
    return m_connection->bytesToWrite(this);
}

bool Responder::isBackpressured() const
{
    return std::size_t(bytesToWrite()) > m_connection->limits().maxOutputBufferBytes;
}

QTcpSocket *Responder::takeSocket()
{
    return m_connection->takeSocket(this);
}

} // namespace bh::http
