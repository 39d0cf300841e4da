#include "clienttools.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace bh::conformance {

namespace {
QString executable(const QString &path)
{
    const QFileInfo info(path);
    return info.exists() && info.isExecutable() ? info.canonicalFilePath() : QString();
}
} // namespace

ClientTools ClientTools::locate()
{
    ClientTools t;
    const QString dir = qEnvironmentVariableIsSet("BH_CONFORMANCE_DIR")
        ? qEnvironmentVariable("BH_CONFORMANCE_DIR")
        : QString::fromLatin1(DefaultDir);
    t.kubectl120 = executable(dir + QStringLiteral("/bin/kubectl-1.20"));
    t.kubectl133 = executable(dir + QStringLiteral("/bin/kubectl-1.33"));
    const QString modules = dir + QStringLiteral("/node");
    if (QFileInfo::exists(modules
                          + QStringLiteral("/node_modules/@kubernetes/client-node/package.json")))
        t.nodeModules = modules;
    t.node = QStandardPaths::findExecutable(QStringLiteral("node"));
    t.python = executable(QStringLiteral("/usr/bin/python3"));
    t.openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    t.curl = QStandardPaths::findExecutable(QStringLiteral("curl"));
    t.timeout = QStandardPaths::findExecutable(QStringLiteral("timeout"));
    const QString source = qEnvironmentVariable("BH_SOURCE_DIR");
    if (!source.isEmpty())
        t.scriptsDir = source + QStringLiteral("/tests/conformance");
    return t;
}

QStringList ClientTools::missing() const
{
    QStringList m;
    const auto need = [&m](const QString &value, const char *what) {
        if (value.isEmpty())
            m << QString::fromLatin1(what);
    };
    need(kubectl120, "kubectl 1.20 (bin/kubectl-1.20; run scripts/setup.d/conformance.sh)");
    need(kubectl133, "kubectl 1.33 (bin/kubectl-1.33; run scripts/setup.d/conformance.sh)");
    need(nodeModules, "@kubernetes/client-node@1.4.0 (run scripts/setup.d/conformance.sh)");
    need(node, "node (Debian nodejs)");
    need(python, "/usr/bin/python3 (Debian python3-kubernetes)");
    need(openssl, "openssl");
    need(curl, "curl");
    need(timeout, "timeout (coreutils)");
    need(scriptsDir, "BH_SOURCE_DIR (set by ctest)");
    return m;
}

QString ClientTools::kubectl(const QString &version) const
{
    if (version == QLatin1String("1.20"))
        return kubectl120;
    if (version == QLatin1String("1.33"))
        return kubectl133;
    return QString();
}

} // namespace bh::conformance
