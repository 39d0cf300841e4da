#pragma once

#include "kube/lineframer.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>

#include <chrono>

QT_BEGIN_NAMESPACE
class QNetworkReply;
QT_END_NAMESPACE

namespace bh::kube {

class KubeClient;

// One watch request (?watch=true...). Frames the chunked body into lines, decodes each
// {"type":T,"object":{...}} and emits eventReceived(); an ERROR event ends the stream (410 ->
// End::Gone). Emits ended() exactly once; the receiver owns the stream (deleteLater()).
// The idle timeout (QNetworkRequest::setTransferTimeout, an idle timer in Qt 6.4) ends a
// stream that delivered no bytes for that long with End::IdleTimeout.
class WatchStream : public QObject
{
    Q_OBJECT
public:
    enum class End {
        Running,
        Normal, // the server ended the stream cleanly (timeoutSeconds, close)
        Gone, // 410 Expired/Gone, as ERROR event or HTTP status
        HttpError, // other non-2xx status
        ServerError, // other ERROR event
        Network, // connection refused/reset, TLS...
        IdleTimeout, // no bytes for idleTimeout
        Protocol, // a line too long, invalid JSON or an unknown event type
        Credentials, // the credential plugin / token file failed
        Aborted, // abort() was called
    };
    Q_ENUM(End)

    ~WatchStream() override;

    End end() const { return m_end; }
    int httpStatus() const { return m_status; }
    QString reason() const { return m_reason; }
    QString errorString() const { return m_errorString; }
    bool connectionRefused() const { return m_connectionRefused; }
    quint64 eventCount() const { return m_events; }
    qint64 elapsedMs() const { return m_elapsed.isValid() ? m_elapsed.elapsed() : 0; }

    void abort();

Q_SIGNALS:
    // type is ADDED, MODIFIED, DELETED or BOOKMARK.
    void eventReceived(const QString &type, const QJsonObject &object);
    void ended(bh::kube::WatchStream::End end);

private:
    friend class KubeClient;
    WatchStream(KubeClient *client, QString path, QString query,
                std::chrono::milliseconds idleTimeout);
    void send();
    void onReadyRead();
    void onFinished();
    bool handleLine(const QByteArray &line);
    void finish(End end, const QString &message);

    KubeClient *m_client;
    QString m_path;
    QString m_query;
    std::chrono::milliseconds m_idleTimeout;
    QPointer<QNetworkReply> m_reply; // the manager may delete it first (client teardown)
    LineFramer m_framer;
    QElapsedTimer m_elapsed;
    bool m_retried = false;
    End m_end = End::Running;
    int m_status = 0;
    QString m_reason;
    QString m_errorString;
    bool m_connectionRefused = false;
    quint64 m_events = 0;
};

} // namespace bh::kube
