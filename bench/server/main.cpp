// boilerhouse-bench: end-to-end fan-out benchmark. Starts boilerhouse-kubesim and
// boilerhouse-server as separate processes, connects N WebSocket clients from an epoll load
// client (no Qt on the hot path), drives pod changes into the simulator at a given rate and
// prints one table row per run. Also measures a raw pre-framed broadcaster on the same
// machine as the reference limit, the REST snapshot at 10,000 pods and time to ready.
#include "childprocess.h"
#include "epoll.h"
#include "rawbroadcaster.h"
#include "simdriver.h"
#include "wsloadclient.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace bh::bench;

namespace {

struct Options
{
    std::string serverBin;
    std::string kubesimBin;
    std::vector<int> clients { 100, 1000, 5000 };
    std::vector<double> rates { 10, 100, 1000 };
    double seconds = 5;
    int pods = 1000;
    int snapshotPods = 10000;
    int saturationClients = 1000;
    double holdSeconds = 0; // keep the clients connected this long after each idle row
    bool quick = false;
};

std::vector<std::string> split(const std::string &s)
{
    std::vector<std::string> out;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ','))
        out.push_back(item);
    return out;
}

[[noreturn]] void usage(const char *error)
{
    if (error)
        std::fprintf(stderr, "boilerhouse-bench: %s\n", error);
    std::fprintf(stderr,
                 "usage: boilerhouse-bench [--quick] [--clients 100,1000,5000] [--rates 10,100,1000]\n"
                 "         [--seconds S] [--pods N] [--snapshot-pods N] [--saturation-clients N]\n"
                 "         [--server BIN] [--kubesim BIN]\n"
                 "  --snapshot-pods 0 skips the snapshot/ready run; --saturation-clients 0 skips the\n"
                 "  raw-limit and saturation runs; --hold S keeps the clients connected S seconds\n"
                 "  after each idle row (prints the server's pid: attach perf/heaptrack/gdb)\n");
    std::exit(2);
}

Options parse(int argc, char **argv)
{
    Options o;
    std::string self = argv[0];
    char resolved[4096];
    const ssize_t n = readlink("/proc/self/exe", resolved, sizeof resolved - 1);
    if (n > 0)
        self.assign(resolved, static_cast<std::size_t>(n));
    const std::string buildDir = self.substr(0, self.rfind("/bench/"));
    o.serverBin = buildDir + "/server/app/boilerhouse-server";
    o.kubesimBin = buildDir + "/server/kubesim/boilerhouse-kubesim";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                usage(("missing value for " + a).c_str());
            return argv[++i];
        };
        if (a == "--quick") {
            o.quick = true;
            o.clients = { 50, 200 };
            o.rates = { 10, 100 };
            o.seconds = 2;
            o.pods = 200;
            o.snapshotPods = 2000;
            o.saturationClients = 200;
        } else if (a == "--clients") {
            o.clients.clear();
            for (const auto &c : split(value()))
                o.clients.push_back(std::atoi(c.c_str()));
        } else if (a == "--rates") {
            o.rates.clear();
            for (const auto &r : split(value()))
                o.rates.push_back(std::atof(r.c_str()));
        } else if (a == "--seconds") {
            o.seconds = std::atof(value().c_str());
        } else if (a == "--pods") {
            o.pods = std::atoi(value().c_str());
        } else if (a == "--hold") {
            o.holdSeconds = std::atof(value().c_str());
        } else if (a == "--saturation-clients") {
            o.saturationClients = std::atoi(value().c_str());
        } else if (a == "--snapshot-pods") {
            o.snapshotPods = std::atoi(value().c_str());
        } else if (a == "--server") {
            o.serverBin = value();
        } else if (a == "--kubesim") {
            o.kubesimBin = value();
        } else if (a == "--help" || a == "-h") {
            usage(nullptr);
        } else {
            usage(("unknown option " + a).c_str());
        }
    }
    if (o.clients.empty() || o.seconds <= 0 || o.pods <= 0 || o.snapshotPods < 0
        || o.saturationClients < 0)
        usage("bad option value");
    return o;
}

