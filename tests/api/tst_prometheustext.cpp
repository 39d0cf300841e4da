// The Prometheus text exposition writer (format 0.0.4): families, samples, escaping,
// histograms, and the rejection of everything the format forbids.

#include "api/prometheustext.h"

#include <QTest>

#include <cmath>
#include <limits>

using bh::api::PrometheusText;
using Type = PrometheusText::Type;
using Error = PrometheusText::Error;

Q_DECLARE_METATYPE(Error)

class tst_prometheustext : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void writesHelpAndTypeOncePerFamily();
    void escapesLabelValues_data();
    void escapesLabelValues();
    void escapesHelpText_data();
    void escapesHelpText();
    void formatsValues_data();
    void formatsValues();
    void countersKeepFull64BitPrecision();
    void histogramIsCumulativeWithInfSumAndCount();
    void histogramKeepsOtherLabelsBeforeLe();
    void rejectsBadInput_data();
    void rejectsBadInput();
    void stopsAtFirstError();
    void metricNameGrammar_data();
    void metricNameGrammar();
};

void tst_prometheustext::writesHelpAndTypeOncePerFamily()
{
    PrometheusText out;
    QVERIFY(out.family("bh_requests_total", Type::Counter, QStringLiteral("Requests.")));
    QVERIFY(out.sample({ { "code", QStringLiteral("200") } }, quint64(3)));
    QVERIFY(out.sample({ { "code", QStringLiteral("404") } }, quint64(1)));
    QVERIFY(out.family("bh_clients", Type::Gauge, QStringLiteral("Clients.")));
    QVERIFY(out.sample(2.0));
    QVERIFY(out.family("bh_other", Type::Untyped, QStringLiteral("Other.")));
    QVERIFY(out.sample(0.5));
    QCOMPARE(out.error(), Error::None);
    QCOMPARE(out.text(),
             QByteArray("# HELP bh_requests_total Requests.\n"
                        "# TYPE bh_requests_total counter\n"
                        "bh_requests_total{code=\"200\"} 3\n"
                        "bh_requests_total{code=\"404\"} 1\n"
                        "# HELP bh_clients Clients.\n"
                        "# TYPE bh_clients gauge\n"
                        "bh_clients 2\n"
                        "# HELP bh_other Other.\n"
                        "# TYPE bh_other untyped\n"
                        "bh_other 0.5\n"));
    QCOMPARE(QByteArray(PrometheusText::ContentType),
             QByteArray("text/plain; version=0.0.4; charset=utf-8"));
}

void tst_prometheustext::escapesLabelValues_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QByteArray>("escaped");
    QTest::newRow("plain") << QStringLiteral("pods") << QByteArray("pods");
    QTest::newRow("double quote") << QStringLiteral("a\"b") << QByteArray("a\\\"b");
    QTest::newRow("backslash") << QStringLiteral("a\\b") << QByteArray("a\\\\b");
    QTest::newRow("line feed") << QStringLiteral("a\nb") << QByteArray("a\\nb");
    QTest::newRow("backslash then n stays two characters")
        << QStringLiteral("\\n") << QByteArray("\\\\n");
    QTest::newRow("tab and carriage return pass through")
        << QStringLiteral("a\tb\rc") << QByteArray("a\tb\rc");
    QTest::newRow("utf-8") << QStringLiteral("\u00e9\u6f22") << QByteArray("\xc3\xa9\xe6\xbc\xa2");
    QTest::newRow("empty") << QString() << QByteArray();
}

void tst_prometheustext::escapesLabelValues()
{
    QFETCH(QString, value);
    QFETCH(QByteArray, escaped);
    QCOMPARE(PrometheusText::escapeLabelValue(value), escaped);
    PrometheusText out;
    QVERIFY(out.family("m", Type::Gauge, QStringLiteral("h")));
    QVERIFY(out.sample({ { "l", value } }, 1.0));
    QVERIFY(out.text().endsWith("m{l=\"" + escaped + "\"} 1\n"));
}

void tst_prometheustext::escapesHelpText_data()
{
    QTest::addColumn<QString>("help");
    QTest::addColumn<QByteArray>("escaped");
    QTest::newRow("quotes stay") << QStringLiteral("say \"hi\"") << QByteArray("say \"hi\"");
    QTest::newRow("backslash") << QStringLiteral("a\\b") << QByteArray("a\\\\b");
    QTest::newRow("line feed") << QStringLiteral("one\ntwo") << QByteArray("one\\ntwo");
}

void tst_prometheustext::escapesHelpText()
{
    QFETCH(QString, help);
    QFETCH(QByteArray, escaped);
    QCOMPARE(PrometheusText::escapeHelp(help), escaped);
    PrometheusText out;
    QVERIFY(out.family("m", Type::Gauge, help));
    QVERIFY(out.text().startsWith("# HELP m " + escaped + "\n# TYPE m gauge\n"));
}

