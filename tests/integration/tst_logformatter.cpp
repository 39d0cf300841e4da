// Structured logs (--log-format json): the JSON line formatter, the message handler that
// installs it (from several threads at once), and the option parsing.

#include "app/jsonlogformatter.h"
#include "app/loghandler.h"
#include "app/optionsparser.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QTest>
#include <QThread>

#include <cstdio>
#include <memory>

using bh::app::JsonLogFormatter;
using bh::app::LogFormat;
using bh::app::LogHandler;
using bh::app::OptionsParser;

Q_LOGGING_CATEGORY(lcTest, "bh.test", QtDebugMsg)

namespace {

const QDateTime kTime(QDate(2026, 11, 29), QTime(8, 0, 0, 123), Qt::UTC);

// Parses one line; an invalid object on failure.
QJsonObject parseLine(const QByteArray &line, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = parseError.errorString() + QStringLiteral(": ") + QString::fromUtf8(line);
        return {};
    }
    return doc.object();
}

} // namespace

class tst_logformatter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void writesOneObjectInKeyOrder();
    void keepsEveryMessageOneValidLine_data();
    void keepsEveryMessageOneValidLine();
    void namesLevels_data();
    void namesLevels();
    void uncategorizedIsDefault();
    void cutsOverlongMessages();
    void addsFileAndLineWhenKnown();
    void handlerWritesJsonFromManyThreads();
    void handlerRestoresPreviousOnDestruction();
    void textHandlerWritesErrorPlain();
    void optionSelectsFormat_data();
    void optionSelectsFormat();
};

void tst_logformatter::writesOneObjectInKeyOrder()
{
    QCOMPARE(JsonLogFormatter::format(QtInfoMsg, "bh.server", QStringLiteral("listening"), kTime),
             QByteArray(R"({"ts":"2026-11-29T08:00:00.123Z","level":"info","logger":"bh.server",)"
                        R"("msg":"listening"})"
                        "\n"));
    // A local time is written in UTC.
    const QDateTime local = kTime.toOffsetFromUtc(3600);
    QVERIFY(JsonLogFormatter::format(QtInfoMsg, "c", QStringLiteral("m"), local)
                .startsWith(R"({"ts":"2026-11-29T08:00:00.123Z",)"));
}

