#pragma once

#include <QString>
#include <QTemporaryDir>

namespace bh::conformance {

// How a kubeconfig reaches the server and authenticates (a value type).
struct KubeconfigOptions
{
    enum class CaMode { Data, File, None };
    enum class TokenMode { Inline, File, None };

    QString server; // https://127.0.0.1:PORT
    QString namespaceName = QStringLiteral("demo");
    CaMode caMode = CaMode::Data;
    QString caCertPath; // read for Data, referenced for File
    TokenMode tokenMode = TokenMode::Inline;
    QString token; // for Inline
    QString tokenFilePath; // for File
};

// A kubeconfig file written to its own temporary folder.
class KubeconfigFile
{
public:
    // Writes the file; false with error() when the CA cannot be read or the file written.
    bool write(const KubeconfigOptions &options);
    QString path() const { return m_dir.filePath(QStringLiteral("kubeconfig")); }
    QString error() const { return m_error; }

private:
    QTemporaryDir m_dir;
    QString m_error;
};

} // namespace bh::conformance