void tst_prometheustext::formatsValues_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("zero") << 0.0 << QByteArray("0");
    QTest::newRow("negative zero") << -0.0 << QByteArray("0");
    QTest::newRow("integral") << 42.0 << QByteArray("42");
    QTest::newRow("negative integral") << -7.0 << QByteArray("-7");
    QTest::newRow("2^53") << 9007199254740992.0 << QByteArray("9007199254740992");
    QTest::newRow("beyond 2^53 gets an exponent") << 1e20 * 1000 << QByteArray("1e+23");
    QTest::newRow("fraction") << 0.25 << QByteArray("0.25");
    QTest::newRow("small bound stays plain like Go") << 0.0005 << QByteArray("0.0005");
    QTest::newRow("tiny gets an exponent") << 1.5e-7 << QByteArray("1.5e-07");
    QTest::newRow("shortest round trip") << 0.1 << QByteArray("0.1");
    QTest::newRow("many digits") << 1.0 / 3.0 << QByteArray("0.3333333333333333");
    QTest::newRow("+Inf") << std::numeric_limits<double>::infinity() << QByteArray("+Inf");
    QTest::newRow("-Inf") << -std::numeric_limits<double>::infinity() << QByteArray("-Inf");
    QTest::newRow("NaN") << std::numeric_limits<double>::quiet_NaN() << QByteArray("NaN");
}

void tst_prometheustext::formatsValues()
{
    QFETCH(double, value);
    QFETCH(QByteArray, text);
    QCOMPARE(PrometheusText::formatValue(value), text);
    if (std::isfinite(value))
        QCOMPARE(text.toDouble(), value); // round trip
}

void tst_prometheustext::countersKeepFull64BitPrecision()
{
    PrometheusText out;
    QVERIFY(out.family("c_total", Type::Counter, QStringLiteral("h")));
    QVERIFY(out.sample(std::numeric_limits<quint64>::max()));
    QVERIFY(out.text().endsWith("c_total 18446744073709551615\n"));
}

void tst_prometheustext::histogramIsCumulativeWithInfSumAndCount()
{
    PrometheusText out;
    QVERIFY(out.family("lat_seconds", Type::Histogram, QStringLiteral("Latency.")));
    QVERIFY(out.histogram({}, { 0.001, 0.01, 0.1 }, { 2, 0, 3, 1 }, 0.75));
    QCOMPARE(out.error(), Error::None);
    QCOMPARE(out.text(),
             QByteArray("# HELP lat_seconds Latency.\n"
                        "# TYPE lat_seconds histogram\n"
                        "lat_seconds_bucket{le=\"0.001\"} 2\n"
                        "lat_seconds_bucket{le=\"0.01\"} 2\n"
                        "lat_seconds_bucket{le=\"0.1\"} 5\n"
                        "lat_seconds_bucket{le=\"+Inf\"} 6\n"
                        "lat_seconds_sum 0.75\n"
                        "lat_seconds_count 6\n"));
}

void tst_prometheustext::histogramKeepsOtherLabelsBeforeLe()
{
    PrometheusText out;
    QVERIFY(out.family("lat_seconds", Type::Histogram, QStringLiteral("Latency.")));
    QVERIFY(out.histogram({ { "route", QStringLiteral("/ws") } }, { 1 }, { 0, 0 }, 0));
    QVERIFY(out.text().contains("lat_seconds_bucket{route=\"/ws\",le=\"1\"} 0\n"));
    QVERIFY(out.text().contains("lat_seconds_bucket{route=\"/ws\",le=\"+Inf\"} 0\n"));
    QVERIFY(out.text().contains("lat_seconds_sum{route=\"/ws\"} 0\n"));
    QVERIFY(out.text().endsWith("lat_seconds_count{route=\"/ws\"} 0\n"));
}

void tst_prometheustext::rejectsBadInput_data()
{
    QTest::addColumn<int>("step");
    QTest::addColumn<Error>("error");
    QTest::newRow("metric name starts with a digit") << 0 << Error::InvalidMetricName;
    QTest::newRow("metric name with a dash") << 1 << Error::InvalidMetricName;
    QTest::newRow("label name with a colon") << 2 << Error::InvalidLabelName;
    QTest::newRow("label name with __ prefix") << 3 << Error::InvalidLabelName;
    QTest::newRow("label given twice") << 4 << Error::InvalidLabelName;
    QTest::newRow("family written twice") << 5 << Error::DuplicateFamily;
    QTest::newRow("family clashing with a histogram's _count") << 6 << Error::DuplicateFamily;
    QTest::newRow("sample before any family") << 7 << Error::NoFamily;
    QTest::newRow("plain sample on a histogram") << 8 << Error::WrongSampleKind;
    QTest::newRow("histogram on a counter") << 9 << Error::WrongSampleKind;
    QTest::newRow("le label on a histogram") << 10 << Error::ReservedLabel;
    QTest::newRow("bounds not increasing") << 11 << Error::BadHistogram;
    QTest::newRow("counts without the +Inf bucket") << 12 << Error::BadHistogram;
    QTest::newRow("infinite bound") << 13 << Error::BadHistogram;
    QTest::newRow("empty metric name") << 14 << Error::InvalidMetricName;
}