std::string writeKubeconfig(const std::string &simUrl)
{
    char path[] = "/tmp/bh-bench-kubeconfig-XXXXXX";
    const int fd = mkstemp(path);
    std::ofstream out(path);
    out << "apiVersion: v1\nkind: Config\ncurrent-context: sim\n"
        << "clusters:\n- name: sim\n  cluster:\n    server: " << simUrl << "\n"
        << "users:\n- name: sim\n  user: {}\n"
        << "contexts:\n- name: sim\n  context:\n    cluster: sim\n    user: sim\n    namespace: boilerhouse\n";
    close(fd);
    return path;
}

int apiserverWatches(int simPort)
{
    std::string body;
    if (httpRequest(simPort, "GET", "/_sim/stats", {}, &body) != 200)
        return -1;
    const QJsonObject watches = QJsonDocument::fromJson(QByteArray::fromStdString(body))
                                    .object()
                                    .value(QLatin1String("watches"))
                                    .toObject();
    int count = 0;
    for (const auto &v : watches)
        count += static_cast<int>(v.toArray().size());
    return count;
}

// Polls /readyz (PROTOCOL B.4) until 200, falling back to the stats count for servers
// without it. Returns seconds waited, or -1 on timeout.
double waitReady(int port, int pods, double timeoutSeconds)
{
    const double start = monotonicSeconds();
    while (monotonicSeconds() - start < timeoutSeconds) {
        std::string body;
        const int status = httpRequest(port, "GET", "/readyz", {}, &body, 2000);
        if (status == 200)
            return monotonicSeconds() - start;
        if (status == 404
            && httpRequest(port, "GET", "/api/v1/stats", {}, &body, 2000) == 200) {
            const int total = QJsonDocument::fromJson(QByteArray::fromStdString(body))
                                  .object()
                                  .value(QLatin1String("instances"))
                                  .toObject()
                                  .value(QLatin1String("total"))
                                  .toInt();
            if (total >= pods)
                return monotonicSeconds() - start;
        }
        usleep(2000); // polling an external process for readiness: no signal to wait on
    }
    return -1;
}

// The server's own delivery-latency histogram (GET /metrics,
// boilerhouse_event_delivery_latency_seconds: watch event's arrival → its batch written to
// every client), cumulative as scraped. Empty when the server has no /metrics.
struct ServerLatency
{
    std::vector<std::pair<double, double>> buckets; // (le, cumulative count); +Inf last
    double sum = 0;
    double count = 0;
};

ServerLatency scrapeServerLatency(int port)
{
    ServerLatency out;
    std::string body;
    if (httpRequest(port, "GET", "/metrics", {}, &body, 2000) != 200)
        return out;
    static const std::string family = "boilerhouse_event_delivery_latency_seconds";
    std::istringstream in(body);
    std::string line;
    while (std::getline(in, line)) {
        if (line.compare(0, family.size(), family) != 0)
            continue;
        const std::string rest = line.substr(family.size());
        const auto space = rest.rfind(' ');
        if (space == std::string::npos)
            continue;
        const double value = std::atof(rest.c_str() + space + 1);
        if (rest.compare(0, 12, "_bucket{le=\"") == 0) {
            const std::string le = rest.substr(12, rest.find('"', 12) - 12);
            out.buckets.emplace_back(le == "+Inf" ? -1.0 : std::atof(le.c_str()), value);
        } else if (rest.compare(0, 4, "_sum") == 0) {
            out.sum = value;
        } else if (rest.compare(0, 6, "_count") == 0) {
            out.count = value;
        }
    }
    return out;
}

