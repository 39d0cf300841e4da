#include "testpki.h"

#include <QFile>
#include <QProcess>

namespace {
// Longest time one openssl invocation may take (RSA key generation is the slow part).
constexpr int OpensslTimeoutMs = 60'000;
} // namespace

TestPki::TestPki(const QString &dir)
    : m_dir(dir)
{ }

QString TestPki::path(const QString &file) const
{
    return m_dir + QLatin1Char('/') + file;
}

QByteArray TestPki::read(const QString &file) const
{
    QFile f(path(file));
    if (!f.open(QIODevice::ReadOnly))
        return QByteArray();
    return f.readAll();
}

bool TestPki::openssl(const QStringList &args)
{
    QProcess p;
    p.setWorkingDirectory(m_dir);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral("openssl"), args);
    if (!p.waitForFinished(OpensslTimeoutMs) || p.exitStatus() != QProcess::NormalExit
        || p.exitCode() != 0) {
        m_error =
            QStringLiteral("openssl %1 failed: %2 %3")
                .arg(args.join(QLatin1Char(' ')), p.errorString(), QString::fromUtf8(p.readAll()));
        return false;
    }
    return true;
}

bool TestPki::key(const QString &name, KeyType type)
{
    const QString file = name + QStringLiteral(".key");
    switch (type) {
    case KeyType::Rsa:
        return openssl({ QStringLiteral("genpkey"), QStringLiteral("-algorithm"),
                         QStringLiteral("RSA"), QStringLiteral("-pkeyopt"),
                         QStringLiteral("rsa_keygen_bits:2048"), QStringLiteral("-out"), file });
    case KeyType::Ec:
        return openssl({ QStringLiteral("genpkey"), QStringLiteral("-algorithm"),
                         QStringLiteral("EC"), QStringLiteral("-pkeyopt"),
                         QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-out"), file });
    case KeyType::EcSec1:
        return openssl({ QStringLiteral("ecparam"), QStringLiteral("-genkey"),
                         QStringLiteral("-name"), QStringLiteral("prime256v1"),
                         QStringLiteral("-noout"), QStringLiteral("-out"), file });
    }
    return false;
}

bool TestPki::createCa()
{
    return key(QStringLiteral("ca"), KeyType::Rsa)
        && openssl({ QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-new"),
                     QStringLiteral("-key"), QStringLiteral("ca.key"), QStringLiteral("-out"),
                     QStringLiteral("ca.crt"), QStringLiteral("-days"), QStringLiteral("2"),
                     QStringLiteral("-subj"), QStringLiteral("/CN=boilerhouse-test-ca") });
}

bool TestPki::sign(const QString &name, const QString &commonName, const QString &extensions)
{
    const QString ext = name + QStringLiteral(".ext");
    QFile f(path(ext));
    if (!f.open(QIODevice::WriteOnly)) {
        m_error = f.errorString();
        return false;
    }
    f.write(extensions.toUtf8());
    f.close();
    return openssl({ QStringLiteral("req"), QStringLiteral("-new"), QStringLiteral("-key"),
                     name + QStringLiteral(".key"), QStringLiteral("-out"),
                     name + QStringLiteral(".csr"), QStringLiteral("-subj"),
                     QStringLiteral("/CN=") + commonName })
        && openssl({ QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                     name + QStringLiteral(".csr"), QStringLiteral("-CA"), QStringLiteral("ca.crt"),
                     QStringLiteral("-CAkey"), QStringLiteral("ca.key"),
                     QStringLiteral("-set_serial"), QString::number(++m_serial),
                     QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-out"),
                     name + QStringLiteral(".crt"), QStringLiteral("-extfile"), ext });
}

bool TestPki::createServer(const QString &name, const QString &subjectAltName)
{
    return key(name, KeyType::Rsa)
        && sign(name, QStringLiteral("server"),
                QStringLiteral("subjectAltName=%1\nextendedKeyUsage=serverAuth\n")
                    .arg(subjectAltName));
}

bool TestPki::createClient(const QString &name, KeyType type, const QString &commonName)
{
    return key(name, type)
        && sign(name, commonName, QStringLiteral("extendedKeyUsage=clientAuth\n"));
}

bool TestPki::createSelfSigned(const QString &name, const QString &subjectAltName)
{
    return key(name, KeyType::Rsa)
        && openssl({ QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-new"),
                     QStringLiteral("-key"), name + QStringLiteral(".key"), QStringLiteral("-out"),
                     name + QStringLiteral(".crt"), QStringLiteral("-days"), QStringLiteral("2"),
                     QStringLiteral("-subj"), QStringLiteral("/CN=self-signed"),
                     QStringLiteral("-addext"),
                     QStringLiteral("subjectAltName=") + subjectAltName });
}
