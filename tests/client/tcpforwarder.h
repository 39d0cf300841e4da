#pragma once

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>

class QTcpSocket;

// A real TCP forwarder 127.0.0.1:<port 0> → 127.0.0.1:<target>: it stands between a client
// and a server so a test can cut the network (dropAll) without touching either process.
class TcpForwarder : public QObject
{
    Q_OBJECT
public:
    explicit TcpForwarder(QObject *parent = nullptr);
    ~TcpForwarder() override;

    bool listen(quint16 targetPort);
    quint16 port() const { return m_server.serverPort(); }
    // Aborts every forwarded connection (both sides, no FIN handshake).
    void dropAll();
    int connectionCount() const;

private:
    struct Pair
    {
        QPointer<QTcpSocket> client;
        QPointer<QTcpSocket> upstream;
    };
    void onNewConnection();

    QTcpServer m_server;
    quint16 m_target = 0;
    QList<Pair> m_pairs;
};
