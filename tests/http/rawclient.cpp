#include "rawclient.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QTimer>

RawClient::RawClient(QAbstractSocket *socket)
    : m_socket(socket ? socket : new QTcpSocket)
    , m_owned(true)
{ }

RawClient::~RawClient()
{
    if (m_owned)
        delete m_socket;
}

QByteArray RawClient::Response::header(QByteArrayView name) const
{
    for (const auto &h : headers) {
        if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

void RawClient::connectTo(quint16 port)
{
    m_socket->connectToHost(QHostAddress::LocalHost, port);
}

bool RawClient::isConnected() const
{
    return m_socket->state() == QAbstractSocket::ConnectedState;
}

void RawClient::write(const QByteArray &bytes)
{
    m_socket->write(bytes);
    if (isConnected())
        m_socket->flush(); // otherwise written once connected
}

QByteArray RawClient::received()
{
    m_buffer += m_socket->readAll();
    return m_buffer;
}

bool RawClient::isClosedByPeer()
{
    m_buffer += m_socket->readAll();
    return m_socket->state() == QAbstractSocket::UnconnectedState;
}

bool RawClient::takeResponse(Response *out, bool headOnly)
{
    m_buffer += m_socket->readAll();
    const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return false;
    Response r;
    const QList<QByteArray> lines = m_buffer.first(headEnd).split('\n');
    r.statusLine = lines.value(0).trimmed();
    const QList<QByteArray> parts = r.statusLine.split(' ');
    r.status = parts.value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            r.headers.append({ line.first(colon).trimmed(), line.sliced(colon + 1).trimmed() });
    }
    qsizetype pos = headEnd + 4;
    if (headOnly || r.status == 204 || r.status == 304 || (r.status >= 100 && r.status < 200)) {
        m_buffer.remove(0, pos);
        *out = r;
        return true;
    }
    if (r.header("transfer-encoding").toLower() == "chunked") {
        r.chunked = true;
        for (;;) {
            const qsizetype lineEnd = m_buffer.indexOf("\r\n", pos);
            if (lineEnd < 0)
                return false;
            bool ok = false;
            const qsizetype size = m_buffer.sliced(pos, lineEnd - pos).toLongLong(&ok, 16);
            if (!ok)
                return false;
            if (m_buffer.size() < lineEnd + 2 + size + 2)
                return false;
            r.body += m_buffer.sliced(lineEnd + 2, size);
            pos = lineEnd + 2 + size + 2;
            if (size == 0)
                break;
        }
    } else if (r.headers.size() && !r.header("content-length").isEmpty()) {
        const qsizetype length = r.header("content-length").toLongLong();
        if (m_buffer.size() < pos + length)
            return false;
        r.body = m_buffer.sliced(pos, length);
        pos += length;
    } else {
        // Delimited by close.
        if (m_socket->state() != QAbstractSocket::UnconnectedState)
            return false;
        r.body = m_buffer.sliced(pos);
        pos = m_buffer.size();
    }
    m_buffer.remove(0, pos);
    *out = r;
    return true;
}

bool RawClient::waitForResponse(Response *out, bool headOnly, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!takeResponse(out, headOnly)) {
        if (deadline.hasExpired() || m_socket->state() == QAbstractSocket::UnconnectedState)
            return false;
        QEventLoop loop;
        QObject::connect(m_socket, &QIODevice::readyRead, &loop, &QEventLoop::quit);
        QObject::connect(m_socket, &QAbstractSocket::disconnected, &loop, &QEventLoop::quit);
        QTimer::singleShot(deadline.remainingTime(), &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}
