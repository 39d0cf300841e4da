// bh_hub_bench: server-side cost of the /ws fan-out, per send strategy, at a fixed load.
// Not a test (prints a table; no timed assertions). The server side runs in this process;
// the load client is a forked child process using plain epoll (no Qt), which counts frames
// and measures delivery latency (CLOCK_MONOTONIC stamped into each event at broadcast).
//
//   bh_hub_bench [--clients N] [--rate EVENTS_PER_S] [--seconds S] [--modes hub,hubqt,qws,raw]
//
// Modes:
//   hub  WsHub: each event framed once, one coalesced write per client per turn (direct
//        send(2) while Qt's write buffer is empty: HubConfig::directSocketWrites).
//   hubqt the same with directSocketWrites off: every write through QTcpSocket + flush().
//   qws  QWebSocket::sendTextMessage() per client per event (Qt re-encodes and re-frames
//        for every client).
//   raw  the reference: pre-framed bytes of the turn's events written + flushed per socket
//        after a hand-written 101 handshake (no WebSocket object at all).

#include "events/encodedevent.h"
#include "hub/wsframe.h"
#include "hub/wshub.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QEventLoop>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

constexpr int kTicksPerSecond = 100; // the producer broadcasts rate/100 events every 10 ms
constexpr int kClientReadyTimeoutMs = 120'000;

qint64 monotonicNs()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

double cpuSeconds()
{
    rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec)
        + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

long rssKiB()
{
    FILE *f = std::fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long kib = -1;
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, "VmRSS:", 6) == 0)
            kib = std::strtol(line + 6, nullptr, 10);
    }
    std::fclose(f);
    return kib;
}

// ---- load client (child process, no Qt) ----------------------------------------------

struct Conn
{
    int fd = -1;
    bool upgraded = false;
    std::string buf;
};

// Runs in the child: N connections, handshake, then count frames until each connection
// has seen the "end" event. Reports "ready" once all are upgraded, then one result line.
[[noreturn]] void runLoadClient(quint16 port, int clients, int reportFd)
{
    const int ep = epoll_create1(0);
    std::vector<Conn> conns(static_cast<std::size_t>(clients));
    const char request[] = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n";
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < clients; ++i) {
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
            std::perror("bench client connect");
            _exit(2);
        }
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (write(fd, request, sizeof request - 1) < 0)
            _exit(2);
        fcntl(fd, F_SETFL, O_NONBLOCK);
        conns[std::size_t(i)].fd = fd;
        epoll_event ev {};
        ev.events = EPOLLIN;
        ev.data.u32 = quint32(i);
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }
    int upgraded = 0;
    int ended = 0;
    quint64 frames = 0;
    std::vector<quint32> latencyUs;
    latencyUs.reserve(1 << 22);
    std::vector<epoll_event> events(1024);
    char chunk[65536];
    while (ended < clients) {
        const int n = epoll_wait(ep, events.data(), int(events.size()), 60'000);
        if (n <= 0)
            break;
        const qint64 now = monotonicNs();
        for (int e = 0; e < n; ++e) {
            Conn &c = conns[events[std::size_t(e)].data.u32];
            for (;;) {
                const ssize_t r = read(c.fd, chunk, sizeof chunk);
                if (r <= 0)
                    break;
                c.buf.append(chunk, std::size_t(r));
            }
            std::size_t pos = 0;
            if (!c.upgraded) {
                const auto end = c.buf.find("\r\n\r\n");
                if (end == std::string::npos)
                    continue;
                c.upgraded = true;
                pos = end + 4;
                if (++upgraded == clients) {
                    if (write(reportFd, "ready\n", 6) < 0)
                        _exit(2);
                }
            }
            while (c.buf.size() - pos >= 2) {
                const auto *p = reinterpret_cast<const unsigned char *>(c.buf.data() + pos);
                std::size_t len = p[1] & 0x7f;
                std::size_t header = 2;
                if (len == 126) {
                    if (c.buf.size() - pos < 4)
                        break;
                    len = (std::size_t(p[2]) << 8) | p[3];
                    header = 4;
                }
                if (c.buf.size() - pos < header + len)
                    break;
                if ((p[0] & 0x0f) == 1) {
                    const char *payload = c.buf.data() + pos + header;
                    const std::string_view text(payload, len);
                    const auto at = text.find("\"name\":\"t");
                    if (at != std::string_view::npos) {
                        const qint64 sent = std::strtoll(payload + at + 9, nullptr, 10);
                        latencyUs.push_back(quint32(std::max<qint64>(0, now - sent) / 1000));
                        ++frames;
                    } else if (text.find("\"name\":\"end\"") != std::string_view::npos) {
                        ++ended;
                    }
                }
                pos += header + len;
            }
            c.buf.erase(0, pos);
        }
    }
    std::sort(latencyUs.begin(), latencyUs.end());
    auto pct = [&](double q) {
        return latencyUs.empty() ? 0u : latencyUs[std::size_t(q * double(latencyUs.size() - 1))];
    };
    char line[256];
    const int len = std::snprintf(line, sizeof line, "done %llu %u %u %u %d\n",
                                  static_cast<unsigned long long>(frames), pct(0.5), pct(0.99),
                                  latencyUs.empty() ? 0u : latencyUs.back(), ended);
    if (write(reportFd, line, std::size_t(len)) < 0)
        _exit(2);
    _exit(0);
}

