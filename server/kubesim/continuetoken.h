#pragma once

#include <QString>

#include <optional>

namespace bh::sim {

// The opaque `continue` token of a paginated list, in the apiserver's format: base64url of
// {"v":"meta.k8s.io/v1","rv":N,"start":"<last key>\u0000"}. Every page of a list is served
// at the token's resourceVersion; the token expires (410) once that version leaves the
// history.
struct ContinueToken
{
    quint64 resourceVersion = 0;
    QString startAfter; // "namespace/name" of the last item returned

    QString encode() const;
    // On a malformed token returns std::nullopt and sets *error ("continue key is not valid: ...").
    static std::optional<ContinueToken> decode(const QString &token, QString *error);
};

} // namespace bh::sim
