// bench_snapshot — what one REST snapshot costs at N pods, in process, on the server's real
// parts: ObjectStores with the server's projections, SnapshotBuilder, the project's HTTP
// server on loopback and a blocking client thread (new connection per GET, like a browser
// or boilerhouse-bench). Two ways to the same bytes (checked equal before measuring):
//   typed   protocol::encodeInstances(SnapshotBuilder::instances())  (every object per request)
//   cached  SnapshotBuilder::instancesJson()  (per-object fragments encoded once per change)
// Columns: build = body construction only; GET = connect → last body byte over loopback.
#include "api/snapshotbuilder.h"
#include "app/projections.h"
#include "cache/objectstore.h"
#include "http/httpresponder.h"
#include "http/httpresponse.h"
#include "http/httpserver.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonObject>
#include <QMetaObject>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

using bh::api::SnapshotBuilder;
using bh::cache::ObjectStore;

namespace {

constexpr int kDefaultRequests = 50; // GETs / builds per measured cell (--requests)
constexpr int kTypedRequestsMax = 20; // the typed path is slow: at most this many per cell
constexpr int kChangesBetween = 100; // pods modified before each "after changes" build
constexpr int kReceiveBuffer = 1 << 20; // client read size

struct Options
{
    std::vector<int> pods { 1000, 10000, 50000 };
    double claimsPerPod = 0.3; // claimed pods (tenant claims pointing at them)
    int requests = kDefaultRequests;
};

[[noreturn]] void usage(const char *error)
{
    if (error)
        std::fprintf(stderr, "bench_snapshot: %s\n", error);
    std::fprintf(stderr,
                 "usage: bench_snapshot [--pods 1000,10000,50000] [--claims-per-pod 0.3] "
                 "[--requests %d]\n",
                 kDefaultRequests);
    std::exit(error ? 2 : 0);
}

Options parse(const QStringList &args)
{
    Options o;
    for (int i = 1; i < args.size(); ++i) {
        const QString a = args.at(i);
        const auto value = [&]() {
            if (i + 1 >= args.size())
                usage(qPrintable("missing value for " + a));
            return args.at(++i);
        };
        bool ok = true;
        if (a == QLatin1String("--pods")) {
            o.pods.clear();
            for (const QString &n : value().split(QLatin1Char(','))) {
                o.pods.push_back(n.toInt(&ok));
                if (!ok || o.pods.back() <= 0)
                    usage("--pods: positive integers, comma-separated");
            }
        } else if (a == QLatin1String("--claims-per-pod")) {
            o.claimsPerPod = value().toDouble(&ok);
            if (!ok || o.claimsPerPod < 0 || o.claimsPerPod > 1)
                usage("--claims-per-pod: a number in [0, 1]");
        } else if (a == QLatin1String("--requests")) {
            o.requests = value().toInt(&ok);
            if (!ok || o.requests < 1)
                usage("--requests: a positive integer");
        } else if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            usage(nullptr);
        } else {
            usage(qPrintable("unknown option " + a));
        }
    }
    return o;
}

// A pool pod as boilerhouse-kubesim --pods creates it (plus a tenant label when claimed).
QJsonObject pod(int i, int rv, bool claimed)
{
    const QString name = QStringLiteral("bench-pool-%1").arg(i, 8, 10, QLatin1Char('0'));
    QJsonObject labels { { "boilerhouse.dev/instance", name },
                         { "boilerhouse.dev/managed", "true" },
                         { "boilerhouse.dev/pool-status", claimed ? "claimed" : "ready" },
                         { "boilerhouse.dev/workload", "bench" } };
    if (claimed)
        labels.insert("boilerhouse.dev/tenant", QStringLiteral("tenant-%1").arg(i % 500));
    return QJsonObject {
        { "metadata",
          QJsonObject { { "name", name },
                        { "resourceVersion", QString::number(rv) },
                        { "creationTimestamp", "2026-11-29T08:36:14Z" },
                        { "labels", labels },
                        { "uid", QStringLiteral("uid-%1").arg(i) } } },
        { "spec", QJsonObject { { "containers", "…" } } },
        { "status",
          QJsonObject { { "phase", (i + rv) % 7 ? "Running" : "Pending" },
                        { "podIP", QStringLiteral("10.42.%1.%2").arg(i / 250).arg(i % 250) } } }
    };
}

