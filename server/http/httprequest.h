#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>
#include <QUrlQuery>

namespace bh::http {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// One parsed HTTP/1.x request. A value type: cheap to copy (implicitly shared members).
class Request
{
public:
    enum class Method { Get, Head, Post, Put, Patch, Delete, Options, Other };

    Method method() const { return m_method; }
    QByteArray methodName() const { return m_methodName; } // as sent, e.g. "GET"
    QByteArray target() const { return m_target; }         // raw request target
    QString path() const { return m_url.path(); }          // percent-decoded path
    QUrl url() const { return m_url; }                     // path + query (no scheme/host)
    QUrlQuery query() const { return QUrlQuery(m_url); }
    int httpMajor() const { return m_httpMajor; }
    int httpMinor() const { return m_httpMinor; }

    const HeaderList &headers() const { return m_headers; }
    // First value of a header, name compared case-insensitively; empty when absent.
    QByteArray header(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const;

    QByteArray body() const { return m_body; }
    QHostAddress peerAddress() const { return m_peer; }

    // True for "Upgrade: websocket" + "Connection: upgrade" requests.
    bool isWebSocketUpgrade() const;
    // What the client asked for: HTTP/1.1 without "Connection: close", or HTTP/1.0
    // with "Connection: keep-alive".
    bool wantsKeepAlive() const;

    // Setters, used by the parser and by tests.
    void setMethod(QByteArray name);
    void setTarget(QByteArray target);
    void setVersion(int major, int minor);
    void addHeader(QByteArray name, QByteArray value);
    void setBody(QByteArray body) { m_body = std::move(body); }
    void setPeerAddress(const QHostAddress &peer) { m_peer = peer; }

private:
    Method m_method = Method::Other;
    QByteArray m_methodName;
    QByteArray m_target;
    QUrl m_url;
    int m_httpMajor = 1;
    int m_httpMinor = 1;
    HeaderList m_headers;
    QByteArray m_body;
    QHostAddress m_peer;
};

} // namespace bh::http
