#include "httprequest.h"

namespace bh::http {

namespace {

bool containsToken(QByteArrayView value, QByteArrayView token)
{
    // Comma-separated token list, compared case-insensitively ("keep-alive, Upgrade").
    qsizetype start = 0;
    while (start <= value.size()) {
        qsizetype end = value.indexOf(',', start);
        if (end < 0)
            end = value.size();
        if (value.sliced(start, end - start).trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
        start = end + 1;
    }
    return false;
}

} // namespace

QByteArray Request::header(QByteArrayView name) const
{
    for (const auto &h : m_headers) {
        if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

bool Request::hasHeader(QByteArrayView name) const
{
    for (const auto &h : m_headers) {
        if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool Request::isWebSocketUpgrade() const
{
    return QByteArrayView(header("upgrade")).trimmed().compare("websocket", Qt::CaseInsensitive)
        == 0
        && containsToken(header("connection"), "upgrade");
}

bool Request::wantsKeepAlive() const
{
    const QByteArray connection = header("connection");
    if (m_httpMajor == 1 && m_httpMinor >= 1)
        return !containsToken(connection, "close");
    return containsToken(connection, "keep-alive");
}

void Request::setMethod(QByteArray name)
{
    m_methodName = std::move(name);
    static const struct
    {
        const char *name;
        Method method;
    } methods[] = {
        { "GET", Method::Get },         { "HEAD", Method::Head },   { "POST", Method::Post },
        { "PUT", Method::Put },         { "PATCH", Method::Patch }, { "DELETE", Method::Delete },
        { "OPTIONS", Method::Options },
    };
    m_method = Method::Other;
    for (const auto &m : methods) {
        if (m_methodName == m.name) {
            m_method = m.method;
            break;
        }
    }
}

void Request::setTarget(QByteArray target)
{
    m_target = std::move(target);
    QByteArrayView view(m_target);
    // absolute-form (proxies): keep only path and query.
    if (!view.startsWith('/')) {
        const qsizetype scheme = view.indexOf("://");
        if (scheme > 0) {
            const qsizetype pathStart = view.indexOf('/', scheme + 3);
            view = pathStart < 0 ? QByteArrayView("/") : view.sliced(pathStart);
        }
    }
    const qsizetype fragment = view.indexOf('#');
    if (fragment >= 0)
        view = view.first(fragment);
    QUrl url;
    const qsizetype q = view.indexOf('?');
    const QByteArrayView pathPart = q < 0 ? view : view.first(q);
    // setPath() (not QUrl::fromEncoded) so that "//x" stays a path and is not read as a host.
    url.setPath(QString::fromUtf8(pathPart), QUrl::TolerantMode);
    if (q >= 0)
        url.setQuery(QString::fromUtf8(view.sliced(q + 1)), QUrl::TolerantMode);
    m_url = url;
}

void Request::setVersion(int major, int minor)
{
    m_httpMajor = major;
    m_httpMinor = minor;
}

void Request::addHeader(QByteArray name, QByteArray value)
{
    m_headers.append({ std::move(name), std::move(value) });
}

} // namespace bh::http
