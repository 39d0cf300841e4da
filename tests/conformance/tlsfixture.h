#pragma once

#include <QString>
#include <QTemporaryDir>

namespace bh::conformance {

// A throwaway CA and a server certificate for 127.0.0.1/localhost signed by it, made with
// the openssl command line at test time, plus a second unrelated CA (for "unknown
// authority" checks) and a token file.
class TlsFixture
{
public:
    // Validity of the generated certificates (days).
    static constexpr int ValidityDays = 2;
    // Per openssl call time limit (milliseconds); RSA-2048 key generation takes ~0.1 s.
    static constexpr int OpensslTimeoutMs = 30'000;

    TlsFixture() = default;
    // Generates everything; false with error() on any openssl failure.
    bool generate(const QString &openssl, const QString &token);

    QString caCertPath() const { return path("ca.crt"); }
    QString otherCaCertPath() const { return path("other-ca.crt"); }
    QString serverCertPath() const { return path("server.crt"); }
    QString serverKeyPath() const { return path("server.key"); }
    QString tokenFilePath() const { return path("token"); }
    QString error() const { return m_error; }

private:
    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }
    bool run(const QString &openssl, const QStringList &args);

    QTemporaryDir m_dir;
    QString m_error;
};

} // namespace bh::conformance
