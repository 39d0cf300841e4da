// PROTOCOL part A compatibility with every part-B feature active at once: an Origin allowlist,
// an API key for REST, and other clients using ?since=, filters, a bearer subprotocol and
// pings. A client that knows only part A (plain /ws, no query, no protocol; with and without a
// listed Origin) must receive exactly the part-A bytes: the replay, then the live events, each
// one unfragmented unmasked text frame, no "seq", keys in A.3 order, strings escaped as Go's
// encoding/json does. The expected frames are built here, byte by byte, not with the
// server's encoder.

#include "clusterfixture.h"
#include "eventclient.h"
#include "httpclient.h"
#include "serverprocess.h"

#include <QHostAddress>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

namespace {

constexpr int kTimeout = 15'000;
const QByteArray kListedOrigin = "http://dash.example:8080";
const QByteArray kKey = "compat-k3y";

// Go's encoding/json string encoding (HTML-safe, the default of json.Marshal): ", \ and the
// control characters escaped (\n \r \t short forms, others \u00xx), <, >, & as \u003c \u003e
// \u0026, U+2028 and U+2029 as \u2028 \u2029; everything else as UTF-8.
QByteArray goString(const QString &text)
{
    static const char hex[] = "0123456789abcdef";
    QByteArray out = "\"";
    for (const char32_t c : text.toUcs4()) {
        switch (c) {
        case U'"':
            out += "\\\"";
            continue;
        case U'\\':
            out += "\\\\";
            continue;
        case U'\n':
            out += "\\n";
            continue;
        case U'\r':
            out += "\\r";
            continue;
        case U'\t':
            out += "\\t";
            continue;
        case U'<':
        case U'>':
        case U'&':
        case 0x2028:
        case 0x2029: {
            out += "\\u";
            for (int shift = 12; shift >= 0; shift -= 4)
                out += hex[(c >> shift) & 0xf];
            continue;
        }
        default:
            break;
        }
        if (c < 0x20) {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xf];
        } else {
            out += QString::fromUcs4(&c, 1).toUtf8();
        }
    }
    return out + '"';
}

// One event as part A writes it: keys in the order type, name, phase, workloadRef, tenantId,
// source; empty fields omitted.
QByteArray eventJson(const char *type, const QString &name, const QString &phase = {},
                     const QString &workload = {}, const QString &tenant = {},
                     const QString &source = {})
{
    QByteArray out = "{\"type\":" + goString(QString::fromLatin1(type));
    const QList<QPair<const char *, QString>> fields { { "name", name },
                                                       { "phase", phase },
                                                       { "workloadRef", workload },
                                                       { "tenantId", tenant },
                                                       { "source", source } };
    for (const auto &[key, value] : fields) {
        if (!value.isEmpty())
            out += ",\"" + QByteArray(key) + "\":" + goString(value);
    }
    return out + '}';
}

// An unmasked, unfragmented text frame (RFC 6455 §5.2), as a server sends it.
QByteArray textFrame(const QByteArray &payload)
{
    QByteArray frame(1, char(0x81));
    if (payload.size() < 126) {
        frame += char(payload.size());
    } else {
        Q_ASSERT(payload.size() < 65536);
        frame += char(126);
        frame += char((payload.size() >> 8) & 0xff);
        frame += char(payload.size() & 0xff);
    }
    return frame + payload;
}

