#include "watchstream.h"

#include "objectstore.h"

#include "http/httpresponder.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace bh::sim {

WatchStream::WatchStream(http::Responder *responder, Resource resource, ObjectFilter filter,
                         bool allowBookmarks, std::chrono::seconds timeout, QString query,
                         QObject *parent)
    : QObject(parent)
    , m_responder(responder)
    , m_resource(resource)
    , m_filter(std::move(filter))
    , m_allowBookmarks(allowBookmarks)
    , m_query(std::move(query))
{
    m_timeout.setSingleShot(true);
    m_timeout.setTimerType(Qt::PreciseTimer); // timeoutSeconds is never cut short
    m_timeout.setInterval(timeout);
    connect(&m_timeout, &QTimer::timeout, this, [this] { end(EndReason::Timeout); });
    connect(responder, &http::Responder::disconnected, this,
            [this] { finish(EndReason::PeerGone); });
    connect(responder, &QObject::destroyed, this, [this] { finish(EndReason::PeerGone); });
}

WatchStream::~WatchStream() = default;

bool WatchStream::isOpen() const
{
    return !m_finished && m_responder && m_responder->isStreaming();
}

void WatchStream::begin()
{
    if (!m_responder)
        return;
    m_responder->beginStream(
        200, { { "Content-Type", "application/json" }, { "Cache-Control", "no-cache, private" } });
    m_timeout.start();
}

bool WatchStream::write(const QByteArray &data)
{
    if (m_finished)
        return false;
    if (!m_responder || !m_responder->writeChunk(data)) {
        finish(EndReason::PeerGone);
        return false;
    }
    if (m_responder->isBackpressured()) {
        // Like the apiserver's "Forcing watcher close due to unresponsiveness".
        qCWarning(lcSim) << "closing watch that cannot keep up:" << m_query;
        QPointer<http::Responder> r = m_responder;
        finish(EndReason::Backpressure);
        if (r)
            r->abort();
        return false;
    }
    return true;
}

bool WatchStream::deliver(const StoreEvent &event)
{
    if (m_finished)
        return false;
    if (event.resource() != m_resource)
        return true;
    const bool now = event.type() != StoreEvent::Type::Deleted && m_filter.matches(event.object());
    const bool before = event.type() == StoreEvent::Type::Deleted
        ? m_filter.matches(event.object())
        : m_filter.matches(event.previous());
    const QByteArray *line = nullptr;
    if (now && before)
        line = &event.line(StoreEvent::WireType::Modified);
    else if (now)
        line = &event.line(StoreEvent::WireType::Added);
    else if (before)
        line = &event.line(StoreEvent::WireType::Deleted);
    if (!line)
        return true;
    m_lastRv = event.resourceVersion();
    return write(*line);
}

void WatchStream::writeLines(const QByteArray &lines, quint64 resourceVersion)
{
    if (lines.isEmpty())
        return;
    if (write(lines))
        m_lastRv = std::max(m_lastRv, resourceVersion);
}

void WatchStream::sendBookmark(quint64 resourceVersion, bool initialEventsEnd)
{
    const ResourceType &rt = ResourceType::of(m_resource);
    QByteArray line;
    line.reserve(200);
    line.append("{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"");
    line.append(rt.kind.toLatin1());
    line.append("\",\"apiVersion\":\"");
    line.append(rt.apiVersion.toLatin1());
    line.append("\",\"metadata\":{\"resourceVersion\":\"");
    line.append(QByteArray::number(resourceVersion));
    line.append('"');
    if (initialEventsEnd)
        line.append(",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}");
    line.append("}}}\n");
    if (write(line))
        m_lastRv = std::max(m_lastRv, resourceVersion);
}

void WatchStream::sendErrorAndEnd(const QByteArray &statusJson)
{
    write(StoreEvent::encodeLine("ERROR", statusJson));
    end(EndReason::Closed);
}

void WatchStream::end(EndReason reason)
{
    if (m_finished)
        return;
    QPointer<http::Responder> r = m_responder;
    finish(reason);
    if (r)
        r->endStream();
}

void WatchStream::finish(EndReason reason)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timeout.stop();
    if (m_responder)
        disconnect(m_responder, nullptr, this, nullptr);
    m_responder = nullptr;
    Q_EMIT finished(this, reason);
}

} // namespace bh::sim
