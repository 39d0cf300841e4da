#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

// `openssl s_server -HTTP` as a real TLS endpoint: answers GET /<file> with the file, which
// holds a complete HTTP response, over HTTPS on an ephemeral loopback port, optionally requiring a
// client certificate issued by a CA.
class OpensslServer
{
public:
    // Longest wait for the server to print its port.
    static constexpr int StartTimeoutMs = 10'000;

    ~OpensslServer();
    // False + error() if it did not come up.
    bool start(const QString &documentRoot, const QString &cert, const QString &key,
               const QString &requireClientCa = {});
    quint16 port() const { return m_port; }
    QString error() const { return m_error; }
    // Everything s_server printed so far.
    QString output();

private:
    QProcess m_process;
    quint16 m_port = 0;
    QString m_error;
    QString m_output;
};
