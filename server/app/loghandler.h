#pragma once

#include "logformat.h"

#include <QString>
#include <QtGlobal>

#include <cstdio>

namespace bh::app {

// Installs the process's Qt message handler for --log-format (qInstallMessageHandler) for
// its lifetime and restores the previous one on destruction. Text keeps Qt's own handler;
// Json writes every message (Qt's own warnings included) as one JsonLogFormatter line to
// the stream (stderr), one write per line under a mutex (messages may come from any
// thread). One instance at a time; create it in main() right after the options are parsed.
class LogHandler
{
public:
    explicit LogHandler(LogFormat format, FILE *stream = stderr);
    ~LogHandler();
    LogHandler(const LogHandler &) = delete;
    LogHandler &operator=(const LogHandler &) = delete;

    LogFormat format() const { return m_format; }

    // A fatal start-up error as one line in the active format (text: the line as is; json:
    // level "error", logger "bh.server").
    void error(const QString &line) const;

private:
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &message);
    void write(const QByteArray &line) const;

    LogFormat m_format;
    FILE *m_stream;
    QtMessageHandler m_previous = nullptr;
};

} // namespace bh::app
