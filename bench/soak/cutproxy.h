#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

namespace bh::soak {

// A loopback TCP proxy in front of the server for one client, so the soak can cut that
// client's network (both sides aborted, as a dropped NAT entry would) without touching the
// server: the client then reconnects, resuming with ?since= when it can.
class CutProxy : public QObject
{
    Q_OBJECT
public:
    // Bytes buffered from one side while the other is not connected yet (default 1 MiB; the
    // pair is dropped beyond it).
    static constexpr qint64 MaxPendingBytes = 1024 * 1024;

    explicit CutProxy(quint16 targetPort, QObject *parent = nullptr);
    ~CutProxy() override; // the sockets are children; the pair records are freed here

    bool listen(); // port 0 on 127.0.0.1
    quint16 port() const { return m_server.serverPort(); }
    // Aborts every connection pair; returns how many there were.
    int cut();
    int cuts() const { return m_cuts; }

private:
    struct Pair
    {
        QPointer<QTcpSocket> client;
        QPointer<QTcpSocket> upstream;
        QByteArray pendingUp; // client bytes before upstream connected
    };
    void onNewConnection();
    void drop(Pair *pair);

    QTcpServer m_server;
    quint16 m_targetPort;
    QList<Pair *> m_pairs;
    int m_cuts = 0;
};

} // namespace bh::soak
