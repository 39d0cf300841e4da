// UpgradePolicy (PROTOCOL B.3): the Origin allowlist and the /ws API-key check, decided on a
// parsed request before the upgrade.

#include "hub/upgradepolicy.h"

#include <QTest>

using bh::hub::UpgradePolicy;
using Verdict = UpgradePolicy::Verdict;

Q_DECLARE_METATYPE(Verdict)

namespace {

const QByteArray kKey = "s3cret-k\xc3\xa9y/+=";

bh::http::Request upgradeRequest(const bh::http::HeaderList &headers)
{
    bh::http::Request request;
    request.setMethod("GET");
    request.setTarget("/ws");
    request.addHeader("Host", "127.0.0.1:3000");
    request.addHeader("Upgrade", "websocket");
    request.addHeader("Connection", "Upgrade");
    request.addHeader("Sec-WebSocket-Version", "13");
    request.addHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
    for (const auto &[name, value] : headers)
        request.addHeader(name, value);
    return request;
}

} // namespace

class tst_upgradepolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void serializesOriginsLikeBrowsers_data();
    void serializesOriginsLikeBrowsers();
    void refusesUnlistedOrigins_data();
    void refusesUnlistedOrigins();
    void parsesOfferedProtocols_data();
    void parsesOfferedProtocols();
    void rejectsMalformedBearerProtocols_data();
    void rejectsMalformedBearerProtocols();
    void checksKeyFromHeaderOrSubprotocol_data();
    void checksKeyFromHeaderOrSubprotocol();
    void answersLikeTheRestApi_data();
    void answersLikeTheRestApi();
    void originIsCheckedBeforeTheKey();
    void protocolRoundTripsEveryKeyLength();
    // Not a timed assertion: prints the cost of one decision (README figure).
    void decideBenchmark_data();
    void decideBenchmark();
};

void tst_upgradepolicy::serializesOriginsLikeBrowsers_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected"); // empty = invalid

    QTest::newRow("plain") << "http://example.com"
                           << "http://example.com";
    QTest::newRow("upper-case scheme and host") << "HTTP://Example.COM"
                                                << "http://example.com";
    QTest::newRow("default http port dropped") << "http://example.com:80"
                                               << "http://example.com";
    QTest::newRow("default https port dropped") << "https://a.b:443"
                                                << "https://a.b";
    QTest::newRow("443 kept on http") << "http://a.b:443"
                                      << "http://a.b:443";
    QTest::newRow("other port kept") << "http://127.0.0.1:8080"
                                     << "http://127.0.0.1:8080";
    QTest::newRow("leading zeros in port") << "http://a:08080"
                                           << "http://a:8080";
    QTest::newRow("trailing slash") << "https://a.b/"
                                    << "https://a.b";
    QTest::newRow("ipv6 compressed") << "http://[0:0:0:0:0:0:0:1]:3000"
                                     << "http://[::1]:3000";
    QTest::newRow("null origin") << "null"
                                 << "null";
    QTest::newRow("path") << "http://a.b/x"
                          << "";
    QTest::newRow("query") << "http://a.b?x"
                           << "";
    QTest::newRow("userinfo") << "http://u@a.b"
                              << "";
    QTest::newRow("no scheme") << "a.b:80"
                               << "";
    QTest::newRow("empty port") << "http://a.b:"
                                << "";
    QTest::newRow("port too large") << "http://a.b:65536"
                                    << "";
    QTest::newRow("bad ipv6") << "http://[zz::1]"
                              << "";
    QTest::newRow("ipv4 in brackets") << "http://[1.2.3.4]"
                                      << "";
    QTest::newRow("empty label") << "http://a..b"
                                 << "";
    QTest::newRow("star") << "*"
                          << "";
    QTest::newRow("empty") << ""
                           << "";
    QTest::newRow("space inside") << "http://a b"
                                  << "";
}

void tst_upgradepolicy::serializesOriginsLikeBrowsers()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    const std::optional<QString> serialized = UpgradePolicy::serializeOrigin(input);
    if (expected.isEmpty()) {
        QVERIFY2(!serialized, qPrintable(serialized.value_or(QString())));
        return;
    }
    QVERIFY(serialized);
    QCOMPARE(*serialized, expected);
}

