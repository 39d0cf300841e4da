#pragma once

#include <QString>
#include <QStringList>

#include <chrono>
#include <optional>

namespace bh::soak {

// The command line of boilerhouse-soak as a value type. Defaults are the long-run ones;
// --quick shrinks them to the CI mode (≤ 60 s, ≤ ~3 min under ASan).
struct SoakOptions
{
    // Rounds of a long run (default 50) and of --quick (default 6).
    static constexpr int DefaultRounds = 50;
    static constexpr int QuickRounds = 6;
    // Scenario actions per round (default 60; --quick 30).
    static constexpr int DefaultActionsPerRound = 60;
    static constexpr int QuickActionsPerRound = 30;
    // Faults per round (default 6; --quick 5).
    static constexpr int DefaultFaultsPerRound = 6;
    static constexpr int QuickFaultsPerRound = 5;
    // Folding clients (half resume with ?since=, half do not; default 6) and raw slow
    // clients that stop reading (default 2).
    static constexpr int DefaultClients = 6;
    static constexpr int DefaultSlowClients = 2;
    // Quiescence deadline at the end of a round (default 60 s): by then /readyz is 200 and
    // every client and the REST snapshot equal the truth, else it is a divergence.
    static constexpr std::chrono::milliseconds DefaultQuiescenceTimeout { 60'000 };
    // Upper bound on any option count (rounds, actions, faults, clients).
    static constexpr int MaxCount = 1'000'000;
    static constexpr int MaxClients = 200;

    int rounds = DefaultRounds;
    quint32 seed = 0; // 0 = pick one from the clock (always printed)
    bool quick = false;
    int actionsPerRound = DefaultActionsPerRound;
    int faultsPerRound = DefaultFaultsPerRound;
    int clients = DefaultClients;
    int slowClients = DefaultSlowClients;
    std::chrono::milliseconds quiescenceTimeout = DefaultQuiescenceTimeout;
    QString serverBinary; // --server (default: next to this program in the build tree)
    QString kubesimBinary; // --kubesim
    QString workDir; // --work-dir: state file, child logs (default: a temporary directory)
    bool verbose = false;
    bool help = false;

    // Parses argv without the program name; std::nullopt + one line in *error when bad.
    static std::optional<SoakOptions> parse(const QStringList &args, QString *error);
    static QString usage();
};

} // namespace bh::soak
