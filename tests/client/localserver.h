#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QUrl>
#include <QWebSocketServer>

#include <functional>

class QTcpSocket;
class QWebSocket;

// A small real HTTP/1.1 + WebSocket server on 127.0.0.1:<port 0> for the client tests: REST
// routes answer what the test configured (status, body, headers), /ws upgrades go to a real
// QWebSocketServer, and the test sends frames and closes connections as a scenario needs.
// Every request is recorded so tests can check what the client asked for.
class LocalServer : public QObject
{
    Q_OBJECT
public:
    struct Response
    {
        int status = 200;
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
    };
    struct Request
    {
        QByteArray method;
        QString path; // without query
        QString query; // raw
        QByteArray authorization;
    };

    explicit LocalServer(QObject *parent = nullptr);
    ~LocalServer() override;

    bool listen();
    quint16 port() const { return m_tcp.serverPort(); }
    QUrl url() const;

    void setResponse(const QString &path, const Response &response) { m_routes[path] = response; }
    // Accept connections but never answer HTTP (for timeouts).
    void setSilent(bool silent) { m_silent = silent; }
    // Answer the /ws upgrade with this HTTP status instead of upgrading (0 = upgrade).
    void setRejectUpgrade(int status) { m_rejectUpgrade = status; }
    // Complete the /ws handshake by hand, then never read or answer again (a hung peer).
    void setHangAfterUpgrade(bool hang) { m_hang = hang; }

    QList<Request> requests() const { return m_requests; }
    QList<QUrl> streamUrls() const { return m_streamUrls; }
    QList<QWebSocket *> clients() const;

    void sendToAll(const QByteArray &frame);
    void closeAll(int code, const QString &reason);
    void abortAll(); // drop TCP without a close frame
    void stopListening() { m_tcp.close(); }

Q_SIGNALS:
    void streamConnected(QWebSocket *socket);
    void restRequested(const QString &path);

private:
    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);
    void onWsConnection();

    QTcpServer m_tcp;
    QWebSocketServer m_ws;
    QHash<QString, Response> m_routes;
    bool m_silent = false;
    int m_rejectUpgrade = 0;
    bool m_hang = false;
    QList<Request> m_requests;
    QList<QUrl> m_streamUrls;
    QList<QPointer<QWebSocket>> m_clients;
};
