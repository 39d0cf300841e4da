#include "kubesim/labelselector.h"

#include <QJsonObject>
#include <QTest>

using bh::sim::LabelSelector;

class tst_LabelSelector : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void matchesLabels_data();
    void matchesLabels();
    void rejectsWithApiserverMessage_data();
    void rejectsWithApiserverMessage();
    void emptySelectorMatchesEverything();
};

void tst_LabelSelector::matchesLabels_data()
{
    QTest::addColumn<QString>("selector");
    QTest::addColumn<QJsonObject>("labels");
    QTest::addColumn<bool>("matches");

    const QJsonObject managed { { "boilerhouse.dev/managed", "true" },
                                { "app", "web" },
                                { "n", "7" } };
    QTest::newRow("equals") << "boilerhouse.dev/managed=true" << managed << true;
    QTest::newRow("equals-other-value") << "boilerhouse.dev/managed=false" << managed << false;
    QTest::newRow("double-equals") << "app==web" << managed << true;
    QTest::newRow("not-equals-differs") << "app!=db" << managed << true;
    QTest::newRow("not-equals-same") << "app!=web" << managed << false;
    QTest::newRow("not-equals-missing-key") << "tier!=x" << managed << true;
    QTest::newRow("in") << "app in (db,web)" << managed << true;
    QTest::newRow("in-miss") << "app in (db, cache)" << managed << false;
    QTest::newRow("notin-miss") << "app notin (db)" << managed << true;
    QTest::newRow("notin-hit") << "app notin (db,web)" << managed << false;
    QTest::newRow("notin-missing-key") << "tier notin (a)" << managed << true;
    QTest::newRow("exists") << "app" << managed << true;
    QTest::newRow("exists-missing") << "tier" << managed << false;
    QTest::newRow("not-exists") << "!tier" << managed << true;
    QTest::newRow("not-exists-present") << "!app" << managed << false;
    QTest::newRow("and-all") << "app=web, boilerhouse.dev/managed=true,!tier" << managed << true;
    QTest::newRow("and-one-fails") << "app=web,tier" << managed << false;
    QTest::newRow("greater-than") << "n>5" << managed << true;
    QTest::newRow("less-than") << "n<5" << managed << false;
    QTest::newRow("empty-value") << "app=" << QJsonObject { { "app", "" } } << true;
    QTest::newRow("in-as-value") << "app=in" << QJsonObject { { "app", "in" } } << true;
    QTest::newRow("whitespace") << "  app  =  web  " << managed << true;
}

void tst_LabelSelector::matchesLabels()
{
    QFETCH(QString, selector);
    QFETCH(QJsonObject, labels);
    QFETCH(bool, matches);
    QString error;
    const auto sel = LabelSelector::parse(selector, &error);
    QVERIFY2(sel.has_value(), qPrintable(error));
    QCOMPARE(sel->matches(labels), matches);
}

void tst_LabelSelector::rejectsWithApiserverMessage_data()
{
    QTest::addColumn<QString>("selector");
    QTest::addColumn<QString>("message");

    QTest::newRow("unclosed-in") << "a in (b"
                                 << "unable to parse requirement: found '', expected: ',' or ')'";
    QTest::newRow("in-without-paren") << "a in b"
                                      << "unable to parse requirement: found 'b' expected: '('";
    QTest::newRow("missing-operator")
        << "a b"
        << "unable to parse requirement: found 'b', expected: in, !=, notin, =, ==, gt, lt";
    QTest::newRow("trailing-comma") << "a=b,"
                                    << "found '', expected: identifier after ','";
    QTest::newRow("leading-operator") << "=b"
                                      << "found '=', expected: !, identifier, or 'end of string'";
    QTest::newRow("not-followed-by-operator") << "!a=b"
                                              << "found '=', expected: ',' or 'end of string'";
    QTest::newRow("bad-value") << "a=b c"
                               << "found 'c', expected: ',' or 'end of string'";
    QTest::newRow("gt-not-integer")
        << "a>b"
        << "unable to parse requirement: values[0]: Invalid value: \"b\": for 'Gt', 'Lt' "
           "operators, the value must be an integer";
    QTest::newRow("bad-key")
        << "-a=b"
        << "unable to parse requirement: key: Invalid value: \"-a\": name part must consist of "
           "alphanumeric characters, '-', '_' or '.', and must start and end with an "
           "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
           "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    QTest::newRow("bad-value-chars")
        << "a=b$"
        << "unable to parse requirement: values[0]: Invalid value: \"b$\": a valid label must be "
           "an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
           "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
           "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    QTest::newRow("value-too-long")
        << QString("a=") + QString(64, 'x')
        << QString("unable to parse requirement: values[0]: Invalid value: \"%1\": must be no "
                   "more than 63 characters")
               .arg(QString(64, 'x'));
    QTest::newRow("in-bad-list") << "a in (b c)"
                                 << "unable to parse requirement: found 'c', expected: ',' or ')'";
    QTest::newRow("in-operator-inside")
        << "a in (=)"
        << "unable to parse requirement: found '=', expected: ',', ')' or identifier";
}

void tst_LabelSelector::rejectsWithApiserverMessage()
{
    QFETCH(QString, selector);
    QFETCH(QString, message);
    QString error;
    const auto sel = LabelSelector::parse(selector, &error);
    QVERIFY(!sel.has_value());
    QCOMPARE(error, message);
}

void tst_LabelSelector::emptySelectorMatchesEverything()
{
    const auto sel = LabelSelector::parse(QString());
    QVERIFY(sel.has_value());
    QVERIFY(sel->isEmpty());
    QVERIFY(sel->matches(QJsonObject { { "x", "y" } }));
    QVERIFY(sel->matches(QJsonObject()));
}

QTEST_GUILESS_MAIN(tst_LabelSelector)
#include "tst_labelselector.moc"
