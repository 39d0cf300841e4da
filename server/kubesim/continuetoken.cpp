#include "continuetoken.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace bh::sim {

QString ContinueToken::encode() const
{
    const QJsonObject o { { QStringLiteral("v"), QStringLiteral("meta.k8s.io/v1") },
                          { QStringLiteral("rv"), qint64(resourceVersion) },
                          { QStringLiteral("start"), startAfter + QChar(u'\0') } };
    return QString::fromLatin1(
        QJsonDocument(o)
            .toJson(QJsonDocument::Compact)
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

std::optional<ContinueToken> ContinueToken::decode(const QString &token, QString *error)
{
    auto fail = [error](const QString &why) {
        if (error)
            *error = QStringLiteral("continue key is not valid: ") + why;
        return std::nullopt;
    };
    const auto decoded = QByteArray::fromBase64Encoding(
        token.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return fail(QStringLiteral("illegal base64 data"));
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(*decoded, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject())
        return fail(QStringLiteral("invalid character in token"));
    const QJsonObject o = doc.object();
    if (o.value(QLatin1String("v")).toString() != QLatin1String("meta.k8s.io/v1"))
        return fail(QStringLiteral("server does not recognize this encoding"));
    const qint64 rv = o.value(QLatin1String("rv")).toInteger(-1);
    QString start = o.value(QLatin1String("start")).toString();
    if (rv <= 0 || !start.endsWith(QChar(u'\0')))
        return fail(
            QStringLiteral("incorrect encoded start resourceVersion (version meta.k8s.io/v1)"));
    start.chop(1);
    return ContinueToken { quint64(rv), start };
}

} // namespace bh::sim
