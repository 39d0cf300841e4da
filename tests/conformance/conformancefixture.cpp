#include "conformancefixture.h"

namespace bh::conformance {

ConformanceFixture::ConformanceFixture(QObject *parent)
    : QObject(parent)
{ }

QString ConformanceFixture::initOnce()
{
    m_tools = ClientTools::locate();
    const QStringList missing = m_tools.missing();
    if (!missing.isEmpty())
        return QStringLiteral("MISSING CLIENTS (a failure, not a skip): ")
            + missing.join(QStringLiteral("; "));
    if (SimulatorProcess::programFromEnvironment().isEmpty())
        return QStringLiteral("BH_KUBESIM is not set");
    if (!m_tls.generate(m_tools.openssl, QString::fromLatin1(Token)))
        return m_tls.error();
    return QString();
}

QString ConformanceFixture::startSimulator(const QStringList &extraArgs)
{
    stopSimulator();
    m_sim.reset(new SimulatorProcess);
    SimulatorOptions options;
    options.program = SimulatorProcess::programFromEnvironment();
    options.namespaceName = ns();
    options.token = QString::fromLatin1(Token);
    options.tlsCertPath = m_tls.serverCertPath();
    options.tlsKeyPath = m_tls.serverKeyPath();
    options.extraArgs = extraArgs;
    if (!m_sim->start(options))
        return m_sim->error();
    m_api.reset(new KubeApi(m_sim->baseUrl(), QString::fromLatin1(Token), m_tls.caCertPath()));

    KubeconfigOptions data;
    data.server = serverUrl();
    data.namespaceName = ns();
    data.caMode = KubeconfigOptions::CaMode::Data;
    data.caCertPath = m_tls.caCertPath();
    data.tokenMode = KubeconfigOptions::TokenMode::Inline;
    data.token = QString::fromLatin1(Token);
    m_configData.reset(new KubeconfigFile);
    if (!m_configData->write(data))
        return m_configData->error();

    KubeconfigOptions file = data;
    file.caMode = KubeconfigOptions::CaMode::File;
    file.tokenMode = KubeconfigOptions::TokenMode::File;
    file.tokenFilePath = m_tls.tokenFilePath();
    m_configFile.reset(new KubeconfigFile);
    if (!m_configFile->write(file))
        return m_configFile->error();
    return QString();
}

void ConformanceFixture::stopSimulator()
{
    m_api.reset();
    if (m_sim)
        m_sim->stop();
    m_sim.reset();
}

QString ConformanceFixture::serverUrl() const
{
    return m_sim ? m_sim->baseUrl().toString() : QString();
}

QString ConformanceFixture::kubeconfigFor(const QString &kubectlVersion) const
{
    return kubectlVersion == QLatin1String("1.20") ? m_configFile->path() : m_configData->path();
}

std::unique_ptr<ClientProcess> ConformanceFixture::kubectl(const QString &version,
                                                           const QStringList &args,
                                                           const QString &kubeconfig)
{
    auto p = std::make_unique<ClientProcess>(m_tools.timeout, m_tools.kubectl(version),
                                             args + QStringList { QStringLiteral("-v=6") });
    p->setEnv(QStringLiteral("KUBECONFIG"),
              kubeconfig.isEmpty() ? kubeconfigFor(version) : kubeconfig);
    return p;
}

std::unique_ptr<ClientProcess> ConformanceFixture::client(const QString &program,
                                                          const QStringList &args)
{
    return std::make_unique<ClientProcess>(m_tools.timeout, program, args);
}

QByteArray ConformanceFixture::diagnostics()
{
    QByteArray text = "simulator " + serverUrl().toUtf8();
    if (m_api)
        text += "\n--- request log ---\n" + requestLog().text().toUtf8().right(8000);
    if (m_sim)
        text += "\n--- simulator output ---\n" + m_sim->output();
    return text;
}

} // namespace bh::conformance
