#include "httpresponse.h"

#include <QJsonObject>

namespace bh::http {

Response::Response(int status, QByteArray body, QByteArray contentType)
    : m_status(status)
    , m_body(std::move(body))
{
    if (!contentType.isEmpty())
        m_headers.append({ QByteArrayLiteral("Content-Type"), std::move(contentType) });
}

Response Response::json(int status, const QByteArray &compactJson)
{
    return Response(status, compactJson, QByteArrayLiteral("application/json"));
}

Response Response::json(int status, const QJsonDocument &doc)
{
    return json(status, doc.toJson(QJsonDocument::Compact));
}

Response Response::jsonError(int status, const QString &message)
{
    return json(status, QJsonDocument(QJsonObject { { QStringLiteral("error"), message } }));
}

QByteArray Response::header(QByteArrayView name) const
{
    for (const auto &h : m_headers) {
        if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

Response &Response::addHeader(QByteArray name, QByteArray value)
{
    m_headers.append({ std::move(name), std::move(value) });
    return *this;
}

Response &Response::setHeader(QByteArray name, QByteArray value)
{
    for (qsizetype i = m_headers.size() - 1; i >= 0; --i) {
        if (QByteArrayView(m_headers.at(i).first).compare(name, Qt::CaseInsensitive) == 0)
            m_headers.removeAt(i);
    }
    return addHeader(std::move(name), std::move(value));
}

Response &Response::setBody(QByteArray body)
{
    m_body = std::move(body);
    return *this;
}

QByteArray Response::reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 206:
        return "Partial Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 411:
        return "Length Required";
    case 412:
        return "Precondition Failed";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
    case 426:
        return "Upgrade Required";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    default:
        break;
    }
    if (status >= 100 && status < 200)
        return "Informational";
    if (status >= 200 && status < 300)
        return "Success";
    if (status >= 300 && status < 400)
        return "Redirection";
    if (status >= 400 && status < 500)
        return "Client Error";
    return "Server Error";
}

} // namespace bh::http
