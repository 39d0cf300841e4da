#pragma once

#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QUrl>

namespace bh::conformance {

// How to start boilerhouse-kubesim (a value type).
struct SimulatorOptions
{
    QString program; // $BH_KUBESIM, set by tests/conformance/CMakeLists.txt
    QString namespaceName = QStringLiteral("demo");
    QString token; // empty: no auth
    QString tlsCertPath; // both empty: plain http
    QString tlsKeyPath;
    QStringList extraArgs;
};

// The simulator as a child process on an ephemeral port (`--port 0`); it prints
// "listening on http(s)://127.0.0.1:PORT" as its first stdout line.
class SimulatorProcess : public QObject
{
    Q_OBJECT
public:
    // Time allowed from start to the "listening on" line.
    static constexpr int StartTimeoutMs = 15'000;
    // Time allowed for a clean exit after SIGTERM before SIGKILL.
    static constexpr int StopTimeoutMs = 10'000;

    explicit SimulatorProcess(QObject *parent = nullptr);
    ~SimulatorProcess() override;

    static QString programFromEnvironment() { return qEnvironmentVariable("BH_KUBESIM"); }

    bool start(const SimulatorOptions &options);
    void stop();
    QUrl baseUrl() const { return m_url; }
    QString error() const { return m_error; }
    bool isRunning() const { return m_process.state() == QProcess::Running; }
    QByteArray output() const { return m_out + "\n--- simulator stderr ---\n" + m_err.right(8000); }

private:
    QProcess m_process;
    QUrl m_url;
    QString m_error;
    QByteArray m_out;
    QByteArray m_err;
};

} // namespace bh::conformance