// A part-A client on a bare socket: sends a plain handshake, keeps the 101 head and every
// byte after it, so whole frames can be compared.
class RawPartAClient : public QObject
{
public:
    void open(quint16 port, const QByteArray &origin)
    {
        connect(&m_socket, &QTcpSocket::connected, this, [this, port, origin] {
            QByteArray request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                  "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n";
            if (!origin.isEmpty())
                request += "Origin: " + origin + "\r\n";
            m_socket.write(request + "\r\n");
        });
        connect(&m_socket, &QTcpSocket::readyRead, this, [this] {
            m_bytes += m_socket.readAll();
            if (m_head.isEmpty()) {
                const qsizetype end = m_bytes.indexOf("\r\n\r\n");
                if (end >= 0) {
                    m_head = m_bytes.left(end + 4);
                    m_bytes.remove(0, end + 4);
                }
            }
        });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
    }
    QByteArray head() const { return m_head; }
    // Complete data frames received, as raw bytes; server pings (0x89) are skipped — part B
    // adds them and every WebSocket client answers them by itself.
    QList<QByteArray> dataFrames(QByteArray *error) const
    {
        QList<QByteArray> frames;
        qsizetype at = 0;
        while (at + 2 <= m_bytes.size()) {
            const auto b0 = quint8(m_bytes[at]);
            const auto b1 = quint8(m_bytes[at + 1]);
            qsizetype length = b1 & 0x7f;
            qsizetype headerBytes = 2;
            if (length == 126) {
                if (at + 4 > m_bytes.size())
                    break;
                length = (qsizetype(quint8(m_bytes[at + 2])) << 8) | quint8(m_bytes[at + 3]);
                headerBytes = 4;
            } else if (length == 127) {
                *error = "a 64-bit length frame";
                break;
            }
            if (b1 & 0x80) {
                *error = "a masked server frame";
                break;
            }
            if (at + headerBytes + length > m_bytes.size())
                break;
            if (b0 != 0x89)
                frames.append(m_bytes.mid(at, headerBytes + length));
            at += headerBytes + length;
        }
        return frames;
    }

private:
    QTcpSocket m_socket;
    QByteArray m_head;
    QByteArray m_bytes;
};

} // namespace

class tst_partacompat : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void partAClientSeesUnchangedBytes();

private:
    bool waitReady();
    // Waits until every part-A client holds `expected` data frames, then compares them whole.
    void expectFrames(const QList<QByteArray> &expected);
    void pingAll();

    ClusterFixture m_cluster;
    ServerProcess m_server;
    HttpClient m_http;
    QList<RawPartAClient *> m_partA;
    QList<EventClient *> m_partB;
};

bool tst_partacompat::waitReady()
{
    for (int i = 0; i < kTimeout / 50; ++i) {
        if (m_http.get(m_server.url("/readyz")).status == 200)
            return true;
        QTest::qWait(50);
    }
    return false;
}

void tst_partacompat::expectFrames(const QList<QByteArray> &payloads)
{
    QList<QByteArray> expected;
    for (const QByteArray &payload : payloads)
        expected.append(textFrame(payload));
    for (RawPartAClient *client : std::as_const(m_partA)) {
        QByteArray error;
        QTRY_VERIFY_WITH_TIMEOUT(
            client->dataFrames(&error).size() >= expected.size() || !error.isEmpty(), kTimeout);
        QVERIFY2(error.isEmpty(), error.constData());
        const QList<QByteArray> frames = client->dataFrames(&error);
        for (qsizetype i = 0; i < qMax(frames.size(), expected.size()); ++i) {
            QVERIFY2(frames.value(i) == expected.value(i),
                     qPrintable(QStringLiteral("frame %1: got %2, expected %3")
                                    .arg(i)
                                    .arg(QString::fromUtf8(frames.value(i).toHex(' ')),
                                         QString::fromUtf8(expected.value(i).toHex(' ')))));
        }
    }
}

void tst_partacompat::pingAll()
{
    // Part-B clients keep pinging (pongs are part of the stream they see, not of part A's).
    for (EventClient *client : std::as_const(m_partB)) {
        QSignalSpy pong(&client->socket(), &QWebSocket::pong);
        client->socket().ping("compat");
        QVERIFY(pong.wait(kTimeout));
    }
}

