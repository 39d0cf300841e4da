#include "tlsfixture.h"

#include <QFile>
#include <QProcess>

namespace bh::conformance {

bool TlsFixture::run(const QString &openssl, const QStringList &args)
{
    QProcess p;
    p.setWorkingDirectory(m_dir.path());
    p.start(openssl, args);
    if (!p.waitForFinished(OpensslTimeoutMs) || p.exitStatus() != QProcess::NormalExit
        || p.exitCode() != 0) {
        m_error = QStringLiteral("openssl %1 failed: %2 %3")
                      .arg(args.join(QLatin1Char(' ')), p.errorString(),
                           QString::fromUtf8(p.readAllStandardError()));
        return false;
    }
    return true;
}

bool TlsFixture::generate(const QString &openssl, const QString &token)
{
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("cannot create a temporary folder");
        return false;
    }
    const QString days = QString::number(ValidityDays);
    const auto makeCa = [&](const char *key, const char *cert, const char *cn) {
        return run(openssl,
                   { QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                     QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                     QStringLiteral("-keyout"), QString::fromLatin1(key), QStringLiteral("-out"),
                     QString::fromLatin1(cert), QStringLiteral("-days"), days,
                     QStringLiteral("-subj"), QStringLiteral("/CN=") + QString::fromLatin1(cn),
                     QStringLiteral("-addext"), QStringLiteral("basicConstraints=critical,CA:TRUE"),
                     QStringLiteral("-addext"),
                     QStringLiteral("keyUsage=critical,keyCertSign,cRLSign") });
    };
    if (!makeCa("ca.key", "ca.crt", "boilerhouse-conformance-ca")
        || !makeCa("other-ca.key", "other-ca.crt", "boilerhouse-unrelated-ca"))
        return false;
    if (!run(openssl,
             { QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
               QStringLiteral("-nodes"), QStringLiteral("-keyout"), QStringLiteral("server.key"),
               QStringLiteral("-out"), QStringLiteral("server.csr"), QStringLiteral("-subj"),
               QStringLiteral("/CN=127.0.0.1") }))
        return false;
    QFile ext(path("server.ext"));
    if (!ext.open(QIODevice::WriteOnly)) {
        m_error = QStringLiteral("cannot write server.ext");
        return false;
    }
    ext.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
              "basicConstraints=CA:FALSE\n"
              "keyUsage=critical,digitalSignature,keyEncipherment\n"
              "extendedKeyUsage=serverAuth\n");
    ext.close();
    if (!run(openssl,
             { QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
               QStringLiteral("server.csr"), QStringLiteral("-CA"), QStringLiteral("ca.crt"),
               QStringLiteral("-CAkey"), QStringLiteral("ca.key"),
               QStringLiteral("-CAcreateserial"), QStringLiteral("-out"),
               QStringLiteral("server.crt"), QStringLiteral("-days"), days,
               QStringLiteral("-extfile"), QStringLiteral("server.ext") }))
        return false;
    QFile tokenFile(tokenFilePath());
    if (!tokenFile.open(QIODevice::WriteOnly)) {
        m_error = QStringLiteral("cannot write the token file");
        return false;
    }
    tokenFile.write(token.toUtf8() + '\n');
    return true;
}

} // namespace bh::conformance
