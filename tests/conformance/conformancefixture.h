#pragma once

#include "clientprocess.h"
#include "clienttools.h"
#include "kubeapi.h"
#include "kubeconfigfile.h"
#include "requestlog.h"
#include "simulatorprocess.h"
#include "tlsfixture.h"

#include <QObject>
#include <QScopedPointer>

#include <memory>

namespace bh::conformance {

// What every conformance test needs: the located clients, a throwaway CA, and per test a
// fresh simulator (TLS + bearer token, namespace "demo", empty store) with a harness API
// client and two kubeconfigs: certificate-authority-data + token (kubectl 1.33, python,
// client-node) and certificate-authority + tokenFile (kubectl 1.20).
class ConformanceFixture : public QObject
{
    Q_OBJECT
public:
    static constexpr const char *Namespace = "demo";
    static constexpr const char *Token = "conformance-token-6d1f0c";
    // Generous wait for anything a client or the simulator should do "soon".
    static constexpr int EventTimeoutMs = 20'000;

    explicit ConformanceFixture(QObject *parent = nullptr);

    // Once per test binary: tools present, CA generated. Error text or empty.
    QString initOnce();
    // Per test function: starts a fresh simulator. Error text or empty.
    QString startSimulator(const QStringList &extraArgs = {});
    void stopSimulator();

    const ClientTools &tools() const { return m_tools; }
    const TlsFixture &tls() const { return m_tls; }
    KubeApi &api() { return *m_api; }
    SimulatorProcess &simulator() { return *m_sim; }
    QString ns() const { return QString::fromLatin1(Namespace); }
    QString serverUrl() const;
    QString kubeconfigFor(const QString &kubectlVersion) const;
    QString kubeconfigDataToken() const { return m_configData->path(); }

    // A kubectl (1.20 or 1.33) run with the matching kubeconfig and -v=6 tracing.
    std::unique_ptr<ClientProcess> kubectl(const QString &version, const QStringList &args,
                                           const QString &kubeconfig = QString());
    // Any other client under `timeout`, with a fresh HOME.
    std::unique_ptr<ClientProcess> client(const QString &program, const QStringList &args);

    RequestLog requestLog() { return RequestLog(m_api->requestLog()); }
    // Diagnostic text for failure messages.
    QByteArray diagnostics();

private:
    ClientTools m_tools;
    TlsFixture m_tls;
    QScopedPointer<SimulatorProcess> m_sim;
    QScopedPointer<KubeApi> m_api;
    QScopedPointer<KubeconfigFile> m_configData;
    QScopedPointer<KubeconfigFile> m_configFile;
};

} // namespace bh::conformance

// Waits (processing events, no sleep) until `cond` holds or EventTimeoutMs passed; on a
// time-out the test fails with `what` and the fixture's diagnostics (request log, output).
#define BH_WAIT_OR_FAIL(fixture, cond, what, extra)                                                \
    do {                                                                                           \
        if (!QTest::qWaitFor([&]() { return bool(cond); },                                         \
                             bh::conformance::ConformanceFixture::EventTimeoutMs)) {               \
            const QByteArray bhMessage = QByteArray("timed out waiting for: ") + (what) + "\n"     \
                + (extra) + "\n" + (fixture).diagnostics();                                        \
            QFAIL(bhMessage.constData());                                                          \
        }                                                                                          \
    } while (false)

// Fails with diagnostics unless `cond` holds.
#define BH_CHECK(fixture, cond, extra)                                                             \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            const QByteArray bhMessage = QByteArray("check failed: " #cond "\n") + (extra) + "\n"  \
                + (fixture).diagnostics();                                                         \
            QFAIL(bhMessage.constData());                                                          \
        }                                                                                          \
    } while (false)
