#include "app/optionsparser.h"

#include <QTemporaryDir>
#include <QTest>

using bh::app::OptionsParser;
using bh::app::ServerOptions;

class tst_optionsparser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaultsMatchProtocol();
    void flagWinsOverEnvironment_data();
    void flagWinsOverEnvironment();
    void apiKeyFileFirstLine();
    void corsListIsTrimmed();
    void wsProtectionOptions_data();
    void wsProtectionOptions();
};

namespace {
OptionsParser::Result parse(const QStringList &args, const QList<QPair<QString, QString>> &env = {})
{
    QProcessEnvironment e;
    for (const auto &kv : env)
        e.insert(kv.first, kv.second);
    return OptionsParser::parse(QStringList { "boilerhouse-server" } + args, e);
}
} // namespace

void tst_optionsparser::defaultsMatchProtocol()
{
    const auto r = parse({});
    QCOMPARE(r.outcome, OptionsParser::Outcome::Run);
    QCOMPARE(r.options.port, quint16(3000));
    QCOMPARE(r.options.listenAddress, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(r.options.ns, QStringLiteral("boilerhouse"));
    QVERIFY(r.options.apiKey.isEmpty());
    QVERIFY(r.options.corsOrigins.isEmpty());
    QVERIFY(!r.options.simulate);
}

void tst_optionsparser::flagWinsOverEnvironment_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("expected");
    QTest::newRow("PORT") << QStringList {} << "PORT"
                          << "4000"
                          << "port"
                          << "4000";
    QTest::newRow("--port over PORT") << QStringList { "--port", "5000" } << "PORT"
                                      << "4000"
                                      << "port"
                                      << "5000";
    QTest::newRow("LISTEN_HOST") << QStringList {} << "LISTEN_HOST"
                                 << "0.0.0.0"
                                 << "host"
                                 << "0.0.0.0";
    QTest::newRow("--listen-host over LISTEN_HOST")
        << QStringList { "--listen-host", "::1" } << "LISTEN_HOST"
        << "0.0.0.0"
        << "host"
        << "::1";
    QTest::newRow("K8S_NAMESPACE") << QStringList {} << "K8S_NAMESPACE"
                                   << "team-a"
                                   << "ns"
                                   << "team-a";
    QTest::newRow("--namespace over K8S_NAMESPACE")
        << QStringList { "--namespace", "team-b" } << "K8S_NAMESPACE"
        << "team-a"
        << "ns"
        << "team-b";
    QTest::newRow("BOILERHOUSE_API_KEY") << QStringList {} << "BOILERHOUSE_API_KEY"
                                         << "k"
                                         << "key"
                                         << "k";
    QTest::newRow("--api-key over variable")
        << QStringList { "--api-key", "f" } << "BOILERHOUSE_API_KEY"
        << "k"
        << "key"
        << "f";
    QTest::newRow("CORS_ORIGIN") << QStringList {} << "CORS_ORIGIN"
                                 << "*"
                                 << "cors"
                                 << "*";
}

void tst_optionsparser::flagWinsOverEnvironment()
{
    QFETCH(QStringList, args);
    QFETCH(QString, variable);
    QFETCH(QString, value);
    QFETCH(QString, field);
    QFETCH(QString, expected);
    const auto r = parse(args, { { variable, value } });
    QCOMPARE(r.outcome, OptionsParser::Outcome::Run);
    const ServerOptions &o = r.options;
    const QString actual = field == "port" ? QString::number(o.port)
        : field == "host"                  ? o.listenAddress.toString()
        : field == "ns"                    ? o.ns
        : field == "key"                   ? QString::fromUtf8(o.apiKey)
                                           : o.corsOrigins.join(',');
    QCOMPARE(actual, expected);
}