void tst_partacompat::initTestCase()
{
    QVERIFY(m_cluster.start());
    QProcessEnvironment env = ServerProcess::cleanEnvironment();
    env.insert("KUBECONFIG", m_cluster.kubeconfigPath());
    env.insert("BOILERHOUSE_WS_ORIGINS", QString::fromLatin1(kListedOrigin));
    env.insert("BOILERHOUSE_API_KEY", QString::fromLatin1(kKey));
    QVERIFY2(m_server.start({}, env), qPrintable(m_server.errors()));
    QVERIFY2(waitReady(), qPrintable(m_server.errors()));
}

void tst_partacompat::partAClientSeesUnchangedBytes()
{
    // A tenant id the operator copied from user input: every character Go escapes, and
    // non-ASCII it does not.
    const QString oddTenant =
        QStringLiteral("al<i>ce & \"q\" \\ \u2028\u2029 caf\u00e9 \U0001F600 \t\r\n\x01");
    const QString oddWorkload = QStringLiteral("agent/v1");

    // Initial state (the replay: pods by name, then claims by name).
    m_cluster.createPod("compat-a", "agent", "alice", "Running");
    m_cluster.createPod("compat-b", "agent", {}, "Running", "ready");
    m_cluster.createPod("compat-unmanaged", "agent", "alice", "Running", {}, false);
    m_cluster.createClaim("claim-alice", oddTenant, oddWorkload,
                          QJsonObject { { "phase", "Active" }, { "source", "pool" } });
    m_cluster.createClaim("claim-bob", "bob", "agent", QJsonObject { { "phase", "Released" } });
    m_cluster.createClaim("claim-carol", "carol", "agent", QJsonObject { { "phase", "Pending" } });
    QTRY_VERIFY_WITH_TIMEOUT(
        m_http.get(m_server.url("/api/v1/instances"), { { "Authorization", "Bearer " + kKey } })
            .body.contains("compat-b"),
        kTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(
        m_http.get(m_server.url("/api/v1/tenants"), { { "Authorization", "Bearer " + kKey } })
            .body.contains("carol"),
        kTimeout);

    // Part-B clients first: resume from the snapshot's cursor, a filter, a browser-like
    // client on the listed origin offering the bearer subprotocol (echoed: auth is off).
    const HttpClient::Reply snapshot =
        m_http.get(m_server.url("/api/v1/instances"), { { "Authorization", "Bearer " + kKey } });
    const QByteArray cursor = snapshot.header("X-Boilerhouse-Cursor");
    QVERIFY(!cursor.isEmpty());
    auto *since = new EventClient(this);
    since->open(m_server.wsUrl("/ws?since=" + QString::fromLatin1(cursor.toPercentEncoding())));
    auto *filtered = new EventClient(this);
    filtered->open(m_server.wsUrl("/ws?types=tenant.claimed,tenant.released&tenant=carol"));
    auto *browserLike = new EventClient(this);
    QNetworkRequest request(m_server.wsUrl());
    request.setRawHeader("Origin", kListedOrigin);
    const QByteArray protocol = "base64url.bearer.boilerhouse.dev."
        + kKey.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    request.setRawHeader("Sec-WebSocket-Protocol", protocol);
    browserLike->open(request);
    m_partB = { since, filtered, browserLike };
    for (EventClient *client : std::as_const(m_partB))
        QTRY_VERIFY_WITH_TIMEOUT(client->isConnected(), kTimeout);
    QCOMPARE(browserLike->socket().subprotocol(), QString::fromLatin1(protocol));
    pingAll();

    // Two part-A clients: no Origin (a service), and the listed Origin (a dashboard page).
    for (const QByteArray &origin : { QByteArray(), kListedOrigin }) {
        auto *client = new RawPartAClient;
        client->setParent(this);
        client->open(m_server.port(), origin);
        m_partA.append(client);
    }
    for (RawPartAClient *client : std::as_const(m_partA)) {
        QTRY_VERIFY_WITH_TIMEOUT(!client->head().isEmpty(), kTimeout);
        QVERIFY2(client->head().startsWith("HTTP/1.1 101 "), client->head().constData());
        QVERIFY2(!client->head().toLower().contains("sec-websocket-protocol"),
                 client->head().constData());
        QVERIFY(client->head().contains("Sec-WebSocket-Accept: HSmrc0sMlYUkAGmm5OPpG2HaGWk=\r\n"));
    }

    QList<QByteArray> expected {
        eventJson("instance.state", "compat-a", "Running", "agent", "alice"),
        eventJson("instance.state", "compat-b", "Running", "agent"),
        eventJson("pool.instance.ready", "compat-b", {}, "agent"),
        eventJson("tenant.claimed", "claim-alice", {}, oddWorkload, oddTenant, "pool"),
        eventJson("tenant.released", "claim-bob", {}, {}, "bob"),
    };
    expectFrames(expected);

    // Live events, one change at a time (pods and claims are two watches: waiting for each
    // frame makes the order across them deterministic).
    auto step = [&](const std::function<void()> &change, const QList<QByteArray> &frames) {
        if (QTest::currentTestFailed())
            return;
        change();
        expected += frames;
        expectFrames(expected);
        pingAll();
    };
    step([&] { m_cluster.createPod("compat-c", "agent", "dave", "Pending"); },
         { eventJson("instance.state", "compat-c", "Pending", "agent", "dave") });
    step(
        [&] {
            m_cluster.setClaimStatus("claim-carol",
                                     QJsonObject { { "phase", "Active" }, { "source", "cold" } });
        },
        { eventJson("tenant.claimed", "claim-carol", {}, "agent", "carol", "cold") });
    step([&] { m_cluster.setPodPhase("compat-c", "Running"); },
         { eventJson("instance.state", "compat-c", "Running", "agent", "dave") });
    step([&] { m_cluster.setPodLabel("compat-c", "boilerhouse.dev/pool-status", "ready"); },
         { eventJson("instance.state", "compat-c", "Running", "agent", "dave"),
           eventJson("pool.instance.ready", "compat-c", {}, "agent") });
    // Releasing emits nothing; Released does.
    m_cluster.setClaimStatus("claim-carol", QJsonObject { { "phase", "Releasing" } });
    step(
        [&] {
            m_cluster.setClaimStatus("claim-carol", QJsonObject { { "phase", "Released" } });
        },
        { eventJson("tenant.released", "claim-carol", {}, {}, "carol") });
    step([&] { m_cluster.deletePod("compat-a"); },
         { eventJson("instance.state", "compat-a", "Deleted", "agent", "alice") });
    step([&] { m_cluster.deleteClaim("claim-alice"); },
         { eventJson("tenant.released", "claim-alice", {}, {}, oddTenant) });
    // An unmanaged pod's changes never reach /ws; the sentinel after it proves nothing came.
    m_cluster.setPodPhase("compat-unmanaged", "Failed");
    step([&] { m_cluster.createPod("compat-z", "agent", {}, "Pending"); },
         { eventJson("instance.state", "compat-z", "Pending", "agent") });

    if (QTest::currentTestFailed())
        return;
    // The part-B clients saw their own streams meanwhile.
    QTRY_VERIFY_WITH_TIMEOUT(since->count() >= 9, kTimeout);
    for (const QByteArray &frame : since->frames())
        QVERIFY2(frame.contains(",\"seq\":"), frame.constData());
    QTRY_COMPARE_WITH_TIMEOUT(filtered->count(), 2, kTimeout);
    QCOMPARE(filtered->frames().at(0),
             eventJson("tenant.claimed", "claim-carol", {}, "agent", "carol", "cold"));
    QCOMPARE(filtered->frames().at(1),
             eventJson("tenant.released", "claim-carol", {}, {}, "carol"));
    QTRY_COMPARE_WITH_TIMEOUT(browserLike->count(), int(expected.size()), kTimeout);
    QCOMPARE(browserLike->frames(), QByteArrayList(expected));
    QVERIFY2(!m_server.stderrText().contains("refused"), qPrintable(m_server.stderrText()));
}

QTEST_GUILESS_MAIN(tst_partacompat)
#include "tst_partacompat.moc"
