// boilerhouse-inspector: the operators' desktop window on a Boilerhouse events server.
#include "inspectoroptions.h"
#include "mainwindow.h"

#include <QApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    // The keychain (QtKeychain's libsecret backend) answers through GLib's main context: with
    // QT_NO_GLIB set (our server's and test environment's setting) a save or read job never
    // finishes. The window always runs on Qt's GLib dispatcher, whatever the environment.
    qunsetenv("QT_NO_GLIB");
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Boilerhouse"));
    QApplication::setApplicationName(QStringLiteral("inspector"));
    QApplication::setApplicationDisplayName(QStringLiteral("Boilerhouse Inspector"));

    QString error;
    const auto options = bh::gui::InspectorOptions::parse(QApplication::arguments(), &error);
    if (!options) {
        std::fprintf(stderr, "boilerhouse-inspector: %s\n(see --help)\n", qPrintable(error));
        return 2;
    }
    if (options->helpRequested) {
        std::fputs(qPrintable(options->helpText), stdout);
        return 0;
    }
    bh::gui::MainWindow window(*options);
    window.resize(1360, 860);
    window.show();
    return app.exec();
}
