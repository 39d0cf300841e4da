#pragma once

// Test helper: a minimal HTTP/1.1 client over a real QTcpSocket (or QSslSocket) that
// records the exact framing of the answer: status, headers, each chunk, each line.
// Used to check watch streams byte by byte (one compact JSON object per line, chunked,
// terminating chunk) where QNetworkAccessManager would hide the framing.

#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QSslSocket>
#include <QUrl>

class RawHttpClient : public QObject
{
    Q_OBJECT
public:
    explicit RawHttpClient(QObject *parent = nullptr)
        : QObject(parent)
    {
        connect(&m_socket, &QTcpSocket::readyRead, this, &RawHttpClient::onReadyRead);
        connect(&m_socket, &QTcpSocket::disconnected, this, [this] {
            disconnected = true;
            Q_EMIT closed();
        });
    }

    // Sends "METHOD target" to the server of `base` (http or https).
    void send(const QUrl &base, const QByteArray &method, const QString &target,
              const QList<QPair<QByteArray, QByteArray>> &headers = {}, const QByteArray &body = {})
    {
        QByteArray req = method + ' ' + target.toUtf8() + " HTTP/1.1\r\nHost: "
            + base.host().toUtf8() + ':' + QByteArray::number(base.port()) + "\r\n";
        for (const auto &h : headers)
            req += h.first + ": " + h.second + "\r\n";
        if (!body.isEmpty() || method == "POST" || method == "PUT" || method == "PATCH")
            req += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
        req += "\r\n" + body;
        if (base.scheme() == QLatin1String("https")) {
            m_socket.setPeerVerifyMode(QSslSocket::VerifyNone);
            m_socket.connectToHostEncrypted(base.host(), quint16(base.port()));
        } else {
            m_socket.connectToHost(base.host(), quint16(base.port()));
        }
        m_socket.write(req);
    }

    void abort() { m_socket.abort(); }

    int status = 0;
    QByteArray head;
    bool chunked = false;
    QList<QByteArray> chunks; // data of each chunk, as framed by the server
    QList<QByteArray> lines; // every complete '\n'-terminated line of the body
    QList<QJsonObject> events; // each line parsed as JSON
    QByteArray body; // complete body (Content-Length or de-chunked)
    bool ended = false; // terminating chunk (or full Content-Length body) seen
    bool disconnected = false;
    bool framingError = false;

    QByteArray header(const QByteArray &name) const
    {
        for (const QByteArray &l : head.split('\n')) {
            const int colon = l.indexOf(':');
            if (colon > 0 && l.left(colon).trimmed().toLower() == name.toLower())
                return l.mid(colon + 1).trimmed();
        }
        return {};
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QStringList eventTypes() const
    {
        QStringList out;
        for (const auto &e : events)
            out << e.value("type").toString();
        return out;
    }

Q_SIGNALS:
    void eventReceived(const QJsonObject &event);
    void finished();
    void closed();

private:
    void onReadyRead()
    {
        m_buffer += m_socket.readAll();
        if (status == 0) {
            const int end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            head = m_buffer.left(end);
            m_buffer.remove(0, end + 4);
            status = head.mid(9, 3).toInt();
            chunked = header("transfer-encoding").toLower() == "chunked";
            m_contentLength =
                header("content-length").isEmpty() ? -1 : header("content-length").toLongLong();
        }
        if (!chunked) {
            body += m_buffer;
            m_buffer.clear();
            if (m_contentLength >= 0 && body.size() >= m_contentLength && !ended) {
                ended = true;
                Q_EMIT finished();
            }
            return;
        }
        for (;;) {
            const int crlf = m_buffer.indexOf("\r\n");
            if (crlf < 0)
                return;
            bool ok = false;
            const qint64 size = m_buffer.left(crlf).toLongLong(&ok, 16);
            if (!ok) {
                framingError = true;
                return;
            }
            if (m_buffer.size() < crlf + 2 + size + 2)
                return;
            const QByteArray data = m_buffer.mid(crlf + 2, size);
            if (m_buffer.mid(crlf + 2 + size, 2) != "\r\n")
                framingError = true;
            m_buffer.remove(0, crlf + 2 + size + 2);
            if (size == 0) {
                ended = true;
                Q_EMIT finished();
                return;
            }
            chunks << data;
            body += data;
            m_lineBuffer += data;
            int nl;
            while ((nl = m_lineBuffer.indexOf('\n')) >= 0) {
                const QByteArray line = m_lineBuffer.left(nl);
                m_lineBuffer.remove(0, nl + 1);
                lines << line;
                const QJsonObject ev = QJsonDocument::fromJson(line).object();
                events << ev;
                Q_EMIT eventReceived(ev);
            }
        }
    }

    QSslSocket m_socket;
    QByteArray m_buffer;
    QByteArray m_lineBuffer;
    qint64 m_contentLength = -1;
};
