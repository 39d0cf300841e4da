#include "http/httprequest.h"
#include "http/httpresponse.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace bh::http;

// The value types: how a request target, headers and versions read back; response helpers.
class tst_httpmessage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void targetSplitsIntoPathAndQuery_data();
    void targetSplitsIntoPathAndQuery();
    void methodIsRecognised_data();
    void methodIsRecognised();
    void keepAliveFollowsVersionAndConnection_data();
    void keepAliveFollowsVersionAndConnection();
    void webSocketUpgradeNeedsBothHeaders_data();
    void webSocketUpgradeNeedsBothHeaders();
    void headersAreCaseInsensitive();
    void jsonErrorHasErrorShape();
    void setHeaderReplaces();
    void reasonPhrases_data();
    void reasonPhrases();
};

void tst_httpmessage::targetSplitsIntoPathAndQuery_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("queryKey");
    QTest::addColumn<QString>("queryValue");
    QTest::newRow("plain") << QByteArray("/api/v1/pods") << "/api/v1/pods" << QString()
                           << QString();
    QTest::newRow("query") << QByteArray("/api/v1/pods?watch=1&labelSelector=a%3Db")
                           << "/api/v1/pods"
                           << "labelSelector"
                           << "a=b";
    QTest::newRow("percent path") << QByteArray("/a%20b/%C3%A9")
                                  << QString::fromUtf8("/a b/\xc3\xa9") << QString() << QString();
    QTest::newRow("double slash stays a path")
        << QByteArray("//evil.example/x") << "//evil.example/x" << QString() << QString();
    QTest::newRow("absolute form") << QByteArray("http://host:8080/p?q=1") << "/p"
                                   << "q"
                                   << "1";
    QTest::newRow("absolute form without path")
        << QByteArray("http://host") << "/" << QString() << QString();
    QTest::newRow("fragment dropped") << QByteArray("/p?x=1#frag") << "/p"
                                      << "x"
                                      << "1";
    QTest::newRow("asterisk") << QByteArray("*") << "*" << QString() << QString();
    QTest::newRow("plus is not space in path")
        << QByteArray("/a+b") << "/a+b" << QString() << QString();
}

void tst_httpmessage::targetSplitsIntoPathAndQuery()
{
    QFETCH(QByteArray, target);
    QFETCH(QString, path);
    QFETCH(QString, queryKey);
    QFETCH(QString, queryValue);
    Request r;
    r.setTarget(target);
    QCOMPARE(r.target(), target);
    QCOMPARE(r.path(), path);
    QVERIFY(r.url().host().isEmpty());
    if (!queryKey.isEmpty())
        QCOMPARE(r.query().queryItemValue(queryKey, QUrl::FullyDecoded), queryValue);
}

void tst_httpmessage::methodIsRecognised_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<Request::Method>("method");
    QTest::newRow("GET") << QByteArray("GET") << Request::Method::Get;
    QTest::newRow("HEAD") << QByteArray("HEAD") << Request::Method::Head;
    QTest::newRow("POST") << QByteArray("POST") << Request::Method::Post;
    QTest::newRow("PUT") << QByteArray("PUT") << Request::Method::Put;
    QTest::newRow("PATCH") << QByteArray("PATCH") << Request::Method::Patch;
    QTest::newRow("DELETE") << QByteArray("DELETE") << Request::Method::Delete;
    QTest::newRow("OPTIONS") << QByteArray("OPTIONS") << Request::Method::Options;
    QTest::newRow("TRACE") << QByteArray("TRACE") << Request::Method::Other;
    QTest::newRow("lower case is another method") << QByteArray("get") << Request::Method::Other;
}

void tst_httpmessage::methodIsRecognised()
{
    QFETCH(QByteArray, name);
    QFETCH(Request::Method, method);
    Request r;
    r.setMethod(name);
    QCOMPARE(r.method(), method);
    QCOMPARE(r.methodName(), name);
}

void tst_httpmessage::keepAliveFollowsVersionAndConnection_data()
{
    QTest::addColumn<int>("minor");
    QTest::addColumn<QByteArray>("connection");
    QTest::addColumn<bool>("keepAlive");
    QTest::newRow("1.1") << 1 << QByteArray() << true;
    QTest::newRow("1.1 close") << 1 << QByteArray("close") << false;
    QTest::newRow("1.1 Close, upgrade") << 1 << QByteArray("Upgrade, Close") << false;
    QTest::newRow("1.1 closed (not a token match)") << 1 << QByteArray("closed") << true;
    QTest::newRow("1.0") << 0 << QByteArray() << false;
    QTest::newRow("1.0 keep-alive") << 0 << QByteArray("keep-alive") << true;
}

