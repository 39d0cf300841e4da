// Throughput benchmark of the HTTP layer (not a test; prints a table, asserts nothing).
//
//   bench_httpserver [--connections 50] [--streams 2000] [--seconds 5] [--chunk 200]
//
// The process is the server; it starts itself again as the client ("--client ...") so that
// client work does not count against the server's CPU (getrusage of this process only).
// Phase 1: keep-alive GETs, one outstanding per connection: requests/s and server CPU/request.
// Phase 2: N concurrent chunked streams, a chunk to every stream every 10 ms: chunks/s
// delivered and server CPU/chunk; RSS per open stream.
#include "http/httpresponder.h"
#include "http/httpresponse.h"
#include "http/httpserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QPointer>
#include <QProcess>
#include <QTcpSocket>
#include <QTimer>

#include <sys/resource.h>

#include <cstdio>
#include <memory>
#include <vector>

using namespace bh::http;

namespace {

double cpuSeconds()
{
    rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec)
        + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

long rssKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLong();
    }
    return 0;
}

// Client: "requests <port> <connections> <seconds>" or "streams <port> <n> <seconds>".
int runClient(const QStringList &args)
{
    const QString mode = args.value(0);
    const quint16 port = quint16(args.value(1).toUInt());
    const int n = args.value(2).toInt();
    const int seconds = args.value(3).toInt();
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    quint64 responses = 0;
    quint64 bytes = 0;
    const QByteArray request = "GET /r HTTP/1.1\r\nHost: b\r\n\r\n";
    const QByteArray marker = "HTTP/1.1 200";
    int connected = 0;
    for (int i = 0; i < n; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        QTcpSocket *s = socket.get();
        if (mode == QLatin1String("requests")) {
            QObject::connect(s, &QTcpSocket::connected, s, [s, &request] { s->write(request); });
            QObject::connect(s, &QTcpSocket::readyRead, s, [s, &responses, &request, &marker] {
                const QByteArray data = s->readAll();
                const qsizetype count = data.count(marker);
                responses += quint64(count);
                for (qsizetype k = 0; k < count; ++k)
                    s->write(request);
            });
        } else {
            QObject::connect(s, &QTcpSocket::connected, s, [s, &connected] {
                ++connected;
                s->write("GET /watch HTTP/1.1\r\n\r\n");
            });
            QObject::connect(s, &QTcpSocket::readyRead, s,
                             [s, &bytes] { bytes += quint64(s->readAll().size()); });
        }
        s->connectToHost(QHostAddress::LocalHost, port);
        sockets.push_back(std::move(socket));
    }
    QTimer::singleShot(seconds * 1000, qApp, &QCoreApplication::quit);
    QCoreApplication::exec();
    std::printf("%llu %llu %d\n", static_cast<unsigned long long>(responses),
                static_cast<unsigned long long>(bytes), connected);
    std::fflush(stdout);
    return 0;
}

