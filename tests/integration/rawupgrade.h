#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

// One WebSocket upgrade request over a plain QTcpSocket, for asserting what the server
// answers before (or instead of) the upgrade: status, headers and JSON body of a refusal, or
// the 101 head with its Sec-WebSocket-Protocol. Waits on socket signals (nested event loop,
// so an in-process server keeps serving) up to the timeout.
class RawUpgrade
{
public:
    static constexpr int DefaultTimeoutMs = 10'000;

    struct Reply
    {
        int status = 0; // 0 = no complete answer in time
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body; // refusals only (Content-Length bytes)
        QByteArray header(const QByteArray &name) const; // first, case-insensitive
        QString describe() const;
    };

    static Reply send(quint16 port, const QList<QPair<QByteArray, QByteArray>> &extraHeaders,
                      const QByteArray &target = "/ws", int timeoutMs = DefaultTimeoutMs);
};
