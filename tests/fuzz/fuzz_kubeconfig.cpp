// libFuzzer target: the kubeconfig loader (server/kube ConfigLoader::loadKubeconfig) on YAML
// bytes written to a temporary file (the loader reads files; there is no in-memory entry
// point). Invariant: a failure has a typed error and a one-line message.
#include "kube/configloader.h"

#include <QFile>
#include <QTemporaryDir>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static QTemporaryDir dir;
    if (!dir.isValid())
        std::abort();
    const QString path = dir.filePath(QStringLiteral("kubeconfig"));
    {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            std::abort();
        file.write(reinterpret_cast<const char *>(data), qint64(size));
    }
    const auto result = bh::kube::ConfigLoader::loadKubeconfig({ path }, QString());
    if (!result.ok() && (result.message.isEmpty() || result.message.contains(QLatin1Char('\n')))) {
        std::fprintf(stderr, "error %d with a bad message: \"%s\"\n", int(result.error),
                     qPrintable(result.message));
        std::abort();
    }
    return 0;
}
