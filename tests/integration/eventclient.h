#pragma once

#include "clusterfixture.h"

#include <QByteArrayList>
#include <QNetworkRequest>
#include <QObject>
#include <QWebSocket>

// A /ws client that records every frame, its close code, and folds the events into a
// ClusterView (instance.state sets a pod, phase Deleted removes it; tenant.claimed adds a
// claim, tenant.released removes it).
class EventClient : public QObject
{
    Q_OBJECT
public:
    explicit EventClient(QObject *parent = nullptr);
    ~EventClient() override;

    void open(const QUrl &url);
    // With extra handshake headers (Origin, Sec-WebSocket-Protocol, Authorization).
    void open(const QNetworkRequest &request);
    void close() { m_socket.close(); }
    QWebSocket &socket() { return m_socket; }

    bool isConnected() const { return m_connected; }
    bool isClosed() const { return m_closed; }
    QWebSocketProtocol::CloseCode closeCode() const { return m_socket.closeCode(); }

    const QByteArrayList &frames() const { return m_frames; }
    int count() const { return int(m_frames.size()); }
    // Frames whose type is `type`.
    QByteArrayList framesOfType(const QByteArray &type) const;
    bool hasFrame(const QByteArray &frame) const { return m_frames.contains(frame); }
    ClusterView fold() const { return foldOnto(ClusterView()); }
    // The state `base` (e.g. a REST snapshot) with this client's events applied.
    ClusterView foldOnto(ClusterView base) const;
    // Frames that were not valid events (must stay empty).
    int invalidFrames() const { return m_invalid; }

private:
    QWebSocket m_socket;
    QByteArrayList m_frames;
    bool m_connected = false;
    bool m_closed = false;
    int m_invalid = 0;
};
