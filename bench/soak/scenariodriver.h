#pragma once

#include <QMap>
#include <QObject>
#include <QRandomGenerator>
#include <QString>
#include <QUrl>

namespace bh::soak {

class HttpCaller;

// Drives the simulated cluster through its Kubernetes HTTP API like Boilerhouse's operator
// would: warm pool pods (warming → ready → acquired), claims served from the pool or cold
// (Pending → Active → Releasing → Released → deleted), Error claims, pod phase changes,
// deletions, selector transitions (managed label removed and restored) and unmanaged noise
// pods. Every choice comes from the seeded generator. A local model of what exists (only the
// soak writes to the simulator) picks valid targets; it never changes the tenant, workload
// or source of an Active claim (no /ws event could announce that; A.3).
class ScenarioDriver : public QObject
{
    Q_OBJECT
public:
    // Managed pods at most (default 80): beyond it the driver only deletes.
    static constexpr int MaxPods = 80;
    // Pool pods per workload at most (default 4).
    static constexpr int MaxPoolPerWorkload = 4;

    ScenarioDriver(HttpCaller *http, QRandomGenerator *random, QObject *parent = nullptr);

    void setSimulatorUrl(const QUrl &url) { m_sim = url; }
    // One random action; returns its description ("" when nothing applicable was picked, in
    // which case another kind is tried). False when the simulator refused a valid write
    // (*error says what) — a soak failure, not a divergence.
    bool step(QString *description, QString *error);
    // `count` status modifications of existing managed pods in a row (instance.state each):
    // traffic that fills a slow client's buffers.
    bool burst(int count, QString *error);
    // `count` status modifications of one managed pod with the longest name and labels the
    // API allows (events of ~450 bytes; the pod is created on first use and stays).
    bool burstLarge(int count, QString *error);

    int actions() const { return m_actions; }
    int requestsRetried() const { return m_retried; }

private:
    struct Pod
    {
        QString workload;
        QString tenant;
        QString poolStatus; // "", warming, ready, acquired
        QString phase;
        bool managed = true;
    };
    struct Claim
    {
        QString tenant;
        QString workload;
        QString phase;
        QString instance;
        QString source;
    };

    bool write(const QByteArray &verb, const QString &path, const QJsonObject &body, QString *error,
               int expectStatus);
    QString podsPath(const QString &name = {}) const;
    QString claimsPath(const QString &name = {}) const;
    QString pick(const QStringList &list);
    QString hex8();
    QStringList podsWhere(const std::function<bool(const Pod &)> &pred) const;
    QStringList claimsWhere(const std::function<bool(const Claim &)> &pred) const;
    int managedPods() const;

    // The actions; each returns "" when it has no valid target.
    QString createPoolPod(QString *error);
    QString makePoolPodReady(QString *error);
    QString claimFromPool(QString *error);
    QString claimCold(QString *error);
    QString activateClaim(QString *error);
    QString changePodPhase(QString *error);
    QString beginRelease(QString *error);
    QString finishRelease(QString *error);
    // A claim in phase `from` (picked at random) goes to `to` (status only).
    QString moveClaimPhase(const QString &from, const QString &to, QString *error);
    QString removeReleased(QString *error);
    QString failClaim(QString *error);
    QString recoverClaim(QString *error);
    QString deleteClaim(QString *error);
    QString deletePod(QString *error);
    QString toggleManaged(QString *error);
    QString createUnmanagedPod(QString *error);
    QString touchClaim(QString *error);

    HttpCaller *m_http;
    QRandomGenerator *m_random;
    QUrl m_sim;
    QMap<QString, Pod> m_pods;
    QMap<QString, Claim> m_claims;
    int m_actions = 0;
    int m_retried = 0;
};

} // namespace bh::soak
