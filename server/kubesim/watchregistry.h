#pragma once

#include "listoptions.h"
#include "objectstore.h"
#include "watchstream.h"

#include <QList>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <deque>

namespace bh::http {
class Responder;
}

namespace bh::sim {

// All open watches. Starts a watch (initial ADDED events / history replay / 410 /
// streaming-list bookmark), fans every store event out to the matching watches (each event
// encoded once, bytes shared), sends periodic bookmarks, and can hold output back (stall).
class WatchRegistry : public QObject
{
    Q_OBJECT
public:
    struct Config
    {
        std::chrono::milliseconds bookmarkInterval;
        std::chrono::seconds defaultTimeout;
        bool gone410AsHttpStatus = false;
    };

    WatchRegistry(ObjectStore *store, Config config, QObject *parent = nullptr);

    // Answers a watch request (options already validated). `query` is logged/counted.
    void open(http::Responder *responder, Resource resource, const QString &ns,
              const ListOptions &options, const QString &query);

    void closeAll();
    // While stalled, events are queued (bounded by the store's history limit) and no
    // bookmarks are sent; unstalling delivers the queue.
    void setStalled(bool stalled);

    int count(Resource resource) const;
    QStringList queries(Resource resource) const;
    int total() const { return int(m_streams.size()); }

Q_SIGNALS:
    void watchOpened(bh::sim::Resource resource);
    void watchClosed(bh::sim::Resource resource);

private:
    void onChanged(const StoreEventPtr &event);
    void dispatch(const StoreEvent &event);
    void sendBookmarks();
    void onFinished(WatchStream *stream);

    ObjectStore *m_store;
    Config m_config;
    QList<WatchStream *> m_streams;
    QTimer m_bookmarkTimer;
    bool m_stalled = false;
    std::deque<StoreEventPtr> m_held;
};

} // namespace bh::sim
