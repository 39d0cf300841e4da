#include "boilerhouseclient.h"

#include "client/clientlogging.h"
#include "client/eventstream.h"
#include "client/snapshotjob.h"
#include "client/statestore.h"
#include "protocol/cursor.h"

#include <QNetworkAccessManager>

namespace bh::client {

namespace {
QString seconds(std::chrono::milliseconds delay)
{
    return QString::number(double(delay.count()) / 1000.0, 'g', 3);
}
} // namespace

BoilerhouseClient::BoilerhouseClient(QObject *parent)
    : QObject(parent)
    , m_nam(new QNetworkAccessManager(this))
    , m_store(new StateStore(this))
{
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &BoilerhouseClient::reconnectNow);
}

BoilerhouseClient::~BoilerhouseClient()
{
    stopAll();
}

void BoilerhouseClient::setConfig(const ClientConfig &config)
{
    m_config = config;
}

ClientStats BoilerhouseClient::stats() const
{
    return m_stats;
}

void BoilerhouseClient::connectToServer(const QUrl &serverUrl, const QString &apiKey)
{
    m_config.serverUrl = serverUrl;
    m_config.apiKey = apiKey;
    connectToServer();
}

void BoilerhouseClient::connectToServer()
{
    stopAll();
    m_reconnectTimer.stop();
    m_attempt = 0;
    m_lastError = ClientError::None;
    m_lastErrorString.clear();
    m_cursor.reset();
    m_lastSeq.reset();
    m_serverSupportsResume = false;
    m_resumeDisabled = false;
    m_resumingAfterReconnect = false;
    m_legacyServer = false;
    m_consecutiveResyncs = 0;
    const QString problem = m_config.validate();
    if (!problem.isEmpty()) {
        fail(ClientError::InvalidUrl, problem);
        setState(ConnectionState::Disconnected, problem);
        return;
    }
    // One manager per connection: a stale connection pool must not outlive a config change.
    m_nam->deleteLater();
    m_nam = new QNetworkAccessManager(this);
    qCInfo(lcClient) << "connecting to" << m_config.serverUrl.toString();
    startSnapshot();
}

void BoilerhouseClient::disconnectFromServer()
{
    stopAll();
    m_reconnectTimer.stop();
    setState(ConnectionState::Disconnected, QStringLiteral("disconnected by user"));
}

void BoilerhouseClient::setState(ConnectionState state, const QString &reason)
{
    if (state == m_state && reason == m_stateReason)
        return;
    if (state == ConnectionState::Live && m_state != ConnectionState::Live)
        m_stats.connectedSince = QDateTime::currentDateTimeUtc();
    else if (state != ConnectionState::Live)
        m_stats.connectedSince = QDateTime();
    m_state = state;
    m_stateReason = reason;
    qCDebug(lcClient) << "state" << state << reason;
    Q_EMIT stateChanged(state, reason);
}

void BoilerhouseClient::fail(ClientError code, const QString &message)
{
    m_lastError = code;
    m_lastErrorString = message;
    qCInfo(lcClient) << "error" << code << message;
    Q_EMIT error(code, message);
}

bool BoilerhouseClient::resumeAllowed() const
{
    return m_config.useResume && !m_resumeDisabled;
}

void BoilerhouseClient::startSnapshot(const QString &why)
{
    if (m_job) {
        m_job->abort();
        m_job->deleteLater();
    }
    QString reason = m_buffering
        ? QStringLiteral("catching up: fetching snapshot from %1")
              .arg(m_config.serverUrl.toString())
        : QStringLiteral("fetching snapshot from %1").arg(m_config.serverUrl.toString());
    if (!why.isEmpty())
        reason = why + QLatin1String("; ") + reason;
    setState(ConnectionState::FetchingSnapshot, reason);
    m_job = new SnapshotJob(m_nam, m_config, this);
    connect(m_job, &SnapshotJob::finished, this, &BoilerhouseClient::onSnapshotFinished);
    m_job->start();
}

void BoilerhouseClient::onSnapshotFinished(SnapshotJob *job)
{
    if (job != m_job)
        return;
    m_job = nullptr;
    job->deleteLater();
    if (job->error() != ClientError::None) {
        fail(job->error(), job->errorString());
        if (job->error() == ClientError::Unauthorized || job->error() == ClientError::InvalidUrl) {
            // A wrong key or URL does not fix itself: stop, with the server's words.
            stopAll();
            setState(ConnectionState::Disconnected, job->errorString());
            return;
        }
        scheduleReconnect(job->errorString());
        return;
    }
    ++m_stats.snapshots;
    const protocol::Snapshot &snapshot = job->snapshot();
    if (m_buffering) {
        // Part-A catch-up: the stream is open and buffered everything since it opened.
        m_store->reset(snapshot);
        Q_EMIT stateReset();
        foldBuffered();
        m_attempt = 0;
        setState(ConnectionState::Live,
                 QStringLiteral("following %1 (server without resume)")
                     .arg(m_config.streamUrl().toString()));
        return;
    }
    if (snapshot.cursor)
        m_serverSupportsResume = true;
    if (snapshot.cursor && resumeAllowed()) {
        m_store->reset(snapshot);
        Q_EMIT stateReset();
        m_cursor = snapshot.cursor;
        const auto parsed = protocol::Cursor::parse(*snapshot.cursor);
        m_lastSeq = parsed ? std::optional<quint64>(parsed->seq) : std::nullopt;
        m_resumingAfterReconnect = false;
        openStream(m_cursor);
        return;
    }
    // No cursor (or resume off): open /ws first, buffer, then take the snapshot again so no
    // change between the two can be missed.
    m_legacyServer = true;
    m_cursor.reset();
    m_lastSeq.reset();
    m_buffering = true;
    m_buffer.clear();
    openStream(std::nullopt);
}

