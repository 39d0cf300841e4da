// Measures how the inspector window absorbs event bursts: for each rate, EventBurst feeds
// the window's event path (feed ring, rate tracker) and the client's StateStore (instances,
// tenants, pools models) for a few seconds while a StallProbe records the longest time the
// event loop could not run a 5 ms timer (wall), and how much of that was CPU work of the GUI
// thread (busy; the rest is the OS running other processes). Prints one table row per rate.
//
//   QT_QPA_PLATFORM=offscreen bench_inspector_burst [--seconds S] [--rates 1000,5000,...]
#include "client/boilerhouseclient.h"
#include "client/statestore.h"
#include "eventburst.h"
#include "feedmodel.h"
#include "feedpanel.h"
#include "instancesmodel.h"
#include "mainwindow.h"
#include "stallprobe.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QStandardPaths>
#include <QTimer>

#include <cstdio>

using namespace bh::gui;

namespace {
// Defaults: 3 s per rate; rates from a quiet cluster to four times the 5,000/s.
constexpr int kDefaultSeconds = 3;
const char kDefaultRates[] = "1000,5000,10000,20000";
// Upper bound for waiting until the feed has published a whole burst.
constexpr int kDrainTimeoutMs = 60000;
} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true); // never touch the user's inspector settings
    QCoreApplication::setOrganizationName(QStringLiteral("Boilerhouse"));
    QCoreApplication::setApplicationName(QStringLiteral("inspector-bench"));

    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption secondsOption(QStringLiteral("seconds"),
                                           QStringLiteral("Seconds per rate (default 3)."),
                                           QStringLiteral("S"), QString::number(kDefaultSeconds));
    const QCommandLineOption ratesOption(
        QStringLiteral("rates"), QStringLiteral("Comma list of events/s."), QStringLiteral("LIST"),
        QString::fromLatin1(kDefaultRates));
    parser.addOptions({ secondsOption, ratesOption });
    parser.process(app);
    bool ok = false;
    const int seconds = parser.value(secondsOption).toInt(&ok);
    if (!ok || seconds < 1 || seconds > 600) {
        std::fprintf(stderr, "--seconds: expected 1..600\n");
        return 2;
    }
    QList<int> rates;
    const QStringList rateTexts = parser.value(ratesOption).split(QLatin1Char(','));
    for (const QString &text : rateTexts) {
        const int rate = text.trimmed().toInt(&ok);
        if (!ok || rate < 1 || rate > 1'000'000) {
            std::fprintf(stderr, "--rates: '%s' is not a rate in 1..1000000\n", qPrintable(text));
            return 2;
        }
        rates.append(rate);
    }

    std::printf("platform %s, %d s per rate, feed ring %d, batch %d ms\n",
                qPrintable(QGuiApplication::platformName()), seconds, FeedModel::kDefaultCapacity,
                FeedModel::kDefaultFlushIntervalMs);
    std::printf("%10s %10s %14s %14s %10s %10s %9s\n", "events/s", "events", "wall stall ms",
                "busy stall ms", "feed rows", "instances", "drain ms");
    for (int rate : rates) {
        MainWindow window;
        window.resize(1360, 860);
        window.show();
        QEventLoop settle;
        QTimer::singleShot(500, &settle, &QEventLoop::quit); // first paint, chart layout
        settle.exec();

        const int total = rate * seconds;
        EventBurst burst(rate, total);
        QObject::connect(&burst, &EventBurst::event, &window,
                         [&window](const bh::protocol::Event &e, const QDateTime &at) {
                             window.onEventReceived(e, at);
                             window.client()->store()->apply(e, at);
                         });
        StallProbe probe;
        QEventLoop loop;
        QObject::connect(&burst, &EventBurst::finished, &loop, &QEventLoop::quit);
        probe.start();
        burst.start();
        loop.exec();
        QElapsedTimer drain;
        drain.start();
        const int expectedRows = std::min(total, FeedModel::kDefaultCapacity);
        while (window.feedPanel()->model()->rowCount() < expectedRows
               && drain.elapsed() < kDrainTimeoutMs)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        probe.stop();
        std::printf("%10d %10d %14.1f %14.1f %10d %10d %9lld\n", rate, total, probe.maxStallMs(),
                    probe.maxBusyMs(), window.feedPanel()->model()->rowCount(),
                    window.instancesModel()->liveCount(), drain.elapsed());
        std::fflush(stdout);
    }
    return 0;
}
