#include "kube/credentialprovider.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QProcess>
#include <QTimer>

Q_DECLARE_LOGGING_CATEGORY(lcKube)

namespace bh::kube {

CredentialProvider::CredentialProvider(Credentials credentials, QObject *parent)
    : QObject(parent)
    , m_credentials(std::move(credentials))
{
    m_static.token = m_credentials.token;
    m_static.clientCertificate = m_credentials.clientCertificate;
    m_static.clientKey = m_credentials.clientKey;
}

CredentialProvider::~CredentialProvider()
{
    if (m_process) {
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(1000);
    }
}

bool CredentialProvider::readTokenFile(QString *error)
{
    QFile f(m_credentials.tokenFile);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("token file %1: %2").arg(m_credentials.tokenFile, f.errorString());
        return false;
    }
    const QByteArray bytes = f.read(MaxTokenFileBytes + 1);
    if (bytes.size() > MaxTokenFileBytes) {
        *error = QStringLiteral("token file %1: larger than %2 bytes")
                     .arg(m_credentials.tokenFile)
                     .arg(MaxTokenFileBytes);
        return false;
    }
    const QString token = QString::fromUtf8(bytes).trimmed();
    if (token.isEmpty()) {
        *error = QStringLiteral("token file %1: empty").arg(m_credentials.tokenFile);
        return false;
    }
    if (!m_fileToken.isEmpty() && token != m_fileToken)
        qCInfo(lcKube, "token file %s: token rotated", qPrintable(m_credentials.tokenFile));
    m_fileToken = token;
    m_fileReadAt = QDateTime::currentDateTimeUtc();
    return true;
}

void CredentialProvider::acquire(QObject *context, Callback callback)
{
    if (m_credentials.exec) {
        const bool fresh = m_execValid
            && (!m_execExpiry.isValid()
                || QDateTime::currentDateTimeUtc().addMSecs(ExpirySkew.count()) < m_execExpiry);
        if (fresh) {
            callback(m_exec, QString());
            return;
        }
        m_waiters.append({ QPointer<QObject>(context), std::move(callback) });
        if (!m_process)
            startExec();
        return;
    }
    AuthMaterial material = m_static;
    if (!m_credentials.tokenFile.isEmpty()) {
        const bool stale = !m_fileReadAt.isValid()
            || m_fileReadAt.msecsTo(QDateTime::currentDateTimeUtc())
                >= m_credentials.tokenFileRefresh.count();
        QString error;
        if (stale && !readTokenFile(&error)) {
            m_lastError = Error::TokenFileUnreadable;
            if (m_fileToken.isEmpty()) {
                callback(AuthMaterial(), error);
                return;
            }
            // As client-go: keep the last good token while the file is unreadable.
            qCWarning(lcKube, "%s; keeping the previous token", qPrintable(error));
        }
        material.token = m_fileToken;
    }
    callback(material, QString());
}

void CredentialProvider::invalidate()
{
    m_execValid = false;
    m_fileReadAt = QDateTime();
}

void CredentialProvider::startExec()
{
    const ExecConfig &exec = *m_credentials.exec;
    m_stdout.clear();
    m_stderr.clear();
    m_process = new QProcess(this);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const auto &kv : exec.env)
        env.insert(kv.first, kv.second);
    env.insert(QStringLiteral("KUBERNETES_EXEC_INFO"), QString::fromUtf8(exec.execInfo));
    m_process->setProcessEnvironment(env);
    m_process->setWorkingDirectory(exec.workingDirectory);
    m_process->setInputChannelMode(QProcess::ManagedInputChannel);
    connect(m_process, &QProcess::readyReadStandardOutput, this, [this] {
        m_stdout += m_process->readAllStandardOutput();
        if (m_stdout.size() > MaxExecOutputBytes)
            m_process->kill();
    });
    connect(m_process, &QProcess::readyReadStandardError, this, [this] {
        if (m_stderr.size() < MaxExecOutputBytes)
            m_stderr += m_process->readAllStandardError();
        else
            m_process->readAllStandardError();
    });
    connect(m_process, &QProcess::finished, this, &CredentialProvider::onExecFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            onExecFinished();
    });
    m_execTimer = new QTimer(m_process);
    m_execTimer->setSingleShot(true);
    connect(m_execTimer, &QTimer::timeout, this, [this] {
        m_lastError = Error::ExecTimeout;
        m_process->kill();
    });
    m_execTimer->start(ExecTimeout);
    ++m_execRuns;
    m_lastError = Error::None;
    qCDebug(lcKube, "running exec credential plugin %s", qPrintable(exec.command));
    m_process->start(exec.command, exec.args);
    m_process->closeWriteChannel();
}

