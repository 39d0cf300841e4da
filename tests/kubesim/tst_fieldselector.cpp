#include "kubesim/fieldselector.h"

#include <QTest>

using bh::sim::FieldSelector;

class tst_FieldSelector : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void matchesNameAndNamespace_data();
    void matchesNameAndNamespace();
    void rejectsUnsupportedOrMalformed_data();
    void rejectsUnsupportedOrMalformed();
};

void tst_FieldSelector::matchesNameAndNamespace_data()
{
    QTest::addColumn<QString>("selector");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("ns");
    QTest::addColumn<bool>("matches");
    QTest::newRow("empty") << ""
                           << "a"
                           << "ns" << true;
    QTest::newRow("name-equals") << "metadata.name=c1"
                                 << "c1"
                                 << "ns" << true;
    QTest::newRow("name-equals-miss") << "metadata.name=c1"
                                      << "c2"
                                      << "ns" << false;
    QTest::newRow("name-double-equals") << "metadata.name==c1"
                                        << "c1"
                                        << "ns" << true;
    QTest::newRow("name-not-equals") << "metadata.name!=c1"
                                     << "c2"
                                     << "ns" << true;
    QTest::newRow("namespace") << "metadata.namespace=ns"
                               << "x"
                               << "ns" << true;
    QTest::newRow("both") << "metadata.namespace=ns,metadata.name=x"
                          << "x"
                          << "ns" << true;
    QTest::newRow("both-miss") << "metadata.namespace=other,metadata.name=x"
                               << "x"
                               << "ns" << false;
    QTest::newRow("escaped-comma") << "metadata.name=a\\,b"
                                   << "a,b"
                                   << "ns" << true;
}

void tst_FieldSelector::matchesNameAndNamespace()
{
    QFETCH(QString, selector);
    QFETCH(QString, name);
    QFETCH(QString, ns);
    QFETCH(bool, matches);
    QString error;
    const auto sel = FieldSelector::parse(selector, &error);
    QVERIFY2(sel.has_value(), qPrintable(error));
    QCOMPARE(sel->matches(name, ns), matches);
}

void tst_FieldSelector::rejectsUnsupportedOrMalformed_data()
{
    QTest::addColumn<QString>("selector");
    QTest::addColumn<QString>("message");
    QTest::newRow("unsupported-field") << "status.phase=Running"
                                       << "field label not supported: status.phase";
    QTest::newRow("no-operator")
        << "metadata.name"
        << "invalid selector: 'metadata.name'; can't understand 'metadata.name'";
}

void tst_FieldSelector::rejectsUnsupportedOrMalformed()
{
    QFETCH(QString, selector);
    QFETCH(QString, message);
    QString error;
    QVERIFY(!FieldSelector::parse(selector, &error).has_value());
    QCOMPARE(error, message);
}

QTEST_GUILESS_MAIN(tst_FieldSelector)
#include "tst_fieldselector.moc"
