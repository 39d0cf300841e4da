#pragma once

#include <QString>
#include <QStringList>

namespace bh::sim {

// Configuration of the demo cluster driver. A value type.
struct ScenarioConfig
{
    // Scenario actions per second when started (default 5).
    static constexpr double DefaultEventsPerSecond = 5.0;
    // Warm pool pods kept per workload (default 3).
    static constexpr int DefaultPoolSize = 3;
    // Tenants that may claim (default 8).
    static constexpr int DefaultTenantCount = 8;
    // Probability (0..1) that a claim ends in Error instead of Active (default 0.05).
    static constexpr double DefaultErrorRate = 0.05;

    double eventsPerSecond = DefaultEventsPerSecond;
    quint32 seed = 1;
    QString ns = QStringLiteral("boilerhouse");
    QStringList workloads { QStringLiteral("python-sandbox"), QStringLiteral("node-runner"),
                            QStringLiteral("jupyter") };
    int poolSize = DefaultPoolSize;
    int tenantCount = DefaultTenantCount;
    double errorRate = DefaultErrorRate;
};

} // namespace bh::sim
