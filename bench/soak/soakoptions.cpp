#include "soakoptions.h"

namespace bh::soak {

QString SoakOptions::usage()
{
    return QStringLiteral(
        "Usage: boilerhouse-soak [options]\n"
        "Fault soak: starts boilerhouse-kubesim and boilerhouse-server, connects clients, and\n"
        "runs rounds of random scenario actions mixed with faults; after each round every\n"
        "client's folded state and the REST snapshot must equal the simulator's truth.\n\n"
        "  --rounds N          rounds (default 50; --quick 6)\n"
        "  --seed S            random seed (default: from the clock; always printed)\n"
        "  --quick             CI mode: 6 rounds x 30 actions + 5 faults\n"
        "  --actions N         scenario actions per round (default 60)\n"
        "  --faults N          faults per round (default 6)\n"
        "  --clients N         folding clients, half with ?since= resume (default 6)\n"
        "  --slow-clients N    raw clients that stop reading (default 2)\n"
        "  --quiescence-ms MS  deadline for convergence after a round (default 60000)\n"
        "  --server PATH       boilerhouse-server binary (default: from the build tree)\n"
        "  --kubesim PATH      boilerhouse-kubesim binary (default: from the build tree)\n"
        "  --work-dir DIR      state file and child logs (default: a temporary directory)\n"
        "  --verbose           log every action and fault\n"
        "  --help              this text\n"
        "Exit status: 0 no divergence, 1 a divergence (the first difference is printed),\n"
        "2 bad option, 3 setup failure (a child process did not start).\n");
}

std::optional<SoakOptions> SoakOptions::parse(const QStringList &args, QString *error)
{
    SoakOptions o;
    bool roundsGiven = false;
    bool actionsGiven = false;
    bool faultsGiven = false;
    const auto fail = [error](const QString &message) -> std::optional<SoakOptions> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    for (int i = 0; i < args.size(); ++i) {
        const QString arg = args.at(i);
        if (arg == QLatin1String("--quick")) {
            o.quick = true;
            continue;
        }
        if (arg == QLatin1String("--verbose")) {
            o.verbose = true;
            continue;
        }
        if (arg == QLatin1String("--help") || arg == QLatin1String("-h")) {
            o.help = true;
            continue;
        }
        static const QStringList valued { "--rounds",        "--seed",    "--actions",
                                          "--faults",        "--clients", "--slow-clients",
                                          "--quiescence-ms", "--server",  "--kubesim",
                                          "--work-dir" };
        if (!valued.contains(arg))
            return fail(QStringLiteral("unknown option '%1' (see --help)").arg(arg));
        if (i + 1 >= args.size())
            return fail(QStringLiteral("option %1 needs a value").arg(arg));
        const QString value = args.at(++i);
        const auto count = [&](int lo, int hi, int *out) {
            bool ok = false;
            const qint64 n = value.toLongLong(&ok);
            if (!ok || n < lo || n > hi)
                return false;
            *out = int(n);
            return true;
        };
        int n = 0;
        const QString badCount = QStringLiteral("%1: '%2' is not a count (%3-%4)");
        if (arg == QLatin1String("--rounds")) {
            if (!count(1, MaxCount, &o.rounds))
                return fail(badCount.arg(arg, value).arg(1).arg(MaxCount));
            roundsGiven = true;
        } else if (arg == QLatin1String("--seed")) {
            bool ok = false;
            const qulonglong s = value.toULongLong(&ok);
            if (!ok || s > 0xffffffffULL)
                return fail(
                    QStringLiteral("--seed: '%1' is not a number (0-4294967295)").arg(value));
            o.seed = quint32(s);
        } else if (arg == QLatin1String("--actions")) {
            if (!count(0, MaxCount, &o.actionsPerRound))
                return fail(badCount.arg(arg, value).arg(0).arg(MaxCount));
            actionsGiven = true;
        } else if (arg == QLatin1String("--faults")) {
            if (!count(0, MaxCount, &o.faultsPerRound))
                return fail(badCount.arg(arg, value).arg(0).arg(MaxCount));
            faultsGiven = true;
        } else if (arg == QLatin1String("--clients")) {
            if (!count(1, MaxClients, &o.clients))
                return fail(badCount.arg(arg, value).arg(1).arg(MaxClients));
        } else if (arg == QLatin1String("--slow-clients")) {
            if (!count(0, MaxClients, &o.slowClients))
                return fail(badCount.arg(arg, value).arg(0).arg(MaxClients));
        } else if (arg == QLatin1String("--quiescence-ms")) {
            if (!count(1000, 600'000, &n))
                return fail(badCount.arg(arg, value).arg(1000).arg(600'000));
            o.quiescenceTimeout = std::chrono::milliseconds(n);
        } else if (arg == QLatin1String("--server")) {
            o.serverBinary = value;
        } else if (arg == QLatin1String("--kubesim")) {
            o.kubesimBinary = value;
        } else if (arg == QLatin1String("--work-dir")) {
            o.workDir = value;
        }
    }
    if (o.quick) {
        if (!roundsGiven)
            o.rounds = QuickRounds;
        if (!actionsGiven)
            o.actionsPerRound = QuickActionsPerRound;
        if (!faultsGiven)
            o.faultsPerRound = QuickFaultsPerRound;
    }
    return o;
}

} // namespace bh::soak
