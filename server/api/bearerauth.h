#pragma once

#include <QByteArray>
#include <QString>

namespace bh::api {

// The API-key check of PROTOCOL A.4: "Authorization: Bearer <key>", compared in constant
// time (the time depends only on the lengths, never on where the first difference is).
class BearerAuth
{
public:
    enum class Result {
        Allowed, // no key configured, or the right key
        MissingHeader, // no Authorization header, or no "Bearer " prefix
        InvalidKey, // a Bearer token that is not the key
    };

    explicit BearerAuth(QByteArray key = {})
        : m_key(std::move(key))
    { }

    bool isEnabled() const { return !m_key.isEmpty(); }
    Result check(const QByteArray &authorizationHeader) const;

    // The exact 401 messages of the existing server.
    static QString message(Result result);

    // Compares without early exit.
    static bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

private:
    QByteArray m_key;
};

} // namespace bh::api
