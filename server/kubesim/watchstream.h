#pragma once

#include "objectfilter.h"
#include "resourcetype.h"
#include "storeevent.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>

namespace bh::http {
class Responder;
}

namespace bh::sim {

// One open watch: a chunked HTTP response that receives one compact JSON event per line.
// Decides per store event what this watcher sees (ADDED/MODIFIED/DELETED, including
// selector transitions), sends bookmarks, ends cleanly at its timeout. Ends with finished()
// exactly once (clean end, peer gone, or closed for falling behind).
class WatchStream : public QObject
{
    Q_OBJECT
public:
    enum class EndReason { Timeout, Closed, PeerGone, Backpressure };
    Q_ENUM(EndReason)

    WatchStream(http::Responder *responder, Resource resource, ObjectFilter filter,
                bool allowBookmarks, std::chrono::seconds timeout, QString query,
                QObject *parent = nullptr);
    ~WatchStream() override;

    Resource resource() const { return m_resource; }
    const QString &query() const { return m_query; }
    bool allowBookmarks() const { return m_allowBookmarks; }
    bool isOpen() const;
    quint64 lastResourceVersion() const { return m_lastRv; }

    // Sends HTTP 200 with chunked JSON framing.
    void begin();
    // Sends what this watcher should see of the event (possibly nothing). Returns false
    // when the stream is no longer open.
    bool deliver(const StoreEvent &event);
    // Writes pre-encoded event lines in one chunk (initial ADDED events).
    void writeLines(const QByteArray &lines, quint64 resourceVersion);
    // BOOKMARK at resourceVersion (with the k8s.io/initial-events-end annotation if asked).
    void sendBookmark(quint64 resourceVersion, bool initialEventsEnd = false);
    // One ERROR event carrying a Status, then the end of the stream.
    void sendErrorAndEnd(const QByteArray &statusJson);
    // Ends the stream with the terminating chunk.
    void end(EndReason reason = EndReason::Closed);

Q_SIGNALS:
    void finished(bh::sim::WatchStream *stream, bh::sim::WatchStream::EndReason reason);

private:
    bool write(const QByteArray &data);
    void finish(EndReason reason);

    QPointer<http::Responder> m_responder;
    Resource m_resource;
    ObjectFilter m_filter;
    bool m_allowBookmarks;
    QString m_query;
    QTimer m_timeout;
    quint64 m_lastRv = 0;
    bool m_finished = false;
};

} // namespace bh::sim
