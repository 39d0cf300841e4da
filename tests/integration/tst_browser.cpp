// A real browser against the real boilerhouse-server (PROTOCOL B.3): Debian's chromium, headless,
// loads a page served from ANOTHER origin (PageServer, its own port) whose script opens
// new WebSocket("ws://127.0.0.1:<server>/ws", [protocol]) and reports the outcome (into the DOM,
// and to the page server). Refused when the page's origin is not in BOILERHOUSE_WS_ORIGINS (the
// server logged the 403), accepted with an event when it is, and accepted with the echoed
// bearer subprotocol under BOILERHOUSE_WS_AUTH=1. A missing chromium fails the test.

#include "clusterfixture.h"
#include "httpclient.h"
#include "pageserver.h"
#include "serverprocess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace {

constexpr int kTimeout = 15'000;
// One browser run: start, load, WebSocket outcome, DOM dump, exit (≈ 2 s idle; generous for
// a loaded CI machine and the sanitizer pass).
constexpr int kBrowserTimeout = 90'000;
const QByteArray kKey = "browser-k3y";
const QByteArray kEvent = R"({"type":"instance.state","name":"browser-pod","phase":"Running",)"
                          R"("workloadRef":"agent","tenantId":"carol"})";

QByteArray jsString(const QString &text)
{
    return QJsonDocument(QJsonArray { text }).toJson(QJsonDocument::Compact).mid(1).chopped(1);
}

QByteArray page(const QUrl &wsUrl, const QByteArray &protocol)
{
    QByteArray html = R"(<!doctype html>
<html><head><meta charset="utf-8"><title>boilerhouse browser test</title></head><body>
<p id="outcome">pending</p>
<img src="/hold" alt="">
<script>
(function () {
  var WS_URL = @URL@, PROTOCOL = @PROTOCOL@;
  var out = document.getElementById('outcome');
  var done = false;
  function report(text) {
    if (done) return;
    done = true;
    out.textContent = text;
    fetch('/result?outcome=' + encodeURIComponent(text)).catch(function () {});
  }
  var ws;
  try {
    ws = PROTOCOL ? new WebSocket(WS_URL, [PROTOCOL]) : new WebSocket(WS_URL);
  } catch (e) {
    report('exception ' + e.name);
    return;
  }
  var opened = false;
  ws.onopen = function () { opened = true; };
  ws.onmessage = function (m) {
    report('message protocol=' + ws.protocol + ' data=' + m.data);
    ws.close(1000);
  };
  ws.onclose = function (e) { report((opened ? 'closed' : 'refused') + ' code=' + e.code); };
})();
</script></body></html>
)";
    html.replace("@URL@", jsString(wsUrl.toString()));
    html.replace("@PROTOCOL@", jsString(QString::fromLatin1(protocol)));
    return html;
}

} // namespace

class tst_browser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void openServerAcceptsAnyOrigin();
    void unansweredSubprotocolFailsInChromium();
    void unlistedOriginIsRefused();
    void listedOriginReceivesEvents();
    void bearerSubprotocolIsEchoedUnderWsAuth();
    void wrongKeyIsRefusedUnderWsAuth();

private:
    // Starts a server with these extra variables; null (and a failure) when it does not come up.
    std::unique_ptr<ServerProcess> startServer(const QList<QPair<QString, QString>> &variables);
    // Runs chromium on the page (which opens `wsUrl` offering `protocol`); the outcome the page
    // reported, which must also be in the DOM chromium printed.
    QString runBrowser(const QUrl &wsUrl, const QByteArray &protocol = {});

    QString m_chromium;
    ClusterFixture m_cluster;
    PageServer m_pages;
    HttpClient m_http;
};

void tst_browser::initTestCase()
{
    m_chromium = QStandardPaths::findExecutable(QStringLiteral("chromium"));
    QVERIFY2(!m_chromium.isEmpty(),
             "chromium not found in PATH: apt-get install chromium (scripts/packages/browser.txt)");
    QVERIFY(m_cluster.start());
    m_cluster.createPod("browser-pod", "agent", "carol", "Running");
    QVERIFY(m_pages.listen());
}

std::unique_ptr<ServerProcess>
tst_browser::startServer(const QList<QPair<QString, QString>> &variables)
{
    QProcessEnvironment env = ServerProcess::cleanEnvironment();
    env.insert("KUBECONFIG", m_cluster.kubeconfigPath());
    for (const auto &[name, value] : variables)
        env.insert(name, value);
    auto server = std::make_unique<ServerProcess>();
    if (!server->start({}, env)) {
        QTest::qFail(qPrintable(server->errors()), __FILE__, __LINE__);
        return nullptr;
    }
    for (int i = 0; i < kTimeout / 50; ++i) {
        if (m_http.get(server->url("/readyz")).status == 200)
            return server;
        QTest::qWait(50);
    }
    QTest::qFail(qPrintable(server->errors()), __FILE__, __LINE__);
    return nullptr;
}

