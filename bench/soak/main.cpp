// boilerhouse-soak: the fault soak (see --help and README "Reliability").
#include "soakoptions.h"
#include "soakrunner.h"

#include <QCoreApplication>
#include <QLoggingCategory>

#include <cstdio>

int main(int argc, char **argv)
{
    // Qt's own event dispatcher, as the server uses (many sockets, many timers).
    qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("boilerhouse-soak"));
    QString error;
    const auto options = bh::soak::SoakOptions::parse(app.arguments().mid(1), &error);
    if (!options) {
        std::fprintf(stderr, "boilerhouse-soak: %s\n", qPrintable(error));
        return 2;
    }
    if (options->help) {
        std::fputs(qPrintable(bh::soak::SoakOptions::usage()), stdout);
        return 0;
    }
    // The client library's per-request debug lines would drown the soak's table.
    QLoggingCategory::setFilterRules(
        options->verbose
            ? QStringLiteral("bh.client.debug=false\nbh.client.info=false\nbh.soak.debug=true")
            : QStringLiteral("bh.client.debug=false\nbh.client.info=false"));
    bh::soak::SoakRunner runner(*options);
    return runner.run();
}
