#include "serverprocess.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QRegularExpression>
#include <QTimer>

#include <csignal>
#include <sys/types.h>

ServerProcess::ServerProcess(QObject *parent)
    : QObject(parent)
{
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &ServerProcess::readStdout);
    connect(&m_process, &QProcess::readyReadStandardError, this,
            [this] { m_stderr += m_process.readAllStandardError(); });
}

ServerProcess::~ServerProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

QString ServerProcess::binary()
{
    return QStringLiteral(BH_SERVER_BINARY);
}

QProcessEnvironment ServerProcess::cleanEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : { "PORT", "LISTEN_HOST", "K8S_NAMESPACE", "BOILERHOUSE_API_KEY",
                              "CORS_ORIGIN", "BOILERHOUSE_WS_ORIGINS", "BOILERHOUSE_WS_AUTH", "LOG_FORMAT",
                              "KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT" })
        env.remove(QString::fromLatin1(name));
    env.insert(QStringLiteral("HOME"), QStringLiteral("/nonexistent-boilerhouse-test-home"));
    return env;
}

void ServerProcess::readStdout()
{
    m_partial += m_process.readAllStandardOutput();
    int nl;
    while ((nl = m_partial.indexOf('\n')) >= 0) {
        const QString line = QString::fromUtf8(m_partial.left(nl));
        m_partial.remove(0, nl + 1);
        m_stdout << line;
        static const QRegularExpression re(QStringLiteral("^listening on https?://.*:(\\d+)$"));
        const auto match = re.match(line);
        if (match.hasMatch())
            m_port = match.captured(1).toUShort();
    }
}

bool ServerProcess::start(const QStringList &arguments, const QProcessEnvironment &environment,
                          int timeoutMs)
{
    m_process.setProcessEnvironment(environment);
    m_process.start(binary(),
                    QStringList { QStringLiteral("--port"), QStringLiteral("0") } + arguments);
    QDeadlineTimer deadline(timeoutMs);
    QEventLoop loop;
    connect(&m_process, &QProcess::readyReadStandardOutput, &loop, &QEventLoop::quit,
            Qt::QueuedConnection);
    connect(&m_process, &QProcess::finished, &loop, &QEventLoop::quit, Qt::QueuedConnection);
    connect(&m_process, &QProcess::errorOccurred, &loop, &QEventLoop::quit, Qt::QueuedConnection);
    QTimer timer;
    connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    while (m_port == 0 && m_process.state() != QProcess::NotRunning && !deadline.hasExpired()) {
        timer.start(int(qMax<qint64>(1, deadline.remainingTime())));
        loop.exec();
    }
    return m_port != 0;
}

bool ServerProcess::run(const QStringList &arguments, const QProcessEnvironment &environment,
                        int timeoutMs)
{
    m_process.setProcessEnvironment(environment);
    m_process.start(binary(), arguments);
    const bool done = m_process.waitForFinished(timeoutMs);
    readStdout();
    m_stderr += m_process.readAllStandardError();
    return done;
}

QUrl ServerProcess::url(const QString &path) const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path));
}

QUrl ServerProcess::wsUrl(const QString &pathAndQuery) const
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(m_port).arg(pathAndQuery));
}

void ServerProcess::sendSignal(int signalNumber)
{
    ::kill(pid_t(m_process.processId()), signalNumber);
}

QString ServerProcess::errors() const
{
    return QStringLiteral("state=%1 exit=%2 stdout=[%3] stderr=[%4]")
        .arg(int(m_process.state()))
        .arg(m_process.exitCode())
        .arg(m_stdout.join(QLatin1Char('|')), QString::fromUtf8(m_stderr).right(2000));
}
