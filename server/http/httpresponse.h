#pragma once

#include "httprequest.h"

#include <QByteArray>
#include <QJsonDocument>

namespace bh::http {

// A complete (non-streamed) response. A value type.
class Response
{
public:
    Response() = default;
    explicit Response(int status, QByteArray body = {}, QByteArray contentType = {});

    // application/json responses.
    static Response json(int status, const QByteArray &compactJson);
    static Response json(int status, const QJsonDocument &doc);
    // {"error":"<message>"} with the given status (the Boilerhouse REST error shape).
    static Response jsonError(int status, const QString &message);

    int status() const { return m_status; }
    const QByteArray &body() const { return m_body; }
    const HeaderList &headers() const { return m_headers; }
    QByteArray header(QByteArrayView name) const;

    // Adds a header (appends; use setHeader to replace).
    Response &addHeader(QByteArray name, QByteArray value);
    Response &setHeader(QByteArray name, QByteArray value);
    Response &setBody(QByteArray body);

    // Standard reason phrase for a status code ("OK", "Not Found", ...).
    static QByteArray reasonPhrase(int status);

private:
    int m_status = 200;
    QByteArray m_body;
    HeaderList m_headers;
};

} // namespace bh::http
