#include "childprocess.h"

#include "soaklogging.h"
#include "waiter.h"

#include <QRegularExpression>

#include <csignal>
#include <sys/prctl.h>

namespace bh::soak {

ChildProcess::ChildProcess(QString name, QString program, QString logPath, QObject *parent)
    : QObject(parent)
    , m_name(std::move(name))
    , m_program(std::move(program))
    , m_log(logPath)
{
    m_log.open(QIODevice::WriteOnly | QIODevice::Append);
    // A soak killed from outside (a ctest timeout) must not leave its children running.
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    connect(&m_process, &QProcess::readyReadStandardError, this, &ChildProcess::readStderr);
    connect(&m_process, &QProcess::finished, this, [this](int code, QProcess::ExitStatus) {
        if (m_stopping)
            return;
        ++m_crashes;
        qCWarning(lcSoak) << m_name << "exited unexpectedly with code" << code;
        Q_EMIT exitedUnexpectedly(code);
    });
}

ChildProcess::~ChildProcess()
{
    if (isRunning())
        stop(true);
}

void ChildProcess::readStderr()
{
    const QByteArray data = m_process.readAllStandardError();
    if (m_log.isOpen()) {
        m_log.write(data);
        m_log.flush();
    }
    m_stderrPartial += data;
    qsizetype nl;
    while ((nl = m_stderrPartial.indexOf('\n')) >= 0) {
        const QString line = QString::fromUtf8(m_stderrPartial.left(nl));
        m_stderrPartial.remove(0, nl + 1);
        Q_EMIT stderrLine(line);
    }
}

bool ChildProcess::start(const QStringList &args)
{
    m_stopping = false;
    m_url = QUrl();
    if (m_log.isOpen()) {
        m_log.write(QStringLiteral("=== start %1 %2\n").arg(m_program, args.join(' ')).toUtf8());
        m_log.flush();
    }
    m_process.start(m_program, args);
    if (!m_process.waitForStarted(int(StartTimeout.count()))) {
        m_error = QStringLiteral("%1: cannot start %2: %3")
                      .arg(m_name, m_program, m_process.errorString());
        return false;
    }
    static const QRegularExpression re(QStringLiteral("^listening on (https?://\\S+)$"));
    QString line;
    const bool ok = waitUntil(
        [&] {
            if (m_process.state() == QProcess::NotRunning)
                return true;
            while (m_process.canReadLine()) {
                line = QString::fromUtf8(m_process.readLine()).trimmed();
                const auto m = re.match(line);
                if (m.hasMatch()) {
                    m_url = QUrl(m.captured(1));
                    return true;
                }
            }
            return false;
        },
        StartTimeout);
    if (!ok || !m_url.isValid()) {
        m_error = QStringLiteral("%1: no \"listening on\" line within %2 ms (last line: %3)")
                      .arg(m_name)
                      .arg(StartTimeout.count())
                      .arg(line);
        stop(true);
        return false;
    }
    return true;
}

int ChildProcess::stop(bool kill)
{
    if (!isRunning())
        return m_process.exitCode();
    m_stopping = true;
    if (kill)
        m_process.kill();
    else
        m_process.terminate();
    if (!m_process.waitForFinished(int(StopTimeout.count()))) {
        qCWarning(lcSoak) << m_name << "did not exit within" << StopTimeout.count() << "ms";
        m_process.kill();
        m_process.waitForFinished(int(StopTimeout.count()));
        return -1;
    }
    readStderr();
    m_process.readAllStandardOutput();
    if (m_process.exitStatus() != QProcess::NormalExit)
        return -1;
    return m_process.exitCode();
}

} // namespace bh::soak
