#include "kube/configloader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSet>

#include <yaml-cpp/yaml.h>

Q_DECLARE_LOGGING_CATEGORY(lcKube)

namespace bh::kube {

namespace {

using Error = ConfigLoader::Error;

struct Failure
{
    Error error = Error::None;
    QString message;
};

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

// Reads a whole (bounded) file; on failure returns the reason.
bool readFile(const QString &path, QByteArray *out, QString *why)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *why = QStringLiteral("cannot read %1: %2").arg(path, f.errorString());
        return false;
    }
    if (f.size() > ConfigLoader::MaxFileBytes) {
        *why =
            QStringLiteral("%1 is larger than %2 bytes").arg(path).arg(ConfigLoader::MaxFileBytes);
        return false;
    }
    *out = f.readAll();
    return true;
}

// One named entry (cluster, user or context) with where it came from.
struct Entry
{
    YAML::Node body; // the inner map ("cluster", "user" or "context")
    QString file;
    QString where; // e.g. "users[2].user"
};

// Parses one kubeconfig file after another and merges them: the first definition of a
// name (and of current-context) wins, as kubectl does.
class Merger
{
public:
    Failure failure;
    QHash<QString, Entry> clusters, users, contexts;
    QString currentContext;
    QString currentContextFile;

    bool add(const QString &file)
    {
        QByteArray bytes;
        QString why;
        if (!readFile(file, &bytes, &why))
            return fail(Error::FileUnreadable, file, QString(), why);
        YAML::Node root;
        try {
            root = YAML::Load(bytes.toStdString());
        } catch (const YAML::Exception &e) {
            return fail(
                Error::InvalidYaml, file, QString(),
                QStringLiteral("invalid YAML at line %1: %2").arg(e.mark.line + 1).arg(qs(e.msg)));
        }
        if (root.IsNull())
            return true; // an empty file is an empty config
        if (!root.IsMap())
            return fail(Error::InvalidYaml, file, QString(), QStringLiteral("not a YAML mapping"));
        try {
            if (!section(root, file, "clusters", "cluster", &clusters)
                || !section(root, file, "users", "user", &users)
                || !section(root, file, "contexts", "context", &contexts))
                return false;
            const YAML::Node cc = root["current-context"];
            if (cc && !cc.IsNull()) {
                if (!cc.IsScalar())
                    return fail(Error::InvalidYaml, file, QStringLiteral("current-context"),
                                QStringLiteral("not a string"));
                if (currentContext.isEmpty() && !cc.Scalar().empty()) {
                    currentContext = qs(cc.Scalar());
                    currentContextFile = file;
                }
            }
        } catch (const YAML::Exception &e) {
            return fail(Error::InvalidYaml, file, QString(), qs(e.what()));
        }
        return true;
    }

    bool fail(Error error, const QString &file, const QString &field, const QString &what)
    {
        failure.error = error;
        failure.message = field.isEmpty()
            ? QStringLiteral("kubeconfig %1: %2").arg(file, what)
            : QStringLiteral("kubeconfig %1: %2: %3").arg(file, field, what);
        return false;
    }

private:
    bool section(const YAML::Node &root, const QString &file, const char *key, const char *inner,
                 QHash<QString, Entry> *out)
    {
        const YAML::Node list = root[key];
        if (!list || list.IsNull())
            return true;
        const QString name = QString::fromLatin1(key);
        if (!list.IsSequence())
            return fail(Error::InvalidYaml, file, name, QStringLiteral("not a list"));
        for (std::size_t i = 0; i < list.size(); ++i) {
            const QString where = QStringLiteral("%1[%2]").arg(name).arg(i);
            const YAML::Node item = list[i];
            if (!item.IsMap())
                return fail(Error::InvalidYaml, file, where, QStringLiteral("not a mapping"));
            const YAML::Node n = item["name"];
            if (!n || !n.IsScalar() || n.Scalar().empty())
                return fail(Error::MissingField, file, where + QStringLiteral(".name"),
                            QStringLiteral("missing"));
            const YAML::Node body = item[inner];
            const QString bodyWhere = where + QLatin1Char('.') + QString::fromLatin1(inner);
            if (body && !body.IsNull() && !body.IsMap())
                return fail(Error::InvalidYaml, file, bodyWhere, QStringLiteral("not a mapping"));
            const QString entryName = qs(n.Scalar());
            if (!out->contains(entryName))
                out->insert(
                    entryName,
                    Entry { body ? body : YAML::Node(YAML::NodeType::Map), file, bodyWhere });
        }
        return true;
    }
};