void tst_httpmessage::keepAliveFollowsVersionAndConnection()
{
    QFETCH(int, minor);
    QFETCH(QByteArray, connection);
    QFETCH(bool, keepAlive);
    Request r;
    r.setVersion(1, minor);
    if (!connection.isEmpty())
        r.addHeader("Connection", connection);
    QCOMPARE(r.wantsKeepAlive(), keepAlive);
}

void tst_httpmessage::webSocketUpgradeNeedsBothHeaders_data()
{
    QTest::addColumn<QByteArray>("upgrade");
    QTest::addColumn<QByteArray>("connection");
    QTest::addColumn<bool>("isUpgrade");
    QTest::newRow("browser") << QByteArray("websocket") << QByteArray("Upgrade") << true;
    QTest::newRow("firefox") << QByteArray("websocket") << QByteArray("keep-alive, Upgrade")
                             << true;
    QTest::newRow("case") << QByteArray("WebSocket") << QByteArray("upgrade") << true;
    QTest::newRow("no connection upgrade")
        << QByteArray("websocket") << QByteArray("keep-alive") << false;
    QTest::newRow("h2c") << QByteArray("h2c") << QByteArray("Upgrade") << false;
    QTest::newRow("none") << QByteArray() << QByteArray() << false;
}

void tst_httpmessage::webSocketUpgradeNeedsBothHeaders()
{
    QFETCH(QByteArray, upgrade);
    QFETCH(QByteArray, connection);
    QFETCH(bool, isUpgrade);
    Request r;
    if (!upgrade.isEmpty())
        r.addHeader("Upgrade", upgrade);
    if (!connection.isEmpty())
        r.addHeader("Connection", connection);
    QCOMPARE(r.isWebSocketUpgrade(), isUpgrade);
}

void tst_httpmessage::headersAreCaseInsensitive()
{
    Request r;
    r.addHeader("Authorization", "Bearer a");
    r.addHeader("authorization", "Bearer b");
    QCOMPARE(r.header("AUTHORIZATION"), QByteArray("Bearer a"));
    QVERIFY(r.hasHeader("authorization"));
    QVERIFY(!r.hasHeader("cookie"));
    QVERIFY(r.header("cookie").isEmpty());
}

void tst_httpmessage::jsonErrorHasErrorShape()
{
    const Response r = Response::jsonError(404, QStringLiteral("not \"found\""));
    QCOMPARE(r.status(), 404);
    QCOMPARE(r.header("content-type"), QByteArray("application/json"));
    QCOMPARE(r.body(), QByteArray(R"({"error":"not \"found\""})"));
    QCOMPARE(QJsonDocument::fromJson(r.body()).object().value(QStringLiteral("error")).toString(),
             QStringLiteral("not \"found\""));
}

void tst_httpmessage::setHeaderReplaces()
{
    Response r(200, "x", "text/plain");
    r.addHeader("X-A", "1").addHeader("x-a", "2");
    r.setHeader("X-A", "3");
    r.setHeader("Content-Type", "application/json");
    QCOMPARE(r.headers().size(), 2);
    QCOMPARE(r.header("x-a"), QByteArray("3"));
    QCOMPARE(r.header("content-type"), QByteArray("application/json"));
}

void tst_httpmessage::reasonPhrases_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("reason");
    QTest::newRow("200") << 200 << QByteArray("OK");
    QTest::newRow("410") << 410 << QByteArray("Gone");
    QTest::newRow("413") << 413 << QByteArray("Content Too Large");
    QTest::newRow("431") << 431 << QByteArray("Request Header Fields Too Large");
    QTest::newRow("unknown 299") << 299 << QByteArray("Success");
    QTest::newRow("unknown 599") << 599 << QByteArray("Server Error");
}

void tst_httpmessage::reasonPhrases()
{
    QFETCH(int, status);
    QFETCH(QByteArray, reason);
    QCOMPARE(Response::reasonPhrase(status), reason);
}

QTEST_GUILESS_MAIN(tst_httpmessage)
#include "tst_httpmessage.moc"