void CredentialProvider::onExecFinished()
{
    if (!m_process)
        return;
    QProcess *process = m_process;
    m_process = nullptr;
    process->disconnect(this);
    m_stdout += process->readAllStandardOutput();
    process->deleteLater();

    const ExecConfig &exec = *m_credentials.exec;
    const QString prefix = QStringLiteral("%1: command %2").arg(exec.origin, exec.command);
    const QString stderrLine =
        QString::fromUtf8(m_stderr).trimmed().section(QLatin1Char('\n'), 0, 0);
    QString error;
    if (m_lastError == Error::ExecTimeout) {
        error = QStringLiteral("%1: no result within %2 ms").arg(prefix).arg(ExecTimeout.count());
    } else if (process->error() == QProcess::FailedToStart) {
        m_lastError = Error::ExecFailed;
        error = QStringLiteral("%1: failed to start: %2").arg(prefix, process->errorString());
    } else if (process->exitStatus() != QProcess::NormalExit || process->exitCode() != 0) {
        m_lastError = Error::ExecFailed;
        error = m_stdout.size() > MaxExecOutputBytes
            ? QStringLiteral("%1: output larger than %2 bytes").arg(prefix).arg(MaxExecOutputBytes)
            : QStringLiteral("%1: exited with code %2%3")
                  .arg(prefix)
                  .arg(process->exitCode())
                  .arg(stderrLine.isEmpty() ? QString() : QStringLiteral(": ") + stderrLine);
    } else {
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(m_stdout, &pe);
        const QJsonObject root = doc.object();
        const QJsonObject status = root.value(QLatin1String("status")).toObject();
        AuthMaterial m;
        m.token = status.value(QLatin1String("token")).toString();
        const QByteArray certPem =
            status.value(QLatin1String("clientCertificateData")).toString().toUtf8();
        const QByteArray keyPem = status.value(QLatin1String("clientKeyData")).toString().toUtf8();
        const QString expiry = status.value(QLatin1String("expirationTimestamp")).toString();
        m_lastError = Error::ExecInvalidOutput;
        if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
            error = QStringLiteral("%1: output is not JSON: %2").arg(prefix, pe.errorString());
        } else if (root.value(QLatin1String("kind")).toString()
                   != QLatin1String("ExecCredential")) {
            error = QStringLiteral("%1: output kind is not ExecCredential").arg(prefix);
        } else if (root.value(QLatin1String("apiVersion")).toString() != exec.apiVersion) {
            error = QStringLiteral("%1: output apiVersion \"%2\" is not \"%3\"")
                        .arg(prefix, root.value(QLatin1String("apiVersion")).toString(),
                             exec.apiVersion);
        } else if (m.token.isEmpty() && (certPem.isEmpty() || keyPem.isEmpty())) {
            error = QStringLiteral("%1: status has neither token nor clientCertificateData + "
                                   "clientKeyData")
                        .arg(prefix);
        } else {
            if (!certPem.isEmpty()) {
                const auto certs = QSslCertificate::fromData(certPem, QSsl::Pem);
                for (QSsl::KeyAlgorithm alg : { QSsl::Rsa, QSsl::Ec }) {
                    if (m.clientKey.isNull())
                        m.clientKey = QSslKey(keyPem, alg, QSsl::Pem, QSsl::PrivateKey);
                }
                if (certs.isEmpty())
                    error = QStringLiteral("%1: status.clientCertificateData: no PEM certificate")
                                .arg(prefix);
                else if (m.clientKey.isNull())
                    error =
                        QStringLiteral("%1: status.clientKeyData: not a PEM RSA or EC private key")
                            .arg(prefix);
                else
                    m.clientCertificate = certs.first();
            }
            QDateTime expiresAt;
            if (error.isEmpty() && !expiry.isEmpty()) {
                expiresAt = QDateTime::fromString(expiry, Qt::ISODate);
                if (!expiresAt.isValid())
                    error = QStringLiteral("%1: status.expirationTimestamp \"%2\" is not RFC 3339")
                                .arg(prefix, expiry);
            }
            if (error.isEmpty()) {
                m_lastError = Error::None;
                m_exec = m;
                m_execValid = true;
                m_execExpiry = expiresAt.toUTC();
                qCInfo(lcKube, "exec credential plugin %s: credential valid until %s",
                       qPrintable(exec.command),
                       expiresAt.isValid() ? qPrintable(expiresAt.toString(Qt::ISODate))
                                           : "the server rejects it");
            }
        }
    }
    if (!error.isEmpty())
        qCWarning(lcKube, "%s", qPrintable(error));
    emit execFinished(error.isEmpty());
    finishWaiters(error);
}

void CredentialProvider::finishWaiters(const QString &error)
{
    const auto waiters = std::exchange(m_waiters, {});
    for (const auto &w : waiters) {
        if (w.first.isNull())
            continue;
        w.second(error.isEmpty() ? m_exec : AuthMaterial(), error);
    }
}

} // namespace bh::kube
