#include "jsonstreamsplitter.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace bh::conformance {

QList<QJsonObject> JsonStreamSplitter::objects(const QByteArray &stream)
{
    QList<QJsonObject> out;
    m_invalid.clear();
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    qsizetype start = -1;
    for (qsizetype i = 0; i < stream.size(); ++i) {
        const char c = stream.at(i);
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '{') {
            if (depth++ == 0)
                start = i;
        } else if (c == '}') {
            if (depth == 0) {
                m_invalid += c;
                continue;
            }
            if (--depth == 0) {
                QJsonParseError error;
                const QByteArray text = stream.mid(start, i - start + 1);
                const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
                if (error.error == QJsonParseError::NoError && doc.isObject())
                    out << doc.object();
                else
                    m_invalid += text;
            }
        } else if (depth == 0 && c != '\n' && c != '\r' && c != ' ' && c != '\t') {
            m_invalid += c;
        }
    }
    return out;
}

} // namespace bh::conformance
