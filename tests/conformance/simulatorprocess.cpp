#include "simulatorprocess.h"

#include <QDeadlineTimer>
#include <QRegularExpression>
#include <QSignalSpy>

namespace bh::conformance {

SimulatorProcess::SimulatorProcess(QObject *parent)
    : QObject(parent)
{
    connect(&m_process, &QProcess::readyReadStandardOutput, this,
            [this] { m_out += m_process.readAllStandardOutput(); });
    connect(&m_process, &QProcess::readyReadStandardError, this,
            [this] { m_err += m_process.readAllStandardError(); });
}

SimulatorProcess::~SimulatorProcess()
{
    stop();
}

bool SimulatorProcess::start(const SimulatorOptions &o)
{
    if (o.program.isEmpty()) {
        m_error = QStringLiteral("BH_KUBESIM is not set (the boilerhouse-kubesim binary)");
        return false;
    }
    QStringList args { QStringLiteral("--port"),      QStringLiteral("0"),
                       QStringLiteral("--namespace"), o.namespaceName,
                       QStringLiteral("--scenario"),  QStringLiteral("none") };
    if (!o.token.isEmpty())
        args << QStringLiteral("--token") << o.token;
    if (!o.tlsCertPath.isEmpty())
        args << QStringLiteral("--tls-cert") << o.tlsCertPath << QStringLiteral("--tls-key")
             << o.tlsKeyPath;
    args += o.extraArgs;
    m_process.start(o.program, args);
    if (!m_process.waitForStarted(StartTimeoutMs)) {
        m_error = QStringLiteral("cannot start %1: %2").arg(o.program, m_process.errorString());
        return false;
    }
    static const QRegularExpression listening(
        QStringLiteral("^listening on (https?://127\\.0\\.0\\.1:\\d+)\\s*$"));
    QDeadlineTimer deadline(StartTimeoutMs);
    while (!deadline.hasExpired()) {
        const int nl = m_out.indexOf('\n');
        if (nl >= 0) {
            const QString first = QString::fromUtf8(m_out.left(nl));
            const auto match = listening.match(first);
            if (!match.hasMatch()) {
                m_error = QStringLiteral("unexpected first line from the simulator: ") + first;
                return false;
            }
            m_url = QUrl(match.captured(1));
            return true;
        }
        if (m_process.state() != QProcess::Running) {
            m_error = QStringLiteral("the simulator exited: ") + QString::fromUtf8(m_err);
            return false;
        }
        QSignalSpy spy(&m_process, &QProcess::readyReadStandardOutput);
        spy.wait(int(qMax<qint64>(1, deadline.remainingTime())));
    }
    m_error = QStringLiteral("the simulator printed no 'listening on' line within %1 ms")
                  .arg(StartTimeoutMs);
    return false;
}

void SimulatorProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(StopTimeoutMs)) {
        m_process.kill();
        m_process.waitForFinished(StopTimeoutMs);
    }
}

} // namespace bh::conformance
