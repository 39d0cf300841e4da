#pragma once

#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>
#include <QTemporaryDir>

#include <chrono>

namespace bh::conformance {

// One run of a real client (kubectl, python, node, curl, openssl) under coreutils
// `timeout`, with its own fresh HOME (kubectl caches discovery there) and captured output.
class ClientProcess : public QObject
{
    Q_OBJECT
public:
    // Hard limit of one client run (enforced by `timeout`, then SIGKILL after KillGrace).
    static constexpr std::chrono::seconds DefaultTimeLimit { 60 };
    static constexpr std::chrono::seconds KillGrace { 5 };
    // How long finish() waits beyond the time limit for the process to be reaped.
    static constexpr std::chrono::milliseconds ReapMargin { 10'000 };

    ClientProcess(const QString &timeoutTool, const QString &program, const QStringList &args,
                  QObject *parent = nullptr);
    ~ClientProcess() override;

    void setTimeLimit(std::chrono::seconds limit) { m_limit = limit; }
    void setEnv(const QString &name, const QString &value);
    QString home() const { return m_home.path(); }

    bool start(); // false (with errorText()) when it cannot start
    bool finish(); // waits for the exit; false on a time-out or crash
    void writeLine(const QByteArray &line);
    void closeInput();

    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    int exitCode() const { return m_process.exitCode(); }
    bool timedOut() const { return m_process.exitCode() == 124 || m_process.exitCode() == 137; }
    QByteArray stdOut() const { return m_out; }
    QByteArray stdErr() const { return m_err; }
    QList<QByteArray> outLines() const; // complete stdout lines, without '\n'
    QString errorText() const { return m_error; }
    QString commandLine() const;
    // Everything a failing check should print.
    QByteArray describe() const;

signals:
    void outputReceived();
    void finished();

private:
    QString m_timeoutTool;
    QString m_program;
    QStringList m_args;
    QProcessEnvironment m_env;
    QTemporaryDir m_home;
    QProcess m_process;
    std::chrono::seconds m_limit = DefaultTimeLimit;
    QByteArray m_out;
    QByteArray m_err;
    QString m_error;
};

} // namespace bh::conformance