// Typed field access on one entry, producing "kubeconfig F: users[0].user.token: ..." errors.
class Fields
{
public:
    Fields(const Entry &entry, Failure *failure)
        : m_entry(entry)
        , m_failure(failure)
    { }

    bool fail(Error error, const QString &key, const QString &what)
    {
        m_failure->error = error;
        m_failure->message =
            QStringLiteral("kubeconfig %1: %2.%3: %4").arg(m_entry.file, m_entry.where, key, what);
        return false;
    }

    bool has(const char *key) const
    {
        const YAML::Node n = m_entry.body[key];
        return n && !n.IsNull();
    }

    bool string(const char *key, QString *out)
    {
        const YAML::Node n = m_entry.body[key];
        if (!n || n.IsNull())
            return true;
        if (!n.IsScalar())
            return fail(Error::InvalidValue, QString::fromLatin1(key),
                        QStringLiteral("not a string"));
        *out = qs(n.Scalar());
        return true;
    }

    bool boolean(const char *key, bool *out)
    {
        const YAML::Node n = m_entry.body[key];
        if (!n || n.IsNull())
            return true;
        bool v = false;
        if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v))
            return fail(Error::InvalidValue, QString::fromLatin1(key),
                        QStringLiteral("not a boolean"));
        *out = v;
        return true;
    }

    // Absolute path of a (possibly relative) path field, resolved against the file's folder.
    QString path(const QString &value) const
    {
        if (value.isEmpty() || QDir::isAbsolutePath(value))
            return value;
        if (value.startsWith(QLatin1String("~/")))
            return QDir::homePath() + value.mid(1);
        return QDir::cleanPath(QFileInfo(m_entry.file).absolutePath() + QLatin1Char('/') + value);
    }

    // Bytes of "<key>-data" (base64) or of the file named by "<key>"; data wins.
    bool bytes(const char *fileKey, const char *dataKey, QByteArray *out, QString *from)
    {
        QString data, file;
        if (!string(dataKey, &data) || !string(fileKey, &file))
            return false;
        if (!data.isEmpty()) {
            QByteArray raw = data.toLatin1();
            raw.replace('\n', QByteArray()).replace('\r', QByteArray()).replace(' ', QByteArray());
            auto decoded =
                QByteArray::fromBase64Encoding(raw, QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded || raw.isEmpty())
                return fail(Error::InvalidBase64, QString::fromLatin1(dataKey),
                            QStringLiteral("not valid base64"));
            *out = *decoded;
            *from = QString::fromLatin1(dataKey);
            return true;
        }
        if (!file.isEmpty()) {
            QString why;
            if (!readFile(path(file), out, &why))
                return fail(Error::FileUnreadable, QString::fromLatin1(fileKey), why);
            *from = QString::fromLatin1(fileKey);
        }
        return true;
    }

    const Entry &entry() const { return m_entry; }

private:
    const Entry &m_entry;
    Failure *m_failure;
};

bool parseKey(const QByteArray &pem, QSslKey *key)
{
    for (QSsl::KeyAlgorithm alg : { QSsl::Rsa, QSsl::Ec }) {
        QSslKey k(pem, alg, QSsl::Pem, QSsl::PrivateKey);
        if (!k.isNull()) {
            *key = k;
            return true;
        }
    }
    return false;
}

// The error is promised as one readable line, but parts of it come from the file (field
// values, yaml-cpp messages quoting raw bytes): escape control characters.
QString oneLine(const QString &message)
{
    QString out;
    out.reserve(message.size());
    for (const QChar c : message) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out;
}

ConfigLoader::Result failed(const Failure &f)
{
    ConfigLoader::Result r;
    r.error = f.error;
    r.message = oneLine(f.message);
    return r;
}

ConfigLoader::Result failed(Error error, const QString &message)
{
    return failed(Failure { error, message });
}

QUrl parseServer(const QString &server)
{
    QUrl url(server, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")))
        return QUrl();
    return url;
}

} // namespace

