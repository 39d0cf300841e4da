#include "hub/wshandshake.h"

#include <QCryptographicHash>

namespace bh::hub {

namespace {
constexpr QByteArrayView HeadEnd = "\r\n\r\n";
constexpr char Guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr int KeyBytes = 16; // Sec-WebSocket-Key decodes to 16 bytes

bool fail(QString *message, const char *text)
{
    if (message)
        *message = QString::fromLatin1(text);
    return false;
}

// True when the comma-separated header value has `token` (case-insensitive).
bool hasToken(QByteArrayView value, QByteArrayView token)
{
    for (const QByteArray &part : value.toByteArray().split(',')) {
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}
} // namespace

WsHandshake::Error WsHandshake::parse(QByteArrayView data, qsizetype maxHeadBytes, Request *out,
                                      QString *message)
{
    const QByteArrayView window = data.first(std::min(data.size(), maxHeadBytes));
    const qsizetype end = window.indexOf(HeadEnd);
    if (end < 0) {
        if (data.size() >= maxHeadBytes) {
            fail(message, "request head too large");
            return Error::TooLarge;
        }
        return Error::Incomplete;
    }
    const QList<QByteArray> lines = window.first(end).toByteArray().split('\n');
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || requestLine[0] != "GET" || !requestLine[2].startsWith("HTTP/1.")
        || requestLine[2] == "HTTP/1.0") {
        fail(message, "a WebSocket handshake is a GET request over HTTP/1.1");
        return Error::BadRequest;
    }
    QByteArray upgrade, connection, version, key, protocols;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines[i];
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            fail(message, "malformed header line");
            return Error::BadRequest;
        }
        const QByteArray name = line.first(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "upgrade")
            upgrade = value;
        else if (name == "connection")
            connection = connection.isEmpty() ? value : connection + ',' + value;
        else if (name == "sec-websocket-version")
            version = value;
        else if (name == "sec-websocket-key")
            key = value;
        else if (name == "sec-websocket-protocol")
            protocols = protocols.isEmpty() ? value : protocols + ',' + value;
    }
    if (!hasToken(upgrade, "websocket") || !hasToken(connection, "upgrade")) {
        fail(message, "missing Upgrade: websocket / Connection: Upgrade");
        return Error::BadRequest;
    }
    if (version != "13") {
        fail(message, "unsupported Sec-WebSocket-Version (13 expected)");
        return Error::BadVersion;
    }
    const auto decoded =
        QByteArray::fromBase64Encoding(key, QByteArray::AbortOnBase64DecodingErrors);
    if (key.isEmpty() || !decoded || decoded.decoded.size() != KeyBytes) {
        fail(message, "missing or malformed Sec-WebSocket-Key");
        return Error::BadRequest;
    }
    out->target = requestLine[1];
    out->key = key;
    out->protocols.clear();
    for (const QByteArray &p : protocols.split(',')) {
        if (!p.trimmed().isEmpty())
            out->protocols.append(p.trimmed());
    }
    out->headBytes = end + HeadEnd.size();
    return Error::None;
}

QByteArray WsHandshake::acceptKey(QByteArrayView key)
{
    QCryptographicHash sha1(QCryptographicHash::Sha1);
    sha1.addData(key);
    sha1.addData(QByteArrayView(Guid));
    return sha1.result().toBase64();
}

QByteArray WsHandshake::response(QByteArrayView key, QByteArrayView subprotocol)
{
    QByteArray out = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Accept: ";
    out += acceptKey(key);
    if (!subprotocol.isEmpty()) {
        out += "\r\nSec-WebSocket-Protocol: ";
        out += subprotocol;
    }
    out += "\r\n\r\n";
    return out;
}

} // namespace bh::hub