QJsonObject claim(int i)
{
    const QString pod = QStringLiteral("bench-pool-%1").arg(i, 8, 10, QLatin1Char('0'));
    return QJsonObject {
        { "metadata",
          QJsonObject { { "name", QStringLiteral("claim-%1").arg(i) },
                        { "resourceVersion", "1" },
                        { "annotations",
                          QJsonObject { { SnapshotBuilder::LastActivityAnnotation,
                                          "2026-11-29T09:00:00.123Z" } } } } },
        { "spec",
          QJsonObject { { "tenantId", QStringLiteral("tenant-%1").arg(i % 500) },
                        { "workloadRef", "bench" } } },
        { "status",
          QJsonObject { { "phase", "Active" },
                        { "instanceId", pod },
                        { "endpoint", QJsonObject { { "host", "10.42.0.1" }, { "port", 8080 } } },
                        { "source", "pool" },
                        { "claimedAt", "2026-11-29T08:40:00Z" } } }
    };
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const auto i = std::size_t(p / 100.0 * double(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

double threadCpuMs()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

// Wall-clock and this thread's CPU time per call (the machine is shared: CPU time is what
// the work costs, wall time what a client waits).
struct Samples
{
    std::vector<double> ms;
    std::vector<double> cpuMs;
    double pct(double p) const { return percentile(ms, p); }
    double cpu(double p) const { return percentile(cpuMs, p); }
};

template<typename F>
Samples time(int n, F f)
{
    Samples s;
    for (int i = 0; i < n; ++i) {
        QElapsedTimer t;
        const double cpu0 = threadCpuMs();
        t.start();
        f();
        s.ms.push_back(double(t.nsecsElapsed()) / 1e6);
        s.cpuMs.push_back(threadCpuMs() - cpu0);
    }
    return s;
}

// One GET on a fresh connection; returns the body size (-1 on error).
long long get(quint16 port, const char *path)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    const std::string request =
        std::string("GET ") + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != ssize_t(request.size())) {
        ::close(fd);
        return -1;
    }
    std::vector<char> buffer(kReceiveBuffer);
    std::string head;
    long long total = 0;
    for (;;) {
        const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (n <= 0)
            break;
        if (head.size() < 4096)
            head.append(buffer.data(), std::size_t(std::min<ssize_t>(n, 4096)));
        total += n;
    }
    ::close(fd);
    const auto end = head.find("\r\n\r\n");
    if (head.rfind("HTTP/1.1 200", 0) != 0 || end == std::string::npos)
        return -1;
    return total - static_cast<long long>(end + 4);
}

// n GETs from a client thread while this thread serves them; returns the timings.
Samples getMany(bh::http::Server &server, const char *path, int n, long long *bytes)
{
    Samples s;
    QEventLoop loop;
    std::atomic<long long> size { 0 };
    std::thread client([&] {
        for (int i = 0; i < n; ++i) {
            QElapsedTimer t;
            t.start();
            size = get(server.serverPort(), path);
            s.ms.push_back(double(t.nsecsElapsed()) / 1e6);
            if (size < 0)
                break;
        }
        QMetaObject::invokeMethod(&loop, "quit", Qt::QueuedConnection);
    });
    loop.exec();
    client.join();
    *bytes = size;
    return s;
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_NO_GLIB", "1"); // Qt's own event dispatcher, as boilerhouse-server sets it
    QCoreApplication app(argc, argv);
    const Options o = parse(app.arguments());

    std::printf("# bench_snapshot — GET /api/v1/instances, in process, %d requests per cell "
                "(typed: %d), %.0f%% of pods claimed\n",
                o.requests, std::min(o.requests, kTypedRequestsMax), o.claimsPerPod * 100);
    std::printf(
        "# build = body construction: wall ms (and CPU ms of this thread); list = storing the "
        "initial lists incl. encoding every object; cold = first build after it; 1 change = one "
        "pod modified before each build (the "
        "fragments are concatenated); idle = nothing changed (the last body is reused)\n"
        "# GET = new connection to last body byte over loopback, wall ms\n");
    std::printf("| pods  | typed build p50/p99 (CPU) | list  | cold  | 1 change p50/p99 (CPU) | "
                "%d changes p50 | idle p50 | GET typed p50/p99 | GET 1 change p50/p99 | GET idle "
                "p50/p99 | bytes   | cache KiB | B/object |\n",
                kChangesBetween);
    std::printf(
        "|-------|---------------------------|-------|-------|------------------------|------------"
        "-----|----------|-------------------|----------------------|------------------|----"
        "-----|-----------|----------|\n");
    for (const int n : o.pods) {
        ObjectStore pods(QStringLiteral("pods"));
        ObjectStore claims(QStringLiteral("boilerhouseclaims"));
        pods.setProjection(&bh::app::Projections::pod);
        claims.setProjection(&bh::app::Projections::claim);
        SnapshotBuilder builder(&pods, &claims);
        const int claimed = int(n * o.claimsPerPod);
        QList<QJsonObject> podList;
        QList<QJsonObject> claimList;
        for (int i = 0; i < n; ++i) {
            podList << pod(i, 1, i < claimed);
            if (i < claimed)
                claimList << claim(i);
        }
        // The initial lists, as a reflector delivers them (projection, store, encoding).
        const Samples ingest = time(1, [&] {
            pods.replace(podList);
            claims.replace(claimList);
            QCoreApplication::processEvents(); // the builder warms the encodings
        });
        podList.clear();
        claimList.clear();

        const int typedRequests = std::min(o.requests, kTypedRequestsMax);
        QByteArray typedBody;
        Samples typed = time(
            typedRequests, [&] { typedBody = bh::protocol::encodeInstances(builder.instances()); });
        QByteArray cachedBody;
        Samples cold = time(1, [&] { cachedBody = builder.instancesJson(); });
        if (cachedBody != typedBody) {
            std::fprintf(stderr, "bench_snapshot: the cached body differs from the typed one\n");
            return 1;
        }
        int rv = 1;
        int next = 0;
        // One pod modified (a new resourceVersion, phase flips now and then).
        const auto changeOne = [&]() {
            pods.applyModified(pod(next, ++rv, next < claimed));
            next = (next + 1) % n;
        };
        Samples oneChange;
        for (int r = 0; r < o.requests; ++r) {
            changeOne();
            const Samples one = time(1, [&] { cachedBody = builder.instancesJson(); });
            oneChange.ms.push_back(one.ms.front());
            oneChange.cpuMs.push_back(one.cpuMs.front());
        }
        Samples manyChanges;
        for (int r = 0; r < o.requests; ++r) {
            for (int c = 0; c < kChangesBetween; ++c)
                changeOne();
            manyChanges.ms.push_back(
                time(1, [&] { cachedBody = builder.instancesJson(); }).ms.front());
        }
        Samples idle = time(o.requests, [&] { cachedBody = builder.instancesJson(); });
        if (cachedBody != bh::protocol::encodeInstances(builder.instances())) {
            std::fprintf(stderr, "bench_snapshot: the cached body differs after changes\n");
            return 1;
        }

        bh::http::Server server;
        server.setHandler([&](bh::http::Responder *responder) {
            const QString path = responder->request().path();
            if (path == QLatin1String("/typed")) {
                responder->send(bh::http::Response::json(
                    200, bh::protocol::encodeInstances(builder.instances())));
                return;
            }
            if (path == QLatin1String("/change"))
                changeOne();
            responder->send(bh::http::Response::json(200, builder.instancesJson()));
        });
        if (!server.listen(QHostAddress::LocalHost, 0)) {
            std::fprintf(stderr, "bench_snapshot: cannot listen\n");
            return 1;
        }
        long long typedBytes = 0;
        long long changeBytes = 0;
        long long idleBytes = 0;
        Samples getTyped = getMany(server, "/typed", typedRequests, &typedBytes);
        Samples getChange = getMany(server, "/change", o.requests, &changeBytes);
        Samples getIdle = getMany(server, "/idle", o.requests, &idleBytes);
        if (typedBytes <= 0 || typedBytes != changeBytes || idleBytes != changeBytes) {
            std::fprintf(stderr, "bench_snapshot: GET failed or sizes differ (%lld, %lld, %lld)\n",
                         typedBytes, changeBytes, idleBytes);
            return 1;
        }
        const qint64 cacheBytes = pods.encodedMemoryBytes() + claims.encodedMemoryBytes();
        const int objects = pods.encodedCount() + claims.encodedCount();
        std::printf(
            "| %5d | %6.1f / %-6.1f (%6.1f) | %5.0f | %5.1f | %5.2f / %-5.2f (%5.2f) | %15.2f | "
            "%8.3f | %7.1f / %-7.1f | %9.2f / %-8.2f | %7.2f / %-6.2f | %7lld | %9.0f | "
            "%8.0f |\n",
            n, typed.pct(50), typed.pct(99), typed.cpu(50), ingest.ms.front(), cold.ms.front(),
            oneChange.pct(50), oneChange.pct(99), oneChange.cpu(50), manyChanges.pct(50),
            idle.pct(50), getTyped.pct(50), getTyped.pct(99), getChange.pct(50), getChange.pct(99),
            getIdle.pct(50), getIdle.pct(99), idleBytes, double(cacheBytes) / 1024.0,
            objects ? double(cacheBytes) / objects : 0.0);
        std::fflush(stdout);
    }
    return 0;
}
