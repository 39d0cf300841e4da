#pragma once

#include "kubesim/simulator.h"

#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>

// What a client can know about the cluster: managed pods (name -> "phase|workload|tenant")
// and the names of Active claims. Folded from events, read from REST, or taken from the
// simulator's store (the truth); the three must agree.
struct ClusterView
{
    QMap<QString, QString> pods;
    QSet<QString> activeClaims;

    bool operator==(const ClusterView &o) const
    {
        return pods == o.pods && activeClaims == o.activeClaims;
    }
    bool operator!=(const ClusterView &o) const { return !(*this == o); }
    QString describe() const;
};

// An in-process Kubernetes API simulator (real HTTP on a loopback port) plus a kubeconfig
// pointing at it, and helpers to change the cluster like the Boilerhouse operator does.
class ClusterFixture : public QObject
{
    Q_OBJECT
public:
    static constexpr const char *Namespace = "boilerhouse";

    explicit ClusterFixture(bh::sim::SimulatorConfig config = {}, QObject *parent = nullptr);
    ~ClusterFixture() override;

    bool start();
    bh::sim::Simulator *simulator() { return &m_simulator; }
    QString kubeconfigPath() const;

    void createPod(const QString &name, const QString &workload, const QString &tenant,
                   const QString &phase, const QString &poolStatus = {}, bool managed = true);
    void setPodPhase(const QString &name, const QString &phase);
    void setPodLabel(const QString &name, const QString &key, const QString &value);
    void deletePod(const QString &name);
    void createClaim(const QString &name, const QString &tenant, const QString &workload,
                     const QJsonObject &status = {}, const QJsonObject &annotations = {});
    void setClaimStatus(const QString &name, const QJsonObject &status);
    void deleteClaim(const QString &name);

    // One random operator-like change (create/advance/delete a pod or claim).
    void randomChange(QRandomGenerator &random);

    ClusterView truth() const;

private:
    bh::sim::Simulator m_simulator;
    QTemporaryDir m_dir;
    int m_counter = 0;
};
