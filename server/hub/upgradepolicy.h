#pragma once

#include "http/httprequest.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace bh::hub {

// PROTOCOL B.3: decides, before the upgrade, whether a /ws handshake may proceed — the Origin
// allowlist (BOILERHOUSE_WS_ORIGINS) and the optional API-key check (BOILERHOUSE_WS_AUTH=1:
// "Authorization: Bearer <key>", or the browser subprotocol
// base64url.bearer.boilerhouse.dev.<base64url(key), no padding>). Pure: no sockets, no state.
class UpgradePolicy
{
public:
    // What the server was told at start. A value type.
    struct Config
    {
        // Allowed browser origins, each "scheme://host[:port]" (normalized on use; see
        // serializeOrigin). Empty = any origin (part A behaviour).
        QStringList allowedOrigins;
        // /ws needs the API key (BOILERHOUSE_WS_AUTH=1). Requires a non-empty apiKey.
        bool requireAuth = false;
        // BOILERHOUSE_API_KEY; compared in constant time, never logged.
        QByteArray apiKey;
    };

    enum class Verdict {
        Allowed, // upgrade; answer with subprotocol() when not empty
        ForbiddenOrigin, // 403: Origin present and not listed (or malformed)
        MissingCredentials, // 401: neither an Authorization header nor the bearer subprotocol
        InvalidKey, // 401: a Bearer header or bearer subprotocol that is not the key
    };

    struct Decision
    {
        Verdict verdict = Verdict::Allowed;
        // Sec-WebSocket-Protocol for the 101 answer: the bearer subprotocol exactly as offered.
        QByteArray subprotocol;
        // The request's Origin header as sent (for the refusal log line); empty when absent.
        QByteArray origin;

        bool allowed() const { return verdict == Verdict::Allowed; }
        int httpStatus() const; // 200 when allowed, else 403 / 401
        QString message() const; // the JSON error text; empty when allowed
    };

    // The subprotocol prefix of the key (as the kube-apiserver's
    // base64url.bearer.authorization.k8s.io.).
    static constexpr char BearerProtocolPrefix[] = "base64url.bearer.boilerhouse.dev.";

    UpgradePolicy(); // allows everything (part A)
    explicit UpgradePolicy(Config config);

    const Config &config() const { return m_config; }
    Decision decide(const http::Request &request) const;

    // The browser serialization of an origin (RFC 6454 §6.2): lower-case scheme and host,
    // "[…]" around IPv6, the port only when it is not the scheme's default (80 for http/ws,
    // 443 for https/wss). Nothing after the authority but an optional "/". "null" stays
    // "null". nullopt when `origin` is not of that form.
    static std::optional<QString> serializeOrigin(const QString &origin);
    // Every value of every Sec-WebSocket-Protocol header, split at commas, trimmed, in order.
    static QList<QByteArray> offeredProtocols(const http::HeaderList &headers);
    // The key inside a bearer subprotocol token (unpadded base64url after the prefix);
    // nullopt when `token` does not carry the prefix or its payload is not strict base64url.
    static std::optional<QByteArray> keyFromProtocol(const QByteArray &token);
    // The bearer subprotocol token that carries `key` (what a browser page offers).
    static QByteArray protocolForKey(const QByteArray &key);

private:
    Decision checkAuth(const http::Request &request) const;

    Config m_config;
    QStringList m_origins; // m_config.allowedOrigins, serialized
};

} // namespace bh::hub
