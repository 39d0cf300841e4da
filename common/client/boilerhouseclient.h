#pragma once

#include "client/clientconfig.h"
#include "client/clientstats.h"
#include "client/clienttypes.h"
#include "protocol/event.h"

#include <QDateTime>
#include <QObject>
#include <QTimer>

#include <optional>

class QNetworkAccessManager;

namespace bh::client {

class EventStream;
class SnapshotJob;
class StateStore;

// The headless client: snapshot, then follow /ws, folding every event into store();
// reconnects on its own. One instance per server connection.
//
// State machine (stateChanged(state, reason) on every transition):
//   Disconnected --connectToServer()--> FetchingSnapshot --ok--> ConnectingStream --> Live
//   any failure (not 401) --> WaitingToReconnect --(ReconnectPolicy delay)--> (see below)
//   401 or invalid URL --> Disconnected (reason = the server's message); not retried
//   disconnectFromServer() --> Disconnected ("disconnected by user")
//
// Snapshot then follow:
// - Server with PROTOCOL B.1 (the snapshot has X-Boilerhouse-Cursor): store.reset(snapshot),
//   then /ws?since=<cursor>: no replay, every event after the snapshot exactly once (gapless).
//   The client tracks the cursor of the last event folded (protocol::Cursor + "seq"), so a
//   reconnect resumes with ?since= *without* a new snapshot (stats().gaplessResumes).
//   stream.resync, or a "seq" that is not the previous + 1 → close the stream, re-snapshot.
// - Server without part B (the existing Go server: no cursor): /ws is opened first, its
//   events (the server's initial replay, then live ones) are buffered while a snapshot is
//   taken, then store.reset(snapshot) and the buffered events are folded on top. Last-writer-
//   wins folding makes this converge to the server's state with no gap. (On the very first
//   connect the client only learns that the server lacks part B from the first snapshot, so
//   that costs one extra snapshot.)
// - Reconnect delays come from config().reconnect (1 s doubling to 30 s by default); the
//   attempt count resets once Live.
//
// Signals: stateReset() after each store reset (the store's wasReset() also fires);
// eventReceived(event, receivedAt) for every decoded frame, before it is folded;
// error(code, message) for every failure, also the ones that lead to a reconnect.
class BoilerhouseClient : public QObject
{
    Q_OBJECT
public:
    // A closing stream gets this long for the close handshake before it is dropped.
    static constexpr std::chrono::milliseconds kCloseGrace { 2000 }; // 2 s

    explicit BoilerhouseClient(QObject *parent = nullptr);
    ~BoilerhouseClient() override;

    // Takes effect at the next connectToServer().
    void setConfig(const ClientConfig &config);
    ClientConfig config() const { return m_config; }

    // Starts (or restarts) the state machine with config(). An invalid URL gives
    // error(InvalidUrl) and stays Disconnected.
    void connectToServer();
    void connectToServer(const QUrl &serverUrl, const QString &apiKey = {});
    // Stops everything (stream, snapshot, reconnect timer); the store keeps its content.
    void disconnectFromServer();

    ConnectionState state() const { return m_state; }
    QString stateReason() const { return m_stateReason; }
    // Last error and its message (None when there was none since connectToServer()).
    ClientError lastError() const { return m_lastError; }
    QString lastErrorString() const { return m_lastErrorString; }
    // Delay of the pending reconnect (valid in WaitingToReconnect).
    std::chrono::milliseconds reconnectDelay() const { return m_reconnectDelay; }

    StateStore *store() const { return m_store; }
    ClientStats stats() const;

    // Resume position for the next reconnect (B.1), when the server offers one.
    std::optional<QString> cursor() const { return m_cursor; }
    // True once a snapshot came with a cursor; false for servers without part B.
    bool serverSupportsResume() const { return m_serverSupportsResume; }

Q_SIGNALS:
    void stateChanged(bh::client::ConnectionState state, const QString &reason);
    void stateReset();
    void eventReceived(const bh::protocol::Event &event, const QDateTime &receivedAt);
    void error(bh::client::ClientError error, const QString &message);

private:
    void setState(ConnectionState state, const QString &reason);
    void fail(ClientError code, const QString &message);
    // `why` (when given) is prefixed to the state reason.
    void startSnapshot(const QString &why = {});
    void onSnapshotFinished(SnapshotJob *job);
    void openStream(const std::optional<QString> &since);
    void onStreamOpened();
    void onStreamEvent(const protocol::Event &event, const QDateTime &receivedAt);
    void onStreamResync(const QString &reason);
    void onStreamClosed(int code, const QString &reason);
    void resnapshot(const QString &why);
    void scheduleReconnect(const QString &why);
    void reconnectNow();
    void beginCycle();
    void stopAll();
    void foldBuffered();
    bool resumeAllowed() const;

    ClientConfig m_config;
    QNetworkAccessManager *m_nam;
    StateStore *m_store;
    EventStream *m_stream = nullptr;
    SnapshotJob *m_job = nullptr;
    QTimer m_reconnectTimer;

    ConnectionState m_state = ConnectionState::Disconnected;
    QString m_stateReason;
    ClientError m_lastError = ClientError::None;
    QString m_lastErrorString;
    int m_attempt = 0;
    std::chrono::milliseconds m_reconnectDelay { 0 };

    // B.1 resume.
    std::optional<QString> m_cursor;
    std::optional<quint64> m_lastSeq;
    bool m_serverSupportsResume = false;
    bool m_resumeDisabled = false; // after too many consecutive resyncs
    bool m_resumingAfterReconnect = false;
    bool m_legacyServer = false; // a snapshot came without cursor: part-A path
    int m_consecutiveResyncs = 0;

    // Part-A path: events received while the snapshot is in flight.
    bool m_buffering = false;
    QList<std::pair<protocol::Event, QDateTime>> m_buffer;

    ClientStats m_stats;
};

} // namespace bh::client