bool ConfigLoader::isInCluster(const QProcessEnvironment &environment)
{
    return !environment.value(QStringLiteral("KUBERNETES_SERVICE_HOST")).isEmpty()
        && !environment.value(QStringLiteral("KUBERNETES_SERVICE_PORT")).isEmpty();
}

ConfigLoader::Result ConfigLoader::load(const Options &options)
{
    const auto split = [](const QString &list) {
        QStringList files;
        for (const QString &f : list.split(QLatin1Char(':'), Qt::SkipEmptyParts))
            files.append(f);
        return files;
    };
    if (!options.kubeconfig.isEmpty())
        return loadKubeconfig(split(options.kubeconfig), options.context);
    const QString env = options.environment.value(QStringLiteral("KUBECONFIG"));
    if (!env.isEmpty()) {
        // As kubectl: files of $KUBECONFIG that do not exist are skipped.
        QStringList existing;
        for (const QString &f : split(env)) {
            if (QFileInfo::exists(f))
                existing.append(f);
        }
        if (existing.isEmpty())
            return failed(Error::FileUnreadable,
                          QStringLiteral("KUBECONFIG=%1: none of these files exists").arg(env));
        return loadKubeconfig(existing, options.context);
    }
    if (isInCluster(options.environment))
        return loadInCluster(options.environment, options.serviceAccountDir);
    const QString home = options.homeDir.isEmpty() ? QDir::homePath() : options.homeDir;
    const QString def = home + QStringLiteral("/.kube/config");
    if (QFileInfo::exists(def))
        return loadKubeconfig({ def }, options.context);
    return failed(Error::NoConfiguration,
                  QStringLiteral("no Kubernetes configuration: pass --kubeconfig, set KUBECONFIG, "
                                 "run in a cluster, or create %1")
                      .arg(def));
}

ConfigLoader::Result ConfigLoader::loadInCluster(const QProcessEnvironment &environment,
                                                 const QString &serviceAccountDir)
{
    const QString host = environment.value(QStringLiteral("KUBERNETES_SERVICE_HOST"));
    const QString port = environment.value(QStringLiteral("KUBERNETES_SERVICE_PORT"));
    if (host.isEmpty() || port.isEmpty())
        return failed(Error::MissingField,
                      QStringLiteral("in-cluster: KUBERNETES_SERVICE_HOST and "
                                     "KUBERNETES_SERVICE_PORT must both be set"));
    bool portOk = false;
    const int portNumber = port.toInt(&portOk);
    if (!portOk || portNumber <= 0 || portNumber > 65535)
        return failed(
            Error::InvalidValue,
            QStringLiteral("in-cluster: KUBERNETES_SERVICE_PORT=%1: not a port").arg(port));
    Result r;
    ClusterConfig &c = r.config;
    c.server.setScheme(QStringLiteral("https"));
    c.server.setHost(host); // QUrl brackets IPv6 literals (JoinHostPort)
    c.server.setPort(portNumber);
    if (!c.server.isValid())
        return failed(
            Error::InvalidValue,
            QStringLiteral("in-cluster: KUBERNETES_SERVICE_HOST=%1: not a host").arg(host));
    c.source = QStringLiteral("in-cluster");

    const QString tokenFile = serviceAccountDir + QStringLiteral("/token");
    QByteArray token;
    QString why;
    if (!readFile(tokenFile, &token, &why))
        return failed(Error::FileUnreadable, QStringLiteral("in-cluster: token: %1").arg(why));
    c.credentials.tokenFile = tokenFile;

    c.tls = QSslConfiguration::defaultConfiguration();
    const QString caFile = serviceAccountDir + QStringLiteral("/ca.crt");
    if (QFileInfo::exists(caFile)) {
        QByteArray pem;
        if (!readFile(caFile, &pem, &why))
            return failed(Error::FileUnreadable, QStringLiteral("in-cluster: ca.crt: %1").arg(why));
        const auto certs = QSslCertificate::fromData(pem, QSsl::Pem);
        if (certs.isEmpty())
            return failed(Error::InvalidCertificate,
                          QStringLiteral("in-cluster: %1: no PEM certificate").arg(caFile));
        c.tls.setCaCertificates(certs);
    } else {
        qCWarning(lcKube, "in-cluster: %s missing; using the system CA certificates",
                  qPrintable(caFile));
    }

    c.namespace_ = environment.value(QStringLiteral("POD_NAMESPACE"));
    if (c.namespace_.isEmpty()) {
        QByteArray ns;
        if (readFile(serviceAccountDir + QStringLiteral("/namespace"), &ns, &why))
            c.namespace_ = QString::fromUtf8(ns).trimmed();
    }
    if (c.namespace_.isEmpty())
        c.namespace_ = QStringLiteral("default");
    return r;
}