void tst_logformatter::keepsEveryMessageOneValidLine_data()
{
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("expected"); // what a JSON parser reads back
    QTest::addColumn<QByteArray>("escaped"); // how it appears in the line
    QTest::newRow("plain") << QStringLiteral("hello") << QStringLiteral("hello")
                           << QByteArray(R"("hello")");
    QTest::newRow("double quotes") << QStringLiteral("say \"hi\"") << QStringLiteral("say \"hi\"")
                                   << QByteArray(R"("say \"hi\"")");
    QTest::newRow("backslash") << QStringLiteral("C:\\x") << QStringLiteral("C:\\x")
                               << QByteArray(R"("C:\\x")");
    QTest::newRow("newline") << QStringLiteral("one\ntwo") << QStringLiteral("one\ntwo")
                             << QByteArray(R"("one\ntwo")");
    QTest::newRow("carriage return and tab")
        << QStringLiteral("a\r\tb") << QStringLiteral("a\r\tb") << QByteArray(R"("a\r\tb")");
    QTest::newRow("backspace and form feed")
        << QStringLiteral("a\b\fb") << QStringLiteral("a\b\fb") << QByteArray(R"("a\b\fb")");
    QTest::newRow("NUL and other C0 controls")
        << QString::fromUtf8("a\0b\x01\x1f", 5) << QString::fromUtf8("a\0b\x01\x1f", 5)
        << QByteArray(R"("a\u0000b\u0001\u001f")");
    QTest::newRow("escape sequence (terminal colours)")
        << QStringLiteral("\x1b[31mred") << QStringLiteral("\x1b[31mred")
        << QByteArray(R"("\u001b[31mred")");
    QTest::newRow("DEL passes") << QStringLiteral("a\x7f") << QStringLiteral("a\x7f")
                                << QByteArray("\"a\x7f\"");
    QTest::newRow("non-ascii as utf-8")
        << QStringLiteral("caf\u00e9 \u6f22") << QStringLiteral("caf\u00e9 \u6f22")
        << QByteArray("\"caf\xc3\xa9 \xe6\xbc\xa2\"");
    QTest::newRow("surrogate pair (emoji)")
        << QString::fromUtf8("\xf0\x9f\x9a\x80") << QString::fromUtf8("\xf0\x9f\x9a\x80")
        << QByteArray("\"\xf0\x9f\x9a\x80\"");
    QTest::newRow("lone surrogate becomes U+FFFD")
        << (QStringLiteral("a") + QChar(0xd800) + QStringLiteral("b")) << QStringLiteral("a\ufffdb")
        << QByteArray("\"a\xef\xbf\xbd"
                      "b\"");
    QTest::newRow("JSON-looking text stays a string")
        << QStringLiteral("\"},{\"level\":\"fatal") << QStringLiteral("\"},{\"level\":\"fatal")
        << QByteArray(R"("\"},{\"level\":\"fatal")");
    QTest::newRow("empty") << QString() << QString() << QByteArray(R"("")");
}

void tst_logformatter::keepsEveryMessageOneValidLine()
{
    QFETCH(QString, message);
    QFETCH(QString, expected);
    QFETCH(QByteArray, escaped);
    const QByteArray line = JsonLogFormatter::format(QtWarningMsg, "bh.test", message, kTime);
    QVERIFY(line.endsWith('\n'));
    QCOMPARE(line.count('\n'), 1);
    QVERIFY2(line.contains(",\"msg\":" + escaped + "}\n"), line.constData());
    QString error;
    const QJsonObject o = parseLine(line, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(o.value("msg").toString(), expected);
    QCOMPARE(o.value("level").toString(), QStringLiteral("warning"));
    QCOMPARE(o.value("logger").toString(), QStringLiteral("bh.test"));
    QCOMPARE(o.size(), 4);
}

void tst_logformatter::namesLevels_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("level");
    QTest::newRow("debug") << int(QtDebugMsg) << QStringLiteral("debug");
    QTest::newRow("info") << int(QtInfoMsg) << QStringLiteral("info");
    QTest::newRow("warning") << int(QtWarningMsg) << QStringLiteral("warning");
    QTest::newRow("critical is error") << int(QtCriticalMsg) << QStringLiteral("error");
    QTest::newRow("fatal") << int(QtFatalMsg) << QStringLiteral("fatal");
}

void tst_logformatter::namesLevels()
{
    QFETCH(int, type);
    QFETCH(QString, level);
    QString error;
    const QJsonObject o = parseLine(
        JsonLogFormatter::format(QtMsgType(type), "c", QStringLiteral("m"), kTime), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(o.value("level").toString(), level);
}

void tst_logformatter::uncategorizedIsDefault()
{
    QString error;
    for (const char *category : { static_cast<const char *>(nullptr), "" }) {
        const QJsonObject o = parseLine(
            JsonLogFormatter::format(QtInfoMsg, category, QStringLiteral("m"), kTime), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(o.value("logger").toString(), QStringLiteral("default"));
    }
}

void tst_logformatter::cutsOverlongMessages()
{
    const QString longMessage(JsonLogFormatter::MaxMessageChars + 10, QLatin1Char('x'));
    const QByteArray line = JsonLogFormatter::format(QtInfoMsg, "c", longMessage, kTime);
    QString error;
    const QJsonObject o = parseLine(line, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(o.value("msg").toString().size(), JsonLogFormatter::MaxMessageChars);
    QCOMPARE(o.value("truncated").toBool(), true);
    const QString exact(JsonLogFormatter::MaxMessageChars, QLatin1Char('x'));
    QVERIFY(!parseLine(JsonLogFormatter::format(QtInfoMsg, "c", exact, kTime), &error)
                 .contains("truncated"));
}

void tst_logformatter::addsFileAndLineWhenKnown()
{
    QString error;
    const QJsonObject o = parseLine(
        JsonLogFormatter::format(QtInfoMsg, "c", QStringLiteral("m"), kTime, "src/a \"b\".cpp", 42),
        &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(o.value("file").toString(), QStringLiteral("src/a \"b\".cpp"));
    QCOMPARE(o.value("line").toInt(), 42);
}

void tst_logformatter::handlerWritesJsonFromManyThreads()
{
    constexpr int kThreads = 4;
    constexpr int kPerThread = 250;
    std::unique_ptr<FILE, int (*)(FILE *)> file(std::tmpfile(), &std::fclose);
    QVERIFY(file);
    {
        const LogHandler handler(LogFormat::Json, file.get());
        QCOMPARE(handler.format(), LogFormat::Json);
        qCInfo(lcTest).noquote() << "main thread says"
                                 << "\"quoted\"\nsecond line";
        QList<QThread *> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads << QThread::create([t] {
                for (int i = 0; i < kPerThread; ++i)
                    qCWarning(lcTest).noquote() << "thread" << t << "message" << i;
            });
            threads.last()->start();
        }
        for (QThread *thread : threads) {
            QVERIFY(thread->wait(10'000));
            delete thread;
        }
        qWarning("uncategorized %d", 7);
        handler.error(QStringLiteral("boilerhouse-server: fatal \"x\""));
    }
    std::rewind(file.get());
    QByteArray all;
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0)
        all.append(buffer, qsizetype(n));
    QVERIFY(all.endsWith('\n'));
    const QList<QByteArray> lines = all.chopped(1).split('\n');
    QCOMPARE(lines.size(), 1 + kThreads * kPerThread + 2);
    static const QRegularExpression ts(
        QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$"));
    QMap<QString, int> perThread;
    for (const QByteArray &line : lines) {
        QString error;
        const QJsonObject o = parseLine(line, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY2(ts.match(o.value("ts").toString()).hasMatch(), line.constData());
        const QString msg = o.value("msg").toString();
        if (msg.startsWith(QLatin1String("thread ")))
            ++perThread[msg.section(QLatin1Char(' '), 1, 1)];
    }
    QCOMPARE(perThread.size(), kThreads);
    for (int count : perThread)
        QCOMPARE(count, kPerThread);
    QString error;
    const QJsonObject first = parseLine(lines.first(), &error);
    QCOMPARE(first.value("logger").toString(), QStringLiteral("bh.test"));
    QCOMPARE(first.value("msg").toString(),
             QStringLiteral("main thread says \"quoted\"\nsecond line"));
    const QJsonObject uncategorized = parseLine(lines.at(lines.size() - 2), &error);
    QCOMPARE(uncategorized.value("logger").toString(), QStringLiteral("default"));
    QCOMPARE(uncategorized.value("msg").toString(), QStringLiteral("uncategorized 7"));
    const QJsonObject last = parseLine(lines.last(), &error);
    QCOMPARE(last.value("level").toString(), QStringLiteral("error"));
    QCOMPARE(last.value("logger").toString(), QStringLiteral("bh.server"));
    QCOMPARE(last.value("msg").toString(), QStringLiteral("boilerhouse-server: fatal \"x\""));
}

namespace {
int g_previousCalls = 0;
void countingHandler(QtMsgType, const QMessageLogContext &, const QString &)
{
    ++g_previousCalls;
}
} // namespace

void tst_logformatter::handlerRestoresPreviousOnDestruction()
{
    const QtMessageHandler original = qInstallMessageHandler(&countingHandler);
    g_previousCalls = 0;
    std::unique_ptr<FILE, int (*)(FILE *)> file(std::tmpfile(), &std::fclose);
    QVERIFY(file);
    {
        const LogHandler handler(LogFormat::Json, file.get());
        qCInfo(lcTest) << "to the json handler";
        QCOMPARE(g_previousCalls, 0);
    }
    qCInfo(lcTest) << "to the previous handler";
    QCOMPARE(g_previousCalls, 1);
    {
        // Text keeps whatever handler is installed.
        const LogHandler handler(LogFormat::Text, file.get());
        qCInfo(lcTest) << "still the previous handler";
        QCOMPARE(g_previousCalls, 2);
    }
    qInstallMessageHandler(original);
    QVERIFY(std::ftell(file.get()) > 0);
}

void tst_logformatter::textHandlerWritesErrorPlain()
{
    std::unique_ptr<FILE, int (*)(FILE *)> file(std::tmpfile(), &std::fclose);
    QVERIFY(file);
    const LogHandler handler(LogFormat::Text, file.get());
    handler.error(QStringLiteral("boilerhouse-server: cannot listen"));
    std::rewind(file.get());
    char buffer[256] = {};
    QVERIFY(std::fgets(buffer, sizeof buffer, file.get()));
    QCOMPARE(QByteArray(buffer), QByteArray("boilerhouse-server: cannot listen\n"));
}

void tst_logformatter::optionSelectsFormat_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("variable"); // LOG_FORMAT; null = unset
    QTest::addColumn<bool>("valid");
    QTest::addColumn<int>("format");
    QTest::addColumn<QString>("error");
    const QString bad = QStringLiteral(
        "invalid log format \"%1\" (--log-format / LOG_FORMAT): expected text or json");
    QTest::newRow("default text") << QStringList() << QString() << true << int(LogFormat::Text)
                                  << QString();
    QTest::newRow("flag json") << QStringList { "--log-format", "json" } << QString() << true
                               << int(LogFormat::Json) << QString();
    QTest::newRow("flag text") << QStringList { "--log-format=text" } << QString() << true
                               << int(LogFormat::Text) << QString();
    QTest::newRow("variable json")
        << QStringList() << QStringLiteral("json") << true << int(LogFormat::Json) << QString();
    QTest::newRow("empty variable is unset")
        << QStringList() << QStringLiteral("") << true << int(LogFormat::Text) << QString();
    QTest::newRow("flag wins over variable")
        << QStringList { "--log-format", "text" } << QStringLiteral("json") << true
        << int(LogFormat::Text) << QString();
    QTest::newRow("flag wins over a bad variable")
        << QStringList { "--log-format", "json" } << QStringLiteral("xml") << true
        << int(LogFormat::Json) << QString();
    QTest::newRow("bad flag") << QStringList { "--log-format", "xml" } << QString() << false << 0
                              << bad.arg("xml");
    QTest::newRow("case matters") << QStringList { "--log-format", "JSON" } << QString() << false
                                  << 0 << bad.arg("JSON");
    QTest::newRow("empty flag") << QStringList { "--log-format=" } << QString() << false << 0
                                << bad.arg("");
    QTest::newRow("bad variable") << QStringList() << QStringLiteral("logfmt") << false << 0
                                  << bad.arg("logfmt");
}

void tst_logformatter::optionSelectsFormat()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, variable);
    QFETCH(bool, valid);
    QFETCH(int, format);
    QFETCH(QString, error);
    QProcessEnvironment env;
    if (!variable.isNull())
        env.insert(QStringLiteral("LOG_FORMAT"), variable);
    const auto result =
        OptionsParser::parse(QStringList { QStringLiteral("boilerhouse-server") } + arguments, env);
    if (!valid) {
        QCOMPARE(result.outcome, OptionsParser::Outcome::Invalid);
        QCOMPARE(result.error, error);
        return;
    }
    QCOMPARE(result.outcome, OptionsParser::Outcome::Run);
    QCOMPARE(int(result.options.logFormat), format);
}

QTEST_GUILESS_MAIN(tst_logformatter)
#include "tst_logformatter.moc"