void tst_prometheustext::rejectsBadInput()
{
    QFETCH(int, step);
    QFETCH(Error, error);
    PrometheusText out;
    const QString h = QStringLiteral("h");
    bool ok = true;
    switch (step) {
    case 0:
        ok = out.family("1abc", Type::Gauge, h);
        break;
    case 1:
        ok = out.family("a-b", Type::Gauge, h);
        break;
    case 2:
        ok = out.family("m", Type::Gauge, h) && out.sample({ { "a:b", QString() } }, 1.0);
        break;
    case 3:
        ok = out.family("m", Type::Gauge, h) && out.sample({ { "__name", QString() } }, 1.0);
        break;
    case 4:
        ok = out.family("m", Type::Gauge, h)
            && out.sample({ { "a", QStringLiteral("1") }, { "a", QStringLiteral("2") } }, 1.0);
        break;
    case 5:
        ok = out.family("m", Type::Gauge, h) && out.family("m", Type::Counter, h);
        break;
    case 6:
        ok = out.family("lat", Type::Histogram, h) && out.family("lat_count", Type::Gauge, h);
        break;
    case 7:
        ok = out.sample(1.0);
        break;
    case 8:
        ok = out.family("lat", Type::Histogram, h) && out.sample(1.0);
        break;
    case 9:
        ok = out.family("c_total", Type::Counter, h) && out.histogram({}, { 1 }, { 0, 0 }, 0);
        break;
    case 10:
        ok = out.family("lat", Type::Histogram, h)
            && out.histogram({ { "le", QStringLiteral("1") } }, { 1 }, { 0, 0 }, 0);
        break;
    case 11:
        ok = out.family("lat", Type::Histogram, h) && out.histogram({}, { 1, 1 }, { 0, 0, 0 }, 0);
        break;
    case 12:
        ok = out.family("lat", Type::Histogram, h) && out.histogram({}, { 1, 2 }, { 0, 0 }, 0);
        break;
    case 13:
        ok = out.family("lat", Type::Histogram, h)
            && out.histogram({}, { std::numeric_limits<double>::infinity() }, { 0, 0 }, 0);
        break;
    case 14:
        ok = out.family(QByteArray(), Type::Gauge, h);
        break;
    }
    QVERIFY(!ok);
    QCOMPARE(out.error(), error);
    QVERIFY(!PrometheusText::errorString(error).isEmpty());
    // Nothing half-written: every line that is there is complete.
    QVERIFY(out.text().isEmpty() || out.text().endsWith('\n'));
    QVERIFY(!out.text().contains("{"));
}

void tst_prometheustext::stopsAtFirstError()
{
    PrometheusText out;
    QVERIFY(!out.family("bad-name", Type::Gauge, QStringLiteral("h")));
    QVERIFY(!out.family("good", Type::Gauge, QStringLiteral("h")));
    QVERIFY(!out.sample(1.0));
    QCOMPARE(out.error(), Error::InvalidMetricName);
    QVERIFY(out.text().isEmpty());
}

void tst_prometheustext::metricNameGrammar_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<bool>("metricOk");
    QTest::addColumn<bool>("labelOk");
    QTest::newRow("lower") << QByteArray("abc") << true << true;
    QTest::newRow("underscore start") << QByteArray("_x") << true << true;
    QTest::newRow("colon") << QByteArray("job:rate5m") << true << false;
    QTest::newRow("digit inside") << QByteArray("a1") << true << true;
    QTest::newRow("digit first") << QByteArray("1a") << false << false;
    QTest::newRow("double underscore") << QByteArray("__x") << true << false;
    QTest::newRow("dot") << QByteArray("a.b") << false << false;
    QTest::newRow("non-ascii") << QByteArray("\xc3\xa9") << false << false;
    QTest::newRow("space") << QByteArray("a b") << false << false;
}

void tst_prometheustext::metricNameGrammar()
{
    QFETCH(QByteArray, name);
    QFETCH(bool, metricOk);
    QFETCH(bool, labelOk);
    QCOMPARE(PrometheusText::isValidMetricName(name), metricOk);
    QCOMPARE(PrometheusText::isValidLabelName(name), labelOk);
}

QTEST_GUILESS_MAIN(tst_prometheustext)
#include "tst_prometheustext.moc"
