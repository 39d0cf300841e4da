#include "kubeconfigfile.h"

#include <QFile>

namespace bh::conformance {

bool KubeconfigFile::write(const KubeconfigOptions &o)
{
    QByteArray cluster = "    server: " + o.server.toUtf8() + "\n";
    if (o.caMode == KubeconfigOptions::CaMode::Data) {
        QFile ca(o.caCertPath);
        if (!ca.open(QIODevice::ReadOnly)) {
            m_error = QStringLiteral("cannot read CA ") + o.caCertPath;
            return false;
        }
        cluster += "    certificate-authority-data: " + ca.readAll().toBase64() + "\n";
    } else if (o.caMode == KubeconfigOptions::CaMode::File) {
        cluster += "    certificate-authority: " + o.caCertPath.toUtf8() + "\n";
    }
    QByteArray user;
    if (o.tokenMode == KubeconfigOptions::TokenMode::Inline)
        user = "    token: " + o.token.toUtf8() + "\n";
    else if (o.tokenMode == KubeconfigOptions::TokenMode::File)
        user = "    tokenFile: " + o.tokenFilePath.toUtf8() + "\n";
    else
        user = "    {}\n";
    const QByteArray text = "apiVersion: v1\n"
                            "kind: Config\n"
                            "clusters:\n"
                            "- name: sim\n"
                            "  cluster:\n"
        + cluster
        + "users:\n"
          "- name: tester\n"
          "  user:\n"
        + user
        + "contexts:\n"
          "- name: sim\n"
          "  context:\n"
          "    cluster: sim\n"
          "    user: tester\n"
          "    namespace: "
        + o.namespaceName.toUtf8()
        + "\n"
          "current-context: sim\n";
    QFile f(path());
    if (!m_dir.isValid() || !f.open(QIODevice::WriteOnly) || f.write(text) != text.size()) {
        m_error = QStringLiteral("cannot write ") + path();
        return false;
    }
    return true;
}

} // namespace bh::conformance
