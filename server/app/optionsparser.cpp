#include "optionsparser.h"

#include "hub/upgradepolicy.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QRegularExpression>

namespace bh::app {

namespace {

// A flag value, else the environment variable, else empty.
QString pick(const QCommandLineParser &parser, const QCommandLineOption &option,
             const QProcessEnvironment &environment, const char *variable)
{
    if (parser.isSet(option))
        return parser.value(option);
    return environment.value(QString::fromLatin1(variable));
}

bool isDnsLabel(const QString &value)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"));
    return re.match(value).hasMatch();
}

} // namespace

OptionsParser::Result OptionsParser::parse(const QStringList &arguments,
                                           const QProcessEnvironment &environment)
{
    Result result;
    ServerOptions &o = result.options;
    auto invalid = [&](const QString &message) {
        result.outcome = Outcome::Invalid;
        result.error = message;
        return result;
    };

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Boilerhouse events server: shared Kubernetes watches of managed Pods and "
        "BoilerhouseClaims, the /ws event stream and the /api/v1 REST snapshot on one port.\n"
        "Each flag has an environment variable; the flag wins."));
    const QCommandLineOption help({ QStringLiteral("h"), QStringLiteral("help") },
                                  QStringLiteral("Show this help and exit."));
    const QCommandLineOption version({ QStringLiteral("v"), QStringLiteral("version") },
                                     QStringLiteral("Show the version and exit."));
    const QCommandLineOption port(
        QStringLiteral("port"),
        QStringLiteral("Port for /ws and /api/v1 (env PORT, default 3000; 0 = any free port)."),
        QStringLiteral("port"));
    const QCommandLineOption listenHost(
        QStringLiteral("listen-host"),
        QStringLiteral("Bind address (env LISTEN_HOST, default 127.0.0.1; 0.0.0.0 in a cluster)."),
        QStringLiteral("address"));
    const QCommandLineOption ns(
        QStringLiteral("namespace"),
        QStringLiteral("The one namespace watched (env K8S_NAMESPACE, default boilerhouse)."),
        QStringLiteral("name"));
    const QCommandLineOption apiKey(
        QStringLiteral("api-key"),
        QStringLiteral("REST API key (env BOILERHOUSE_API_KEY; unset = no auth). "
                       "Prefer the variable or --api-key-file: flags show in ps."),
        QStringLiteral("key"));
    const QCommandLineOption apiKeyFile(
        QStringLiteral("api-key-file"),
        QStringLiteral("Read the REST API key from this file (first line)."),
        QStringLiteral("path"));
    const QCommandLineOption cors(
        QStringLiteral("cors-origin"),
        QStringLiteral("Comma list of allowed CORS origins, * allowed (env CORS_ORIGIN)."),
        QStringLiteral("origins"));
    const QCommandLineOption kubeconfig(
        QStringLiteral("kubeconfig"),
        QStringLiteral("kubeconfig file(s), ':'-separated (env KUBECONFIG; else "
                       "in-cluster service account, else ~/.kube/config)."),
        QStringLiteral("path"));
    const QCommandLineOption context(
        QStringLiteral("context"),
        QStringLiteral("kubeconfig context to use instead of current-context."),
        QStringLiteral("name"));
    const QCommandLineOption tlsCert(
        QStringLiteral("tls-cert"),
        QStringLiteral("PEM certificate: serve HTTPS/WSS (needs --tls-key)."),
        QStringLiteral("path"));
    const QCommandLineOption tlsKey(QStringLiteral("tls-key"),
                                    QStringLiteral("PEM private key for --tls-cert."),
                                    QStringLiteral("path"));
    const QCommandLineOption simulate(
        QStringLiteral("simulate"),
        QStringLiteral("Run against an embedded simulated cluster with a live demo "
                       "scenario (ignores kubeconfig)."));
    const QCommandLineOption simulateRate(
        QStringLiteral("simulate-rate"),
        QStringLiteral("Demo scenario actions per second (default 5)."), QStringLiteral("n"));
    const QCommandLineOption verbose(
        QStringLiteral("verbose"),
        QStringLiteral("Debug logging for every bh.* category (else QT_LOGGING_RULES)."));
    const QCommandLineOption logFormat(
        QStringLiteral("log-format"),
        QStringLiteral("Log lines on stderr: text, or json = one JSON object per line "
                       "(env LOG_FORMAT, default text)."),
        QStringLiteral("format"));
    const QCommandLineOption wsOrigins(
        QStringLiteral("ws-origins"),
        QStringLiteral("Comma list of browser origins (scheme://host[:port]) allowed to open "
                       "/ws; others get 403 (env BOILERHOUSE_WS_ORIGINS; unset = any)."),
        QStringLiteral("origins"));
    const QCommandLineOption wsAuth(
        QStringLiteral("ws-auth"),
        QStringLiteral("/ws needs the API key too: Authorization: Bearer, or the subprotocol "
                       "base64url.bearer.boilerhouse.dev.<base64url(key)> (env "
                       "BOILERHOUSE_WS_AUTH=1)."));
    parser.addOptions({ help, version, port, listenHost, ns, apiKey, apiKeyFile, cors, kubeconfig,
                        context, tlsCert, tlsKey, simulate, simulateRate, verbose });
    parser.addOptions({ wsOrigins, wsAuth });
    parser.addOption(logFormat);

    if (!parser.parse(arguments))
        return invalid(parser.errorText());
    if (!parser.positionalArguments().isEmpty())
        return invalid(QStringLiteral("unexpected argument: %1")
                           .arg(parser.positionalArguments().constFirst()));
    if (parser.isSet(help)) {
        result.outcome = Outcome::Exit;
        result.text = parser.helpText();
        return result;
    }
    if (parser.isSet(version)) {
        result.outcome = Outcome::Exit;
        result.text = QStringLiteral("%1 %2\n").arg(QCoreApplication::applicationName(),
                                                    QCoreApplication::applicationVersion());
        return result;
    }

    const QString portText = pick(parser, port, environment, "PORT");
    if (!portText.isEmpty()) {
        bool ok = false;
        const uint value = portText.toUInt(&ok);
        if (!ok || value > 65535)
            return invalid(QStringLiteral("invalid port \"%1\" (--port / PORT): expected 0-65535")
                               .arg(portText));
        o.port = static_cast<quint16>(value);
    }

    const QString host = pick(parser, listenHost, environment, "LISTEN_HOST");
    if (!host.isEmpty()) {
        QHostAddress address;
        if (host == QLatin1String("localhost"))
            address = QHostAddress(QHostAddress::LocalHost);
        else if (!address.setAddress(host))
            return invalid(
                QStringLiteral("invalid listen host \"%1\" (--listen-host / LISTEN_HOST): "
                               "expected an IP address")
                    .arg(host));
        o.listenAddress = address;
        o.listenHost = host;
    }

    const QString nsText = pick(parser, ns, environment, "K8S_NAMESPACE");
    if (!nsText.isEmpty()) {
        if (!isDnsLabel(nsText))
            return invalid(QStringLiteral("invalid namespace \"%1\" (--namespace / K8S_NAMESPACE): "
                                          "expected a DNS label")
                               .arg(nsText));
        o.ns = nsText;
    }

    if (parser.isSet(apiKeyFile)) {
        QFile file(parser.value(apiKeyFile));
        if (!file.open(QIODevice::ReadOnly))
            return invalid(QStringLiteral("cannot read --api-key-file %1: %2")
                               .arg(file.fileName(), file.errorString()));
        if (file.size() > ServerOptions::MaxApiKeyFileBytes)
            return invalid(QStringLiteral("--api-key-file %1: larger than %2 bytes")
                               .arg(file.fileName())
                               .arg(ServerOptions::MaxApiKeyFileBytes));
        const QByteArray content = file.read(ServerOptions::MaxApiKeyFileBytes);
        o.apiKey = content.left(content.indexOf('\n') < 0 ? content.size() : content.indexOf('\n'))
                       .trimmed();
        if (o.apiKey.isEmpty())
            return invalid(
                QStringLiteral("--api-key-file %1: the file is empty").arg(file.fileName()));
    } else {
        o.apiKey = pick(parser, apiKey, environment, "BOILERHOUSE_API_KEY").toUtf8();
    }

    for (const QString &origin :
         pick(parser, cors, environment, "CORS_ORIGIN").split(QLatin1Char(','))) {
        const QString trimmed = origin.trimmed();
        if (!trimmed.isEmpty())
            o.corsOrigins.append(trimmed);
    }

    for (const QString &origin :
         pick(parser, wsOrigins, environment, "BOILERHOUSE_WS_ORIGINS").split(QLatin1Char(','))) {
        const QString trimmed = origin.trimmed();
        if (trimmed.isEmpty())
            continue;
        if (!hub::UpgradePolicy::serializeOrigin(trimmed))
            return invalid(QStringLiteral("invalid origin \"%1\" (--ws-origins / "
                                          "BOILERHOUSE_WS_ORIGINS): expected scheme://host[:port]")
                               .arg(trimmed));
        o.wsOrigins.append(trimmed);
    }
    if (parser.isSet(wsAuth)) {
        o.wsAuth = true;
    } else {
        const QString value =
            environment.value(QStringLiteral("BOILERHOUSE_WS_AUTH")).trimmed().toLower();
        if (value == QLatin1String("1") || value == QLatin1String("true"))
            o.wsAuth = true;
        else if (!value.isEmpty() && value != QLatin1String("0") && value != QLatin1String("false"))
            return invalid(
                QStringLiteral("invalid BOILERHOUSE_WS_AUTH \"%1\": expected 1 or 0").arg(value));
    }
    if (o.wsAuth && o.apiKey.isEmpty())
        return invalid(QStringLiteral("--ws-auth / BOILERHOUSE_WS_AUTH=1 needs an API key "
                                      "(--api-key, --api-key-file or BOILERHOUSE_API_KEY)"));

    o.kubeconfig = parser.isSet(kubeconfig) ? parser.value(kubeconfig) : QString();
    o.context = parser.value(context);
    o.tlsCertFile = parser.value(tlsCert);
    o.tlsKeyFile = parser.value(tlsKey);
    if (o.tlsCertFile.isEmpty() != o.tlsKeyFile.isEmpty())
        return invalid(QStringLiteral("--tls-cert and --tls-key must be given together"));
    o.simulate = parser.isSet(simulate);
    if (parser.isSet(simulateRate)) {
        bool ok = false;
        o.simulateRate = parser.value(simulateRate).toDouble(&ok);
        if (!ok || o.simulateRate <= 0 || o.simulateRate > 10'000)
            return invalid(
                QStringLiteral("invalid --simulate-rate \"%1\": expected a number in (0, 10000]")
                    .arg(parser.value(simulateRate)));
    }
    o.verbose = parser.isSet(verbose);
    // An empty LOG_FORMAT counts as unset; an empty --log-format is an error.
    const QString logFormatText = pick(parser, logFormat, environment, "LOG_FORMAT");
    if (!logFormatText.isEmpty() || parser.isSet(logFormat)) {
        const auto format = logFormatFromName(logFormatText);
        if (!format)
            return invalid(QStringLiteral("invalid log format \"%1\" (--log-format / LOG_FORMAT): "
                                          "expected text or json")
                               .arg(logFormatText));
        o.logFormat = *format;
    }
    return result;
}

} // namespace bh::app
