#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QTcpSocket>

// A WebSocket client written on a bare QTcpSocket, for what QWebSocket cannot do: stop
// reading (slow consumer), never answer pings, send a handshake partially or not at all.
// It parses the server's frames (unmasked) and masks what it sends, per RFC 6455.
class RawWsClient : public QObject
{
    Q_OBJECT
public:
    explicit RawWsClient(QObject *parent = nullptr);

    // Small kernel receive buffer and a bounded Qt read buffer, so that a paused client
    // really stops taking data. Call before connectToHub().
    void setSmallBuffers();
    void connectToHub(quint16 port, const QByteArray &target = "/ws");
    // Connects without sending anything (handshake timeout tests).
    void connectSilently(quint16 port);
    // Sends part of a handshake request and nothing more.
    void sendPartialHandshake(const QByteArray &target = "/ws");

    // While paused the client reads nothing from its socket.
    void setPaused(bool paused);
    void setAnswerPings(bool answer) { m_answerPings = answer; }
    void sendText(const QByteArray &payload);
    // A close frame with a status code (masked, as a client must).
    void sendClose(quint16 code);
    // Bytes as they are (malformed frames, custom handshakes).
    void sendRaw(const QByteArray &bytes) { m_socket.write(bytes); }

    bool isUpgraded() const { return m_upgraded; }
    bool isDisconnected() const { return m_disconnected; }
    QByteArray responseHead() const { return m_head; }
    // What followed a non-101 response head (its body), or unparsed frame bytes.
    QByteArray rest() const { return m_buffer; }
    const QList<QByteArray> &messages() const { return m_messages; }
    int pingsReceived() const { return m_pings; }
    bool closeReceived() const { return m_closeReceived; }
    int closeCode() const { return m_closeCode; }
    QByteArray closeReason() const { return m_closeReason; }
    QTcpSocket *socket() { return &m_socket; }

Q_SIGNALS:
    void upgraded();
    void messageReceived();
    void closed();

private:
    void onReadyRead();
    void parseFrames();
    void sendFrame(quint8 opcode, const QByteArray &payload);

    QTcpSocket m_socket;
    QByteArray m_buffer;
    QByteArray m_head;
    QList<QByteArray> m_messages;
    bool m_upgraded = false;
    bool m_paused = false;
    bool m_answerPings = true;
    bool m_disconnected = false;
    bool m_closeReceived = false;
    int m_closeCode = 0;
    QByteArray m_closeReason;
    int m_pings = 0;
};
