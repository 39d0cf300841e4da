#include "clienttools.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>

namespace bh::conformance {

namespace {
// Time allowed for `python3 -c 'import kubernetes'`.
constexpr int ImportCheckTimeoutMs = 30'000;

bool pythonHasKubernetes(const QString &python)
{
    QProcess p;
    p.start(python, { QStringLiteral("-c"), QStringLiteral("import kubernetes") });
    return p.waitForFinished(ImportCheckTimeoutMs) && p.exitStatus() == QProcess::NormalExit
        && p.exitCode() == 0;
}

QString packageVersion(const QString &packageJson)
{
    QFile f(packageJson);
    if (!f.open(QIODevice::ReadOnly))
        return QString();
    return QJsonDocument::fromJson(f.readAll())
        .object()
        .value(QStringLiteral("version"))
        .toString();
}

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
    if (packageVersion(modules
                       + QStringLiteral("/node_modules/@kubernetes/client-node/package.json"))
        == QLatin1String(ClientNodeVersion))
        t.nodeModules = modules;
    t.node = QStandardPaths::findExecutable(QStringLiteral("node"));
    t.python = executable(QStringLiteral("/usr/bin/python3"));
    if (!t.python.isEmpty() && !pythonHasKubernetes(t.python))
        t.python.clear();
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
    need(python, "/usr/bin/python3 that can import kubernetes (Debian python3-kubernetes)");
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
