#include "eventclient.h"

#include "protocol/event.h"

using bh::protocol::EventType;

EventClient::EventClient(QObject *parent)
    : QObject(parent)
{
    connect(&m_socket, &QWebSocket::connected, this, [this] { m_connected = true; });
    connect(&m_socket, &QWebSocket::disconnected, this, [this] { m_closed = true; });
    connect(&m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &message) {
        const QByteArray frame = message.toUtf8();
        if (!bh::protocol::decodeEvent(frame))
            ++m_invalid;
        m_frames << frame;
    });
}

EventClient::~EventClient()
{
    // Qt 6.4 leaks a connected QWebSocket's internals when it is destroyed without a close.
    m_socket.disconnect(this);
    if (m_socket.state() != QAbstractSocket::UnconnectedState)
        m_socket.abort();
}

void EventClient::open(const QUrl &url)
{
    m_socket.open(url);
}

void EventClient::open(const QNetworkRequest &request)
{
    m_socket.open(request);
}

QByteArrayList EventClient::framesOfType(const QByteArray &type) const
{
    QByteArrayList out;
    const QByteArray prefix = "{\"type\":\"" + type + "\"";
    for (const QByteArray &f : m_frames) {
        if (f.startsWith(prefix))
            out << f;
    }
    return out;
}

ClusterView EventClient::foldOnto(ClusterView base) const
{
    ClusterView view = std::move(base);
    for (const QByteArray &frame : m_frames) {
        const auto event = bh::protocol::decodeEvent(frame);
        if (!event)
            continue;
        switch (event->type) {
        case EventType::InstanceState:
            if (event->phase == QLatin1String("Deleted"))
                view.pods.remove(event->name);
            else
                view.pods.insert(event->name,
                                 event->phase + '|' + event->workloadRef + '|' + event->tenantId);
            break;
        case EventType::TenantClaimed:
            view.activeClaims.insert(event->name);
            break;
        case EventType::TenantReleased:
            view.activeClaims.remove(event->name);
            break;
        default:
            break;
        }
    }
    return view;
}
