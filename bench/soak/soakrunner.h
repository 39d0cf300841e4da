#pragma once

#include "faultkind.h"
#include "soakoptions.h"
#include "truth.h"

#include <QList>
#include <QMap>
#include <QObject>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <memory>

namespace bh::client {
class BoilerhouseClient;
}

namespace bh::soak {

class ChildProcess;
class CutProxy;
class HttpCaller;
class ScenarioDriver;
class SlowClient;

// The soak: starts the simulator and the server as processes, connects the clients, runs
// the rounds (random actions mixed with faults, then quiescence and the comparison with the
// truth) and prints the table. run() returns the exit status.
class SoakRunner : public QObject
{
    Q_OBJECT
public:
    // While a slow client is stalled, large events are written in batches of SlowBurstBatch
    // (default 50) until the server closes it, at most MaxSlowBurstEvents (default 20,000
    // ≈ 9 MB: beyond the kernel buffers and the server's 1 MiB per-client buffer).
    static constexpr int SlowBurstBatch = 50;
    static constexpr int MaxSlowBurstEvents = 20'000;
    // A stalled slow client must be closed by the server within this (default 90 s). The
    // server's write deadline is 10 s, but it only starts once the kernel send buffer
    // (~300 KiB here) is full, and under ASan on 2 busy cores the burst fills it slowly.
    static constexpr std::chrono::milliseconds SlowCloseTimeout { 90'000 };
    // A slow client reconnecting before a SlowClient fault must be reading within this
    // (default 10 s); else the fault is skipped (and counted as skipped).
    static constexpr std::chrono::milliseconds SlowConnectTimeout { 10'000 };
    // While converging, the state is checked again after any client activity or this long.
    static constexpr std::chrono::milliseconds RecheckInterval { 100 };
    // Client reconnect backoff in the soak (default 100 ms doubling to 2 s): a client that
    // waits 30 s after the third server restart in a round would only slow the soak down.
    static constexpr std::chrono::milliseconds ClientInitialBackoff { 100 };
    static constexpr std::chrono::milliseconds ClientMaxBackoff { 2000 };
    // Stall length range of the Stall fault (0.3–2.5 s).
    static constexpr int MinStallMs = 300;
    static constexpr int MaxStallMs = 2500;

    explicit SoakRunner(SoakOptions options, QObject *parent = nullptr);
    ~SoakRunner() override;

    int run();

private:
    struct Client
    {
        client::BoilerhouseClient *client = nullptr;
        CutProxy *proxy = nullptr;
        bool resume = false;
    };

    bool setUp();
    bool startSimulator(bool goneAsHttp);
    bool startServer();
    QStringList simulatorArgs(bool goneAsHttp) const;
    bool simControl(const QString &path);
    quint64 simulatorResourceVersion();
    bool runRound(int round);
    bool inject(FaultKind kind, QString *detail);
    FaultKind nextFault();
    bool converge(int round, qint64 *elapsedMs);
    bool fetchTruth(Truth *truth);
    void reconnectEndedSlowClients();
    void onServerLog(const QString &line);
    void printTable(qint64 elapsedMs) const;
    void fail(const QString &what);

    SoakOptions m_options;
    QRandomGenerator m_random;
    std::unique_ptr<QTemporaryDir> m_tempDir;
    QString m_dir;
    QString m_stateFile;
    QString m_kubeconfig;
    ChildProcess *m_sim = nullptr;
    ChildProcess *m_server = nullptr;
    HttpCaller *m_http = nullptr;
    ScenarioDriver *m_driver = nullptr;
    QList<Client> m_clients;
    QList<SlowClient *> m_slow;
    quint16 m_simPort = 0;
    quint16 m_serverPort = 0;
    bool m_goneAsHttp = false;
    QList<FaultKind> m_faultBag;
    bool m_activity = false;

    // Figures.
    QMap<FaultKind, int> m_faults;
    int m_rounds = 0;
    int m_divergences = 0;
    int m_slowStalls = 0;
    int m_slowClosedByServer = 0; // "closing slow consumer" logged for a stalled client
    int m_slowInterrupted = 0; // stall ended by a server restart first
    int m_slowNotClosed = 0;
    int m_slowSkipped = 0; // a stall the server never closed: a B.3 bug
    int m_simLostState = 0;
    int m_badExits = 0; // a SIGTERM'd server that did not exit 0
    int m_seen410Event = 0; // server log: a watch got an ERROR event 410
    int m_seen410Http = 0; // server log: a watch got HTTP 410
    int m_seenRelists = 0;
    int m_seen500 = 0;
    int m_perturbationChecks = 0;
    qint64 m_maxConvergeMs = 0;
    qint64 m_totalConvergeMs = 0;
    QString m_firstFailure;
};

} // namespace bh::soak