void tst_optionsparser::apiKeyFileFirstLine()
{
    QTemporaryDir dir;
    QFile file(dir.filePath("key"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("  s3cret \nsecond line\n");
    file.close();
    auto r = parse({ "--api-key-file", file.fileName() }, { { "BOILERHOUSE_API_KEY", "env" } });
    QCOMPARE(r.outcome, OptionsParser::Outcome::Run);
    QCOMPARE(r.options.apiKey, QByteArray("s3cret"));

    QFile empty(dir.filePath("empty"));
    QVERIFY(empty.open(QIODevice::WriteOnly));
    empty.close();
    r = parse({ "--api-key-file", empty.fileName() });
    QCOMPARE(r.outcome, OptionsParser::Outcome::Invalid);
    QVERIFY(r.error.contains("the file is empty"));
}

void tst_optionsparser::corsListIsTrimmed()
{
    const auto r = parse({ "--cors-origin", " https://a.example , ,https://b.example" });
    QCOMPARE(r.options.corsOrigins, (QStringList { "https://a.example", "https://b.example" }));
}

void tst_optionsparser::wsProtectionOptions_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("env"); // NAME=value
    QTest::addColumn<QStringList>("origins"); // expected; ignored when invalid
    QTest::addColumn<bool>("wsAuth");
    QTest::addColumn<QString>("error"); // a part of the one-line error; empty = valid

    QTest::newRow("defaults: open")
        << QStringList {} << QStringList {} << QStringList {} << false << QString();
    QTest::newRow("origins from the variable, trimmed")
        << QStringList {}
        << QStringList { "BOILERHOUSE_WS_ORIGINS= https://a.example , ,http://b:8080" }
        << QStringList { "https://a.example", "http://b:8080" } << false << QString();
    QTest::newRow("--ws-origins over the variable")
        << QStringList { "--ws-origins", "https://c.example" }
        << QStringList { "BOILERHOUSE_WS_ORIGINS=https://a.example" }
        << QStringList { "https://c.example" } << false << QString();
    QTest::newRow("origin with a path")
        << QStringList { "--ws-origins", "https://a.example/app" } << QStringList {}
        << QStringList {} << false << "invalid origin \"https://a.example/app\"";
    QTest::newRow("origin without scheme")
        << QStringList {} << QStringList { "BOILERHOUSE_WS_ORIGINS=a.example" } << QStringList {}
        << false << "BOILERHOUSE_WS_ORIGINS";
    QTest::newRow("BOILERHOUSE_WS_AUTH=1 with a key")
        << QStringList {} << QStringList { "BOILERHOUSE_WS_AUTH=1", "BOILERHOUSE_API_KEY=k" }
        << QStringList {} << true << QString();
    QTest::newRow("--ws-auth with --api-key")
        << QStringList { "--ws-auth", "--api-key", "k" } << QStringList {} << QStringList {} << true
        << QString();
    QTest::newRow("BOILERHOUSE_WS_AUTH=0")
        << QStringList {} << QStringList { "BOILERHOUSE_WS_AUTH=0" } << QStringList {} << false
        << QString();
    QTest::newRow("BOILERHOUSE_WS_AUTH=1 without a key")
        << QStringList {} << QStringList { "BOILERHOUSE_WS_AUTH=1" } << QStringList {} << false
        << "needs an API key";
    QTest::newRow("--ws-auth without a key") << QStringList { "--ws-auth" } << QStringList {}
                                             << QStringList {} << false << "needs an API key";
    QTest::newRow("BOILERHOUSE_WS_AUTH=maybe")
        << QStringList {} << QStringList { "BOILERHOUSE_WS_AUTH=maybe", "BOILERHOUSE_API_KEY=k" }
        << QStringList {} << false << "invalid BOILERHOUSE_WS_AUTH";
}

void tst_optionsparser::wsProtectionOptions()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, env);
    QFETCH(QStringList, origins);
    QFETCH(bool, wsAuth);
    QFETCH(QString, error);
    QList<QPair<QString, QString>> variables;
    for (const QString &assignment : env) {
        const qsizetype eq = assignment.indexOf('=');
        variables.append({ assignment.left(eq), assignment.mid(eq + 1) });
    }
    const auto r = parse(args, variables);
    if (!error.isEmpty()) {
        QCOMPARE(r.outcome, OptionsParser::Outcome::Invalid);
        QVERIFY2(r.error.contains(error), qPrintable(r.error));
        QVERIFY(!r.error.contains('\n'));
        return;
    }
    QCOMPARE(r.outcome, OptionsParser::Outcome::Run);
    QCOMPARE(r.options.wsOrigins, origins);
    QCOMPARE(r.options.wsAuth, wsAuth);
}

QTEST_GUILESS_MAIN(tst_optionsparser)
#include "tst_optionsparser.moc"