void tst_upgradepolicy::refusesUnlistedOrigins_data()
{
    QTest::addColumn<QStringList>("allowed");
    QTest::addColumn<QByteArrayList>("origins"); // one Origin header each; empty list = none
    QTest::addColumn<Verdict>("verdict");

    const QStringList list { "https://dash.example.com", "http://localhost:8080" };
    QTest::newRow("listed") << list << QByteArrayList { "https://dash.example.com" }
                            << Verdict::Allowed;
    QTest::newRow("listed, other case and default port")
        << list << QByteArrayList { "HTTPS://Dash.Example.com:443" } << Verdict::Allowed;
    QTest::newRow("listed with port")
        << list << QByteArrayList { "http://localhost:8080" } << Verdict::Allowed;
    QTest::newRow("no Origin header: not a browser")
        << list << QByteArrayList {} << Verdict::Allowed;
    QTest::newRow("unlisted host")
        << list << QByteArrayList { "https://evil.example.com" } << Verdict::ForbiddenOrigin;
    QTest::newRow("listed host, other scheme")
        << list << QByteArrayList { "http://dash.example.com" } << Verdict::ForbiddenOrigin;
    QTest::newRow("listed host, other port")
        << list << QByteArrayList { "http://localhost:8081" } << Verdict::ForbiddenOrigin;
    QTest::newRow("suffix of a listed host")
        << list << QByteArrayList { "https://example.com" } << Verdict::ForbiddenOrigin;
    QTest::newRow("listed host as a prefix")
        << list << QByteArrayList { "https://dash.example.com.evil.net" }
        << Verdict::ForbiddenOrigin;
    QTest::newRow("opaque null origin")
        << list << QByteArrayList { "null" } << Verdict::ForbiddenOrigin;
    QTest::newRow("empty Origin header")
        << list << QByteArrayList { "" } << Verdict::ForbiddenOrigin;
    QTest::newRow("malformed Origin")
        << list << QByteArrayList { "https://dash.example.com/x" } << Verdict::ForbiddenOrigin;
    QTest::newRow("no allowlist: any origin")
        << QStringList {} << QByteArrayList { "https://evil.example.com" } << Verdict::Allowed;
}

void tst_upgradepolicy::refusesUnlistedOrigins()
{
    QFETCH(QStringList, allowed);
    QFETCH(QByteArrayList, origins);
    QFETCH(Verdict, verdict);
    UpgradePolicy::Config config;
    config.allowedOrigins = allowed;
    const UpgradePolicy policy(config);
    bh::http::HeaderList headers;
    for (const QByteArray &origin : origins)
        headers.append({ "Origin", origin });
    const UpgradePolicy::Decision decision = policy.decide(upgradeRequest(headers));
    QCOMPARE(decision.verdict, verdict);
    QCOMPARE(decision.origin, origins.value(0));
    QCOMPARE(decision.httpStatus(), verdict == Verdict::Allowed ? 200 : 403);
    QVERIFY(decision.subprotocol.isEmpty());
}

void tst_upgradepolicy::parsesOfferedProtocols_data()
{
    QTest::addColumn<QByteArrayList>("headerValues");
    QTest::addColumn<QByteArrayList>("expected");

    QTest::newRow("none") << QByteArrayList {} << QByteArrayList {};
    QTest::newRow("one") << QByteArrayList { "a" } << QByteArrayList { "a" };
    QTest::newRow("comma list with spaces")
        << QByteArrayList { " a ,b,  c" } << QByteArrayList { "a", "b", "c" };
    QTest::newRow("several headers in order")
        << QByteArrayList { "a, b", "c" } << QByteArrayList { "a", "b", "c" };
    QTest::newRow("empty items dropped") << QByteArrayList { ",a,,", "" } << QByteArrayList { "a" };
}

void tst_upgradepolicy::parsesOfferedProtocols()
{
    QFETCH(QByteArrayList, headerValues);
    QFETCH(QByteArrayList, expected);
    bh::http::HeaderList headers { { "Origin", "x" } };
    for (const QByteArray &value : headerValues)
        headers.append({ "sec-websocket-protocol", value });
    QCOMPARE(UpgradePolicy::offeredProtocols(headers), QList<QByteArray>(expected));
}

void tst_upgradepolicy::rejectsMalformedBearerProtocols_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QByteArray>("key"); // empty = rejected

    const QByteArray p = UpgradePolicy::BearerProtocolPrefix;
    QTest::newRow("valid") << p + "azN5" << QByteArray("k3y");
    QTest::newRow("valid, url alphabet") << p + "-_8" << QByteArray::fromHex("fbff");
    QTest::newRow("padding") << p + "azN5bg==" << QByteArray();
    QTest::newRow("standard alphabet +") << p + "+_8" << QByteArray();
    QTest::newRow("standard alphabet /") << p + "/_8" << QByteArray();
    QTest::newRow("impossible length") << p + "azN5b" << QByteArray();
    QTest::newRow("empty payload") << p << QByteArray();
    QTest::newRow("space inside") << p + "az N5" << QByteArray();
    QTest::newRow("other prefix") << QByteArray("base64url.bearer.authorization.k8s.io.azN5")
                                  << QByteArray();
    QTest::newRow("prefix in other case") << p.toUpper() + "azN5" << QByteArray();
}

