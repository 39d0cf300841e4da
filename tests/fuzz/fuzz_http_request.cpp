// libFuzzer target: HTTP request parsing of server/http. The request parser lives inside
// bh::http::Connection (a QTcpSocket is required), so the bytes go through a real
// bh::http::Server over a loopback TCP connection: the fuzzer writes them, then waits until
// the server closes the connection (error answer, Connection: close, or its short timeouts).
// Invariants: the server answers with an HTTP/1.1 status line or closes without a byte, and
// it never stops accepting (the next iteration would time out and abort).
#include "http/httprequest.h"
#include "http/httpresponder.h"
#include "http/httpresponse.h"
#include "http/httpserver.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QTcpSocket>

#include <cstdint>
#include <cstdlib>

namespace {

// Server timeouts inside the fuzzer (short so that unfinished requests end fast). Default 30 ms.
constexpr std::chrono::milliseconds FuzzServerTimeout { 30 };
// Longest wait for the server to close one connection before it counts as hung. Default 5 s.
constexpr int FuzzHangMs = 5000;
// Limits small enough that the 413/414/431 paths are reachable with short inputs.
constexpr std::size_t FuzzMaxHeadBytes = 2048;
constexpr std::size_t FuzzMaxUrlBytes = 512;
constexpr std::size_t FuzzMaxBodyBytes = 1024;

struct Harness
{
    int argc = 1;
    char name[16] = "fuzz_http";
    char *argv[2] = { name, nullptr };
    QCoreApplication app { argc, argv };
    bh::http::Server server;

    Harness()
    {
        bh::http::Limits limits;
        limits.maxHeadBytes = FuzzMaxHeadBytes;
        limits.maxUrlBytes = FuzzMaxUrlBytes;
        limits.maxBodyBytes = FuzzMaxBodyBytes;
        limits.requestTimeout = FuzzServerTimeout;
        limits.keepAliveTimeout = FuzzServerTimeout;
        server.setLimits(limits);
        server.setHandler([](bh::http::Responder *responder) {
            responder->send(bh::http::Response(200, QByteArrayLiteral("ok"), "text/plain"));
        });
        if (!server.listen())
            std::abort();
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static Harness harness;
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, harness.server.serverPort());
    if (!socket.waitForConnected(FuzzHangMs))
        std::abort();
    socket.write(reinterpret_cast<const char *>(data), qint64(size));
    QByteArray answer;
    const QDeadlineTimer deadline(FuzzHangMs);
    while (socket.state() == QAbstractSocket::ConnectedState && !deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        socket.waitForReadyRead(5);
        answer += socket.readAll();
    }
    answer += socket.readAll();
    if (socket.state() == QAbstractSocket::ConnectedState)
        std::abort(); // the server neither answered-and-closed nor timed out: hung
    if (!answer.isEmpty() && !answer.startsWith("HTTP/1.1 "))
        std::abort();
    return 0;
}