ConfigLoader::Result ConfigLoader::loadKubeconfig(const QStringList &files,
                                                  const QString &contextOverride)
{
    if (files.isEmpty())
        return failed(Error::NoConfiguration, QStringLiteral("kubeconfig: no file given"));
    Merger merger;
    QStringList absolute;
    for (const QString &f : files) {
        const QString abs = QFileInfo(f).absoluteFilePath();
        absolute.append(abs);
        if (!merger.add(abs))
            return failed(merger.failure);
    }
    const QString first = absolute.first();
    Failure failure;

    // Context.
    QString contextName = contextOverride;
    const QString contextFile =
        merger.currentContextFile.isEmpty() ? first : merger.currentContextFile;
    if (contextName.isEmpty()) {
        contextName = merger.currentContext;
        if (contextName.isEmpty())
            return failed(
                Error::MissingField,
                QStringLiteral("kubeconfig %1: current-context: not set (and no --context)")
                    .arg(first));
    }
    const auto ctxIt = merger.contexts.constFind(contextName);
    if (ctxIt == merger.contexts.constEnd()) {
        return failed(
            Error::UnknownContext,
            contextOverride.isEmpty()
                ? QStringLiteral("kubeconfig %1: current-context: no context named \"%2\"")
                      .arg(contextFile, contextName)
                : QStringLiteral("kubeconfig %1: --context: no context named \"%2\"")
                      .arg(absolute.join(QLatin1Char(':')), contextName));
    }
    Fields ctx(*ctxIt, &failure);
    QString clusterName, userName, ns;
    if (!ctx.string("cluster", &clusterName) || !ctx.string("user", &userName)
        || !ctx.string("namespace", &ns))
        return failed(failure);
    if (clusterName.isEmpty()) {
        ctx.fail(Error::MissingField, QStringLiteral("cluster"), QStringLiteral("missing"));
        return failed(failure);
    }
    const auto clIt = merger.clusters.constFind(clusterName);
    if (clIt == merger.clusters.constEnd()) {
        ctx.fail(Error::UnknownCluster, QStringLiteral("cluster"),
                 QStringLiteral("no cluster named \"%1\"").arg(clusterName));
        return failed(failure);
    }

    Result r;
    ClusterConfig &c = r.config;
    c.namespace_ = ns;
    c.source = QStringLiteral("kubeconfig %1 (context %2)")
                   .arg(absolute.join(QLatin1Char(':')), contextName);
    c.tls = QSslConfiguration::defaultConfiguration();

    // Cluster.
    Fields cl(*clIt, &failure);
    QString server, proxy;
    if (!cl.string("server", &server)
        || !cl.boolean("insecure-skip-tls-verify", &c.insecureSkipTlsVerify)
        || !cl.string("tls-server-name", &c.tlsServerName) || !cl.string("proxy-url", &proxy))
        return failed(failure);
    if (server.isEmpty()) {
        cl.fail(Error::MissingField, QStringLiteral("server"), QStringLiteral("missing"));
        return failed(failure);
    }
    c.server = parseServer(server);
    if (c.server.isEmpty()) {
        cl.fail(Error::InvalidValue, QStringLiteral("server"),
                QStringLiteral("\"%1\" is not an http:// or https:// URL").arg(server));
        return failed(failure);
    }
    if (!proxy.isEmpty()) {
        c.proxyUrl = QUrl(proxy, QUrl::StrictMode);
        const QString scheme = c.proxyUrl.scheme();
        if (!c.proxyUrl.isValid() || c.proxyUrl.host().isEmpty()
            || (scheme != QLatin1String("http") && scheme != QLatin1String("https")
                && scheme != QLatin1String("socks5"))) {
            cl.fail(
                Error::InvalidValue, QStringLiteral("proxy-url"),
                QStringLiteral("\"%1\" is not an http://, https:// or socks5:// URL").arg(proxy));
            return failed(failure);
        }
    }
    QByteArray caPem;
    QString caFrom;
    if (!cl.bytes("certificate-authority", "certificate-authority-data", &caPem, &caFrom))
        return failed(failure);
    if (!caFrom.isEmpty()) {
        if (c.insecureSkipTlsVerify) {
            cl.fail(Error::InvalidValue, QStringLiteral("insecure-skip-tls-verify"),
                    QStringLiteral("cannot be combined with %1").arg(caFrom));
            return failed(failure);
        }
        const auto certs = QSslCertificate::fromData(caPem, QSsl::Pem);
        if (certs.isEmpty()) {
            cl.fail(Error::InvalidCertificate, caFrom, QStringLiteral("no PEM certificate"));
            return failed(failure);
        }
        c.tls.setCaCertificates(certs);
    }
    if (c.insecureSkipTlsVerify)
        c.tls.setPeerVerifyMode(QSslSocket::VerifyNone);

    // User (optional: a context without a user is anonymous).
    if (!userName.isEmpty()) {
        const auto usIt = merger.users.constFind(userName);
        if (usIt == merger.users.constEnd()) {
            ctx.fail(Error::UnknownUser, QStringLiteral("user"),
                     QStringLiteral("no user named \"%1\"").arg(userName));
            return failed(failure);
        }
        Fields us(*usIt, &failure);
        for (const char *key : { "auth-provider", "username", "password" }) {
            if (us.has(key)) {
                us.fail(Error::Unsupported, QString::fromLatin1(key),
                        QStringLiteral("not supported (use token, tokenFile, a client "
                                       "certificate or an exec plugin)"));
                return failed(failure);
            }
        }
        Credentials &cr = c.credentials;
        QString tokenFile;
        if (!us.string("token", &cr.token) || !us.string("tokenFile", &tokenFile))
            return failed(failure);
        if (!tokenFile.isEmpty()) {
            cr.tokenFile = us.path(tokenFile);
            QByteArray ignored;
            QString why;
            if (!readFile(cr.tokenFile, &ignored, &why)) {
                us.fail(Error::FileUnreadable, QStringLiteral("tokenFile"), why);
                return failed(failure);
            }
        }
        QByteArray certPem, keyPem;
        QString certFrom, keyFrom;
        if (!us.bytes("client-certificate", "client-certificate-data", &certPem, &certFrom)
            || !us.bytes("client-key", "client-key-data", &keyPem, &keyFrom))
            return failed(failure);
        if (!certFrom.isEmpty() && keyFrom.isEmpty()) {
            us.fail(Error::MissingField, QStringLiteral("client-key"),
                    QStringLiteral("missing (%1 is set)").arg(certFrom));
            return failed(failure);
        }
        if (certFrom.isEmpty() && !keyFrom.isEmpty()) {
            us.fail(Error::MissingField, QStringLiteral("client-certificate"),
                    QStringLiteral("missing (%1 is set)").arg(keyFrom));
            return failed(failure);
        }
        if (!certFrom.isEmpty()) {
            const auto certs = QSslCertificate::fromData(certPem, QSsl::Pem);
            if (certs.isEmpty()) {
                us.fail(Error::InvalidCertificate, certFrom, QStringLiteral("no PEM certificate"));
                return failed(failure);
            }
            if (!parseKey(keyPem, &cr.clientKey)) {
                us.fail(Error::InvalidKey, keyFrom,
                        QStringLiteral("not a PEM RSA or EC private key"));
                return failed(failure);
            }
            cr.clientCertificate = certs.first();
            c.tls.setLocalCertificate(cr.clientCertificate);
            c.tls.setPrivateKey(cr.clientKey);
        }
        if (us.has("exec")) {
            const YAML::Node execNode = usIt->body["exec"];
            if (!execNode.IsMap()) {
                us.fail(Error::InvalidYaml, QStringLiteral("exec"),
                        QStringLiteral("not a mapping"));
                return failed(failure);
            }
            Entry execEntry { execNode, usIt->file, usIt->where + QStringLiteral(".exec") };
            Fields ex(execEntry, &failure);
            ExecConfig exec;
            QString interactive;
            bool provideClusterInfo = false;
            if (!ex.string("apiVersion", &exec.apiVersion) || !ex.string("command", &exec.command)
                || !ex.string("interactiveMode", &interactive)
                || !ex.boolean("provideClusterInfo", &provideClusterInfo))
                return failed(failure);
            if (exec.apiVersion.isEmpty()) {
                ex.fail(Error::MissingField, QStringLiteral("apiVersion"),
                        QStringLiteral("missing"));
                return failed(failure);
            }
            if (exec.apiVersion != QLatin1String("client.authentication.k8s.io/v1")
                && exec.apiVersion != QLatin1String("client.authentication.k8s.io/v1beta1")) {
                ex.fail(Error::InvalidValue, QStringLiteral("apiVersion"),
                        QStringLiteral("\"%1\" is not client.authentication.k8s.io/v1 or v1beta1")
                            .arg(exec.apiVersion));
                return failed(failure);
            }
            if (exec.command.isEmpty()) {
                ex.fail(Error::MissingField, QStringLiteral("command"), QStringLiteral("missing"));
                return failed(failure);
            }
            if (interactive == QLatin1String("Always")) {
                ex.fail(Error::Unsupported, QStringLiteral("interactiveMode"),
                        QStringLiteral("Always needs a terminal; a server has none"));
                return failed(failure);
            }
            const YAML::Node args = execNode["args"];
            if (args && !args.IsNull()) {
                if (!args.IsSequence()) {
                    ex.fail(Error::InvalidValue, QStringLiteral("args"),
                            QStringLiteral("not a list"));
                    return failed(failure);
                }
                for (std::size_t i = 0; i < args.size(); ++i) {
                    if (!args[i].IsScalar()) {
                        ex.fail(Error::InvalidValue, QStringLiteral("args[%1]").arg(i),
                                QStringLiteral("not a string"));
                        return failed(failure);
                    }
                    exec.args.append(qs(args[i].Scalar()));
                }
            }
            const YAML::Node env = execNode["env"];
            if (env && !env.IsNull()) {
                if (!env.IsSequence()) {
                    ex.fail(Error::InvalidValue, QStringLiteral("env"),
                            QStringLiteral("not a list"));
                    return failed(failure);
                }
                for (std::size_t i = 0; i < env.size(); ++i) {
                    const YAML::Node e = env[i];
                    if (!e.IsMap() || !e["name"] || !e["name"].IsScalar() || !e["value"]
                        || !e["value"].IsScalar()) {
                        ex.fail(Error::InvalidValue, QStringLiteral("env[%1]").arg(i),
                                QStringLiteral("needs a string name and value"));
                        return failed(failure);
                    }
                    exec.env.append({ qs(e["name"].Scalar()), qs(e["value"].Scalar()) });
                }
            }
            exec.workingDirectory = QFileInfo(usIt->file).absolutePath();
            // A command with a slash is a path relative to the kubeconfig's folder (kubectl);
            // a bare name is looked up in PATH.
            if (exec.command.contains(QLatin1Char('/')))
                exec.command = ex.path(exec.command);
            exec.origin = QStringLiteral("kubeconfig %1: %2").arg(usIt->file, execEntry.where);
            QJsonObject spec { { QStringLiteral("interactive"), false } };
            if (provideClusterInfo) {
                QJsonObject cluster { { QStringLiteral("server"), c.server.toString() } };
                if (!c.tlsServerName.isEmpty())
                    cluster.insert(QStringLiteral("tls-server-name"), c.tlsServerName);
                if (c.insecureSkipTlsVerify)
                    cluster.insert(QStringLiteral("insecure-skip-tls-verify"), true);
                if (!caPem.isEmpty())
                    cluster.insert(QStringLiteral("certificate-authority-data"),
                                   QString::fromLatin1(caPem.toBase64()));
                spec.insert(QStringLiteral("cluster"), cluster);
            }
            exec.execInfo =
                QJsonDocument(
                    QJsonObject { { QStringLiteral("apiVersion"), exec.apiVersion },
                                  { QStringLiteral("kind"), QStringLiteral("ExecCredential") },
                                  { QStringLiteral("spec"), spec } })
                    .toJson(QJsonDocument::Compact);
            cr.exec = exec;
        }
    }
    return r;
}

} // namespace bh::kube
