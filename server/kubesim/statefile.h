#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

namespace bh::sim {

class ObjectStore;

// boilerhouse-kubesim --state-file: the store's objects and resourceVersion counter kept in
// a JSON file across restarts, as etcd keeps them across apiserver restarts (a simulator
// whose resourceVersions restart at 1 would be a different cluster, not a restart).
// load() at start (a missing file is an empty cluster); with setAutoSave(true) every change
// schedules a save, coalesced per event-loop pass; save() once more on exit. Files are
// replaced atomically (QSaveFile), so a crash leaves the previous complete state.
class StateFile : public QObject
{
    Q_OBJECT
public:
    // Largest state file read (default 512 MiB: ~1,000,000 pods).
    static constexpr qint64 MaxFileBytes = 512LL * 1024 * 1024;

    StateFile(QString path, ObjectStore *store, QObject *parent = nullptr);

    QString path() const { return m_path; }
    // Restores the store from the file; true when the file does not exist (nothing to do).
    // False with errorString() (one line naming the file) when it cannot be read or parsed.
    bool load();
    // Writes the store to the file; false with errorString() on failure.
    bool save();
    void setAutoSave(bool on);
    QString errorString() const { return m_error; }

Q_SIGNALS:
    // An automatic save failed (the simulator keeps serving; the file keeps the older state).
    void saveFailed(const QString &error);

private:
    QString m_path;
    ObjectStore *m_store;
    QString m_error;
    QTimer m_saveTimer;
    QMetaObject::Connection m_autoSave;
};

} // namespace bh::sim
