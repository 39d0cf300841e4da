#pragma once

#include <QStringView>

#include <optional>

namespace bh::app {

// How the server writes its log lines to stderr (--log-format / LOG_FORMAT).
enum class LogFormat {
    Text, // Qt's default message format (the default)
    Json, // one JSON object per line (JsonLogFormatter)
};

// "text" / "json" (exact, lower case); std::nullopt otherwise.
inline std::optional<LogFormat> logFormatFromName(QStringView name)
{
    if (name == u"text")
        return LogFormat::Text;
    if (name == u"json")
        return LogFormat::Json;
    return std::nullopt;
}

} // namespace bh::app
