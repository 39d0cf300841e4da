#pragma once

#include "scenarioconfig.h"
#include "simulatorconfig.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace bh::sim {

// The command line of boilerhouse-kubesim, parsed into configs. A value type.
struct KubesimOptions
{
    // Pods preloaded by --pods at most (default 1,000,000).
    static constexpr int MaxPreloadPods = 1'000'000;

    SimulatorConfig simulator;
    bool scenario = false; // --scenario demo
    ScenarioConfig scenarioConfig;
    QString logFile; // --log
    QString stateFile; // --state-file (empty = state lives in memory only)
    int preloadPods = 0; // --pods
    QString tlsCertFile;
    QString tlsKeyFile;
    bool help = false;

    // Parses argv (without the program name). On a bad option returns std::nullopt and
    // sets *error to one line. TLS files are read here (a bad file is a bad option).
    static std::optional<KubesimOptions> parse(const QStringList &args, QString *error);
    static QString usage();
};

} // namespace bh::sim
