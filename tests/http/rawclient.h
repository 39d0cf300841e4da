#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QTcpSocket>

// A test HTTP client over a plain QTcpSocket: writes exact bytes, parses exact responses.
// Never blocks: tests poll takeResponse() with QTRY_* while the event loop runs.
class RawClient
{
public:
    struct Response
    {
        int status = 0;
        QByteArray statusLine;
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body;
        bool chunked = false;
        QByteArray header(QByteArrayView name) const;
    };

    explicit RawClient(QAbstractSocket *socket = nullptr);
    ~RawClient();

    QAbstractSocket *socket() const { return m_socket; }
    void connectTo(quint16 port);
    bool isConnected() const;
    void write(const QByteArray &bytes);

    // Pulls available bytes; true when a complete response was parsed into *out.
    // headOnly: the response has no body (answer to HEAD).
    bool takeResponse(Response *out, bool headOnly = false);
    // Waits (event loop, on readyRead) until a complete response arrived; false on timeout.
    bool waitForResponse(Response *out, bool headOnly = false, int timeoutMs = 10000);
    // Pulls available bytes and returns everything received and not yet parsed.
    QByteArray received();
    // True once the server closed the connection (all data read).
    bool isClosedByPeer();

private:
    QAbstractSocket *m_socket;
    bool m_owned;
    QByteArray m_buffer;
};
