#pragma once

#include <QFile>
#include <QObject>
#include <QProcess>
#include <QUrl>

#include <chrono>

namespace bh::soak {

// One program the soak runs (boilerhouse-kubesim, boilerhouse-server): started with
// QProcess, ready once it prints "listening on <url>" on stdout; stderr goes to a log file
// and every stderr line is also announced (the soak watches the server's slow-consumer log).
class ChildProcess : public QObject
{
    Q_OBJECT
public:
    // Time for the "listening on" line after start, and for an exit after SIGTERM
    // (default 20 s each: generous for ASan builds on 2 shared cores).
    static constexpr std::chrono::milliseconds StartTimeout { 20'000 };
    static constexpr std::chrono::milliseconds StopTimeout { 20'000 };

    ChildProcess(QString name, QString program, QString logPath, QObject *parent = nullptr);
    ~ChildProcess() override;

    // Starts with `args` and waits (event loop running) for "listening on URL".
    // False + errorString() on failure.
    bool start(const QStringList &args);
    // SIGTERM (or SIGKILL with kill = true) and wait for the exit; returns the exit code
    // (-1 after SIGKILL or a crash).
    int stop(bool kill = false);
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    QUrl url() const { return m_url; }
    QString errorString() const { return m_error; }
    QString name() const { return m_name; }
    // Unexpected exits (not through stop()).
    int crashes() const { return m_crashes; }

Q_SIGNALS:
    void stderrLine(const QString &line);
    void exitedUnexpectedly(int exitCode);

private:
    void readStderr();

    QString m_name;
    QString m_program;
    QProcess m_process;
    QFile m_log;
    QUrl m_url;
    QString m_error;
    QByteArray m_stderrPartial;
    bool m_stopping = false;
    int m_crashes = 0;
};

} // namespace bh::soak
