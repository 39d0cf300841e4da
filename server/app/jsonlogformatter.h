#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QtGlobal>

namespace bh::app {

// One log message -> one JSON object on one line (--log-format json):
//   {"ts":"2026-11-29T08:00:00.123Z","level":"info","logger":"bh.server","msg":"..."}
// plus "file" and "line" when the message context has them (debug builds). Keys in that
// order; every string escaped as JSON requires (quotes, backslash, control characters as
// \n, \t, ... or \u00XX; lone surrogates become U+FFFD), so a message with quotes, newlines
// or control characters stays one valid JSON line. Stateless.
class JsonLogFormatter
{
public:
    // Longest message kept, in UTF-16 code units (default 16 Ki); a longer one is cut and
    // the object gets "truncated":true.
    static constexpr qsizetype MaxMessageChars = 16 * 1024;

    // The line, with the trailing '\n'. `category` null or empty = "default".
    static QByteArray format(QtMsgType type, const char *category, const QString &message,
                             const QDateTime &time, const char *file = nullptr, int line = 0);
    // debug, info, warning, error (QtCriticalMsg), fatal.
    static const char *levelName(QtMsgType type);
    // Appends `text` as a quoted JSON string (UTF-8).
    static void appendString(QByteArray &out, QStringView text);
};

} // namespace bh::app
