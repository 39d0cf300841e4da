#pragma once

#include <QList>
#include <QObject>

QT_BEGIN_NAMESPACE
class QSocketNotifier;
QT_END_NAMESPACE

namespace bh::app {

// Turns POSIX signals (SIGTERM, SIGINT) into a Qt signal on the event loop: the handler
// only writes the signal number into a self-pipe (async-signal-safe); a QSocketNotifier
// reads it. One instance per process.
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(const QList<int> &signalNumbers, QObject *parent = nullptr);
    ~SignalWatcher() override;

    // False when the pipe or sigaction could not be set up (errorString() says why).
    bool isValid() const { return m_valid; }
    QString errorString() const { return m_error; }

Q_SIGNALS:
    void signalReceived(int signalNumber);

private:
    void readPipe();

    QList<int> m_signals;
    QSocketNotifier *m_notifier = nullptr;
    bool m_valid = false;
    QString m_error;
};

} // namespace bh::app
