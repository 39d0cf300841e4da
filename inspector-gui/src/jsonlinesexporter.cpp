#include "jsonlinesexporter.h"

#include "eventjson.h"

#include <QSaveFile>

namespace bh::gui {

JsonLinesExporter::Result JsonLinesExporter::write(const QString &path,
                                                   const QList<FeedEntry> &entries)
{
    Result result;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        result.error = Error::OpenFailed;
        result.message =
            QObject::tr("cannot open %1 for writing: %2").arg(path, file.errorString());
        return result;
    }
    for (const FeedEntry &entry : entries) {
        QByteArray line = EventJson::jsonLine(entry);
        line += '\n';
        if (file.write(line) != line.size()) {
            result.error = Error::WriteFailed;
            result.message = QObject::tr("cannot write %1: %2").arg(path, file.errorString());
            file.cancelWriting();
            return result;
        }
        ++result.lines;
    }
    if (!file.commit()) {
        result.error = Error::CommitFailed;
        result.message = QObject::tr("cannot save %1: %2").arg(path, file.errorString());
        result.lines = 0;
    }
    return result;
}

} // namespace bh::gui
