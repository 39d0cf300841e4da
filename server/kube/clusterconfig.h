#pragma once

#include <QList>
#include <QPair>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <chrono>
#include <optional>

namespace bh::kube {

// An exec credential plugin (kubeconfig users[].user.exec), client.authentication.k8s.io
// v1 or v1beta1. The command runs with args and env (added to the process environment);
// its stdout is an ExecCredential whose status carries a token or a client certificate.
struct ExecConfig
{
    QString apiVersion;
    QString command;
    QStringList args;
    QList<QPair<QString, QString>> env;
    QString workingDirectory; // the kubeconfig's folder (relative commands resolve here)
    QByteArray execInfo; // KUBERNETES_EXEC_INFO (ExecCredential spec, cluster if asked)
    QString origin; // "kubeconfig /x/config: users[0].user.exec" (for errors)
};

// How requests authenticate. At most one of token / tokenFile / exec is used (in that
// order of precedence: exec, tokenFile, token, as client-go does); a client certificate
// may be combined with a token.
struct Credentials
{
    // Interval after which a token file is read again (projected service-account tokens
    // rotate; client-go re-reads after one minute).
    static constexpr std::chrono::milliseconds DefaultTokenFileRefresh { 60'000 };

    QString token;
    QString tokenFile; // absolute path
    std::chrono::milliseconds tokenFileRefresh = DefaultTokenFileRefresh;
    QSslCertificate clientCertificate;
    QSslKey clientKey;
    std::optional<ExecConfig> exec;

    bool hasClientCertificate() const { return !clientCertificate.isNull() && !clientKey.isNull(); }
};

// Everything needed to talk to one API server: the result of ConfigLoader.
struct ClusterConfig
{
    QUrl server; // http(s)://host:port[/prefix]
    QSslConfiguration tls; // CA (if any), client certificate/key, verify mode
    bool insecureSkipTlsVerify = false;
    QString tlsServerName; // verify (and SNI) name, if different from the host
    QUrl proxyUrl; // http(s):// or socks5:// proxy (clusters[].cluster.proxy-url)
    Credentials credentials;
    QString namespace_; // from the context or the in-cluster namespace file
    QString source; // "kubeconfig /path[:/path2]" or "in-cluster" (for logs)

    bool isTls() const { return server.scheme() == QLatin1String("https"); }
};

} // namespace bh::kube
