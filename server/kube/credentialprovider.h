#pragma once

#include "kube/clusterconfig.h"

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QSslCertificate>
#include <QSslKey>

#include <chrono>
#include <functional>

QT_BEGIN_NAMESPACE
class QProcess;
class QTimer;
QT_END_NAMESPACE

namespace bh::kube {

// What a request carries: a bearer token and/or a client certificate.
struct AuthMaterial
{
    QString token;
    QSslCertificate clientCertificate;
    QSslKey clientKey;
};

// Supplies the current credentials of Credentials: a static token, a token file re-read
// every tokenFileRefresh, or an exec plugin whose ExecCredential is cached until its
// expirationTimestamp (and dropped by invalidate(), e.g. after a 401).
class CredentialProvider : public QObject
{
    Q_OBJECT
public:
    // Longest time an exec plugin may run before it is killed.
    static constexpr std::chrono::milliseconds ExecTimeout { 30'000 };
    // Largest ExecCredential (stdout) accepted from a plugin.
    static constexpr qint64 MaxExecOutputBytes = 1024 * 1024;
    // Largest token file accepted.
    static constexpr qint64 MaxTokenFileBytes = 64 * 1024;
    // An exec credential is renewed this long before its expirationTimestamp.
    static constexpr std::chrono::milliseconds ExpirySkew { 10'000 };

    enum class Error { None, TokenFileUnreadable, ExecFailed, ExecInvalidOutput, ExecTimeout };
    Q_ENUM(Error)

    using Callback = std::function<void(const AuthMaterial &material, const QString &error)>;

    explicit CredentialProvider(Credentials credentials, QObject *parent = nullptr);
    ~CredentialProvider() override;

    bool usesExec() const { return m_credentials.exec.has_value(); }

    // Calls back (possibly synchronously) with the material or an error message. The
    // callback is dropped if `context` is destroyed first.
    void acquire(QObject *context, Callback callback);
    // Forget cached exec credentials (the next acquire() runs the plugin again) and re-read
    // the token file.
    void invalidate();

    Error lastError() const { return m_lastError; }
    int execRuns() const { return m_execRuns; }

Q_SIGNALS:
    void execFinished(bool ok);

private:
    bool readTokenFile(QString *error);
    void startExec();
    void onExecFinished();
    void finishWaiters(const QString &error);

    Credentials m_credentials;
    AuthMaterial m_static;
    QString m_fileToken;
    QDateTime m_fileReadAt;
    AuthMaterial m_exec;
    bool m_execValid = false;
    QDateTime m_execExpiry;
    QProcess *m_process = nullptr;
    QTimer *m_execTimer = nullptr;
    QByteArray m_stdout;
    QByteArray m_stderr;
    QList<QPair<QPointer<QObject>, Callback>> m_waiters;
    Error m_lastError = Error::None;
    int m_execRuns = 0;
};

} // namespace bh::kube
