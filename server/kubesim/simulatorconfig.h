#pragma once

#include "eventhistory.h"

#include <QHostAddress>
#include <QSslConfiguration>
#include <QStringList>

#include <chrono>

namespace bh::sim {

// Configuration of a Simulator. A value type; defaults are the documented ones.
struct SimulatorConfig
{
    // Bookmarks are sent to watches with allowWatchBookmarks at this interval (default 30 s;
    // the apiserver sends them about once a minute and before a watch times out).
    static constexpr std::chrono::milliseconds DefaultBookmarkInterval { 30'000 };
    // A watch without timeoutSeconds ends after this (default 1800 s, the apiserver's
    // --min-request-timeout).
    static constexpr std::chrono::seconds DefaultWatchTimeout { 1800 };
    // Lines kept by requestLog() (default 10,000; oldest dropped first).
    static constexpr int DefaultRequestLogLimit = 10'000;

    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 0;
    QStringList namespaces { QStringLiteral("boilerhouse") };
    QString token; // empty = no auth
    QSslConfiguration tls; // null = plain http
    int historyLimit = EventHistory::DefaultLimit;
    std::chrono::seconds historyMaxAge { EventHistory::DefaultMaxAge };
    std::chrono::milliseconds bookmarkInterval { DefaultBookmarkInterval };
    std::chrono::seconds watchTimeout { DefaultWatchTimeout };
    int requestLogLimit = DefaultRequestLogLimit;
    // false: a watch from an expired resourceVersion gets HTTP 200 + one ERROR event (the
    // cacher's answer); true: HTTP 410 with the Status body.
    bool gone410AsHttpStatus = false;
    // true: also serve ServiceAccount, Service, Deployment, Role, RoleBinding (discovery,
    // get/list/create/update/patch/delete, an /openapi/v2 without schemas) so that
    // `kubectl apply -k deploy/` works. Off by default: the API surface stays pods + claims.
    bool serveDeployKinds = false;
};

} // namespace bh::sim