// Quantile q (0..1) of the observations between two scrapes, interpolated linearly inside
// its bucket as Prometheus' histogram_quantile() does; -1 when there are none.
double serverQuantile(const ServerLatency &before, const ServerLatency &after, double q)
{
    if (after.buckets.empty() || after.buckets.size() != before.buckets.size())
        return -1;
    const double total = after.count - before.count;
    if (total <= 0)
        return -1;
    double lower = 0;
    double below = 0;
    for (std::size_t i = 0; i < after.buckets.size(); ++i) {
        const double cumulative = after.buckets[i].second - before.buckets[i].second;
        const double le = after.buckets[i].first;
        if (cumulative >= q * total) {
            if (le < 0) // +Inf: the highest finite bound
                return lower;
            const double inBucket = cumulative - below;
            return inBucket > 0 ? lower + (le - lower) * (q * total - below) / inBucket : le;
        }
        below = cumulative;
        if (le >= 0)
            lower = le;
    }
    return lower;
}

// Polls /api/v1/stats until the server's cache holds `pods` instances. Returns false on
// timeout.
bool waitInstances(int port, int pods, double timeoutSeconds)
{
    const double start = monotonicSeconds();
    while (monotonicSeconds() - start < timeoutSeconds) {
        std::string body;
        if (httpRequest(port, "GET", "/api/v1/stats", {}, &body, 2000) == 200
            && QJsonDocument::fromJson(QByteArray::fromStdString(body))
                       .object()
                       .value(QLatin1String("instances"))
                       .toObject()
                       .value(QLatin1String("total"))
                       .toInt()
                >= pods)
            return true;
        usleep(2000); // polling an external process: no signal to wait on
    }
    return false;
}

struct Stack
{
    ChildProcess sim;
    ChildProcess server;
    std::string kubeconfig;
    double readySeconds = -1;

    bool start(const Options &o, int pods)
    {
        if (!sim.start({ o.kubesimBin, "--port", "0", "--scenario", "none", "--pods",
                         std::to_string(pods) },
                       {}, 20000)) {
            std::fprintf(stderr, "bench: cannot start %s\n", o.kubesimBin.c_str());
            return false;
        }
        kubeconfig = writeKubeconfig(sim.url());
        const double t0 = monotonicSeconds();
        if (!server.start({ o.serverBin, "--kubeconfig", kubeconfig, "--port", "0" },
                          { "QT_NO_GLIB=1" }, 20000)) {
            std::fprintf(stderr, "bench: cannot start %s\n", o.serverBin.c_str());
            return false;
        }
        const double waited = waitReady(server.port(), pods, 60);
        readySeconds = waited < 0 ? -1 : monotonicSeconds() - t0;
        if (waited < 0)
            std::fprintf(stderr, "bench: the server did not become ready within 60 s\n");
        return waited >= 0;
    }
    ~Stack()
    {
        server.stop();
        sim.stop();
        if (!kubeconfig.empty())
            unlink(kubeconfig.c_str());
    }
};

void printHeader()
{
    std::printf("| %-12s | %7s | %8s | %11s | %7s | %7s | %7s | %8s | %8s | %9s | %7s | %6s | %8s |\n",
                "run", "clients", "events/s", "frames/s", "ratio", "p50 ms", "p99 ms", "max ms",
                "srv CPU%", "srv RSS MB", "watches", "closed", "load CPU%");
    std::printf("|--------------|---------|----------|-------------|---------|---------|---------|"
                "----------|----------|-----------|---------|--------|----------|\n");
}

bool waitFor(Epoll &loop, double seconds, const std::function<bool()> &done)
{
    const double until = monotonicSeconds() + seconds;
    while (monotonicSeconds() < until) {
        if (done())
            return true;
        loop.run(5);
    }
    return done();
}

double g_rawLimit = 0; // frames/s of the raw broadcaster at the saturation client count

} // namespace

