// The simulator's state across restarts (--state-file): objects and resourceVersions survive,
// as etcd keeps them across an apiserver restart; bad state files are rejected with one line.
#include "kubesim/objectstore.h"
#include "kubesim/statefile.h"
#include "rawhttpclient.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace bh::sim;

namespace {

constexpr int Timeout = 10000;

QJsonObject pod(const QString &name)
{
    return QJsonObject {
        { "metadata",
          QJsonObject { { "name", name },
                        { "labels", QJsonObject { { "boilerhouse.dev/managed", "true" } } } } },
        { "spec",
          QJsonObject { { "containers", QJsonArray { QJsonObject { { "name", "main" } } } } } },
        { "status", QJsonObject { { "phase", "Running" } } }
    };
}

QJsonObject claim(const QString &name)
{
    return QJsonObject { { "metadata", QJsonObject { { "name", name } } },
                         { "spec", QJsonObject { { "tenantId", "t1" }, { "workloadRef", "w" } } } };
}

} // namespace

class tst_StateFile : public QObject
{
    Q_OBJECT
private:
    // Starts boilerhouse-kubesim and returns its URL (from the one stdout line).
    QUrl startProgram(QProcess &p, const QStringList &args)
    {
        p.start(QStringLiteral(KUBESIM_BINARY), args);
        if (!p.waitForStarted(Timeout))
            return {};
        if (!QTest::qWaitFor([&p] { return p.canReadLine(); }, Timeout)) {
            qWarning() << "no stdout line" << p.readAllStandardError();
            return {};
        }
        static const QRegularExpression re("^listening on (http://127\\.0\\.0\\.1:\\d+)$");
        const auto m = re.match(QString::fromUtf8(p.readLine()).trimmed());
        return m.hasMatch() ? QUrl(m.captured(1)) : QUrl();
    }

    std::unique_ptr<RawHttpClient> request(const QUrl &base, const QByteArray &method,
                                           const QString &target, const QJsonObject &body = {})
    {
        auto c = std::make_unique<RawHttpClient>();
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray bytes;
        if (!body.isEmpty()) {
            headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
            bytes = QJsonDocument(body).toJson(QJsonDocument::Compact);
        }
        QSignalSpy done(c.get(), &RawHttpClient::finished);
        c->send(base, method, target, headers, bytes);
        done.wait(Timeout);
        return c;
    }

private Q_SLOTS:
    void restoreKeepsObjectsAndResourceVersions();
    void restoredHistoryAnswers410ForOlderVersions();
    void rejectsBadState_data();
    void rejectsBadState();
    void programKeepsStateAcrossRestart_data();
    void programKeepsStateAcrossRestart();
    void programRejectsCorruptStateFile();
};

void tst_StateFile::restoreKeepsObjectsAndResourceVersions()
{
    ObjectStore a;
    QVERIFY(a.create(Resource::Pods, "ns", pod("p1")).ok());
    QVERIFY(a.create(Resource::Claims, "ns", claim("c1")).ok());
    QVERIFY(a.create(Resource::Pods, "ns", pod("p2")).ok());
    QVERIFY(a.remove(Resource::Pods, "ns", "p2").ok());
    const quint64 rv = a.resourceVersion();

    ObjectStore b;
    QSignalSpy changed(&b, &ObjectStore::changed);
    QString error;
    QVERIFY2(b.restoreState(a.saveState(), &error), qPrintable(error));
    QCOMPARE(changed.count(), 0);
    QCOMPARE(b.resourceVersion(), rv);
    QCOMPARE(b.count(Resource::Pods), 1);
    QCOMPARE(b.count(Resource::Claims), 1);
    QCOMPARE(b.get(Resource::Pods, "ns", "p1")->json(), a.get(Resource::Pods, "ns", "p1")->json());
    QCOMPARE(b.get(Resource::Claims, "ns", "c1")->json(),
             a.get(Resource::Claims, "ns", "c1")->json());
    // The counter continues where it was: the next write gets rv + 1.
    const auto next =
        b.mergePatch(Resource::Pods, "ns", "p1",
                     QJsonObject { { "status", QJsonObject { { "phase", "Failed" } } } });
    QVERIFY(next.ok());
    QCOMPARE(next.object->resourceVersion(), rv + 1);
}

void tst_StateFile::restoredHistoryAnswers410ForOlderVersions()
{
    ObjectStore a;
    QVERIFY(a.create(Resource::Pods, "ns", pod("p1")).ok());
    QVERIFY(a.create(Resource::Pods, "ns", pod("p2")).ok());
    const quint64 rv = a.resourceVersion();
    ObjectStore b;
    QString error;
    QVERIFY(b.restoreState(a.saveState(), &error));
    QVERIFY(b.history().isTooOld(rv - 2));
    QVERIFY(!b.history().isTooOld(rv)); // a watch from the current version is served
}

