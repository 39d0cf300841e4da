#include "cursor.h"

namespace bh::protocol {

QString Cursor::toString() const
{
    return epoch + QLatin1Char(':') + QString::number(seq);
}

std::optional<Cursor> Cursor::parse(const QString &text)
{
    const qsizetype colon = text.indexOf(QLatin1Char(':'));
    if (colon <= 0 || colon > kMaxEpochLength || colon == text.size() - 1)
        return std::nullopt;
    for (qsizetype i = 0; i < colon; ++i) {
        const QChar c = text.at(i);
        const bool ok = (c >= QLatin1Char('a') && c <= QLatin1Char('z'))
            || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
            || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('_')
            || c == QLatin1Char('-');
        if (!ok)
            return std::nullopt;
    }
    const QStringView digits = QStringView(text).mid(colon + 1);
    for (const QChar c : digits) {
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return std::nullopt; // also rejects signs, spaces and a second ':'
    }
    bool ok = false;
    const quint64 seq = digits.toULongLong(&ok);
    if (!ok)
        return std::nullopt; // overflow
    return Cursor { text.left(colon), seq };
}

} // namespace bh::protocol
