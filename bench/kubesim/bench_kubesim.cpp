// bench_kubesim: measures the Kubernetes API simulator at the scale issue 2 asks for.
// The simulator runs in-process on the main thread (its own Qt event loop); the clients are
// plain POSIX sockets driven by epoll on a second thread, so they never share the
// simulator's event loop.
//
//   bench_kubesim [--pods 10000] [--watches 2000] [--events 100] [--writes 50000]
//                 [--watchers 4]
#include "kubesim/simulator.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <arpa/inet.h>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <future>
#include <mutex>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace bh::sim;

namespace {

double rssMb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return 0;
}

// Runs the Qt event loop until pred() or the timeout (ms). Returns pred().
template<typename Pred>
bool pump(Pred pred, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!pred() && t.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    return pred();
}

int connectTo(quint16 port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a {};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

bool sendAll(int fd, const QByteArray &data)
{
    qsizetype off = 0;
    while (off < data.size()) {
        const ssize_t n =
            ::send(fd, data.constData() + off, size_t(data.size() - off), MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        off += n;
    }
    return true;
}

// One blocking GET on its own connection (run on a worker thread); returns the body size and
// the JSON body (Content-Length responses only).
QByteArray blockingGet(quint16 port, const QString &target)
{
    const int fd = connectTo(port);
    if (fd < 0)
        return {};
    sendAll(fd, "GET " + target.toUtf8() + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    QByteArray all;
    char buf[65536];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0)
        all.append(buf, n);
    ::close(fd);
    const int head = all.indexOf("\r\n\r\n");
    return head < 0 ? QByteArray() : all.mid(head + 4);
}

// N watch connections read by epoll on one thread; counts events ("}\n" ends every compact
// JSON line, and nothing else in the chunked framing does).
class WatchClients
{
public:
    ~WatchClients() { stop(); }

    bool open(quint16 port, const QString &target, int count)
    {
        m_epoll = ::epoll_create1(0);
        const QByteArray req = "GET " + target.toUtf8() + " HTTP/1.1\r\nHost: x\r\n\r\n";
        for (int i = 0; i < count; ++i) {
            const int fd = connectTo(port);
            if (fd < 0 || !sendAll(fd, req)) {
                std::fprintf(stderr, "connect/send failed at watch %d: %s\n", i,
                             std::strerror(errno));
                return false;
            }
            ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
            m_conns.push_back({ fd, false, 0 });
            epoll_event ev {};
            ev.events = EPOLLIN;
            ev.data.u32 = quint32(m_conns.size() - 1);
            ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
        }
        m_thread = std::thread([this] { run(); });
        return true;
    }

    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
        for (auto &c : m_conns)
            ::close(c.fd);
        m_conns.clear();
        if (m_epoll >= 0)
            ::close(m_epoll);
        m_epoll = -1;
    }

    std::atomic<int> heads { 0 };
    std::atomic<quint64> events { 0 };
    std::atomic<int> closed { 0 };

private:
    struct Conn
    {
        int fd;
        bool head;
        char last; // last byte seen (for "}\n" across reads)
    };

    void run()
    {
        std::vector<epoll_event> evs(256);
        std::vector<char> buf(256 * 1024);
        while (!m_stop) {
            const int n = ::epoll_wait(m_epoll, evs.data(), int(evs.size()), 20);
            for (int i = 0; i < n; ++i) {
                Conn &c = m_conns[evs[size_t(i)].data.u32];
                for (;;) {
                    const ssize_t r = ::recv(c.fd, buf.data(), buf.size(), 0);
                    if (r == 0) {
                        ++closed;
                        ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, c.fd, nullptr);
                        break;
                    }
                    if (r < 0)
                        break;
                    quint64 found = 0;
                    const char *p = buf.data();
                    if (!c.head) {
                        const char *end =
                            static_cast<const char *>(memmem(p, size_t(r), "\r\n\r\n", 4));
                        if (end) {
                            c.head = true;
                            ++heads;
                        }
                    }
                    if (c.last == '}' && p[0] == '\n')
                        ++found;
                    for (ssize_t k = 1; k < r; ++k)
                        found += (p[k] == '\n' && p[k - 1] == '}') ? 1 : 0;
                    c.last = p[r - 1];
                    events += found;
                }
            }
        }
    }

    int m_epoll = -1;
    std::vector<Conn> m_conns;
    std::thread m_thread;
    std::atomic<bool> m_stop { false };
};

