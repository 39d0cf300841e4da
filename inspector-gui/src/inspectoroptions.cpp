#include "inspectoroptions.h"

#include "feedmodel.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>

namespace bh::gui {

std::optional<QUrl> InspectorOptions::parseServerUrl(const QString &text, QString *error)
{
    const QString trimmed = text.trimmed();
    const QUrl url(trimmed, QUrl::StrictMode);
    if (trimmed.isEmpty()) {
        *error = QCoreApplication::translate("InspectorOptions", "the server URL is empty");
        return std::nullopt;
    }
    if (!url.isValid()
        || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        || url.host().isEmpty()) {
        *error = QCoreApplication::translate(
                     "InspectorOptions",
                     "'%1' is not a server URL: expected http://HOST:PORT or https://HOST:PORT")
                     .arg(trimmed);
        return std::nullopt;
    }
    QUrl result = url.adjusted(QUrl::StripTrailingSlash);
    if (result.path() == QLatin1String("/"))
        result.setPath(QString());
    return result;
}

std::optional<InspectorOptions> InspectorOptions::parse(const QStringList &arguments,
                                                        QString *error)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Boilerhouse inspector: a live desktop view of a Boilerhouse events server."));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption urlOption(QStringLiteral("url"),
                                       QStringLiteral("Server URL, e.g. http://127.0.0.1:3000."),
                                       QStringLiteral("URL"));
    const QCommandLineOption keyOption(
        QStringLiteral("api-key-file"),
        QStringLiteral("Read the API key from the first line of FILE."), QStringLiteral("FILE"));
    const QCommandLineOption connectOption(QStringLiteral("connect"),
                                           QStringLiteral("Connect at start-up."));
    const QCommandLineOption capacityOption(
        QStringLiteral("feed-capacity"),
        QStringLiteral("Events kept in the live feed (default %1).")
            .arg(FeedModel::kDefaultCapacity),
        QStringLiteral("N"));
    parser.addOptions({ urlOption, keyOption, connectOption, capacityOption });

    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return std::nullopt;
    }
    InspectorOptions options;
    if (parser.isSet(helpOption)) {
        options.helpRequested = true;
        options.helpText = parser.helpText();
        return options;
    }
    if (!parser.positionalArguments().isEmpty()) {
        *error =
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first());
        return std::nullopt;
    }
    if (parser.isSet(urlOption)) {
        QString why;
        const auto url = parseServerUrl(parser.value(urlOption), &why);
        if (!url) {
            *error = QStringLiteral("--url: %1").arg(why);
            return std::nullopt;
        }
        options.url = *url;
    }
    if (parser.isSet(keyOption)) {
        const QString path = parser.value(keyOption);
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            *error =
                QStringLiteral("--api-key-file: cannot read %1: %2").arg(path, file.errorString());
            return std::nullopt;
        }
        if (file.size() > kMaxApiKeyFileBytes) {
            *error = QStringLiteral("--api-key-file: %1 is larger than %2 bytes")
                         .arg(path)
                         .arg(kMaxApiKeyFileBytes);
            return std::nullopt;
        }
        const QByteArray content = file.read(kMaxApiKeyFileBytes);
        options.apiKey = QString::fromUtf8(content.left(content.indexOf('\n'))).trimmed();
        if (content.indexOf('\n') < 0)
            options.apiKey = QString::fromUtf8(content).trimmed();
        if (options.apiKey.isEmpty()) {
            *error = QStringLiteral("--api-key-file: %1 holds no key on its first line").arg(path);
            return std::nullopt;
        }
    }
    if (parser.isSet(capacityOption)) {
        bool ok = false;
        const int n = parser.value(capacityOption).toInt(&ok);
        if (!ok || n < FeedModel::kMinCapacity || n > FeedModel::kMaxCapacity) {
            *error = QStringLiteral("--feed-capacity: expected a number from %1 to %2, got '%3'")
                         .arg(FeedModel::kMinCapacity)
                         .arg(FeedModel::kMaxCapacity)
                         .arg(parser.value(capacityOption));
            return std::nullopt;
        }
        options.feedCapacity = n;
    }
    options.connect = parser.isSet(connectOption);
    if (options.connect && options.url.isEmpty()) {
        *error = QStringLiteral("--connect needs --url");
        return std::nullopt;
    }
    return options;
}

} // namespace bh::gui
