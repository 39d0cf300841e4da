#pragma once

#include <QObject>
#include <QTcpSocket>

#include <chrono>

namespace bh::soak {

// A raw /ws client that can stop reading, like a dashboard on a frozen tab: its socket has a
// tiny kernel receive buffer (ReceiveBufferBytes) and, when stalled, Qt stops reading too, so
// the server's per-client buffer fills and the server must close it with 1008 "slow consumer"
// (PROTOCOL B.3) instead of buffering without bound. While reading it answers pings.
class SlowClient : public QObject
{
    Q_OBJECT
public:
    enum class State { Disconnected, Handshaking, Reading, Stalled, Draining };
    Q_ENUM(State)

    // SO_RCVBUF of the socket (default 4 KiB; the kernel doubles it).
    static constexpr int ReceiveBufferBytes = 4096;
    // TCP_MAXSEG of the socket (default 88, the smallest Linux accepts): on loopback the MSS
    // would be ~64 KiB and the server's kernel send buffer would grow to several MiB before
    // the server's own per-client buffer sees a byte; a small MSS keeps it at ~100 KiB.
    static constexpr int MaxSegmentBytes = 88;
    // Qt's read buffer while stalled (default 1 KiB).
    static constexpr qint64 StalledReadBufferBytes = 1024;
    // Largest frame payload accepted (default 1 MiB; larger → the connection is dropped).
    static constexpr qint64 MaxFramePayload = 1024 * 1024;

    explicit SlowClient(QObject *parent = nullptr);

    void connectTo(quint16 port); // raw socket, GET /ws, then Reading
    void stall(); // Reading → Stalled: stop reading
    void resume(); // Stalled → Draining: read everything until the connection ends
    State state() const { return m_state; }
    quint16 localPort() const { return m_localPort; }

    // Counters since creation.
    int connects() const { return m_connects; }
    int closes1008() const { return m_closes1008; } // close frames 1008 "slow consumer" read
    int otherCloses() const { return m_otherCloses; } // close frames with another code
    int cutsWithoutClose() const { return m_cutsWithoutClose; } // ended without a close frame
    quint64 framesRead() const { return m_frames; }

Q_SIGNALS:
    void ended(); // the connection ended (state Disconnected)

private:
    void onReadyRead();
    void onEnded();
    void parseFrames();

    QTcpSocket *m_socket = nullptr;
    State m_state = State::Disconnected;
    QByteArray m_buffer;
    quint16 m_localPort = 0;
    bool m_sawClose = false;
    int m_connects = 0;
    int m_closes1008 = 0;
    int m_otherCloses = 0;
    int m_cutsWithoutClose = 0;
    quint64 m_frames = 0;
};

} // namespace bh::soak