void tst_upgradepolicy::rejectsMalformedBearerProtocols()
{
    QFETCH(QByteArray, token);
    QFETCH(QByteArray, key);
    const std::optional<QByteArray> decoded = UpgradePolicy::keyFromProtocol(token);
    if (key.isEmpty()) {
        QVERIFY(!decoded);
        return;
    }
    QVERIFY(decoded);
    QCOMPARE(*decoded, key);
}

void tst_upgradepolicy::checksKeyFromHeaderOrSubprotocol_data()
{
    QTest::addColumn<bool>("requireAuth");
    QTest::addColumn<bh::http::HeaderList>("headers");
    QTest::addColumn<Verdict>("verdict");
    QTest::addColumn<QByteArray>("subprotocol");

    const QByteArray good = UpgradePolicy::protocolForKey(kKey);
    const QByteArray wrong = UpgradePolicy::protocolForKey("not-the-key");
    const QByteArray malformed = QByteArray(UpgradePolicy::BearerProtocolPrefix) + "***";
    using H = bh::http::HeaderList;

    QTest::newRow("bearer header")
        << true << H { { "Authorization", "Bearer " + kKey } } << Verdict::Allowed << QByteArray();
    QTest::newRow("wrong bearer header")
        << true << H { { "Authorization", "Bearer nope" } } << Verdict::InvalidKey << QByteArray();
    QTest::newRow("key as a prefix of the token")
        << true << H { { "Authorization", "Bearer " + kKey + "x" } } << Verdict::InvalidKey
        << QByteArray();
    QTest::newRow("basic scheme") << true << H { { "Authorization", "Basic " + kKey } }
                                  << Verdict::MissingCredentials << QByteArray();
    QTest::newRow("nothing") << true << H {} << Verdict::MissingCredentials << QByteArray();
    QTest::newRow("only other protocols") << true << H { { "Sec-WebSocket-Protocol", "chat" } }
                                          << Verdict::MissingCredentials << QByteArray();
    QTest::newRow("subprotocol alone")
        << true << H { { "Sec-WebSocket-Protocol", good } } << Verdict::Allowed << good;
    QTest::newRow("subprotocol among others, one header")
        << true << H { { "Sec-WebSocket-Protocol", "chat, " + good + ", v2" } } << Verdict::Allowed
        << good;
    QTest::newRow("subprotocol in a second header")
        << true << H { { "Sec-WebSocket-Protocol", "chat" }, { "Sec-WebSocket-Protocol", good } }
        << Verdict::Allowed << good;
    QTest::newRow("wrong key in subprotocol")
        << true << H { { "Sec-WebSocket-Protocol", wrong } } << Verdict::InvalidKey << QByteArray();
    QTest::newRow("malformed base64 in subprotocol")
        << true << H { { "Sec-WebSocket-Protocol", malformed } } << Verdict::InvalidKey
        << QByteArray();
    QTest::newRow("two bearer subprotocols")
        << true << H { { "Sec-WebSocket-Protocol", good + "," + wrong } } << Verdict::InvalidKey
        << QByteArray();
    QTest::newRow("header wins over a wrong subprotocol")
        << true << H { { "Authorization", "Bearer " + kKey }, { "Sec-WebSocket-Protocol", wrong } }
        << Verdict::Allowed << QByteArray();
    QTest::newRow("wrong header is not rescued by the subprotocol")
        << true << H { { "Authorization", "Bearer x" }, { "Sec-WebSocket-Protocol", good } }
        << Verdict::InvalidKey << QByteArray();
    QTest::newRow("auth off: nothing needed") << false << H {} << Verdict::Allowed << QByteArray();
    QTest::newRow("auth off: a bearer offer is still echoed")
        << false << H { { "Sec-WebSocket-Protocol", "chat, " + wrong } } << Verdict::Allowed
        << wrong;
    QTest::newRow("auth off: a malformed offer is not echoed")
        << false << H { { "Sec-WebSocket-Protocol", malformed } } << Verdict::Allowed
        << QByteArray();
}

