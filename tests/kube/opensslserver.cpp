#include "opensslserver.h"

#include <QDeadlineTimer>
#include <QRegularExpression>

OpensslServer::~OpensslServer()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(StartTimeoutMs);
    }
}

bool OpensslServer::start(const QString &documentRoot, const QString &cert, const QString &key,
                          const QString &requireClientCa)
{
    QStringList args { QStringLiteral("s_server"),    QStringLiteral("-accept"),
                       QStringLiteral("127.0.0.1:0"), QStringLiteral("-HTTP"),
                       QStringLiteral("-cert"),       cert,
                       QStringLiteral("-key"),        key };
    if (!requireClientCa.isEmpty())
        args << QStringLiteral("-Verify") << QStringLiteral("1") << QStringLiteral("-CAfile")
             << requireClientCa;
    m_process.setWorkingDirectory(documentRoot);
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(QStringLiteral("openssl"), args);
    const QRegularExpression accept(QStringLiteral("ACCEPT 127\\.0\\.0\\.1:(\\d+)"));
    QDeadlineTimer deadline(StartTimeoutMs);
    while (!deadline.hasExpired()) {
        if (!m_process.waitForReadyRead(int(deadline.remainingTime())))
            break;
        m_output += QString::fromUtf8(m_process.readAll());
        const auto match = accept.match(m_output);
        if (match.hasMatch()) {
            m_port = quint16(match.captured(1).toUInt());
            return true;
        }
    }
    m_error = QStringLiteral("openssl s_server did not start: %1 %2")
                  .arg(m_process.errorString(), m_output);
    return false;
}

QString OpensslServer::output()
{
    m_output += QString::fromUtf8(m_process.readAll());
    return m_output;
}
