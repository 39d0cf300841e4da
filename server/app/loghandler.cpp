#include "loghandler.h"

#include "jsonlogformatter.h"

#include <QDateTime>

#include <atomic>
#include <mutex>

namespace bh::app {

namespace {
std::atomic<const LogHandler *> g_active { nullptr };
std::mutex g_writeMutex;
} // namespace

LogHandler::LogHandler(LogFormat format, FILE *stream)
    : m_format(format)
    , m_stream(stream)
{
    if (m_format != LogFormat::Json)
        return;
    g_active.store(this);
    m_previous = qInstallMessageHandler(&LogHandler::handle);
}

LogHandler::~LogHandler()
{
    if (m_format != LogFormat::Json)
        return;
    qInstallMessageHandler(m_previous);
    g_active.store(nullptr);
}

void LogHandler::write(const QByteArray &line) const
{
    const std::lock_guard<std::mutex> lock(g_writeMutex);
    std::fwrite(line.constData(), 1, size_t(line.size()), m_stream);
    std::fflush(m_stream);
}

void LogHandler::handle(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const LogHandler *self = g_active.load();
    if (!self)
        return;
    self->write(JsonLogFormatter::format(type, context.category, message,
                                         QDateTime::currentDateTimeUtc(), context.file,
                                         context.line));
}

void LogHandler::error(const QString &line) const
{
    if (m_format == LogFormat::Json) {
        write(JsonLogFormatter::format(QtCriticalMsg, "bh.server", line,
                                       QDateTime::currentDateTimeUtc()));
        return;
    }
    write(line.toUtf8() + '\n');
}

} // namespace bh::app