void tst_upgradepolicy::checksKeyFromHeaderOrSubprotocol()
{
    QFETCH(bool, requireAuth);
    QFETCH(bh::http::HeaderList, headers);
    QFETCH(Verdict, verdict);
    QFETCH(QByteArray, subprotocol);
    UpgradePolicy::Config config;
    config.requireAuth = requireAuth;
    config.apiKey = kKey;
    const UpgradePolicy::Decision decision = UpgradePolicy(config).decide(upgradeRequest(headers));
    QCOMPARE(decision.verdict, verdict);
    QCOMPARE(decision.subprotocol, subprotocol);
}

void tst_upgradepolicy::answersLikeTheRestApi_data()
{
    QTest::addColumn<Verdict>("verdict");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("message");
    QTest::newRow("allowed") << Verdict::Allowed << 200 << QString();
    QTest::newRow("origin") << Verdict::ForbiddenOrigin << 403 << "origin not allowed";
    QTest::newRow("missing") << Verdict::MissingCredentials << 401
                             << "missing Authorization header";
    QTest::newRow("invalid") << Verdict::InvalidKey << 401 << "invalid API key";
}

void tst_upgradepolicy::answersLikeTheRestApi()
{
    QFETCH(Verdict, verdict);
    QFETCH(int, status);
    QFETCH(QString, message);
    UpgradePolicy::Decision decision;
    decision.verdict = verdict;
    QCOMPARE(decision.httpStatus(), status);
    QCOMPARE(decision.message(), message);
    QCOMPARE(decision.allowed(), verdict == Verdict::Allowed);
}

void tst_upgradepolicy::originIsCheckedBeforeTheKey()
{
    UpgradePolicy::Config config;
    config.allowedOrigins = { "https://dash.example.com" };
    config.requireAuth = true;
    config.apiKey = kKey;
    const UpgradePolicy policy(config);
    const QByteArray good = UpgradePolicy::protocolForKey(kKey);
    QCOMPARE(policy
                 .decide(upgradeRequest(
                     { { "Origin", "https://evil.example" }, { "Sec-WebSocket-Protocol", good } }))
                 .verdict,
             Verdict::ForbiddenOrigin);
    const UpgradePolicy::Decision ok = policy.decide(upgradeRequest(
        { { "Origin", "https://dash.example.com" }, { "Sec-WebSocket-Protocol", good } }));
    QCOMPARE(ok.verdict, Verdict::Allowed);
    QCOMPARE(ok.subprotocol, good);
    QCOMPARE(policy.decide(upgradeRequest({ { "Origin", "https://dash.example.com" } })).verdict,
             Verdict::MissingCredentials);
}

void tst_upgradepolicy::protocolRoundTripsEveryKeyLength()
{
    // Every remainder of the base64 length (no padding) and bytes outside ASCII.
    QByteArray key;
    for (int length = 1; length <= 40; ++length) {
        key.append(char(0x20 + (length * 37) % 0xe0));
        const QByteArray token = UpgradePolicy::protocolForKey(key);
        QVERIFY(!token.contains('='));
        const std::optional<QByteArray> decoded = UpgradePolicy::keyFromProtocol(token);
        QVERIFY2(decoded, token.constData());
        QCOMPARE(*decoded, key);
    }
}

void tst_upgradepolicy::decideBenchmark_data()
{
    QTest::addColumn<bool>("origins");
    QTest::addColumn<bool>("auth");
    QTest::newRow("part A (nothing set)") << false << false;
    QTest::newRow("allowlist of 5") << true << false;
    QTest::newRow("allowlist of 5 + bearer subprotocol") << true << true;
}

void tst_upgradepolicy::decideBenchmark()
{
    QFETCH(bool, origins);
    QFETCH(bool, auth);
    UpgradePolicy::Config config;
    if (origins)
        config.allowedOrigins = { "https://a.example", "https://b.example", "https://c.example",
                                  "http://localhost:8080", "https://dash.example.com" };
    config.requireAuth = auth;
    config.apiKey = kKey;
    const UpgradePolicy policy(config);
    bh::http::HeaderList headers { { "Origin", "https://dash.example.com" } };
    if (auth)
        headers.append(
            { "Sec-WebSocket-Protocol", "chat, " + UpgradePolicy::protocolForKey(kKey) });
    const bh::http::Request request = upgradeRequest(headers);
    QBENCHMARK
    {
        const UpgradePolicy::Decision decision = policy.decide(request);
        QVERIFY(decision.allowed());
    }
}

QTEST_GUILESS_MAIN(tst_upgradepolicy)
#include "tst_upgradepolicy.moc"
