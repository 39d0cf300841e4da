#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

// Throwaway PKI made with the openssl command line at test time: a CA, server
// certificates with chosen subjectAltNames, and client certificates (RSA or EC).
class TestPki
{
public:
    enum class KeyType { Rsa, Ec, EcSec1 };

    explicit TestPki(const QString &dir);

    // Creates the CA (ca.crt / ca.key). False + error() on failure.
    bool createCa();
    // <name>.crt / <name>.key signed by the CA, for the given subjectAltName
    // (e.g. "IP:127.0.0.1,DNS:localhost").
    bool createServer(const QString &name, const QString &subjectAltName);
    // <name>.crt / <name>.key signed by the CA with extendedKeyUsage clientAuth.
    bool createClient(const QString &name, KeyType type, const QString &commonName);
    // A self-signed certificate not issued by the CA.
    bool createSelfSigned(const QString &name, const QString &subjectAltName);

    QString path(const QString &file) const;
    QByteArray read(const QString &file) const;
    QString error() const { return m_error; }

private:
    bool openssl(const QStringList &args);
    bool key(const QString &name, KeyType type);
    bool sign(const QString &name, const QString &commonName, const QString &extensions);

    QString m_dir;
    QString m_error;
    int m_serial = 1;
};