void tst_StateFile::rejectsBadState_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");
    QTest::newRow("no-rv") << QByteArray(R"({"pods":[],"boilerhouseclaims":[]})")
                           << "\"resourceVersion\" must be a positive number string";
    QTest::newRow("pods-not-array")
        << QByteArray(R"({"resourceVersion":"5","pods":{},"boilerhouseclaims":[]})")
        << "\"pods\" must be an array";
    QTest::newRow("item-not-object")
        << QByteArray(R"({"resourceVersion":"5","pods":[1],"boilerhouseclaims":[]})")
        << "an item of \"pods\" is not an object";
    QTest::newRow("no-namespace") << QByteArray(
        R"({"resourceVersion":"5","pods":[{"metadata":{"name":"a","resourceVersion":"2"}}],"boilerhouseclaims":[]})")
                                  << "has no metadata.name or metadata.namespace";
    QTest::newRow("rv-beyond-counter") << QByteArray(
        R"({"resourceVersion":"5","pods":[{"metadata":{"name":"a","namespace":"n","resourceVersion":"9"}}],"boilerhouseclaims":[]})")
                                       << "pods n/a has resourceVersion 9, not in 1..5";
    QTest::newRow("duplicate") << QByteArray(
        R"({"resourceVersion":"5","pods":[{"metadata":{"name":"a","namespace":"n","resourceVersion":"2"}},{"metadata":{"name":"a","namespace":"n","resourceVersion":"3"}}],"boilerhouseclaims":[]})")
                               << "pods n/a appears twice";
}

void tst_StateFile::rejectsBadState()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    ObjectStore store;
    QVERIFY(store.create(Resource::Pods, "ns", pod("kept")).ok());
    const quint64 rv = store.resourceVersion();
    QString error;
    QVERIFY(!store.restoreState(QJsonDocument::fromJson(json).object(), &error));
    QVERIFY2(error.contains(message), qPrintable(error));
    QVERIFY(!error.contains(QLatin1Char('\n')));
    // Nothing changed.
    QCOMPARE(store.resourceVersion(), rv);
    QVERIFY(store.get(Resource::Pods, "ns", "kept"));
}

void tst_StateFile::programKeepsStateAcrossRestart_data()
{
    QTest::addColumn<bool>("kill"); // SIGKILL (saved after each write) or SIGTERM (saved on exit)
    QTest::newRow("sigterm") << false;
    QTest::newRow("sigkill") << true;
}

void tst_StateFile::programKeepsStateAcrossRestart()
{
    QFETCH(bool, kill);
    QTemporaryDir dir;
    const QString state = dir.filePath("state.json");
    QProcess first;
    const QUrl url = startProgram(first, { "--port", "0", "--state-file", state });
    QVERIFY(url.isValid());
    const QString pods = "/api/v1/namespaces/boilerhouse/pods";
    QCOMPARE(request(url, "POST", pods, pod("p1"))->status, 201);
    QCOMPARE(request(url, "POST", pods, pod("p2"))->status, 201);
    QCOMPARE(request(url, "DELETE", pods + "/p2")->status, 200);
    const auto before = request(url, "GET", pods);
    QCOMPARE(before->status, 200);
    const QString listRv = before->json()["metadata"].toObject()["resourceVersion"].toString();
    const QJsonArray itemsBefore = before->json()["items"].toArray();
    QCOMPARE(itemsBefore.size(), 1);
    // The auto-save is coalesced per event-loop pass: wait until the file holds the delete.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            QFile f(state);
            return f.open(QIODevice::ReadOnly)
                && QJsonDocument::fromJson(f.readAll())["resourceVersion"].toString() == listRv;
        }(),
        Timeout);
    if (kill)
        first.kill();
    else
        first.terminate();
    QVERIFY(first.waitForFinished(Timeout));
    if (!kill)
        QCOMPARE(first.exitCode(), 0);

    QProcess second;
    const QUrl again =
        startProgram(second, { "--port", QString::number(url.port()), "--state-file", state });
    QCOMPARE(again, url); // same port
    const auto after = request(again, "GET", pods);
    QCOMPARE(after->status, 200);
    QCOMPARE(after->json()["metadata"].toObject()["resourceVersion"].toString(), listRv);
    QCOMPARE(after->json()["items"].toArray(), itemsBefore);
    // A watch from before the restart gets 410 (the watch cache starts at the restored
    // version); the next write continues the counter.
    const auto watch = request(again, "GET", pods + "?watch=1&resourceVersion=2&timeoutSeconds=1");
    QCOMPARE(watch->status, 200);
    QVERIFY(!watch->events.isEmpty());
    QCOMPARE(watch->events.first()["type"].toString(), QString("ERROR"));
    QCOMPARE(watch->events.first()["object"].toObject()["code"].toInt(), 410);
    const auto created = request(again, "POST", pods, pod("p3"));
    QCOMPARE(created->status, 201);
    QCOMPARE(created->json()["metadata"].toObject()["resourceVersion"].toString().toULongLong(),
             listRv.toULongLong() + 1);
    second.terminate();
    QVERIFY(second.waitForFinished(Timeout));
    QCOMPARE(second.exitCode(), 0);
}

void tst_StateFile::programRejectsCorruptStateFile()
{
    QTemporaryDir dir;
    const QString state = dir.filePath("state.json");
    QFile f(state);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"resourceVersion\": \"3\", \"pods\": [");
    f.close();
    QProcess p;
    p.start(QStringLiteral(KUBESIM_BINARY), { "--port", "0", "--state-file", state });
    QVERIFY(p.waitForFinished(Timeout));
    QCOMPARE(p.exitCode(), 2);
    const QString err = QString::fromUtf8(p.readAllStandardError()).trimmed();
    QVERIFY2(err.startsWith("boilerhouse-kubesim: --state-file: " + state + ": not a JSON object"),
             qPrintable(err));
    QVERIFY(!err.contains(QLatin1Char('\n')));
}

QTEST_GUILESS_MAIN(tst_StateFile)
#include "tst_statefile.moc"
