#include "kubesimoptions.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslKey>

namespace bh::sim {

QString KubesimOptions::usage()
{
    return QStringLiteral(
        "Usage: boilerhouse-kubesim [options]\n"
        "A Kubernetes API simulator (pods + boilerhouseclaims, list/watch, faults).\n\n"
        "  --host ADDR              bind address (default 127.0.0.1)\n"
        "  --port N                 port; 0 = ephemeral (default 0)\n"
        "  --namespace NS           served namespace, repeatable (default boilerhouse)\n"
        "  --token TOKEN            require 'Authorization: Bearer TOKEN'\n"
        "  --tls-cert FILE          serve https with this PEM certificate (needs --tls-key)\n"
        "  --tls-key FILE           PEM private key for --tls-cert\n"
        "  --scenario demo|none     run the live demo cluster (default none)\n"
        "  --rate R                 scenario steps per second (default 5)\n"
        "  --seed N                 scenario seed (default 1)\n"
        "  --pods N                 preload N pods (benchmarks)\n"
        "  --log FILE               append every request line to FILE\n"
        "  --state-file FILE        keep objects and resourceVersions in FILE across restarts\n"
        "                           (loaded at start when it exists, saved after every change)\n"
        "  --gone-as-http           answer expired watches with HTTP 410 instead of an ERROR "
        "event\n"
        "  --deploy-kinds           also serve ServiceAccount/Service/Deployment/Role/RoleBinding "
        "(kubectl apply of deploy/)\n"
        "  --history-limit N        events kept for watch resumption (default 10000)\n"
        "  --history-max-age S      seconds events are kept (default 300)\n"
        "  --bookmark-interval MS   BOOKMARK period for watches that allow them (default 30000)\n"
        "  --help                   this text\n");
}

std::optional<KubesimOptions> KubesimOptions::parse(const QStringList &args, QString *error)
{
    KubesimOptions o;
    bool namespacesGiven = false;
    auto fail = [error](const QString &msg) {
        if (error)
            *error = msg;
        return std::nullopt;
    };
    for (qsizetype i = 0; i < args.size(); ++i) {
        QString arg = args.at(i);
        QString value;
        bool hasInline = false;
        if (arg.startsWith(QLatin1String("--")) && arg.contains(QLatin1Char('='))) {
            value = arg.mid(arg.indexOf(QLatin1Char('=')) + 1);
            arg = arg.left(arg.indexOf(QLatin1Char('=')));
            hasInline = true;
        }
        static const QStringList flags { "--help", "-h", "--gone-as-http", "--deploy-kinds" };
        static const QStringList valued { "--host",
                                          "--port",
                                          "--namespace",
                                          "--token",
                                          "--tls-cert",
                                          "--tls-key",
                                          "--scenario",
                                          "--rate",
                                          "--seed",
                                          "--pods",
                                          "--log",
                                          "--state-file",
                                          "--history-limit",
                                          "--history-max-age",
                                          "--bookmark-interval" };
        if (flags.contains(arg)) {
            if (hasInline)
                return fail(QStringLiteral("option %1 takes no value").arg(arg));
            if (arg == QLatin1String("--gone-as-http"))
                o.simulator.gone410AsHttpStatus = true;
            else if (arg == QLatin1String("--deploy-kinds"))
                o.simulator.serveDeployKinds = true;
            else
                o.help = true;
            continue;
        }
        if (!valued.contains(arg))
            return fail(QStringLiteral("unknown option '%1' (see --help)").arg(args.at(i)));
        if (!hasInline) {
            if (i + 1 >= args.size())
                return fail(QStringLiteral("option %1 needs a value").arg(arg));
            value = args.at(++i);
        }
        auto number = [&](qint64 lo, qint64 hi, qint64 *out) {
            bool ok = false;
            const qint64 n = value.toLongLong(&ok);
            if (!ok || n < lo || n > hi)
                return false;
            *out = n;
            return true;
        };
        qint64 n = 0;
        if (arg == QLatin1String("--host")) {
            QHostAddress a;
            if (value == QLatin1String("localhost"))
                a = QHostAddress::LocalHost;
            else if (!a.setAddress(value))
                return fail(QStringLiteral("--host: '%1' is not an IP address").arg(value));
            o.simulator.address = a;
        } else if (arg == QLatin1String("--port")) {
            if (!number(0, 65535, &n))
                return fail(
                    QStringLiteral("--port: '%1' is not a port number (0-65535)").arg(value));
            o.simulator.port = quint16(n);
        } else if (arg == QLatin1String("--namespace")) {
            if (value.isEmpty())
                return fail(QStringLiteral("--namespace: empty namespace"));
            if (!namespacesGiven)
                o.simulator.namespaces.clear();
            namespacesGiven = true;
            if (!o.simulator.namespaces.contains(value))
                o.simulator.namespaces << value;
        } else if (arg == QLatin1String("--token")) {
            if (value.isEmpty())
                return fail(QStringLiteral("--token: empty token"));
            o.simulator.token = value;
        } else if (arg == QLatin1String("--tls-cert")) {
            o.tlsCertFile = value;
        } else if (arg == QLatin1String("--tls-key")) {
            o.tlsKeyFile = value;
        } else if (arg == QLatin1String("--scenario")) {
            if (value != QLatin1String("demo") && value != QLatin1String("none"))
                return fail(QStringLiteral("--scenario: '%1' is not one of demo, none").arg(value));
            o.scenario = value == QLatin1String("demo");
        } else if (arg == QLatin1String("--rate")) {
            bool ok = false;
            const double r = value.toDouble(&ok);
            if (!ok || !(r > 0) || r > 1e6)
                return fail(QStringLiteral("--rate: '%1' is not a rate in events/s (0 < r <= 1e6)")
                                .arg(value));
            o.scenarioConfig.eventsPerSecond = r;
        } else if (arg == QLatin1String("--seed")) {
            if (!number(0, 0xffffffffLL, &n))
                return fail(
                    QStringLiteral("--seed: '%1' is not a 32-bit unsigned number").arg(value));
            o.scenarioConfig.seed = quint32(n);
        } else if (arg == QLatin1String("--pods")) {
            if (!number(0, MaxPreloadPods, &n))
                return fail(QStringLiteral("--pods: '%1' is not a count (0-%2)")
                                .arg(value)
                                .arg(MaxPreloadPods));
            o.preloadPods = int(n);
        } else if (arg == QLatin1String("--log")) {
            if (value.isEmpty())
                return fail(QStringLiteral("--log: empty file name"));
            o.logFile = value;
        } else if (arg == QLatin1String("--state-file")) {
            if (value.isEmpty())
                return fail(QStringLiteral("--state-file: empty file name"));
            o.stateFile = value;
        } else if (arg == QLatin1String("--history-limit")) {
            if (!number(1, 10'000'000, &n))
                return fail(
                    QStringLiteral("--history-limit: '%1' is not a count (1-10000000)").arg(value));
            o.simulator.historyLimit = int(n);
        } else if (arg == QLatin1String("--history-max-age")) {
            if (!number(1, 86'400, &n))
                return fail(
                    QStringLiteral("--history-max-age: '%1' is not seconds (1-86400)").arg(value));
            o.simulator.historyMaxAge = std::chrono::seconds(n);
        } else if (arg == QLatin1String("--bookmark-interval")) {
            if (!number(10, 3'600'000, &n))
                return fail(
                    QStringLiteral("--bookmark-interval: '%1' is not milliseconds (10-3600000)")
                        .arg(value));
            o.simulator.bookmarkInterval = std::chrono::milliseconds(n);
        }
    }
    if (o.tlsCertFile.isEmpty() != o.tlsKeyFile.isEmpty())
        return fail(QStringLiteral("--tls-cert and --tls-key must be given together"));
    if (!o.tlsCertFile.isEmpty()) {
        QFile cf(o.tlsCertFile);
        if (!cf.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("--tls-cert: cannot read %1: %2")
                            .arg(o.tlsCertFile, cf.errorString()));
        const QList<QSslCertificate> certs = QSslCertificate::fromData(cf.readAll(), QSsl::Pem);
        if (certs.isEmpty())
            return fail(QStringLiteral("--tls-cert: no PEM certificate in %1").arg(o.tlsCertFile));
        QFile kf(o.tlsKeyFile);
        if (!kf.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("--tls-key: cannot read %1: %2")
                            .arg(o.tlsKeyFile, kf.errorString()));
        const QByteArray keyPem = kf.readAll();
        QSslKey key(keyPem, QSsl::Rsa, QSsl::Pem);
        if (key.isNull())
            key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
        if (key.isNull())
            return fail(
                QStringLiteral("--tls-key: no RSA or EC PEM private key in %1").arg(o.tlsKeyFile));
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificate(certs.first());
        if (certs.size() > 1)
            tls.setLocalCertificateChain(certs);
        tls.setPrivateKey(key);
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        o.simulator.tls = tls;
    }
    if (o.scenario && !o.simulator.namespaces.isEmpty())
        o.scenarioConfig.ns = o.simulator.namespaces.first();
    return o;
}

} // namespace bh::sim