QByteArray startClient(const QStringList &args, QProcess *process)
{
    process->start(QCoreApplication::applicationFilePath(),
                   QStringList { QStringLiteral("--client") } + args);
    return {};
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_NO_GLIB", "1");
    rlimit lim {};
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
    }
    QCoreApplication app(argc, argv);
    QStringList arguments = app.arguments();
    if (arguments.value(1) == QLatin1String("--client"))
        return runClient(arguments.mid(2));

    QCommandLineParser parser;
    parser.addHelpOption();
    QCommandLineOption connectionsOpt(QStringLiteral("connections"),
                                      QStringLiteral("keep-alive connections (phase 1)"),
                                      QStringLiteral("n"), QStringLiteral("50"));
    QCommandLineOption streamsOpt(QStringLiteral("streams"),
                                  QStringLiteral("concurrent chunked streams (phase 2)"),
                                  QStringLiteral("n"), QStringLiteral("2000"));
    QCommandLineOption secondsOpt(QStringLiteral("seconds"),
                                  QStringLiteral("duration of each phase"), QStringLiteral("s"),
                                  QStringLiteral("5"));
    QCommandLineOption chunkOpt(QStringLiteral("chunk"), QStringLiteral("chunk size in bytes"),
                                QStringLiteral("bytes"), QStringLiteral("200"));
    parser.addOptions({ connectionsOpt, streamsOpt, secondsOpt, chunkOpt });
    parser.process(app);
    const int connections = parser.value(connectionsOpt).toInt();
    const int streams = parser.value(streamsOpt).toInt();
    const int seconds = parser.value(secondsOpt).toInt();
    const QByteArray chunk(parser.value(chunkOpt).toInt(), 'x');

    Server server;
    std::vector<QPointer<Responder>> open;
    server.setHandler([&](Responder *r) {
        if (r->request().path() == QLatin1String("/watch")) {
            r->beginStream(200, { { "Content-Type", "application/json" } });
            open.push_back(r);
        } else {
            r->send(Response(200, "ok", "text/plain"));
        }
    });
    if (!server.listen()) {
        std::fprintf(stderr, "listen: %s\n", qPrintable(server.errorString()));
        return 1;
    }
    const QString port = QString::number(server.serverPort());

    // Phase 1: requests/s.
    {
        QProcess client;
        client.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        const quint64 served0 = server.requestsServed();
        const double cpu0 = cpuSeconds();
        QElapsedTimer wall;
        wall.start();
        startClient({ QStringLiteral("requests"), port, QString::number(connections),
                      QString::number(seconds) },
                    &client);
        QEventLoop loop;
        QObject::connect(&client, &QProcess::finished, &loop, &QEventLoop::quit);
        loop.exec();
        const double cpu = cpuSeconds() - cpu0;
        const double secs = double(wall.elapsed()) / 1000.0;
        const quint64 served = server.requestsServed() - served0;
        std::printf("| keep-alive GET, %d connections | %.0f req/s | %.1f us server CPU/req | "
                    "server CPU %.0f%% |\n",
                    connections, double(served) / secs, cpu * 1e6 / double(served ? served : 1),
                    cpu * 100 / secs);
        server.closeAllConnections();
    }

    // Phase 2: streams.
    {
        const long rss0 = rssKiB();
        QProcess client;
        client.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        startClient({ QStringLiteral("streams"), port, QString::number(streams),
                      QString::number(seconds + 10) },
                    &client);
        {
            QEventLoop loop;
            QTimer poll;
            QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
                if (int(open.size()) >= streams)
                    loop.quit();
            });
            poll.start(50);
            QTimer::singleShot(20000, &loop, &QEventLoop::quit); // connect deadline
            loop.exec();
        }
        const long rssOpen = rssKiB();
        quint64 chunks = 0;
        quint64 ticks = 0;
        const double cpu0 = cpuSeconds();
        QElapsedTimer wall;
        wall.start();
        QTimer tick;
        tick.setTimerType(Qt::PreciseTimer);
        QObject::connect(&tick, &QTimer::timeout, [&] {
            ++ticks;
            for (const QPointer<Responder> &r : open) {
                if (r && !r->isBackpressured() && r->writeChunk(chunk))
                    ++chunks;
            }
        });
        tick.start(10);
        {
            QEventLoop loop;
            QTimer::singleShot(seconds * 1000, &loop, &QEventLoop::quit);
            loop.exec();
        }
        tick.stop();
        const double cpu = cpuSeconds() - cpu0;
        const double secs = double(wall.elapsed()) / 1000.0;
        std::printf(
            "| %d chunked streams (%d open), %lld-byte chunk, %.0f rounds/s | %.0f chunks/s | %.2f "
            "us server CPU/chunk | server CPU %.0f%% | RSS +%ld KiB (%.1f KiB/stream) |\n",
            streams, int(open.size()), static_cast<long long>(chunk.size()), double(ticks) / secs,
            double(chunks) / secs, cpu * 1e6 / double(chunks ? chunks : 1), cpu * 100 / secs,
            rssOpen - rss0, double(rssOpen - rss0) / double(open.empty() ? 1 : open.size()));
        client.kill();
        client.waitForFinished();
    }
    return 0;
}
