#include "hub/wshub.h"

#include "http/httprequest.h"
#include "hub/hublogging.h"
#include "hub/wsframe.h"
#include "hub/wsframereader.h"
#include "hub/wshandshake.h"
#include "protocol/event.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QMetaObject>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <cerrno>
#include <chrono>
#include <vector>

#include <sys/socket.h>

namespace bh::hub {

namespace {
constexpr auto SlowConsumerReason = "slow consumer";
constexpr auto PingTimeoutReason = "ping timeout";
constexpr auto TooBigReason = "message too big";
constexpr auto ProtocolErrorReason = "protocol error";
constexpr auto InvalidUtf8Reason = "invalid UTF-8";
constexpr quint16 CloseNoStatus = 1005; // RFC 6455 §7.4.1: received close without a code

std::size_t typeIndex(protocol::EventType type)
{
    return static_cast<std::size_t>(type);
}

// One event of the batch being collected: framed once for everyone; the B.1 variant with
// "seq" is framed on first use.
struct BatchItem
{
    events::EncodedEvent event;
    QByteArray frame;
    QByteArray seqFrame;
};

// Per-client state, kept small: the socket, the filter, write-deadline bookkeeping and the
// incoming frame reader. No QWebSocket: the hub frames and parses itself.
struct Client
{
    explicit Client(QTcpSocket *socket, qint64 maxIncoming)
        : tcp(socket)
        , reader(maxIncoming)
    { }
    // Owned by the hub; a QPointer because a previous owner may have connected
    // disconnected() to deleteLater().
    QPointer<QTcpSocket> tcp;
    // Descriptor for direct writes while Qt's write buffer is empty (plain TCP sockets
    // only; -1: every write goes through the QTcpSocket). See writeTo().
    qintptr fd = -1;
    Filter filter;
    bool includeSeq = false;
    bool passAll = true; // no filter and no seq: gets the shared batch bytes
    bool closing = false; // close frame sent (or received); no more events
    bool gone = false; // disconnected, waiting to be reaped
    bool awaitingPong = false;
    quint16 closeCode = 0; // sent or received
    qint64 queued = 0; // bytes the hub queued on tcp, in total
    qint64 markTarget = -1; // write deadline: `queued` value that must have drained
    qint64 markTimeMs = 0; // when the mark was set (hub clock)
    qint64 extraAllowance = 0; // replay bytes allowed on top of the buffer cap
    WsFrameReader reader;
};

struct Pending
{
    ClientOptions options;
    qint64 deadlineMs; // hub clock; the sweep aborts the socket after it
};
} // namespace

class WsHub::Private
{
public:
    Private(WsHub *q, HubConfig config)
        : q(q)
        , config(std::move(config))
    {
        clock.start();
    }

    WsHub *q;
    HubConfig config;
    ReplayProvider provider;
    QElapsedTimer clock;
    QTimer sweepTimer;
    QTimer pingTimer;

    QHash<QTcpSocket *, Pending> pending;
    std::vector<Client *> clients;
    int liveCount = 0; // clients neither closing nor gone
    bool reapScheduled = false;

    std::vector<BatchItem> batch;
    QByteArray batchBytes; // every frame of the batch, shared by pass-all clients
    std::array<quint64, HubStats::EventTypeCount> batchTypes {};
    bool flushScheduled = false;
    bool flushing = false;

    HubStats stats;