QJsonObject pod(const QString &name)
{
    return QJsonObject {
        { "metadata",
          QJsonObject { { "name", name },
                        { "labels",
                          QJsonObject { { "boilerhouse.dev/managed", "true" },
                                        { "boilerhouse.dev/workload", "bench" },
                                        { "boilerhouse.dev/pool-status", "ready" },
                                        { "boilerhouse.dev/instance", name } } } } },
        { "spec",
          QJsonObject {
              { "containers",
                QJsonArray { QJsonObject {
                    { "name", "bench" }, { "image", "ghcr.io/boilerhouse/bench:latest" } } } } } },
        { "status", QJsonObject { { "phase", "Running" }, { "podIP", "10.42.0.1" } } }
    };
}

void row(const char *what, const QString &value)
{
    std::printf("| %-58s | %-34s |\n", what, qPrintable(value));
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int pods = 10'000, watches = 2'000, events = 100, writes = 50'000, watchers = 4;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        const int v = args.at(i + 1).toInt();
        if (args.at(i) == "--pods")
            pods = v;
        else if (args.at(i) == "--watches")
            watches = v;
        else if (args.at(i) == "--events")
            events = v;
        else if (args.at(i) == "--writes")
            writes = v;
        else if (args.at(i) == "--watchers")
            watchers = v;
        else {
            std::fprintf(stderr, "bench_kubesim: unknown option %s\n", qPrintable(args.at(i)));
            return 2;
        }
    }
    rlimit rl {};
    ::getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);

    SimulatorConfig config;
    config.namespaces = { "bench" };
    config.historyLimit = std::max(EventHistory::DefaultLimit, writes);
    Simulator sim(config);
    if (!sim.start()) {
        std::fprintf(stderr, "cannot start: %s\n", qPrintable(sim.errorString()));
        return 1;
    }
    const quint16 port = quint16(sim.url().port());
    ObjectStore *store = sim.store();
    const QString podsPath = "/api/v1/namespaces/bench/pods";
    const QString selector = "labelSelector=boilerhouse.dev%2Fmanaged%3Dtrue";
    std::printf(
        "bench_kubesim: pods=%d watches=%d events=%d writes=%d watchers=%d (QT_NO_GLIB=%s)\n\n",
        pods, watches, events, writes, watchers,
        qEnvironmentVariableIsSet("QT_NO_GLIB") ? "1" : "0");
    std::printf("| %-58s | %-34s |\n|%s|%s|\n", "measurement", "result",
                QByteArray(60, '-').constData(), QByteArray(36, '-').constData());
    const double rss0 = rssMb();

    // 1. Pods in the store.
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < pods; ++i)
        store->create(Resource::Pods, "bench",
                      pod(QString("bench-pool-%1").arg(i, 8, 16, QLatin1Char('0'))));
    double ms = double(t.nsecsElapsed()) / 1e6;
    row(qPrintable(QString("create %1 pods (store API, no watchers)").arg(pods)),
        QString("%1 ms (%2 writes/s)").arg(ms, 0, 'f', 0).arg(pods / (ms / 1000), 0, 'f', 0));
    row("RSS growth with the pods stored", QString("%1 MB").arg(rssMb() - rss0, 0, 'f', 1));

    auto timedGet = [&](const QString &target, QByteArray *body) {
        QElapsedTimer gt;
        gt.start();
        auto f = std::async(std::launch::async, [&] { return blockingGet(port, target); });
        pump([&] { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; },
             120'000);
        *body = f.get();
        return double(gt.nsecsElapsed()) / 1e6;
    };
    QByteArray body;
    ms = timedGet(podsPath + "?" + selector, &body);
    const int items = QJsonDocument::fromJson(body)["items"].toArray().size();
    row(qPrintable(QString("LIST all pods, one request (%1 items)").arg(items)),
        QString("%1 ms, %2 MB").arg(ms, 0, 'f', 1).arg(body.size() / 1e6, 0, 'f', 1));
    {
        QElapsedTimer pt;
        pt.start();
        int pages = 0, total = 0;
        QString cont;
        do {
            timedGet(podsPath + "?limit=500" + (cont.isEmpty() ? QString() : "&continue=" + cont),
                     &body);
            const QJsonDocument d = QJsonDocument::fromJson(body);
            total += d["items"].toArray().size();
            cont = d["metadata"]["continue"].toString();
            ++pages;
        } while (!cont.isEmpty() && pages < 10'000);
        row(qPrintable(
                QString("LIST paginated limit=500 (%1 pages, %2 items)").arg(pages).arg(total)),
            QString("%1 ms").arg(double(pt.nsecsElapsed()) / 1e6, 0, 'f', 1));
    }

    // 2. Concurrent watch streams.
    {
        const double rssBefore = rssMb();
        WatchClients clients;
        QElapsedTimer wt;
        wt.start();
        const QString target = podsPath + "?watch=true&" + selector
            + "&resourceVersion=" + QString::number(store->resourceVersion());
        auto opened =
            std::async(std::launch::async, [&] { return clients.open(port, target, watches); });
        pump([&] { return clients.heads.load() >= watches; }, 120'000);
        const bool ok = opened.get();
        row(qPrintable(QString("open %1 concurrent watch streams").arg(watches)),
            QString("%1 ms, %2 open%3")
                .arg(wt.elapsed())
                .arg(sim.openWatchCount("pods"))
                .arg(ok ? "" : " (client failed)"));
        row("RSS growth per open watch",
            QString("%1 KiB").arg((rssMb() - rssBefore) * 1024 / std::max(1, watches), 0, 'f', 1));
        QElapsedTimer et;
        et.start();
        const quint64 expected = quint64(events) * quint64(watches);
        for (int i = 0; i < events; ++i) {
            store->mergePatch(
                Resource::Pods, "bench",
                QString("bench-pool-%1").arg(i % pods, 8, 16, QLatin1Char('0')),
                QJsonObject {
                    { "metadata",
                      QJsonObject { { "annotations",
                                      QJsonObject { { "bench/seq", QString::number(i) } } } } } });
            QCoreApplication::processEvents(QEventLoop::AllEvents);
        }
        pump([&] { return clients.events.load() >= expected; }, 120'000);
        ms = double(et.nsecsElapsed()) / 1e6;
        row(qPrintable(QString("%1 events x %2 watches (deliveries)").arg(events).arg(watches)),
            QString("%1/%2 in %3 ms = %4/s")
                .arg(clients.events.load())
                .arg(expected)
                .arg(ms, 0, 'f', 0)
                .arg(double(clients.events.load()) / (ms / 1000), 0, 'f', 0));
        clients.stop();
        pump([&] { return sim.openWatchCount("pods") == 0; }, 30'000);
    }

    // 3. Writes per second with a few watchers.
    {
        WatchClients clients;
        const QString target = podsPath + "?watch=true&" + selector
            + "&resourceVersion=" + QString::number(store->resourceVersion());
        auto opened =
            std::async(std::launch::async, [&] { return clients.open(port, target, watchers); });
        pump([&] { return clients.heads.load() >= watchers; }, 30'000);
        opened.get();
        const quint64 expected = quint64(writes) * quint64(watchers);
        QElapsedTimer wt;
        wt.start();
        for (int i = 0; i < writes; ++i) {
            store->mergePatch(
                Resource::Pods, "bench",
                QString("bench-pool-%1").arg(i % pods, 8, 16, QLatin1Char('0')),
                QJsonObject {
                    { "metadata",
                      QJsonObject { { "annotations",
                                      QJsonObject { { "bench/seq", QString::number(i) } } } } } });
            if (i % 256 == 255)
                QCoreApplication::processEvents(QEventLoop::AllEvents);
        }
        const double writeMs = double(wt.nsecsElapsed()) / 1e6;
        pump([&] { return clients.events.load() >= expected; }, 300'000);
        ms = double(wt.nsecsElapsed()) / 1e6;
        row(qPrintable(
                QString("%1 writes (merge patch) with %2 watchers").arg(writes).arg(watchers)),
            QString("%1 writes/s written, %2/s delivered")
                .arg(writes / (writeMs / 1000), 0, 'f', 0)
                .arg(writes / (ms / 1000), 0, 'f', 0));
        row("events received by the watchers",
            QString("%1/%2").arg(clients.events.load()).arg(expected));
        clients.stop();
    }
    row("RSS at the end", QString("%1 MB").arg(rssMb(), 0, 'f', 1));
    return 0;
}
