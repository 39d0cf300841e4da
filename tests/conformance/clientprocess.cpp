#include "clientprocess.h"

#include <QSignalSpy>

namespace bh::conformance {

ClientProcess::ClientProcess(const QString &timeoutTool, const QString &program,
                             const QStringList &args, QObject *parent)
    : QObject(parent)
    , m_timeoutTool(timeoutTool)
    , m_program(program)
    , m_args(args)
    , m_env(QProcessEnvironment::systemEnvironment())
{
    m_env.insert(QStringLiteral("HOME"), m_home.path());
    m_env.remove(QStringLiteral("KUBECONFIG"));
    m_env.remove(QStringLiteral("KUBERNETES_SERVICE_HOST"));
    m_env.remove(QStringLiteral("KUBERNETES_SERVICE_PORT"));
    m_env.insert(QStringLiteral("NO_PROXY"), QStringLiteral("127.0.0.1,localhost"));
    m_env.insert(QStringLiteral("no_proxy"), QStringLiteral("127.0.0.1,localhost"));
    connect(&m_process, &QProcess::readyReadStandardOutput, this, [this] {
        m_out += m_process.readAllStandardOutput();
        emit outputReceived();
    });
    connect(&m_process, &QProcess::readyReadStandardError, this, [this] {
        m_err += m_process.readAllStandardError();
        emit outputReceived();
    });
    connect(&m_process, &QProcess::finished, this, [this] {
        m_out += m_process.readAllStandardOutput();
        m_err += m_process.readAllStandardError();
        emit finished();
    });
}

ClientProcess::~ClientProcess()
{
    // SIGTERM first: `timeout` forwards it to the client (a SIGKILL would orphan the client).
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(int(ReapMargin.count()))) {
            m_process.kill();
            m_process.waitForFinished(int(ReapMargin.count()));
        }
    }
}

void ClientProcess::setEnv(const QString &name, const QString &value)
{
    m_env.insert(name, value);
}

bool ClientProcess::start()
{
    if (m_timeoutTool.isEmpty() || m_program.isEmpty()) {
        m_error = QStringLiteral("client not installed: ") + commandLine();
        return false;
    }
    m_process.setProcessEnvironment(m_env);
    m_process.setWorkingDirectory(m_home.path());
    QStringList args { QStringLiteral("--kill-after=%1").arg(KillGrace.count()),
                       QString::number(m_limit.count()), m_program };
    args += m_args;
    m_process.start(m_timeoutTool, args);
    if (!m_process.waitForStarted(int(ReapMargin.count()))) {
        m_error = QStringLiteral("cannot start ") + commandLine() + QStringLiteral(": ")
            + m_process.errorString();
        return false;
    }
    return true;
}

bool ClientProcess::finish()
{
    if (m_process.state() != QProcess::NotRunning) {
        QSignalSpy spy(this, &ClientProcess::finished);
        const auto total =
            std::chrono::duration_cast<std::chrono::milliseconds>(m_limit + KillGrace) + ReapMargin;
        if (!spy.wait(int(total.count()))) {
            m_error = QStringLiteral("did not finish: ") + commandLine();
            return false;
        }
    }
    if (m_process.exitStatus() != QProcess::NormalExit) {
        m_error = QStringLiteral("crashed: ") + commandLine();
        return false;
    }
    if (timedOut()) {
        m_error = QStringLiteral("timed out after %1 s: ").arg(m_limit.count()) + commandLine();
        return false;
    }
    return true;
}

void ClientProcess::writeLine(const QByteArray &line)
{
    m_process.write(line + '\n');
}

void ClientProcess::closeInput()
{
    m_process.closeWriteChannel();
}

QList<QByteArray> ClientProcess::outLines() const
{
    QList<QByteArray> lines = m_out.split('\n');
    lines.removeLast(); // the incomplete (or empty) tail
    return lines;
}

QString ClientProcess::commandLine() const
{
    return (QStringList { m_program } + m_args).join(QLatin1Char(' '));
}

QByteArray ClientProcess::describe() const
{
    return "command: " + commandLine().toUtf8() + "\nexit: " + QByteArray::number(exitCode())
        + (m_error.isEmpty() ? QByteArray() : "\nerror: " + m_error.toUtf8()) + "\n--- stdout ---\n"
        + m_out.right(6000) + "\n--- stderr ---\n" + m_err.right(6000);
}

} // namespace bh::conformance
