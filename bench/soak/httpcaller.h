#pragma once

#include <QByteArray>
#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>

#include <chrono>

namespace bh::soak {

// The answer of one HTTP request (status 0 = no answer: network error or timeout).
struct HttpResult
{
    int status = 0;
    QByteArray body;
    QByteArray cursor; // X-Boilerhouse-Cursor, when present
    QString error; // network error or timeout (status 0)
    bool ok() const { return status >= 200 && status < 300; }
};

// Synchronous-looking HTTP for the soak's driver: each call runs the event loop until the
// answer (so clients, proxies and child-process pipes keep working meanwhile).
class HttpCaller : public QObject
{
    Q_OBJECT
public:
    // No progress for this long → the request fails with a timeout (default 30 s: longer
    // than the longest injected stall).
    static constexpr std::chrono::milliseconds DefaultTimeout { 30'000 };
    // call() with retries: attempts at most (default 20) on status 0, 429 and 5xx.
    static constexpr int MaxAttempts = 20;

    explicit HttpCaller(QObject *parent = nullptr);

    HttpResult call(const QByteArray &verb, const QUrl &url, const QByteArray &body = {},
                    const QByteArray &contentType = "application/json");
    // Repeats call() while the answer is 0, 429 or 5xx (injected faults, a restarting
    // process), up to MaxAttempts; *attempts (if given) receives the number made.
    HttpResult callWithRetry(const QByteArray &verb, const QUrl &url, const QByteArray &body = {},
                             const QByteArray &contentType = "application/json",
                             int *attempts = nullptr);

private:
    QNetworkAccessManager m_nam;
};

} // namespace bh::soak