// ---- servers (this process) ------------------------------------------------------------

class Broadcaster
{
public:
    virtual ~Broadcaster() = default;
    virtual quint16 port() const = 0;
    // Called once per tick with that tick's events.
    virtual void send(const QList<bh::events::EncodedEvent> &events) = 0;
};

class HubBroadcaster : public Broadcaster
{
public:
    explicit HubBroadcaster(bool directWrites)
        : m_hub(config(directWrites))
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection())
                m_hub.accept(s, bh::hub::ClientOptions {});
        });
        m_server.listen(QHostAddress::LocalHost, 0);
    }
    static bh::hub::HubConfig config(bool directWrites)
    {
        bh::hub::HubConfig c;
        c.directSocketWrites = directWrites;
        c.pingInterval = std::chrono::milliseconds(0);
        c.maxClients = 100'000;
        return c;
    }
    quint16 port() const override { return m_server.serverPort(); }
    void send(const QList<bh::events::EncodedEvent> &events) override
    {
        for (const auto &e : events)
            m_hub.broadcast(e);
    }
    bh::hub::WsHub m_hub;
    QTcpServer m_server;
};

class QwsBroadcaster : public Broadcaster
{
public:
    QwsBroadcaster()
        : m_server(QStringLiteral("bench"), QWebSocketServer::NonSecureMode)
    {
        QObject::connect(&m_server, &QWebSocketServer::newConnection, [this] {
            while (QWebSocket *ws = m_server.nextPendingConnection())
                m_clients.push_back(ws);
        });
        m_server.listen(QHostAddress::LocalHost, 0);
    }
    quint16 port() const override { return m_server.serverPort(); }
    void send(const QList<bh::events::EncodedEvent> &events) override
    {
        for (const auto &e : events) {
            const QString text = QString::fromUtf8(e.json); // once per event
            for (QWebSocket *ws : m_clients)
                ws->sendTextMessage(text);
        }
    }
    QWebSocketServer m_server;
    std::vector<QWebSocket *> m_clients;
};

