#include "jsonlogformatter.h"

namespace bh::app {

const char *JsonLogFormatter::levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return "debug";
    case QtInfoMsg:
        return "info";
    case QtWarningMsg:
        return "warning";
    case QtCriticalMsg:
        return "error";
    case QtFatalMsg:
        return "fatal";
    }
    return "info";
}

void JsonLogFormatter::appendString(QByteArray &out, QStringView text)
{
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    QString plain; // a run of characters that need no escaping
    auto flush = [&] {
        if (!plain.isEmpty()) {
            out += plain.toUtf8();
            plain.clear();
        }
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        const char16_t u = c.unicode();
        if (c.isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate()) {
            plain += c;
            plain += text.at(++i);
            continue;
        }
        if (c.isSurrogate()) { // lone surrogate: not encodable as UTF-8
            plain += QChar(QChar::ReplacementCharacter);
            continue;
        }
        if (u >= 0x20 && u != '"' && u != '\\') {
            plain += c;
            continue;
        }
        flush();
        switch (u) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            out += "\\u00";
            out += kHex[(u >> 4) & 0xf];
            out += kHex[u & 0xf];
        }
    }
    flush();
    out += '"';
}

QByteArray JsonLogFormatter::format(QtMsgType type, const char *category, const QString &message,
                                    const QDateTime &time, const char *file, int line)
{
    QByteArray out;
    out.reserve(96 + message.size());
    out += "{\"ts\":";
    appendString(out, time.toUTC().toString(Qt::ISODateWithMs));
    out += ",\"level\":\"";
    out += levelName(type);
    out += "\",\"logger\":";
    appendString(out, QString::fromUtf8(category && *category ? category : "default"));
    out += ",\"msg\":";
    const bool truncated = message.size() > MaxMessageChars;
    appendString(out,
                 truncated ? QStringView(message).left(MaxMessageChars) : QStringView(message));
    if (truncated)
        out += ",\"truncated\":true";
    if (file && *file) {
        out += ",\"file\":";
        appendString(out, QString::fromUtf8(file));
        out += ",\"line\":";
        out += QByteArray::number(line);
    }
    out += "}\n";
    return out;
}

} // namespace bh::app