int main(int argc, char **argv)
{
    const Options o = parse(argc, argv);
    std::printf("# boilerhouse-bench%s — %ld cores, event payload ~100 B, pods in store: %d\n",
                o.quick ? " --quick" : "", sysconf(_SC_NPROCESSORS_ONLN), o.pods);

    // 1. Raw limit: pre-framed bytes to N sockets.
    if (o.saturationClients > 0) {
        RawBroadcaster raw;
        Epoll loop;
        if (!raw.start(o.saturationClients)) {
            std::fprintf(stderr, "bench: raw broadcaster failed\n");
            return 1;
        }
        WsLoadClient clients(loop, raw.port(), "/ws");
        clients.connectClients(o.saturationClients);
        waitFor(loop, 20, [&] { return clients.openCount() == o.saturationClients; });
        waitFor(loop, 0.5, [] { return false; });
        clients.resetCounters();
        const double c0 = selfCpuSeconds();
        const double t0 = monotonicSeconds();
        waitFor(loop, o.seconds, [] { return false; });
        const double dt = monotonicSeconds() - t0;
        g_rawLimit = static_cast<double>(clients.framesReceived()) / dt;
        std::printf("# raw limit: %d clients, %.0f frames/s (load client CPU %.0f%%)\n",
                    o.saturationClients, g_rawLimit, 100 * (selfCpuSeconds() - c0) / dt);
    }

    Stack stack;
    if (!stack.start(o, 0))
        return 1;
    Epoll loop;
    std::vector<std::int64_t> sentAt;
    SimDriver driver(loop, stack.sim.port(), "boilerhouse", o.pods, sentAt);
    if (!driver.createPods()) {
        std::fprintf(stderr, "bench: cannot create the pods in the simulator\n");
        return 1;
    }
    // The baseline for "RSS per idle client" is taken once the server's cache holds the
    // pods: the cache is not a per-client cost.
    if (!waitInstances(stack.server.port(), o.pods, 60)) {
        std::fprintf(stderr, "bench: the server did not see the %d pods\n", o.pods);
        return 1;
    }
    WsLoadClient clients(loop, stack.server.port(), "/ws");
    clients.setSendTimes(&sentAt);
    printHeader();

    const long rss0 = stack.server.rssKiB();
    std::printf("#   server RSS with %d pods, no clients: %.1f MB\n", o.pods, rss0 / 1024.0);
    int connected = 0;
    std::vector<int> counts = o.clients;
    std::sort(counts.begin(), counts.end());
    for (const int n : counts) {
        clients.resetCounters();
        clients.connectClients(n - connected);
        const auto replayFrames = static_cast<std::uint64_t>(n - connected) * static_cast<std::uint64_t>(o.pods);
        connected = n;
        const bool open = waitFor(loop, 60, [&] { return clients.openCount() + clients.closedCount() >= n; });
        // Let the initial replay (one instance.state per pod per new client) drain.
        waitFor(loop, 60, [&] { return clients.framesReceived() >= replayFrames; });
        const long rssIdle = stack.server.rssKiB();
        std::printf("| %-12s | %7d | %8s | %11s | %7s | %7s | %7s | %8s | %8s | %9.1f | %7d | %6d | %8s |\n",
                    "idle", n, "0", "-", "-", "-", "-", "-", "-", rssIdle / 1024.0,
                    apiserverWatches(stack.sim.port()), clients.closedCount(), "-");
        std::printf("#   RSS per idle client: %.1f KiB (%ld KiB over %d clients)%s\n",
                    static_cast<double>(rssIdle - rss0) / n, rssIdle - rss0, n,
                    open ? "" : " (not all connected)");
        std::fflush(stdout);
        if (o.holdSeconds > 0) {
            std::printf("#   holding %d idle clients for %.0f s; server pid %d\n", n, o.holdSeconds,
                        static_cast<int>(stack.server.pid()));
            std::fflush(stdout);
            waitFor(loop, o.holdSeconds, [] { return false; });
        }

        std::vector<double> rates = o.rates;
        if (o.saturationClients > 0
            && (n == o.saturationClients
                || (n == counts.back() && o.saturationClients > counts.back())))
            rates.push_back(0); // 0 = saturation
        for (const double rate : rates) {
            std::fill(sentAt.begin(), sentAt.end(), 0);
            clients.resetCounters();
            const double srv0 = stack.server.cpuSeconds();
            const double self0 = selfCpuSeconds();
            const double t0 = monotonicSeconds();
            const std::uint64_t sent0 = driver.sent();
            const ServerLatency server0 = scrapeServerLatency(stack.server.port());
            driver.start(rate);
            while (monotonicSeconds() - t0 < o.seconds) {
                driver.pump();
                loop.run(1);
            }
            const double dt = monotonicSeconds() - t0;
            const double framesPerSec = static_cast<double>(clients.framesReceived()) / dt;
            // Scraped before the drain below: in-flight events of this run still count in
            // the next scrape's difference only if they were written after this one.
            const ServerLatency server1 = scrapeServerLatency(stack.server.port());
            const double eventsPerSec = static_cast<double>(driver.sent() - sent0) / dt;
            char rateText[32];
            std::snprintf(rateText, sizeof rateText, rate > 0 ? "%.0f" : "max(%.0f)", eventsPerSec);
            const bool saturation = rate <= 0;
            char ratio[16] = "-";
            if (saturation && g_rawLimit > 0)
                std::snprintf(ratio, sizeof ratio, "%.0f%%", 100 * framesPerSec / g_rawLimit);
            std::printf("| %-12s | %7d | %8s | %11.0f | %7s | %7.2f | %7.2f | %8.2f | %8.0f | %9.1f | %7d | %6d | %8.0f |\n",
                        saturation ? "saturation" : "rate", n, rateText, framesPerSec, ratio,
                        clients.latency.percentile(50) / 1000.0,
                        clients.latency.percentile(99) / 1000.0, clients.latency.maxMicros() / 1000.0,
                        100 * (stack.server.cpuSeconds() - srv0) / dt,
                        stack.server.rssKiB() / 1024.0, apiserverWatches(stack.sim.port()),
                        clients.closedCount(), 100 * (selfCpuSeconds() - self0) / dt);
            if (!saturation)
                std::printf("#   first client's copy of each change: p50 %.2f ms, p99 %.2f ms "
                            "(the rest of p50/p99 is fan-out + load client)\n",
                            clients.firstLatency.percentile(50) / 1000.0,
                            clients.firstLatency.percentile(99) / 1000.0);
            if (!saturation && server1.count > server0.count)
                std::printf("#   server-side (watch arrival → written to every client, /metrics "
                            "histogram): %.0f events, mean %.2f ms, ~p50 %.2f ms, ~p99 %.2f ms\n",
                            server1.count - server0.count,
                            1000 * (server1.sum - server0.sum) / (server1.count - server0.count),
                            1000 * serverQuantile(server0, server1, 0.5),
                            1000 * serverQuantile(server0, server1, 0.99));
            std::fflush(stdout);
            // Drain what is still in flight before the next run.
            waitFor(loop, 2, [&] { return driver.answered() >= driver.sent(); });
            waitFor(loop, 0.3, [] { return false; });
        }
    }
    clients.closeAll();

    // 2. Snapshot latency and time to ready with many pods.
    if (o.snapshotPods > 0) {
        Stack big;
        if (!big.start(o, o.snapshotPods)) {
            std::fprintf(stderr, "bench: stack with %d pods did not become ready\n", o.snapshotPods);
            return 1;
        }
        std::vector<double> ms;
        std::size_t bytes = 0;
        for (int i = 0; i < 20; ++i) {
            std::string body;
            const double t0 = monotonicSeconds();
            const int status = httpRequest(big.server.port(), "GET", "/api/v1/instances", {}, &body, 30000);
            ms.push_back((monotonicSeconds() - t0) * 1000);
            bytes = body.size();
            if (status != 200) {
                std::fprintf(stderr, "bench: snapshot failed: HTTP %d\n", status);
                return 1;
            }
        }
        std::sort(ms.begin(), ms.end());
        std::printf("# snapshot GET /api/v1/instances at %d pods: median %.1f ms, max %.1f ms (%zu bytes); "
                    "start to ready: %.2f s; server RSS %.1f MB\n",
                    o.snapshotPods, ms[ms.size() / 2], ms.back(), bytes, big.readySeconds,
                    big.server.rssKiB() / 1024.0);
    }
    return 0;
}
