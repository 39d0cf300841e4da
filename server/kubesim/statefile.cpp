#include "statefile.h"

#include "objectstore.h"

#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>

namespace bh::sim {

StateFile::StateFile(QString path, ObjectStore *store, QObject *parent)
    : QObject(parent)
    , m_path(std::move(path))
    , m_store(store)
{
    m_saveTimer.setSingleShot(true);
    m_saveTimer.setInterval(0);
    connect(&m_saveTimer, &QTimer::timeout, this, [this] {
        if (!save())
            Q_EMIT saveFailed(m_error);
    });
}

bool StateFile::load()
{
    QFile file(m_path);
    if (!file.exists())
        return true;
    if (!file.open(QIODevice::ReadOnly)) {
        m_error = QStringLiteral("cannot read %1: %2").arg(m_path, file.errorString());
        return false;
    }
    if (file.size() > MaxFileBytes) {
        m_error = QStringLiteral("%1: larger than %2 bytes").arg(m_path).arg(MaxFileBytes);
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        m_error = QStringLiteral("%1: not a JSON object (%2 at offset %3)")
                      .arg(m_path, parseError.errorString())
                      .arg(parseError.offset);
        return false;
    }
    QString error;
    if (!m_store->restoreState(doc.object(), &error)) {
        m_error = QStringLiteral("%1: %2").arg(m_path, error);
        return false;
    }
    return true;
}

bool StateFile::save()
{
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly)) {
        m_error = QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString());
        return false;
    }
    file.write(QJsonDocument(m_store->saveState()).toJson(QJsonDocument::Compact));
    if (!file.commit()) {
        m_error = QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString());
        return false;
    }
    return true;
}

void StateFile::setAutoSave(bool on)
{
    disconnect(m_autoSave);
    if (on)
        m_autoSave =
            connect(m_store, &ObjectStore::changed, &m_saveTimer, qOverload<>(&QTimer::start));
}

} // namespace bh::sim
