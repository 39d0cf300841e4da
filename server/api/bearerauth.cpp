#include "bearerauth.h"

namespace bh::api {

namespace {
constexpr char kBearerPrefix[] = "Bearer ";
}

bool BearerAuth::constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    // Walk the longer input completely; the length difference is folded into the result.
    const qsizetype n = qMax(a.size(), b.size());
    unsigned diff = a.size() == b.size() ? 0u : 1u;
    for (qsizetype i = 0; i < n; ++i) {
        const auto x = static_cast<unsigned char>(i < a.size() ? a.at(i) : 0);
        const auto y = static_cast<unsigned char>(i < b.size() ? b.at(i) : 0);
        diff |= static_cast<unsigned>(x ^ y);
    }
    return diff == 0;
}

BearerAuth::Result BearerAuth::check(const QByteArray &authorizationHeader) const
{
    if (!isEnabled())
        return Result::Allowed;
    if (!authorizationHeader.startsWith(kBearerPrefix))
        return Result::MissingHeader;
    const QByteArray token = authorizationHeader.mid(qsizetype(sizeof(kBearerPrefix) - 1));
    return constantTimeEquals(token, m_key) ? Result::Allowed : Result::InvalidKey;
}

QString BearerAuth::message(Result result)
{
    switch (result) {
    case Result::MissingHeader:
        return QStringLiteral("missing Authorization header");
    case Result::InvalidKey:
        return QStringLiteral("invalid API key");
    case Result::Allowed:
        break;
    }
    return {};
}

} // namespace bh::api
