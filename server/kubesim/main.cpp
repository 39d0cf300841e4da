// boilerhouse-kubesim: the Kubernetes API simulator as a program (see --help).
#include "kubesimoptions.h"
#include "scenario.h"
#include "simulator.h"
#include "statefile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QSocketNotifier>
#include <QTemporaryFile>
#include <QTextStream>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

using namespace bh::sim;

namespace {

int signalFds[2] = { -1, -1 };

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const auto n = ::write(signalFds[1], &c, 1);
}

// Writes a kubeconfig for the demo and returns its path (empty on failure).
QString writeKubeconfig(const Simulator &sim)
{
    QTemporaryFile file(QDir::tempPath() + QStringLiteral("/kubesim-kubeconfig-XXXXXX.yaml"));
    file.setAutoRemove(false);
    if (!file.open())
        return {};
    QString user = QStringLiteral("  user: {}\n");
    if (!sim.config().token.isEmpty())
        user = QStringLiteral("  user:\n    token: %1\n").arg(sim.config().token);
    QString cluster = QStringLiteral("    server: %1\n").arg(sim.url().toString());
    if (!sim.config().tls.isNull())
        cluster += QStringLiteral("    insecure-skip-tls-verify: true\n");
    const QString text = QStringLiteral("apiVersion: v1\nkind: Config\n"
                                        "clusters:\n- name: kubesim\n  cluster:\n%1"
                                        "users:\n- name: kubesim\n%2"
                                        "contexts:\n- name: kubesim\n  context:\n"
                                        "    cluster: kubesim\n    user: kubesim\n"
                                        "    namespace: %3\n"
                                        "current-context: kubesim\n")
                             .arg(cluster, user, sim.config().namespaces.value(0));
    file.write(text.toUtf8());
    return file.fileName();
}

void preloadPods(ObjectStore *store, const QString &ns, int count)
{
    for (int i = 0; i < count; ++i) {
        const QString name = QStringLiteral("bench-pool-%1").arg(i, 8, 16, QLatin1Char('0'));
        store->create(
            Resource::Pods, ns,
            QJsonObject {
                { "metadata",
                  QJsonObject { { "name", name },
                                { "labels",
                                  QJsonObject { { "boilerhouse.dev/managed", "true" },
                                                { "boilerhouse.dev/workload", "bench" },
                                                { "boilerhouse.dev/pool-status", "ready" },
                                                { "boilerhouse.dev/instance", name } } } } },
                { "spec",
                  QJsonObject {
                      { "containers", QJsonArray { QJsonObject { { "name", "bench" } } } } } },
                { "status", QJsonObject { { "phase", "Running" }, { "podIP", "10.42.0.1" } } } });
    }
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("boilerhouse-kubesim"));
    QString error;
    const auto options = KubesimOptions::parse(app.arguments().mid(1), &error);
    if (!options) {
        std::fprintf(stderr, "boilerhouse-kubesim: %s\n", qPrintable(error));
        return 2;
    }
    if (options->help) {
        std::fputs(qPrintable(KubesimOptions::usage()), stdout);
        return 0;
    }

    QFile log;
    Simulator sim(options->simulator);
    if (!options->logFile.isEmpty()) {
        log.setFileName(options->logFile);
        if (!log.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text)) {
            std::fprintf(stderr, "boilerhouse-kubesim: --log: cannot open %s: %s\n",
                         qPrintable(options->logFile), qPrintable(log.errorString()));
            return 2;
        }
        QObject::connect(&sim, &Simulator::requestReceived, &sim, [&log](const QString &line) {
            log.write(line.toUtf8() + '\n');
            log.flush();
        });
    }
    std::unique_ptr<StateFile> stateFile;
    if (!options->stateFile.isEmpty()) {
        stateFile = std::make_unique<StateFile>(options->stateFile, sim.store());
        if (!stateFile->load()) {
            std::fprintf(stderr, "boilerhouse-kubesim: --state-file: %s\n",
                         qPrintable(stateFile->errorString()));
            return 2;
        }
        QObject::connect(
            stateFile.get(), &StateFile::saveFailed, stateFile.get(), [](const QString &why) {
                std::fprintf(stderr, "boilerhouse-kubesim: --state-file: %s\n", qPrintable(why));
            });
    }
    preloadPods(sim.store(), options->simulator.namespaces.value(0), options->preloadPods);
    if (stateFile) {
        if (!stateFile->save()) { // the file exists from the start (and is writable)
            std::fprintf(stderr, "boilerhouse-kubesim: --state-file: %s\n",
                         qPrintable(stateFile->errorString()));
            return 2;
        }
        stateFile->setAutoSave(true);
    }
    if (!sim.start()) {
        std::fprintf(stderr, "boilerhouse-kubesim: cannot listen on %s:%u: %s\n",
                     qPrintable(options->simulator.address.toString()),
                     unsigned(options->simulator.port), qPrintable(sim.errorString()));
        return 1;
    }
    std::printf("listening on %s\n", qPrintable(sim.url().toString()));
    std::fflush(stdout);

    std::unique_ptr<Scenario> scenario;
    if (options->scenario) {
        scenario = std::make_unique<Scenario>(&sim, options->scenarioConfig);
        scenario->start();
        const QString kubeconfig = writeKubeconfig(sim);
        const QString ns = options->scenarioConfig.ns;
        std::printf("demo scenario running (seed %u, %g events/s) in namespace %s\n",
                    options->scenarioConfig.seed, options->scenarioConfig.eventsPerSecond,
                    qPrintable(ns));
        std::printf("kubeconfig: %s\n", qPrintable(kubeconfig));
        std::printf("watch it:   kubectl --kubeconfig %s get pods -l boilerhouse.dev/managed=true "
                    "--watch\n",
                    qPrintable(kubeconfig));
        std::printf("            kubectl --kubeconfig %s get boilerhouseclaims --watch\n",
                    qPrintable(kubeconfig));
        if (!options->simulator.token.isEmpty() && options->simulator.tls.isNull())
            std::printf("note: kubectl sends tokens only over https (use --tls-cert/--tls-key)\n");
        std::fflush(stdout);
    }

    // SIGINT/SIGTERM end the event loop, so the process exits cleanly.
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalFds) == 0) {
        auto *notifier = new QSocketNotifier(signalFds[0], QSocketNotifier::Read, &app);
        QObject::connect(notifier, &QSocketNotifier::activated, &app,
                         [] { QCoreApplication::quit(); });
        std::signal(SIGINT, onSignal);
        std::signal(SIGTERM, onSignal);
    }
    const int rc = app.exec();
    scenario.reset();
    if (stateFile && !stateFile->save()) {
        std::fprintf(stderr, "boilerhouse-kubesim: --state-file: %s\n",
                     qPrintable(stateFile->errorString()));
        return 1;
    }
    return rc;
}