    void rejectHttp(QTcpSocket *socket, int status, const QByteArray &reason,
                    const QString &message, const QByteArray &extraHeaders = {});
    void tryHandshake(QTcpSocket *socket);
    void registerClient(QTcpSocket *tcp, const ClientOptions &options,
                        const QByteArray &handshakeResponse);
    void onClientReadyRead(Client *c);
    void onClientDisconnected(Client *c);
    void reap();
    void scheduleFlush();
    void flush();
    void send(Client *c, const QByteArray &bytes);
    void writeTo(Client *c, const QByteArray &data);
    void push(Client *c, const QByteArray &data);
    static qint64 sendDirect(qintptr fd, const char *data, qint64 size, bool *hardError);
    void closeClient(Client *c, quint16 code, const QString &reason);
    void closeSlow(Client *c, const char *why);
    void sweep();
    void pingAll();
    void shutdown();
};

void WsHub::Private::rejectHttp(QTcpSocket *socket, int status, const QByteArray &reason,
                                const QString &message, const QByteArray &extraHeaders)
{
    ++stats.rejected;
    QByteArray body = "{\"error\":";
    protocol::appendJsonString(body, message);
    body += '}';
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
        + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\nX-Content-Type-Options: nosniff\r\n" + extraHeaders + "Connection: close\r\n\r\n";
    socket->disconnect(q);
    socket->setParent(q);
    // Consume what was sent so far: closing with unread data would reset the connection
    // before the client reads the answer.
    socket->readAll();
    QObject::connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    QTimer::singleShot(config.closeGrace, socket, [socket] { socket->abort(); });
    socket->write(head + body);
    socket->disconnectFromHost();
}

void WsHub::Private::tryHandshake(QTcpSocket *socket)
{
    if (!pending.contains(socket))
        return;
    const QByteArray head = socket->peek(config.maxHandshakeBytes);
    WsHandshake::Request request;
    QString message;
    switch (WsHandshake::parse(head, config.maxHandshakeBytes, &request, &message)) {
    case WsHandshake::Error::Incomplete:
        return; // more bytes to come (or the handshake timeout)
    case WsHandshake::Error::TooLarge:
        pending.remove(socket);
        rejectHttp(socket, 431, "Request Header Fields Too Large", message);
        return;
    case WsHandshake::Error::BadRequest:
        pending.remove(socket);
        rejectHttp(socket, 400, "Bad Request", message);
        return;
    case WsHandshake::Error::BadVersion:
        pending.remove(socket);
        rejectHttp(socket, 426, "Upgrade Required", message, "Sec-WebSocket-Version: 13\r\n");
        return;
    case WsHandshake::Error::None:
        break;
    }
    const ClientOptions options = pending.take(socket).options;
    // read(), not skip(): when the head is the read buffer's only block, QIODevice hands that
    // block over instead of copying it, so the socket keeps no read-buffer block (16 KiB
    // capacity) for the client's idle life (measured: README "Performance").
    socket->read(request.headBytes);
    registerClient(socket, options, WsHandshake::response(request.key, options.subprotocol));
}

void WsHub::Private::registerClient(QTcpSocket *tcp, const ClientOptions &options,
                                    const QByteArray &handshakeResponse)
{
    tcp->disconnect(q);

    // Events queued before this moment are part of the state the replay reflects: deliver
    // them to the existing clients only.
    flush();

    auto *c = new Client(tcp, config.maxIncomingMessageBytes);
    c->filter = options.filter;
    c->includeSeq = options.includeSeq;
    c->passAll = options.filter.isPassAll() && !options.includeSeq;
    // A TLS socket must encrypt: only plain TCP sockets are written to directly.
    if (config.directSocketWrites && !tcp->inherits("QSslSocket"))
        c->fd = tcp->socketDescriptor();

    QObject::connect(tcp, &QTcpSocket::readyRead, q, [this, c] { onClientReadyRead(c); });
    QObject::connect(tcp, &QAbstractSocket::disconnected, q,
                     [this, c] { onClientDisconnected(c); });

    const QList<events::EncodedEvent> replay = options.replay
        ? options.replay()
        : (provider ? provider() : QList<events::EncodedEvent> {});
    // The 101 response and the replay go out as one write.
    QByteArray bytes = handshakeResponse;
    quint64 frames = 0;
    for (const auto &event : replay) {
        if (!c->filter.matches(event.event))
            continue;
        if (c->includeSeq && event.seq > 0)
            WsFrame::appendText(bytes, protocol::withSeq(event.json, event.seq));
        else
            WsFrame::appendText(bytes, event.json);
        ++stats.sentByType[typeIndex(event.event.type)];
        ++frames;
    }
    stats.replayEvents += frames;
    stats.framesSent += frames;
    stats.bytesSent += static_cast<quint64>(bytes.size() - handshakeResponse.size());

    clients.push_back(c);
    ++liveCount;
    ++stats.accepted;
    c->extraAllowance = bytes.size();
    writeTo(c, bytes);
    qCDebug(lcWs) << "client connected" << tcp->peerAddress() << tcp->peerPort() << "replay"
                  << frames << "clients" << liveCount;
    if (!sweepTimer.isActive())
        sweepTimer.start();
    if (config.pingInterval.count() > 0 && !pingTimer.isActive())
        pingTimer.start();
    Q_EMIT q->clientConnected();
    if (!c->gone && tcp->bytesAvailable() > 0)
        onClientReadyRead(c); // frames sent right behind the request head
}

void WsHub::Private::onClientReadyRead(Client *c)
{
    if (c->gone)
        return;
    // read(n) of everything buffered takes the buffer's block itself (see tryHandshake()).
    const QByteArray data = c->tcp->read(c->tcp->bytesAvailable());
    if (c->closing)
        return; // waiting for the peer's close or FIN: discard
    QList<WsFrameReader::ControlFrame> controls;
    const auto result = c->reader.consume(data, &controls);
    for (const auto &frame : controls) {
        if (frame.opcode == WsFrameReader::OpPing) {
            send(c, WsFrame::pong(frame.payload));
        } else if (frame.opcode == WsFrameReader::OpPong) {
            c->awaitingPong = false;
        } else if (frame.opcode == WsFrameReader::OpClose) {
            // The peer closes: answer with its code (RFC 6455 §5.5.1) and end the stream.
            const quint16 code = frame.payload.size() >= 2
                ? quint16((quint8(frame.payload[0]) << 8) | quint8(frame.payload[1]))
                : CloseNoStatus;
            c->closeCode = code;
            c->closing = true;
            --liveCount;
            send(c, WsFrame::close(code == CloseNoStatus ? 0 : code));
            QTcpSocket *tcp = c->tcp;
            QTimer::singleShot(config.closeGrace, tcp, [tcp] { tcp->abort(); });
            tcp->disconnectFromHost(); // may emit disconnected() synchronously
            return;
        }
    }
    switch (result) {
    case WsFrameReader::Result::Ok:
        break;
    case WsFrameReader::Result::MessageTooBig:
        ++stats.oversizedCloses;
        qCInfo(lcWs) << "closing client: incoming message over" << config.maxIncomingMessageBytes
                     << "bytes";
        closeClient(c, QWebSocketProtocol::CloseCodeTooMuchData, QString::fromLatin1(TooBigReason));
        break;
    case WsFrameReader::Result::InvalidUtf8:
        qCInfo(lcWs) << "closing client: text message is not valid UTF-8";
        closeClient(c, QWebSocketProtocol::CloseCodeWrongDatatype,
                    QString::fromLatin1(InvalidUtf8Reason));
        break;
    case WsFrameReader::Result::ProtocolError:
        qCInfo(lcWs) << "closing client: protocol error";
        closeClient(c, QWebSocketProtocol::CloseCodeProtocolError,
                    QString::fromLatin1(ProtocolErrorReason));
        break;
    }
}

void WsHub::Private::onClientDisconnected(Client *c)
{
    if (c->gone)
        return;
    c->gone = true;
    if (!c->closing)
        --liveCount;
    ++stats.disconnected;
    qCDebug(lcWs) << "client disconnected" << c->closeCode;
    if (!reapScheduled) {
        reapScheduled = true;
        QMetaObject::invokeMethod(
            q, [this] { reap(); }, Qt::QueuedConnection);
    }
    Q_EMIT q->clientDisconnected();
}

// Removes disconnected clients; never runs inside a loop over the clients.
void WsHub::Private::reap()
{
    reapScheduled = false;
    for (std::size_t i = 0; i < clients.size();) {
        Client *c = clients[i];
        if (!c->gone) {
            ++i;
            continue;
        }
        clients[i] = clients.back();
        clients.pop_back();
        if (c->tcp) {
            c->tcp->disconnect(q);
            c->tcp->deleteLater();
        }
        delete c;
    }
    if (clients.empty()) {
        pingTimer.stop();
        if (pending.isEmpty())
            sweepTimer.stop();
    }
}

void WsHub::Private::scheduleFlush()
{
    if (flushScheduled)
        return;
    flushScheduled = true;
    QMetaObject::invokeMethod(
        q, [this] { flush(); }, Qt::QueuedConnection);
}

void WsHub::Private::flush()
{
    flushScheduled = false;
    if (batch.empty() || flushing)
        return;
    flushing = true;
    std::vector<BatchItem> items;
    items.swap(batch);
    QByteArray all;
    all.swap(batchBytes);
    std::array<quint64, HubStats::EventTypeCount> types {};
    types.swap(batchTypes);
    ++stats.batchesFlushed;

    const std::size_t count = clients.size(); // clients only grow at the end; none removed here
    for (std::size_t i = 0; i < count; ++i) {
        Client *c = clients[i];
        if (c->closing || c->gone)
            continue;
        if (c->passAll) {
            for (std::size_t t = 0; t < types.size(); ++t)
                stats.sentByType[t] += types[t];
            stats.framesSent += items.size();
            stats.bytesSent += static_cast<quint64>(all.size());
            writeTo(c, all);
            continue;
        }
        QByteArray own;
        for (auto &item : items) {
            if (!c->filter.matches(item.event.event))
                continue;
            if (c->includeSeq) {
                if (item.seqFrame.isEmpty())
                    item.seqFrame =
                        WsFrame::text(protocol::withSeq(item.event.json, item.event.seq));
                own += item.seqFrame;
            } else {
                own += item.frame;
            }
            ++stats.sentByType[typeIndex(item.event.event.type)];
            ++stats.framesSent;
        }
        if (!own.isEmpty()) {
            stats.bytesSent += static_cast<quint64>(own.size());
            writeTo(c, own);
        }
    }
    // Delivery latency (HubStats::deliveryLatency): one observation per live event, now that
    // its batch has been written to every client. Events without a receivedAt (not from a
    // watch) are not observed.
    const auto writtenAt = std::chrono::steady_clock::now();
    for (const auto &item : items) {
        if (item.event.receivedAt != std::chrono::steady_clock::time_point {})
            stats.deliveryLatency.observe(writtenAt - item.event.receivedAt);
    }
    flushing = false;
    if (!batch.empty()) // broadcast() from a slot connected to our signals
        scheduleFlush();
}

// Hands bytes to the socket, in order. Fast path: while Qt's write buffer is empty the bytes
// go straight to the descriptor with send(2), and only what the kernel does not take is
// given to the QTcpSocket (which drains it through its write notifier). This skips
// QIODevice's copy into its ring buffer and the flush() round trip, and — because
// QRingBuffer keeps one block allocated once it empties — leaves no idle write-buffer block
// per client (README "Performance").
void WsHub::Private::push(Client *c, const QByteArray &data)
{
    QTcpSocket *tcp = c->tcp.data();
    if (data.isEmpty()) {
        tcp->flush();
        return;
    }
    qint64 direct = 0;
    bool hardError = false;
    if (c->fd >= 0 && tcp->bytesToWrite() == 0) {
        direct = sendDirect(c->fd, data.constData(), data.size(), &hardError);
        if (direct == data.size())
            return;
    }
    if (direct == 0)
        tcp->write(data); // shares the bytes (no copy) for writes of 256 bytes and more
    else
        tcp->write(data.constData() + direct, data.size() - direct);
    // After a partial direct write the kernel buffer is full: Qt's write notifier drains
    // the rest. Otherwise (bytes already queued in Qt, or a socket error for Qt to report)
    // flush now.
    if (direct == 0 || hardError)
        tcp->flush();
}

// send(2) on a non-blocking descriptor; returns the bytes the kernel took. EAGAIN is not an
// error; any other failure sets *hardError (the QTcpSocket then reports it on its flush).
qint64 WsHub::Private::sendDirect(qintptr fd, const char *data, qint64 size, bool *hardError)
{
    qint64 done = 0;
    while (done < size) {
        const ssize_t n = ::send(static_cast<int>(fd), data + done,
                                 static_cast<size_t>(size - done), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            done += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            *hardError = true;
        break;
    }
    return done;
}

// Queues protocol bytes (control frames) outside the buffer cap.
void WsHub::Private::send(Client *c, const QByteArray &bytes)
{
    c->queued += bytes.size();
    push(c, bytes);
}

// Queues `data` for one client (buffer cap enforced), pushes it towards the kernel and
// starts the write deadline if some of it had to stay queued.
void WsHub::Private::writeTo(Client *c, const QByteArray &data)
{
    QTcpSocket *tcp = c->tcp.data();
    const qint64 pendingBytes = tcp->bytesToWrite();
    if (pendingBytes + data.size() > config.maxClientBufferBytes + c->extraAllowance) {
        closeSlow(c, "outgoing buffer full");
        return;
    }
    c->queued += data.size();
    push(c, data);
    if (c->markTarget < 0 && tcp->bytesToWrite() > 0) {
        c->markTarget = c->queued;
        c->markTimeMs = clock.elapsed();
    }
}

void WsHub::Private::closeClient(Client *c, quint16 code, const QString &reason)
{
    if (c->closing || c->gone)
        return;
    c->closing = true;
    c->closeCode = code;
    --liveCount;
    send(c, WsFrame::close(code, reason.toUtf8()));
    // The close frame goes behind whatever is queued; a peer that does not take it within
    // the grace period is cut off.
    QTcpSocket *tcp = c->tcp;
    QTimer::singleShot(config.closeGrace, tcp, [tcp] { tcp->abort(); });
    tcp->disconnectFromHost(); // may emit disconnected() synchronously: c is not used after
}

void WsHub::Private::closeSlow(Client *c, const char *why)
{
    if (c->closing || c->gone)
        return;
    ++stats.slowConsumerCloses;
    qCInfo(lcWs) << "closing slow consumer" << c->tcp->peerAddress() << c->tcp->peerPort() << why
                 << "pending bytes" << c->tcp->bytesToWrite();
    closeClient(c, QWebSocketProtocol::CloseCodePolicyViolated,
                QString::fromLatin1(SlowConsumerReason));
    Q_EMIT q->slowConsumerClosed();
}

void WsHub::Private::sweep()
{
    const qint64 now = clock.elapsed();
    if (!pending.isEmpty()) {
        QList<QTcpSocket *> expired;
        for (auto it = pending.cbegin(); it != pending.cend(); ++it) {
            if (now >= it->deadlineMs)
                expired.append(it.key());
        }
        for (QTcpSocket *socket : expired) {
            pending.remove(socket);
            ++stats.handshakeTimeouts;
            qCInfo(lcWs) << "handshake timeout" << socket->peerAddress() << socket->peerPort();
            socket->abort(); // disconnected() deletes it
        }
    }
    const qint64 deadline = config.writeDeadline.count();
    const std::size_t count = clients.size();
    for (std::size_t i = 0; i < count; ++i) {
        Client *c = clients[i];
        if (c->closing || c->gone)
            continue;
        const qint64 pendingBytes = c->tcp->bytesToWrite();
        if (c->extraAllowance > 0 && pendingBytes <= config.maxClientBufferBytes)
            c->extraAllowance = 0;
        if (c->markTarget < 0)
            continue;
        const qint64 drained = c->queued - pendingBytes;
        if (drained >= c->markTarget) {
            // Everything queued before the mark has left; start timing what is queued now.
            if (pendingBytes > 0) {
                c->markTarget = c->queued;
                c->markTimeMs = now;
            } else {
                c->markTarget = -1;
            }
        } else if (now - c->markTimeMs >= deadline) {
            closeSlow(c, "write deadline");
        }
    }
}

void WsHub::Private::pingAll()
{
    const std::size_t count = clients.size();
    for (std::size_t i = 0; i < count; ++i) {
        Client *c = clients[i];
        if (c->closing || c->gone)
            continue;
        if (c->awaitingPong) {
            ++stats.pingTimeouts;
            qCInfo(lcWs) << "closing client without pong" << c->tcp->peerAddress()
                         << c->tcp->peerPort();
            closeClient(c, QWebSocketProtocol::CloseCodePolicyViolated,
                        QString::fromLatin1(PingTimeoutReason));
            continue;
        }
        c->awaitingPong = true;
        send(c, WsFrame::ping());
    }
}

void WsHub::Private::shutdown()
{
    sweepTimer.stop();
    pingTimer.stop();
    for (Client *c : clients) {
        if (!c->tcp) {
            delete c;
            continue;
        }
        c->tcp->disconnect(q);
        if (!c->closing && !c->gone) {
            c->tcp->write(WsFrame::close(QWebSocketProtocol::CloseCodeGoingAway));
            c->tcp->flush();
        }
        delete c->tcp;
        delete c;
    }
    clients.clear();
    const auto sockets = pending.keys();
    pending.clear();
    for (QTcpSocket *socket : sockets) {
        socket->disconnect(q);
        delete socket;
    }
}

WsHub::WsHub(HubConfig config, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, std::move(config)))
{
    d->sweepTimer.setInterval(d->config.sweepInterval);
    connect(&d->sweepTimer, &QTimer::timeout, this, [this] { d->sweep(); });
    if (d->config.pingInterval.count() > 0) {
        d->pingTimer.setInterval(d->config.pingInterval);
        connect(&d->pingTimer, &QTimer::timeout, this, [this] { d->pingAll(); });
    }
}

WsHub::~WsHub()
{
    d->shutdown();
}

const HubConfig &WsHub::config() const
{
    return d->config;
}

void WsHub::setReplayProvider(ReplayProvider provider)
{
    d->provider = std::move(provider);
}

void WsHub::accept(QTcpSocket *socket, const http::Request &request)
{
    if (!socket)
        return;
    QString error;
    const auto filter = Filter::fromQuery(request.query(), &error);
    if (!filter) {
        d->rejectHttp(socket, 400, "Bad Request", error);
        return;
    }
    ClientOptions options;
    options.filter = *filter;
    accept(socket, options);
}

void WsHub::accept(QTcpSocket *socket, const ClientOptions &options)
{
    if (!socket)
        return;
    if (!canAccept()) {
        d->rejectHttp(socket, 503, "Service Unavailable",
                      QStringLiteral("too many WebSocket clients"));
        return;
    }
    socket->setParent(this);
    if (d->config.socketSendBufferBytes > 0)
        socket->setSocketOption(QAbstractSocket::SendBufferSizeSocketOption,
                                d->config.socketSendBufferBytes);
    d->pending.insert(socket,
                      Pending { options, d->clock.elapsed() + d->config.handshakeTimeout.count() });
    if (!d->sweepTimer.isActive())
        d->sweepTimer.start();
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { d->tryHandshake(socket); });
    connect(socket, &QAbstractSocket::disconnected, this, [this, socket] {
        if (d->pending.remove(socket))
            ++d->stats.rejected; // peer gone before completing its handshake
        socket->deleteLater();
    });
    // The head is usually already buffered (the HTTP layer peeked it): answer at once.
    if (socket->bytesAvailable() > 0)
        d->tryHandshake(socket);
}

