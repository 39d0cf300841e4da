#pragma once

#include "httplimits.h"

#include <QHostAddress>
#include <QObject>
#include <QSslConfiguration>

#include <functional>
#include <memory>

QT_BEGIN_NAMESPACE
class QTcpServer;
QT_END_NAMESPACE

namespace bh::http {

class Responder;

// The project's one HTTP/1.1 server (used by boilerhouse-server and by the Kubernetes
// simulator). Built on QTcpServer (QSslServer when a TLS configuration is set) and
// Debian's http_parser. It knows nothing of Boilerhouse or Kubernetes: every request goes
// to the one Handler, which routes.
//
// Errors the layer answers itself (JSON bodies {"error":"..."}, then closes):
//   400 malformed request, 408 request timeout, 413 body too large, 414 URL too long,
//   431 head too large, 503 too many connections.
class Server : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<void(Responder *)>;

    explicit Server(QObject *parent = nullptr);
    explicit Server(const Limits &limits, QObject *parent = nullptr);
    ~Server() override;

    void setHandler(Handler handler);
    const Limits &limits() const;
    void setLimits(const Limits &limits); // applies to new connections

    // Enables TLS (QSslServer) for connections accepted after the next listen().
    void setTlsConfiguration(const QSslConfiguration &config);

    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    bool isListening() const;
    quint16 serverPort() const;
    QHostAddress serverAddress() const;
    QString errorString() const;
    // Stops accepting; open connections stay.
    void close();
    // Aborts every open connection (responders emit disconnected()).
    void closeAllConnections();
    // Stops reading new requests from open connections (used for "stop answering" faults
    // and shutdown) until resumed.
    void setPaused(bool paused);

    int connectionCount() const;
    quint64 requestsServed() const;

Q_SIGNALS:
    void connectionCountChanged(int count);

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace bh::http
