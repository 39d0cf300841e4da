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

QTEST_GUILESS_MAIN(tst_optionsparser)
#include "tst_optionsparser.moc"
