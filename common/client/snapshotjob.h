#pragma once

#include "client/clientconfig.h"
#include "client/clienttypes.h"
#include "protocol/snapshot.h"

#include <QObject>
#include <QPointer>

class QNetworkAccessManager;
class QNetworkReply;

namespace bh::client {

// One REST snapshot (PROTOCOL A.4 + B.1), KJob style: create, connect finished(), start().
//
// GET <base>/api/v1/instances, then GET <base>/api/v1/tenants (in this order, one after the
// other, both with "Authorization: Bearer <apiKey>" when a key is configured). The cursor is
// the X-Boilerhouse-Cursor of the *instances* response: it is the earlier of the two, so
// resuming from it replays every event after the instances were read; the tenants list may
// already include some of them, which is harmless because the store's claim folding is
// last-writer-wins per claim. When only one of the responses has the header, there is no
// cursor (a server without part B sends none).
//
// finished() is emitted exactly once, after start() (never from inside start()), unless
// abort() was called first. Check error(): None means snapshot() is valid.
//
// Errors: InvalidUrl, Unreachable (connect failed), Timeout (no progress for
// config.requestTimeout), Unauthorized (401, errorString() is the server's text, e.g.
// "invalid API key"), HttpError (other status: "HTTP 503: <server text>"), BadResponse (not
// the documented JSON, with the decoder's message naming the field; or larger than
// config.maxSnapshotBytes).
class SnapshotJob : public QObject
{
    Q_OBJECT
public:
    // `nam` is borrowed and must outlive the job.
    SnapshotJob(QNetworkAccessManager *nam, const ClientConfig &config, QObject *parent = nullptr);
    ~SnapshotJob() override;

    void start();
    // Cancels quietly: no finished() afterwards. error() becomes Aborted.
    void abort();

    bool isFinished() const { return m_finished; }
    ClientError error() const { return m_error; }
    QString errorString() const { return m_errorString; }
    // HTTP status of the last response (0 when none arrived).
    int httpStatus() const { return m_httpStatus; }
    const protocol::Snapshot &snapshot() const { return m_snapshot; }

Q_SIGNALS:
    void finished(bh::client::SnapshotJob *job);

private:
    enum class Step { Instances, Tenants };
    void request(Step step);
    void onReplyFinished();
    void onReplyReadyRead();
    void finish(ClientError error, const QString &message);

    QNetworkAccessManager *m_nam;
    ClientConfig m_config;
    QPointer<QNetworkReply> m_reply;
    Step m_step = Step::Instances;
    bool m_started = false;
    bool m_finished = false;
    bool m_aborted = false;
    ClientError m_error = ClientError::None;
    QString m_errorString;
    int m_httpStatus = 0;
    std::optional<QString> m_instancesCursor;
    protocol::Snapshot m_snapshot;
};

} // namespace bh::client