void BoilerhouseClient::openStream(const std::optional<QString> &since)
{
    if (m_stream) {
        m_stream->disconnect(this);
        m_stream->deleteLater();
    }
    m_stream = new EventStream(m_config, this);
    connect(m_stream, &EventStream::opened, this, &BoilerhouseClient::onStreamOpened);
    connect(m_stream, &EventStream::event, this, &BoilerhouseClient::onStreamEvent);
    connect(m_stream, &EventStream::resync, this, &BoilerhouseClient::onStreamResync);
    connect(m_stream, &EventStream::closed, this, &BoilerhouseClient::onStreamClosed);
    connect(m_stream, &EventStream::frameError, this, [this](const QString &message) {
        ++m_stats.badFrames;
        fail(ClientError::BadFrame, message);
    });
    setState(ConnectionState::ConnectingStream,
             QStringLiteral("opening %1").arg(m_config.streamUrl(since).toString()));
    m_stream->open(since);
}

void BoilerhouseClient::onStreamOpened()
{
    if (m_buffering) {
        startSnapshot();
        return;
    }
    if (m_resumingAfterReconnect) {
        ++m_stats.gaplessResumes;
        m_resumingAfterReconnect = false;
    }
    m_attempt = 0;
    setState(ConnectionState::Live, QStringLiteral("following %1").arg(m_stream->url().toString()));
}

void BoilerhouseClient::onStreamEvent(const protocol::Event &event, const QDateTime &receivedAt)
{
    ++m_stats.eventsReceived;
    m_stats.lastEventAt = receivedAt;
    Q_EMIT eventReceived(event, receivedAt);
    if (event.type == protocol::EventType::StreamResync)
        return; // onStreamResync follows
    m_consecutiveResyncs = 0;
    if (event.seq && m_cursor) {
        if (m_lastSeq && *event.seq != *m_lastSeq + 1) {
            ++m_stats.sequenceGaps;
            qCWarning(lcClient) << "sequence gap: expected" << *m_lastSeq + 1 << "got"
                                << *event.seq;
            resnapshot(QStringLiteral("sequence gap (expected %1, got %2)")
                           .arg(*m_lastSeq + 1)
                           .arg(*event.seq));
            return;
        }
        m_lastSeq = event.seq;
        const auto parsed = protocol::Cursor::parse(*m_cursor);
        if (parsed)
            m_cursor = parsed->advancedTo(*event.seq).toString();
        else
            m_cursor.reset(); // opaque cursor: cannot say where we are now → re-snapshot later
    }
    if (m_buffering) {
        if (m_buffer.size() >= m_config.maxBufferedEvents) {
            const QString message =
                QStringLiteral("more than %1 events arrived while the snapshot was loading")
                    .arg(m_config.maxBufferedEvents);
            fail(ClientError::Timeout, message);
            scheduleReconnect(message);
            return;
        }
        m_buffer.append({ event, receivedAt });
        return;
    }
    m_store->apply(event, receivedAt);
}

void BoilerhouseClient::onStreamResync(const QString &reason)
{
    ++m_stats.resyncs;
    ++m_consecutiveResyncs;
    if (m_consecutiveResyncs >= m_config.maxConsecutiveResyncs && !m_resumeDisabled) {
        qCWarning(lcClient) << m_consecutiveResyncs
                            << "resyncs in a row; not resuming on this connection any more";
        m_resumeDisabled = true;
    }
    resnapshot(QStringLiteral("server asked to resync: %1").arg(reason));
}

void BoilerhouseClient::onStreamClosed(int code, const QString &reason)
{
    const QString message = QStringLiteral("stream closed (%1): %2").arg(code).arg(reason);
    fail(ClientError::StreamClosed, message);
    scheduleReconnect(message);
}

void BoilerhouseClient::resnapshot(const QString &why)
{
    qCInfo(lcClient) << "re-snapshot:" << why;
    stopAll();
    m_cursor.reset();
    m_lastSeq.reset();
    startSnapshot(why);
}

void BoilerhouseClient::scheduleReconnect(const QString &why)
{
    stopAll();
    m_reconnectDelay = m_config.reconnect.delayForAttempt(m_attempt);
    ++m_attempt;
    setState(ConnectionState::WaitingToReconnect,
             QStringLiteral("%1; reconnecting in %2 s").arg(why, seconds(m_reconnectDelay)));
    m_reconnectTimer.start(m_reconnectDelay);
}

void BoilerhouseClient::reconnectNow()
{
    ++m_stats.reconnects;
    beginCycle();
}

void BoilerhouseClient::beginCycle()
{
    if (m_cursor && resumeAllowed()) {
        m_resumingAfterReconnect = true;
        openStream(m_cursor);
    } else if (m_legacyServer) {
        m_buffering = true;
        m_buffer.clear();
        openStream(std::nullopt);
    } else {
        startSnapshot();
    }
}

void BoilerhouseClient::foldBuffered()
{
    const auto buffered = std::exchange(m_buffer, {});
    m_buffering = false;
    for (const auto &[event, at] : buffered)
        m_store->apply(event, at);
}

void BoilerhouseClient::stopAll()
{
    if (m_job) {
        m_job->abort();
        m_job->deleteLater();
        m_job = nullptr;
    }
    if (m_stream) {
        EventStream *stream = m_stream;
        m_stream = nullptr;
        stream->disconnect(this);
        // Let the close handshake finish, but never wait longer than kCloseGrace.
        connect(stream, &EventStream::closed, stream, &QObject::deleteLater);
        QTimer::singleShot(kCloseGrace, stream, &QObject::deleteLater);
        stream->close();
    }
    m_buffering = false;
    m_buffer.clear();
}

} // namespace bh::client
