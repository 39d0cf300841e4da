#include "watchregistry.h"

#include "http/httpresponder.h"
#include "http/httpresponse.h"

namespace bh::sim {

// Initial ADDED events are written in chunks of about this many bytes (default 64 KiB), so
// a large initial state does not become thousands of tiny socket writes.
static constexpr qsizetype InitialChunkBytes = 64 * 1024;

WatchRegistry::WatchRegistry(ObjectStore *store, Config config, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_config(config)
{
    connect(store, &ObjectStore::changed, this, &WatchRegistry::onChanged);
    m_bookmarkTimer.setInterval(m_config.bookmarkInterval);
    connect(&m_bookmarkTimer, &QTimer::timeout, this, &WatchRegistry::sendBookmarks);
    m_bookmarkTimer.start();
}

void WatchRegistry::open(http::Responder *responder, Resource resource, const QString &ns,
                         const ListOptions &options, const QString &query)
{
    const quint64 current = m_store->resourceVersion();
    const bool rvUnset = options.resourceVersion.isEmpty();
    const bool rvAny = options.resourceVersion == QLatin1String("0");
    const quint64 requested = rvUnset || rvAny ? 0 : options.resourceVersion.toULongLong();
    const bool streamingList = options.sendInitialEvents.value_or(false);
    const bool initialState =
        streamingList || (!options.sendInitialEvents.has_value() && (rvUnset || rvAny));

    if (!initialState && !rvUnset && !rvAny) {
        m_store->history().prune();
        if (m_store->history().isTooOld(requested)) {
            const KubeStatus gone =
                KubeStatus::tooOldResourceVersion(requested, m_store->history().oldest() - 1);
            if (m_config.gone410AsHttpStatus) {
                responder->send(http::Response::json(410, gone.toCompactJson()));
                return;
            }
            // The cacher's answer: HTTP 200, one ERROR event, end.
            WatchStream stream(responder, resource, {}, false, m_config.defaultTimeout, query);
            stream.begin();
            stream.sendErrorAndEnd(gone.toCompactJson());
            return;
        }
    }

    std::chrono::seconds timeout = m_config.defaultTimeout;
    if (options.timeoutSeconds && *options.timeoutSeconds > 0)
        timeout = std::chrono::seconds(*options.timeoutSeconds);
    ObjectFilter filter { ns, options.labelSelector, options.fieldSelector };
    auto *stream = new WatchStream(responder, resource, filter, options.allowWatchBookmarks,
                                   timeout, query, this);
    connect(stream, &WatchStream::finished, this, [this](WatchStream *s) { onFinished(s); });
    m_streams.append(stream);
    stream->begin();
    Q_EMIT watchOpened(resource);

    if (initialState) {
        QByteArray chunk;
        const auto &map = m_store->current(resource);
        const QString prefix = ns.isEmpty() ? QString() : ns + QLatin1Char('/');
        for (auto it = map.lowerBound(prefix);
             it != map.cend() && (prefix.isEmpty() || it.key().startsWith(prefix)); ++it) {
            if (!filter.matches(it.value()))
                continue;
            chunk.append(it.value()->addedLine());
            if (chunk.size() >= InitialChunkBytes) {
                stream->writeLines(chunk, current);
                chunk.clear();
                if (!stream->isOpen())
                    return;
            }
        }
        stream->writeLines(chunk, current);
        if (streamingList && stream->isOpen())
            stream->sendBookmark(current, true);
    } else if (!rvUnset && !rvAny) {
        for (const StoreEventPtr &e : m_store->history().eventsAfter(requested)) {
            if (!stream->deliver(*e))
                return;
        }
    }
    // Events held back by a stall are newer than the state just sent; they reach this
    // stream when the stall ends.
}

void WatchRegistry::onChanged(const StoreEventPtr &event)
{
    if (m_stalled) {
        m_held.push_back(event);
        while (int(m_held.size()) > m_store->history().limit())
            m_held.pop_front();
        return;
    }
    dispatch(*event);
}

void WatchRegistry::dispatch(const StoreEvent &event)
{
    // Copy: a stream may finish (and be removed) during delivery.
    const QList<WatchStream *> streams = m_streams;
    for (WatchStream *s : streams)
        s->deliver(event);
}

void WatchRegistry::sendBookmarks()
{
    if (m_stalled)
        return;
    const quint64 rv = m_store->resourceVersion();
    const QList<WatchStream *> streams = m_streams;
    for (WatchStream *s : streams) {
        if (s->allowBookmarks() && s->isOpen())
            s->sendBookmark(rv);
    }
}

void WatchRegistry::closeAll()
{
    const QList<WatchStream *> streams = m_streams;
    for (WatchStream *s : streams)
        s->end(WatchStream::EndReason::Closed);
}

void WatchRegistry::setStalled(bool stalled)
{
    if (m_stalled == stalled)
        return;
    m_stalled = stalled;
    if (!stalled) {
        std::deque<StoreEventPtr> held;
        held.swap(m_held);
        for (const auto &e : held)
            dispatch(*e);
    }
}

void WatchRegistry::onFinished(WatchStream *stream)
{
    if (m_streams.removeOne(stream)) {
        Q_EMIT watchClosed(stream->resource());
        stream->deleteLater();
    }
}

int WatchRegistry::count(Resource resource) const
{
    int n = 0;
    for (const WatchStream *s : m_streams)
        n += s->resource() == resource ? 1 : 0;
    return n;
}

QStringList WatchRegistry::queries(Resource resource) const
{
    QStringList out;
    for (const WatchStream *s : m_streams) {
        if (s->resource() == resource)
            out << s->query();
    }
    return out;
}

} // namespace bh::sim