class RawBroadcaster : public Broadcaster
{
public:
    RawBroadcaster()
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                QObject::connect(s, &QTcpSocket::readyRead, s, [this, s] { handshake(s); });
            }
        });
        m_server.listen(QHostAddress::LocalHost, 0);
    }
    void handshake(QTcpSocket *s)
    {
        const QByteArray head = s->peek(16384);
        if (!head.contains("\r\n\r\n"))
            return;
        s->readAll();
        s->disconnect();
        const QByteArray key = "dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
        s->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Accept: "
                 + QCryptographicHash::hash(key, QCryptographicHash::Sha1).toBase64() + "\r\n\r\n");
        m_clients.push_back(s);
    }
    quint16 port() const override { return m_server.serverPort(); }
    void send(const QList<bh::events::EncodedEvent> &events) override
    {
        QByteArray batch;
        for (const auto &e : events)
            bh::hub::WsFrame::appendText(batch, e.json);
        for (QTcpSocket *s : m_clients) {
            s->write(batch);
            s->flush();
        }
    }
    QTcpServer m_server;
    std::vector<QTcpSocket *> m_clients;
};

bh::events::EncodedEvent benchEvent(const char *name)
{
    bh::protocol::Event e;
    e.type = bh::protocol::EventType::InstanceState;
    e.name = QString::fromLatin1(name);
    e.phase = QStringLiteral("Running");
    e.workloadRef = QStringLiteral("my-agent");
    e.tenantId = QStringLiteral("alice");
    return bh::events::EncodedEvent::fromEvent(e);
}

struct Row
{
    QString mode;
    int clients = 0;
    int rate = 0;
    double seconds = 0;
    double serverCpu = 0;
    double wall = 0; // until the last client saw the end marker
    quint64 expected = 0;
    quint64 delivered = 0;
    unsigned p50 = 0, p99 = 0, max = 0;
    double rssPerClientKiB = 0;
};