void WsHub::broadcast(const events::EncodedEvent &event)
{
    ++d->stats.eventsBroadcast;
    if (d->liveCount == 0)
        return; // nobody to send to; a client connecting later gets the state as replay
    BatchItem item;
    item.event = event;
    item.frame = WsFrame::text(event.json);
    d->batchBytes += item.frame;
    ++d->batchTypes[typeIndex(event.event.type)];
    d->batch.push_back(std::move(item));
    if (d->batchBytes.size() >= d->config.maxBatchBytes)
        d->flush();
    else
        d->scheduleFlush();
}

void WsHub::flush()
{
    d->flush();
}

bool WsHub::canAccept() const
{
    return static_cast<qsizetype>(d->clients.size()) + d->pending.size() < d->config.maxClients;
}

int WsHub::clientCount() const
{
    return d->liveCount;
}

void WsHub::closeAll(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    d->flush();
    const auto sockets = d->pending.keys();
    for (QTcpSocket *socket : sockets) {
        d->pending.remove(socket);
        socket->abort();
    }
    const std::size_t count = d->clients.size();
    for (std::size_t i = 0; i < count; ++i)
        d->closeClient(d->clients[i], code, reason);
}

HubStats WsHub::stats() const
{
    HubStats s = d->stats;
    s.connected = d->liveCount;
    s.handshaking = static_cast<int>(d->pending.size());
    return s;
}

} // namespace bh::hub
