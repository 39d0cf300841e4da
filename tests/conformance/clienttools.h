#pragma once

#include <QString>
#include <QStringList>

namespace bh::conformance {

// Where the real clients live. scripts/setup.d/conformance.sh installs them into
// $BH_CONFORMANCE_DIR (default DefaultDir); a client that is missing is reported by
// missing() and must make the test FAIL (never skip).
struct ClientTools
{
    static constexpr const char *DefaultDir = "/var/cache/boilerhouse-conformance";
    // The one client-node version that works on Node 20 (2.x crashes at import).
    static constexpr const char *ClientNodeVersion = "1.4.0";

    QString kubectl120; // Debian kubernetes-client 1.20.2, extracted with dpkg -x
    QString kubectl133; // fixed-version kubectl.1.33 of the gcloud `kubectl` package
    QString nodeModules; // folder holding node_modules/@kubernetes/client-node (1.4.0)
    QString node; // nodejs
    QString python; // /usr/bin/python3 (sees python3-kubernetes)
    QString openssl;
    QString curl;
    QString timeout; // coreutils timeout: every client runs under it
    QString scriptsDir; // tests/conformance (python/node scripts)

    static ClientTools locate();
    // One line per missing or unusable tool; empty when everything is present.
    QStringList missing() const;
    QString kubectl(const QString &version) const;
};

} // namespace bh::conformance
