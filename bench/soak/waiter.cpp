#include "waiter.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QTimer>

namespace bh::soak {

bool waitUntil(const std::function<bool()> &done, std::chrono::milliseconds timeout)
{
    // done() is evaluated once per wake-up and its last answer returned (it may consume
    // input, so it is never called again just to report).
    bool result = done();
    if (result)
        return true;
    QDeadlineTimer deadline(timeout);
    QEventLoop loop;
    QTimer tick;
    tick.setInterval(PollInterval);
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        result = done();
        if (result || deadline.hasExpired())
            loop.quit();
    });
    tick.start();
    loop.exec();
    return result;
}

} // namespace bh::soak
