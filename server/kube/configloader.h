#pragma once

#include "kube/clusterconfig.h"

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace bh::kube {

// Finds and parses the cluster configuration, in this order:
//  1. an explicit kubeconfig (--kubeconfig) or $KUBECONFIG (a ':'-separated list, merged
//     as kubectl does: the first file that sets a map key or current-context wins);
//  2. in-cluster: KUBERNETES_SERVICE_HOST + KUBERNETES_SERVICE_PORT and the service
//     account's token, ca.crt and namespace under serviceAccountDir;
//  3. ~/.kube/config.
// Errors are a typed code plus one readable line naming the file and the field, e.g.
// "kubeconfig /x/config: users[0].user.client-key-data: not valid base64".
class ConfigLoader
{
public:
    static constexpr const char *DefaultServiceAccountDir =
        "/var/run/secrets/kubernetes.io/serviceaccount";
    // Largest kubeconfig / certificate / key file read.
    static constexpr qint64 MaxFileBytes = 4 * 1024 * 1024;

    enum class Error {
        None,
        NoConfiguration, // no kubeconfig, not in a cluster, no ~/.kube/config
        FileUnreadable, // missing or unreadable file (kubeconfig, CA, cert, key, token)
        InvalidYaml, // not YAML, or the wrong shape (e.g. clusters is not a list)
        MissingField, // a required field is absent (server, cluster of a context...)
        InvalidValue, // a field has a wrong value (bad URL, unknown exec apiVersion...)
        InvalidBase64, // a *-data field is not base64
        InvalidCertificate, // a CA / client certificate is not PEM
        InvalidKey, // a client key is not a PEM RSA or EC key
        UnknownContext, // current-context / --context names no context
        UnknownCluster, // the context names no cluster
        UnknownUser, // the context names no user
        Unsupported, // auth-provider, username/password
    };

    struct Options
    {
        QString kubeconfig; // --kubeconfig (may itself be a ':'-list); overrides $KUBECONFIG
        QString context; // --context; overrides current-context
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        QString serviceAccountDir = QString::fromLatin1(DefaultServiceAccountDir);
        QString homeDir; // empty = QDir::homePath()
    };

    struct Result
    {
        ClusterConfig config;
        Error error = Error::None;
        QString message; // one line; empty when ok
        bool ok() const { return error == Error::None; }
    };

    static Result load(const Options &options);
    // Parses (and merges) the given kubeconfig files.
    static Result loadKubeconfig(const QStringList &files, const QString &contextOverride);
    // In-cluster configuration from the environment and serviceAccountDir.
    static Result loadInCluster(const QProcessEnvironment &environment,
                                const QString &serviceAccountDir);
    static bool isInCluster(const QProcessEnvironment &environment);
};

} // namespace bh::kube
