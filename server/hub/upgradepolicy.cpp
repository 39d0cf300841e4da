#include "hub/upgradepolicy.h"

#include "api/bearerauth.h"

#include <QHostAddress>
#include <QRegularExpression>

namespace bh::hub {

namespace {

constexpr QByteArrayView AuthorizationHeader = "Authorization";
constexpr QByteArrayView OriginHeader = "Origin";
constexpr QByteArrayView ProtocolHeader = "Sec-WebSocket-Protocol";

int defaultPort(const QString &scheme)
{
    if (scheme == QLatin1String("http") || scheme == QLatin1String("ws"))
        return 80;
    if (scheme == QLatin1String("https") || scheme == QLatin1String("wss"))
        return 443;
    return -1;
}

bool isBase64UrlChar(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
        || c == '_';
}

} // namespace

UpgradePolicy::UpgradePolicy()
    : UpgradePolicy(Config())
{ }

UpgradePolicy::UpgradePolicy(Config config)
    : m_config(std::move(config))
{
    for (const QString &origin : std::as_const(m_config.allowedOrigins)) {
        // Entries are validated by the options parser; one that does not parse matches nothing.
        if (const std::optional<QString> serialized = serializeOrigin(origin))
            m_origins.append(*serialized);
    }
}

std::optional<QString> UpgradePolicy::serializeOrigin(const QString &origin)
{
    if (origin == QLatin1String("null"))
        return origin;
    static const QRegularExpression re(QStringLiteral(
        R"(^([A-Za-z][A-Za-z0-9+.\-]*)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-_~]+)(?::([0-9]{1,5}))?/?$)"));
    const QRegularExpressionMatch match = re.match(origin);
    if (!match.hasMatch())
        return std::nullopt;
    const QString scheme = match.captured(1).toLower();
    QString host = match.captured(2).toLower();
    if (host.startsWith(QLatin1Char('['))) {
        QHostAddress address;
        if (!address.setAddress(host.mid(1, host.size() - 2))
            || address.protocol() != QAbstractSocket::IPv6Protocol)
            return std::nullopt;
        host = QLatin1Char('[') + address.toString().toLower() + QLatin1Char(']');
    } else if (host.startsWith(QLatin1Char('.')) || host.endsWith(QLatin1Char('.'))
               || host.contains(QLatin1String(".."))) {
        return std::nullopt;
    }
    QString out = scheme + QLatin1String("://") + host;
    if (match.hasCaptured(3) && !match.captured(3).isEmpty()) {
        const int port = match.captured(3).toInt();
        if (port > 65535)
            return std::nullopt;
        if (port != defaultPort(scheme))
            out += QLatin1Char(':') + QString::number(port);
    }
    return out;
}

QList<QByteArray> UpgradePolicy::offeredProtocols(const http::HeaderList &headers)
{
    QList<QByteArray> out;
    for (const auto &[name, value] : headers) {
        if (name.compare(ProtocolHeader, Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray &part : value.split(',')) {
            const QByteArray token = part.trimmed();
            if (!token.isEmpty())
                out.append(token);
        }
    }
    return out;
}

std::optional<QByteArray> UpgradePolicy::keyFromProtocol(const QByteArray &token)
{
    const QByteArrayView prefix(BearerProtocolPrefix);
    if (!token.startsWith(prefix))
        return std::nullopt;
    const QByteArray payload = token.mid(prefix.size());
    // Strict unpadded base64url: only the alphabet, and no length that cannot come from it.
    if (payload.isEmpty() || payload.size() % 4 == 1)
        return std::nullopt;
    for (const char c : payload) {
        if (!isBase64UrlChar(c))
            return std::nullopt;
    }
    const auto decoded = QByteArray::fromBase64Encoding(
        payload,
        QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals
            | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.isEmpty())
        return std::nullopt;
    return decoded.decoded;
}

QByteArray UpgradePolicy::protocolForKey(const QByteArray &key)
{
    return QByteArray(BearerProtocolPrefix)
        + key.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

UpgradePolicy::Decision UpgradePolicy::decide(const http::Request &request) const
{
    Decision decision;
    decision.origin = request.header(OriginHeader);
    // No Origin header: not a browser (browsers always send one on WebSocket handshakes).
    if (!m_origins.isEmpty() && request.hasHeader(OriginHeader)) {
        const std::optional<QString> origin = serializeOrigin(QString::fromUtf8(decision.origin));
        if (!origin || !m_origins.contains(*origin)) {
            decision.verdict = Verdict::ForbiddenOrigin;
            return decision;
        }
    }
    Decision auth = checkAuth(request);
    auth.origin = decision.origin;
    return auth;
}

UpgradePolicy::Decision UpgradePolicy::checkAuth(const http::Request &request) const
{
    Decision decision;
    QList<QByteArray> bearerOffers;
    for (const QByteArray &token : offeredProtocols(request.headers())) {
        if (token.startsWith(QByteArrayView(BearerProtocolPrefix)))
            bearerOffers.append(token);
    }

    if (!m_config.requireAuth) {
        // The stream is open: echo a well-formed bearer offer unchecked, so one browser page
        // works whether or not the server requires the key (a browser fails a handshake that
        // offered protocols and got none back).
        if (bearerOffers.size() == 1 && keyFromProtocol(bearerOffers.constFirst()))
            decision.subprotocol = bearerOffers.constFirst();
        return decision;
    }

    if (request.hasHeader(AuthorizationHeader)) {
        // Same check and messages as the REST routes.
        const api::BearerAuth auth(m_config.apiKey);
        switch (auth.check(request.header(AuthorizationHeader))) {
        case api::BearerAuth::Result::Allowed:
            return decision;
        case api::BearerAuth::Result::MissingHeader:
            decision.verdict = Verdict::MissingCredentials;
            return decision;
        case api::BearerAuth::Result::InvalidKey:
            decision.verdict = Verdict::InvalidKey;
            return decision;
        }
    }
    if (bearerOffers.isEmpty()) {
        decision.verdict = Verdict::MissingCredentials;
        return decision;
    }
    // Two bearer offers are ambiguous (the kube-apiserver refuses them too).
    const std::optional<QByteArray> key =
        bearerOffers.size() == 1 ? keyFromProtocol(bearerOffers.constFirst()) : std::nullopt;
    if (!key || m_config.apiKey.isEmpty()
        || !api::BearerAuth::constantTimeEquals(*key, m_config.apiKey)) {
        decision.verdict = Verdict::InvalidKey;
        return decision;
    }
    decision.subprotocol = bearerOffers.constFirst();
    return decision;
}

int UpgradePolicy::Decision::httpStatus() const
{
    switch (verdict) {
    case Verdict::Allowed:
        return 200;
    case Verdict::ForbiddenOrigin:
        return 403;
    case Verdict::MissingCredentials:
    case Verdict::InvalidKey:
        return 401;
    }
    return 500;
}

QString UpgradePolicy::Decision::message() const
{
    switch (verdict) {
    case Verdict::Allowed:
        return {};
    case Verdict::ForbiddenOrigin:
        return QStringLiteral("origin not allowed");
    case Verdict::MissingCredentials:
        return api::BearerAuth::message(api::BearerAuth::Result::MissingHeader);
    case Verdict::InvalidKey:
        return api::BearerAuth::message(api::BearerAuth::Result::InvalidKey);
    }
    return {};
}

} // namespace bh::hub