QString tst_browser::runBrowser(const QUrl &wsUrl, const QByteArray &protocol)
{
    m_pages.setPage(page(wsUrl, protocol));
    m_pages.reset();
    QTemporaryDir profile;
    if (!profile.isValid())
        return QStringLiteral("no temporary profile directory");
    QProcess chromium;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("HOME", profile.path());
    chromium.setProcessEnvironment(env);
    QSignalSpy result(&m_pages, &PageServer::resultReceived);
    QSignalSpy finished(&chromium, &QProcess::finished);
    chromium.start(m_chromium,
                   { "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                     "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                     "--user-data-dir=" + profile.filePath("profile"), "--dump-dom",
                     m_pages.pageUrl().toString() });
    if (!chromium.waitForStarted(kTimeout))
        return QStringLiteral("chromium did not start: ") + chromium.errorString();
    const bool reported = result.count() > 0 || result.wait(kBrowserTimeout);
    const bool exited = finished.count() > 0 || finished.wait(kBrowserTimeout);
    const QString dom = QString::fromUtf8(chromium.readAllStandardOutput());
    const QString log = QString::fromUtf8(chromium.readAllStandardError()).right(3000);
    if (!exited) {
        chromium.kill();
        chromium.waitForFinished(kTimeout);
        return QStringLiteral("chromium did not exit; stderr: ") + log;
    }
    if (!reported || m_pages.results().isEmpty())
        return QStringLiteral("the page reported nothing (exit %1); dom: %2; stderr: %3")
            .arg(chromium.exitCode())
            .arg(dom, log);
    const QString outcome = m_pages.results().constFirst();
    if (chromium.exitCode() != 0 || !dom.contains(QStringLiteral("<p id=\"outcome\">") + outcome))
        return QStringLiteral("DOM does not show \"%1\" (exit %2): %3; stderr: %4")
            .arg(outcome)
            .arg(chromium.exitCode())
            .arg(dom, log);
    return outcome;
}

void tst_browser::openServerAcceptsAnyOrigin()
{
    const auto server = startServer({});
    QVERIFY(server);
    QCOMPARE(runBrowser(server->wsUrl()),
             QStringLiteral("message protocol= data=") + QString::fromLatin1(kEvent));
}

void tst_browser::unansweredSubprotocolFailsInChromium()
{
    // Why the server echoes the bearer subprotocol: a browser that offered a protocol fails a
    // 101 without Sec-WebSocket-Protocol (RFC 6455 §4.1), though the server accepted it.
    const auto server = startServer({});
    QVERIFY(server);
    QCOMPARE(runBrowser(server->wsUrl(), "chat.example"), QStringLiteral("refused code=1006"));
    QVERIFY2(!server->stderrText().contains("refused"), qPrintable(server->stderrText()));
}

void tst_browser::unlistedOriginIsRefused()
{
    // Listed: the same host on another port, and another host on the page's port.
    const QString listed = QStringLiteral("http://127.0.0.1:%1, http://localhost:%2")
                               .arg(m_pages.port() == 65535 ? 1 : m_pages.port() + 1)
                               .arg(m_pages.port());
    const auto server = startServer({ { "BOILERHOUSE_WS_ORIGINS", listed } });
    QVERIFY(server);
    QCOMPARE(runBrowser(server->wsUrl()), QStringLiteral("refused code=1006"));
    // The server refused it before the upgrade (403) and said why, naming the page's origin.
    QTRY_VERIFY2_WITH_TIMEOUT(
        server->stderrText().contains(
            QStringLiteral("refused /ws from origin \"%1\"").arg(m_pages.origin())),
        qPrintable(server->stderrText()), kTimeout);
}

void tst_browser::listedOriginReceivesEvents()
{
    const auto server =
        startServer({ { "BOILERHOUSE_WS_ORIGINS", "https://dash.example, " + m_pages.origin() } });
    QVERIFY(server);
    QCOMPARE(runBrowser(server->wsUrl()),
             QStringLiteral("message protocol= data=") + QString::fromLatin1(kEvent));
    QVERIFY2(!server->stderrText().contains("refused"), qPrintable(server->stderrText()));
}

void tst_browser::bearerSubprotocolIsEchoedUnderWsAuth()
{
    const auto server = startServer({ { "BOILERHOUSE_WS_ORIGINS", m_pages.origin() },
                                      { "BOILERHOUSE_API_KEY", QString::fromLatin1(kKey) },
                                      { "BOILERHOUSE_WS_AUTH", "1" } });
    QVERIFY(server);
    // What the README tells page authors to write: base64url of the key, no padding.
    const QByteArray protocol = "base64url.bearer.boilerhouse.dev."
        + kKey.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    QCOMPARE(runBrowser(server->wsUrl(), protocol),
             QStringLiteral("message protocol=%1 data=%2")
                 .arg(QString::fromLatin1(protocol), QString::fromLatin1(kEvent)));
}

void tst_browser::wrongKeyIsRefusedUnderWsAuth()
{
    const auto server = startServer(
        { { "BOILERHOUSE_API_KEY", QString::fromLatin1(kKey) }, { "BOILERHOUSE_WS_AUTH", "1" } });
    QVERIFY(server);
    const QByteArray wrong = "base64url.bearer.boilerhouse.dev."
        + QByteArray("not-the-key")
              .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    QCOMPARE(runBrowser(server->wsUrl(), wrong), QStringLiteral("refused code=1006"));
    QTRY_VERIFY_WITH_TIMEOUT(server->stderrText().contains("invalid API key"), kTimeout);
    // Without any protocol: 401 too (the page cannot send an Authorization header).
    QCOMPARE(runBrowser(server->wsUrl()), QStringLiteral("refused code=1006"));
    QTRY_VERIFY_WITH_TIMEOUT(server->stderrText().contains("missing Authorization header"),
                             kTimeout);
}

QTEST_GUILESS_MAIN(tst_browser)
#include "tst_browser.moc"
