#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace bh::hub {

// The server side of the RFC 6455 opening handshake (§4.2), done by the hub itself on the
// socket handed over by the HTTP layer: parse the upgrade request head, then answer 101.
class WsHandshake
{
public:
    enum class Error {
        None,
        Incomplete, // no complete head yet (wait for more bytes)
        TooLarge, // no head end within the size limit: 431
        BadRequest, // not a valid WebSocket upgrade: 400
        BadVersion, // Sec-WebSocket-Version is not 13: 426 with "Sec-WebSocket-Version: 13"
    };

    struct Request
    {
        QByteArray target; // as sent, e.g. "/ws?types=instance.state"
        QByteArray key; // Sec-WebSocket-Key
        QList<QByteArray> protocols; // Sec-WebSocket-Protocol offers, in order
        qsizetype headBytes = 0; // bytes of the head, up to and including the blank line
    };

    // Parses the head at the start of `data` (at most `maxHeadBytes` of it).
    static Error parse(QByteArrayView data, qsizetype maxHeadBytes, Request *out,
                       QString *message = nullptr);
    // base64(SHA-1(key + RFC 6455 GUID)).
    static QByteArray acceptKey(QByteArrayView key);
    // The 101 response; `subprotocol` is echoed when not empty.
    static QByteArray response(QByteArrayView key, QByteArrayView subprotocol = {});
};

} // namespace bh::hub