// Waits (running the event loop, not spinning) for one line from the child.
bool readLine(int fd, std::string *out, int timeoutMs)
{
    out->clear();
    QEventLoop loop;
    bool complete = false;
    QSocketNotifier notifier(fd, QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &loop, [&] {
        char c;
        ssize_t r;
        while ((r = read(fd, &c, 1)) == 1) {
            if (c == '\n') {
                complete = true;
                loop.quit();
                return;
            }
            out->push_back(c);
        }
        if (r == 0) // child gone
            loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    return complete;
}

Row runOne(const QString &mode, int clients, int rate, double seconds)
{
    Row row;
    row.mode = mode;
    row.clients = clients;
    row.rate = rate;
    row.seconds = seconds;
    std::unique_ptr<Broadcaster> b;
    if (mode == QLatin1String("hub"))
        b = std::make_unique<HubBroadcaster>(true);
    else if (mode == QLatin1String("hubqt"))
        b = std::make_unique<HubBroadcaster>(false);
    else if (mode == QLatin1String("qws"))
        b = std::make_unique<QwsBroadcaster>();
    else
        b = std::make_unique<RawBroadcaster>();

    const long rssBefore = rssKiB();
    int pipeFd[2];
    if (pipe(pipeFd) != 0)
        return row;
    const pid_t child = fork();
    if (child == 0) {
        close(pipeFd[0]);
        runLoadClient(b->port(), clients, pipeFd[1]);
    }
    close(pipeFd[1]);
    fcntl(pipeFd[0], F_SETFL, O_NONBLOCK);
    std::string line;
    if (!readLine(pipeFd[0], &line, kClientReadyTimeoutMs) || line != "ready") {
        std::fprintf(stderr, "bench: clients did not connect (%s)\n", line.c_str());
        kill(child, SIGKILL);
        waitpid(child, nullptr, 0);
        return row;
    }
    // Let the last handshakes settle in the server before reading RSS.
    for (int i = 0; i < 20; ++i)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    row.rssPerClientKiB = double(rssKiB() - rssBefore) / clients;

    const int ticks = int(seconds * kTicksPerSecond);
    const double perTick = double(rate) / kTicksPerSecond; // fractional rates accumulate
    double due = 0;
    quint64 events = 0;
    int done = 0;
    const double cpu0 = cpuSeconds();
    const qint64 wall0 = monotonicNs();
    QTimer producer;
    producer.setTimerType(Qt::PreciseTimer);
    producer.setInterval(1000 / kTicksPerSecond);
    QObject::connect(&producer, &QTimer::timeout, [&] {
        QList<bh::events::EncodedEvent> batch;
        due += perTick;
        for (int i = 0; i < int(due); ++i) {
            char name[64];
            std::snprintf(name, sizeof name, "t%lld-%d", static_cast<long long>(monotonicNs()), i);
            batch.append(benchEvent(name));
        }
        due -= int(due);
        events += quint64(batch.size());
        b->send(batch);
        if (++done == ticks) {
            producer.stop();
            b->send({ benchEvent("end") });
        }
    });
    producer.start();
    const bool finished = readLine(pipeFd[0], &line, int(seconds * 1000) + 120'000);
    row.serverCpu = cpuSeconds() - cpu0;
    row.wall = double(monotonicNs() - wall0) / 1e9;
    row.expected = events * quint64(clients);
    unsigned long long frames = 0;
    int ended = 0;
    if (finished)
        std::sscanf(line.c_str(), "done %llu %u %u %u %d", &frames, &row.p50, &row.p99, &row.max,
                    &ended);
    row.delivered = frames;
    close(pipeFd[0]);
    waitpid(child, nullptr, 0);
    return row;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("WsHub fan-out cost per send strategy"));
    parser.addHelpOption();
    QCommandLineOption clientsOpt(QStringLiteral("clients"), QStringLiteral("Clients."),
                                  QStringLiteral("n"), QStringLiteral("1000"));
    QCommandLineOption rateOpt(QStringLiteral("rate"), QStringLiteral("Events per second."),
                               QStringLiteral("r"), QStringLiteral("100"));
    QCommandLineOption secondsOpt(QStringLiteral("seconds"), QStringLiteral("Duration."),
                                  QStringLiteral("s"), QStringLiteral("5"));
    QCommandLineOption modesOpt(QStringLiteral("modes"), QStringLiteral("hub,hubqt,qws,raw"),
                                QStringLiteral("list"), QStringLiteral("raw,hub,qws"));
    parser.addOptions({ clientsOpt, rateOpt, secondsOpt, modesOpt });
    parser.process(app);

    const int clients = parser.value(clientsOpt).toInt();
    const int rate = parser.value(rateOpt).toInt();
    const double seconds = parser.value(secondsOpt).toDouble();
    if (clients <= 0 || rate <= 0 || seconds <= 0) {
        std::fprintf(stderr, "bench: --clients, --rate and --seconds must be positive\n");
        return 2;
    }
    std::printf("| mode | clients | events/s | msgs/s offered | wall s | server CPU %% of wall | "
                "µs CPU/msg | max msgs/s per core | delivered/expected | p50 ms | p99 ms | "
                "max ms | RSS KiB/client |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    const QStringList modes = parser.value(modesOpt).split(QLatin1Char(','));
    for (const QString &mode : modes) {
        const Row r = runOne(mode, clients, rate, seconds);
        const double msgs = double(r.expected) / r.seconds;
        const double usPerMsg = r.expected ? 1e6 * r.serverCpu / double(r.expected) : 0.0;
        std::printf("| %s | %d | %d | %.0f | %.2f | %.1f | %.2f | %.0f | %llu/%llu | %.2f | %.2f | "
                    "%.2f | %.1f |\n",
                    qPrintable(r.mode), r.clients, r.rate, msgs, r.wall,
                    r.wall > 0 ? 100.0 * r.serverCpu / r.wall : 0.0, usPerMsg,
                    usPerMsg > 0 ? 1e6 / usPerMsg : 0.0,
                    static_cast<unsigned long long>(r.delivered),
                    static_cast<unsigned long long>(r.expected), r.p50 / 1000.0, r.p99 / 1000.0,
                    r.max / 1000.0, r.rssPerClientKiB);
        std::fflush(stdout);
    }
    return 0;
}
