#include "api/bearerauth.h"

#include <QTest>

using bh::api::BearerAuth;

class tst_bearerauth : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void checksBearerHeader_data();
    void checksBearerHeader();
    void constantTimeEqualsComparesFully_data();
    void constantTimeEqualsComparesFully();
};

void tst_bearerauth::checksBearerHeader_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<BearerAuth::Result>("expected");
    QTest::addColumn<QString>("message");
    QTest::newRow("no key: everything allowed")
        << QByteArray() << QByteArray() << BearerAuth::Result::Allowed << "";
    QTest::newRow("missing header")
        << QByteArray("s3cret") << QByteArray() << BearerAuth::Result::MissingHeader
        << "missing Authorization header";
    QTest::newRow("no Bearer prefix")
        << QByteArray("s3cret") << QByteArray("s3cret") << BearerAuth::Result::MissingHeader
        << "missing Authorization header";
    QTest::newRow("Basic scheme") << QByteArray("s3cret") << QByteArray("Basic czNjcmV0")
                                  << BearerAuth::Result::MissingHeader
                                  << "missing Authorization header";
    QTest::newRow("wrong key") << QByteArray("s3cret") << QByteArray("Bearer s3creT")
                               << BearerAuth::Result::InvalidKey << "invalid API key";
    QTest::newRow("key prefix only") << QByteArray("s3cret") << QByteArray("Bearer s3c")
                                     << BearerAuth::Result::InvalidKey << "invalid API key";
    QTest::newRow("empty token") << QByteArray("s3cret") << QByteArray("Bearer ")
                                 << BearerAuth::Result::InvalidKey << "invalid API key";
    QTest::newRow("right key") << QByteArray("s3cret") << QByteArray("Bearer s3cret")
                               << BearerAuth::Result::Allowed << "";
}

void tst_bearerauth::checksBearerHeader()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, header);
    QFETCH(BearerAuth::Result, expected);
    QFETCH(QString, message);
    const BearerAuth auth(key);
    QCOMPARE(auth.check(header), expected);
    QCOMPARE(BearerAuth::message(auth.check(header)), message);
}

void tst_bearerauth::constantTimeEqualsComparesFully_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<bool>("equal");
    QTest::newRow("same") << QByteArray("abc") << QByteArray("abc") << true;
    QTest::newRow("both empty") << QByteArray() << QByteArray() << true;
    QTest::newRow("last byte differs") << QByteArray("abc") << QByteArray("abd") << false;
    QTest::newRow("longer") << QByteArray("abc") << QByteArray("abc\0", 4) << false;
    QTest::newRow("shorter") << QByteArray("abc") << QByteArray("ab") << false;
}

void tst_bearerauth::constantTimeEqualsComparesFully()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(bool, equal);
    QCOMPARE(BearerAuth::constantTimeEquals(a, b), equal);
    QCOMPARE(BearerAuth::constantTimeEquals(b, a), equal);
}

QTEST_GUILESS_MAIN(tst_bearerauth)
#include "tst_bearerauth.moc"
