#pragma once

#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace bh::gui {

// The command line: boilerhouse-inspector [--url URL] [--api-key-file F] [--connect]
//                                         [--feed-capacity N]
struct InspectorOptions
{
    // API key files larger than this are refused (a key is a line, not a document): 4 KiB.
    static constexpr qint64 kMaxApiKeyFileBytes = 4096;

    QUrl url; // empty: the most recent URL from the settings
    QString apiKey; // from --api-key-file (first line, trimmed)
    bool connect = false;
    int feedCapacity = 0; // 0: the setting (default FeedModel::kDefaultCapacity)
    bool helpRequested = false;
    QString helpText;

    // Parses arguments (arguments[0] is the program). On bad input returns nullopt and a
    // one-line explanation in *error.
    static std::optional<InspectorOptions> parse(const QStringList &arguments, QString *error);
    // Checks a server URL typed by a user or given with --url; nullopt + *error when unusable.
    static std::optional<QUrl> parseServerUrl(const QString &text, QString *error);
};

} // namespace bh::gui
