#pragma once

#include "feedentry.h"

#include <QList>
#include <QObject>
#include <QString>

namespace bh::gui {

// Writes feed entries to a JSON Lines file (one EventJson::jsonLine per line, UTF-8, "\n"),
// atomically: the target is replaced only when every line was written.
class JsonLinesExporter
{
    Q_GADGET
public:
    enum class Error { None, OpenFailed, WriteFailed, CommitFailed };
    Q_ENUM(Error)

    struct Result
    {
        Error error = Error::None;
        QString message; // human-readable, empty on success
        qint64 lines = 0;
        bool ok() const { return error == Error::None; }
    };

    static Result write(const QString &path, const QList<FeedEntry> &entries);
};

} // namespace bh::gui
