#pragma once

#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QUrl>

// A real boilerhouse-server process for integration tests: started with arguments and an
// environment, ready once it printed "listening on http://HOST:PORT" (it binds port 0).
class ServerProcess : public QObject
{
    Q_OBJECT
public:
    // Longest wait for the "listening on" line.
    static constexpr int DefaultStartTimeoutMs = 15'000;

    explicit ServerProcess(QObject *parent = nullptr);
    ~ServerProcess() override;

    static QString binary();

    // Starts with --port 0 added; waits for the listening line. False (and errors()) when
    // the process exits or the line does not come in time.
    bool start(const QStringList &arguments, const QProcessEnvironment &environment,
               int timeoutMs = DefaultStartTimeoutMs);
    // Runs to completion (for exit-code tests); returns false on timeout.
    bool run(const QStringList &arguments, const QProcessEnvironment &environment,
             int timeoutMs = DefaultStartTimeoutMs);

    quint16 port() const { return m_port; }
    QUrl url(const QString &path) const;
    QUrl wsUrl(const QString &pathAndQuery = QStringLiteral("/ws")) const;

    void sendSignal(int signalNumber);
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    int exitCode() const { return m_process.exitCode(); }
    QProcess::ExitStatus exitStatus() const { return m_process.exitStatus(); }
    QStringList stdoutLines() const { return m_stdout; }
    QString stderrText() const { return QString::fromUtf8(m_stderr); }
    QString errors() const;

    // A fresh environment without anything that would change the server's configuration.
    static QProcessEnvironment cleanEnvironment();

private:
    void readStdout();

    QProcess m_process;
    QByteArray m_partial;
    QStringList m_stdout;
    QByteArray m_stderr;
    quint16 m_port = 0;
};
