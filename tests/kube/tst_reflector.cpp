#include "kube/kubeclient.h"
#include "kube/reflector.h"

#include "kubesim/simulator.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QMap>
#include <QSignalSpy>
#include <QTest>
#include <QUrlQuery>

#include <memory>

using namespace bh::kube;
using bh::sim::Resource;
using bh::sim::Simulator;
using bh::sim::SimulatorConfig;

namespace {

constexpr int Timeout = 10'000; // generous: the CI machine is shared
const QString Namespace = QStringLiteral("demo");
const QString PodsPath = QStringLiteral("/api/v1/namespaces/demo/pods");
const QString Selector = QStringLiteral("boilerhouse.dev/managed=true");

QJsonObject podJson(const QString &name, bool managed = true)
{
    QJsonObject labels { { QStringLiteral("app"), QStringLiteral("x") } };
    if (managed)
        labels.insert(QStringLiteral("boilerhouse.dev/managed"), QStringLiteral("true"));
    return QJsonObject {
        { QStringLiteral("metadata"),
          QJsonObject { { QStringLiteral("name"), name }, { QStringLiteral("labels"), labels } } },
        { QStringLiteral("spec"),
          QJsonObject { { QStringLiteral("containers"),
                          QJsonArray { QJsonObject {
                              { QStringLiteral("name"), QStringLiteral("main") } } } } } }
    };
}

QString nameOf(const QJsonObject &o)
{
    return o.value(QLatin1String("metadata")).toObject().value(QLatin1String("name")).toString();
}

QString rvOf(const QJsonObject &o)
{
    return o.value(QLatin1String("metadata"))
        .toObject()
        .value(QLatin1String("resourceVersion"))
        .toString();
}

// Folds a reflector's signals into name -> resourceVersion, as a consumer's cache would,
// and records every delivered change.
struct Mirror
{
    QMap<QString, QString> objects;
    QStringList changes; // "ADDED name rv"
    int lists = 0;

    void attach(Reflector *r)
    {
        QObject::connect(r, &Reflector::listed, r,
                         [this](const QList<QJsonObject> &items, const QString &) {
                             ++lists;
                             objects.clear();
                             for (const auto &o : items)
                                 objects.insert(nameOf(o), rvOf(o));
                         });
        QObject::connect(r, &Reflector::added, r,
                         [this](const QJsonObject &o) { apply(QStringLiteral("ADDED"), o); });
        QObject::connect(r, &Reflector::modified, r,
                         [this](const QJsonObject &o) { apply(QStringLiteral("MODIFIED"), o); });
        QObject::connect(r, &Reflector::deleted, r,
                         [this](const QJsonObject &o) { apply(QStringLiteral("DELETED"), o); });
    }

    void apply(const QString &type, const QJsonObject &o)
    {
        changes.append(type + QLatin1Char(' ') + nameOf(o) + QLatin1Char(' ') + rvOf(o));
        if (type == QLatin1String("DELETED"))
            objects.remove(nameOf(o));
        else
            objects.insert(nameOf(o), rvOf(o));
    }
};

} // namespace

class tst_Reflector : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanup();

    void listsThenWatches();
    void paginatesLargeList();
    void rewatchesWithoutRelistOnNormalEnd();
    void relistsAfterGoneEvent();
    void relistsAfterHttpGone();
    void relistsWhenContinueTokenExpires();
    void backsOffOnServerErrors();
    void backsOffOnVeryShortWatch();
    void restartsStalledWatch();
    void survivesSimulatorRestart();
    void recoversWhenApiserverComesBack();
    void bookmarksAdvanceResourceVersion();
    void deliversNothingTwice();
    void stopsAndStartsAgain();

private:
    Simulator *startSim(SimulatorConfig config = {});
    Reflector *makeReflector(ReflectorConfig config = testConfig());
    static ReflectorConfig testConfig();
    void createPod(const QString &name, bool managed = true);
    // The simulator's managed pods, name -> resourceVersion.
    QMap<QString, QString> truth() const;
    QStringList requests(const QString &contains) const;

    std::unique_ptr<Simulator> m_sim;
    std::unique_ptr<KubeClient> m_client;
    std::unique_ptr<Reflector> m_reflector;
    Mirror m_mirror;
};

ReflectorConfig tst_Reflector::testConfig()
{
    ReflectorConfig c;
    c.backoff.initial = std::chrono::milliseconds(50);
    c.backoff.max = std::chrono::milliseconds(400);
    c.backoff.jitter = 0.0;
    c.minWatchDuration = std::chrono::milliseconds(0);
    return c;
}

void tst_Reflector::cleanup()
{
    m_reflector.reset();
    m_client.reset();
    m_sim.reset();
    m_mirror = Mirror();
}

Simulator *tst_Reflector::startSim(SimulatorConfig config)
{
    config.namespaces = QStringList { Namespace };
    m_sim = std::make_unique<Simulator>(config);
    if (!m_sim->start())
        qFatal("simulator failed to start: %s", qPrintable(m_sim->errorString()));
    return m_sim.get();
}

Reflector *tst_Reflector::makeReflector(ReflectorConfig config)
{
    ClusterConfig cluster;
    cluster.server = m_sim->url();
    cluster.source = QStringLiteral("test");
    m_client = std::make_unique<KubeClient>(cluster);
    m_reflector = std::make_unique<Reflector>(
        m_client.get(),
        ResourceRef { PodsPath, Selector, QStringLiteral("Pod"), QStringLiteral("pods") }, config);
    m_mirror.attach(m_reflector.get());
    return m_reflector.get();
}

void tst_Reflector::createPod(const QString &name, bool managed)
{
    const auto r = m_sim->store()->create(Resource::Pods, Namespace, podJson(name, managed));
    QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error->message()));
}

QMap<QString, QString> tst_Reflector::truth() const
{
    QMap<QString, QString> out;
    const auto pods = m_sim->store()->list(Resource::Pods, Namespace);
    for (const auto &p : pods) {
        const QJsonObject o = p->json();
        const QJsonObject labels =
            o.value(QLatin1String("metadata")).toObject().value(QLatin1String("labels")).toObject();
        if (labels.value(QLatin1String("boilerhouse.dev/managed")).toString()
            == QLatin1String("true"))
            out.insert(nameOf(o), rvOf(o));
    }
    return out;
}

QStringList tst_Reflector::requests(const QString &contains) const
{
    QStringList out;
    const QStringList log = m_sim->requestLog();
    for (const QString &line : log) {
        if (line.contains(contains))
            out.append(line);
    }
    return out;
}

void tst_Reflector::listsThenWatches()
{
    startSim();
    createPod(QStringLiteral("a"));
    createPod(QStringLiteral("b"));
    createPod(QStringLiteral("other"), false);
    Reflector *r = makeReflector();
    QSignalSpy synced(r, &Reflector::synced);
    QSignalSpy listed(r, &Reflector::listed);
    QCOMPARE(r->state(), Reflector::State::Idle);
    r->start();
    QVERIFY(synced.wait(Timeout));
    QCOMPARE(listed.size(), 1);
    const auto items = listed.first().at(0).value<QList<QJsonObject>>();
    QCOMPARE(items.size(), 2);
    // List items of built-in kinds get kind/apiVersion, like watch objects.
    QCOMPARE(items.first().value(QLatin1String("kind")).toString(), QStringLiteral("Pod"));
    QCOMPARE(items.first().value(QLatin1String("apiVersion")).toString(), QStringLiteral("v1"));
    const QString listRv = listed.first().at(1).toString();
    QCOMPARE(listRv, QString::number(m_sim->store()->resourceVersion()));
    QVERIFY(r->hasSynced());
    QTRY_COMPARE_WITH_TIMEOUT(m_sim->openWatchCount(QStringLiteral("pods")), 1, Timeout);
    QCOMPARE(r->state(), Reflector::State::Watching);

    const QStringList lists = requests(QStringLiteral("limit="));
    QCOMPARE(lists.size(), 1);
    QCOMPARE(lists.first(),
             QStringLiteral("GET %1?labelSelector=boilerhouse.dev%2Fmanaged%3Dtrue&limit=500")
                 .arg(PodsPath));
    const QStringList watches = requests(QStringLiteral("watch=true"));
    QCOMPARE(watches.size(), 1);
    const QUrlQuery q(QUrl(watches.first().section(QLatin1Char(' '), 1)).query());
    QCOMPARE(q.queryItemValue(QStringLiteral("allowWatchBookmarks")), QStringLiteral("true"));
    QCOMPARE(q.queryItemValue(QStringLiteral("resourceVersion")), listRv);
    QCOMPARE(q.queryItemValue(QStringLiteral("labelSelector"), QUrl::FullyDecoded), Selector);
    const int timeoutSeconds = q.queryItemValue(QStringLiteral("timeoutSeconds")).toInt();
    QVERIFY2(timeoutSeconds >= 300 && timeoutSeconds <= 600, qPrintable(watches.first()));

    QSignalSpy added(r, &Reflector::added);
    QSignalSpy modified(r, &Reflector::modified);
    QSignalSpy deleted(r, &Reflector::deleted);
    createPod(QStringLiteral("c"));
    QVERIFY(added.wait(Timeout));
    QVERIFY(m_sim->store()
                ->mergePatch(Resource::Pods, Namespace, QStringLiteral("c"),
                             QJsonObject { { QStringLiteral("status"),
                                             QJsonObject { { QStringLiteral("phase"),
                                                             QStringLiteral("Running") } } } })
                .ok());
    QVERIFY(modified.wait(Timeout));
    QVERIFY(m_sim->store()->remove(Resource::Pods, Namespace, QStringLiteral("a")).ok());
    QVERIFY(deleted.wait(Timeout));
    QCOMPARE(nameOf(deleted.first().first().toJsonObject()), QStringLiteral("a"));
    QCOMPARE(m_mirror.objects, truth());
    QCOMPARE(r->lastResourceVersion(), QString::number(m_sim->store()->resourceVersion()));
    const ReflectorStats s = r->stats();
    QCOMPARE(s.lists, 1u);
    QCOMPARE(s.relists, 0u);
    QCOMPARE(s.errors, 0u);
    QCOMPARE(s.events, 3u);
}

void tst_Reflector::paginatesLargeList()
{
    startSim();
    const int count = 1201;
    for (int i = 0; i < count; ++i)
        createPod(QStringLiteral("pod-%1").arg(i, 4, 10, QLatin1Char('0')));
    createPod(QStringLiteral("unmanaged"), false);
    Reflector *r = makeReflector();
    QSignalSpy listed(r, &Reflector::listed);
    r->start();
    QVERIFY(listed.wait(Timeout));
    QCOMPARE(listed.first().at(0).value<QList<QJsonObject>>().size(), count);
    QCOMPARE(m_mirror.objects, truth());
    const QStringList pages = requests(QStringLiteral("limit=500"));
    QCOMPARE(pages.size(), 3);
    QVERIFY(!pages.at(0).contains(QLatin1String("continue=")));
    QVERIFY(pages.at(1).contains(QLatin1String("continue=")));
    QVERIFY(pages.at(2).contains(QLatin1String("continue=")));
    QCOMPARE(r->stats().lists, 1u);
}

void tst_Reflector::rewatchesWithoutRelistOnNormalEnd()
{
    startSim();
    createPod(QStringLiteral("a"));
    Reflector *r = makeReflector();
    QSignalSpy synced(r, &Reflector::synced);
    r->start();
    QVERIFY(synced.wait(Timeout));
    QTRY_COMPARE_WITH_TIMEOUT(m_sim->openWatchCount(QStringLiteral("pods")), 1, Timeout);
    createPod(QStringLiteral("b"));
    QTRY_VERIFY_WITH_TIMEOUT(m_mirror.objects.contains(QStringLiteral("b")), Timeout);
    const QString rvBeforeClose = r->lastResourceVersion();

    for (int round = 1; round <= 3; ++round) {
        m_sim->closeAllWatches();
        QTRY_COMPARE_WITH_TIMEOUT(r->stats().watchRestarts, quint64(round), Timeout);
        QTRY_COMPARE_WITH_TIMEOUT(m_sim->openWatchCount(QStringLiteral("pods")), 1, Timeout);
    }
    const QStringList watches = requests(QStringLiteral("watch=true"));
    QCOMPARE(watches.size(), 4);
    QVERIFY2(watches.at(1).contains(QStringLiteral("resourceVersion=") + rvBeforeClose),
             qPrintable(watches.at(1)));
    createPod(QStringLiteral("c"));
    QTRY_VERIFY_WITH_TIMEOUT(m_mirror.objects.contains(QStringLiteral("c")), Timeout);
    QCOMPARE(m_mirror.objects, truth());
    QCOMPARE(r->stats().relists, 0u);
    QCOMPARE(r->stats().errors, 0u);
    QCOMPARE(requests(QStringLiteral("limit=")).size(), 1);
    QCOMPARE(m_mirror.lists, 1);
}

namespace {

// Closes the watch, changes the state while nobody watches, then compacts: the resumed
// watch's resourceVersion is gone.
void makeGap(Simulator *sim)
{
    sim->closeAllWatches();
    QVERIFY(sim->store()
                ->create(Resource::Pods, Namespace, podJson(QStringLiteral("during-gap")))
                .ok());
    QVERIFY(sim->store()->remove(Resource::Pods, Namespace, QStringLiteral("a")).ok());
    sim->compactHistory();
}

} // namespace

void tst_Reflector::relistsAfterGoneEvent()
{
    startSim();
    createPod(QStringLiteral("a"));
    createPod(QStringLiteral("b"));
    Reflector *r = makeReflector();
    QSignalSpy listed(r, &Reflector::listed);
    r->start();
    QVERIFY(listed.wait(Timeout));
    QTRY_COMPARE_WITH_TIMEOUT(m_sim->openWatchCount(QStringLiteral("pods")), 1, Timeout);
    makeGap(m_sim.get());
    QTRY_COMPARE_WITH_TIMEOUT(listed.size(), 2, Timeout);
    QCOMPARE(r->stats().gone410, 1u);
    QCOMPARE(r->stats().relists, 1u);
    QCOMPARE(r->stats().errors, 0u);
    QVERIFY2(r->lastError().contains(QLatin1String("ERROR event 410 Expired")),
             qPrintable(r->lastError()));
    QCOMPARE(m_mirror.objects, truth());
    QVERIFY(m_mirror.objects.contains(QStringLiteral("during-gap")));
    QVERIFY(!m_mirror.objects.contains(QStringLiteral("a")));
    QTRY_COMPARE_WITH_TIMEOUT(r->state(), Reflector::State::Watching, Timeout);
    createPod(QStringLiteral("after"));
    QTRY_COMPARE_WITH_TIMEOUT(m_mirror.objects, truth(), Timeout);
}

void tst_Reflector::relistsAfterHttpGone()
{
    SimulatorConfig config;
    config.gone410AsHttpStatus = true;
    startSim(config);
    createPod(QStringLiteral("a"));
    Reflector *r = makeReflector();
    QSignalSpy listed(r, &Reflector::listed);
    r->start();
    QVERIFY(listed.wait(Timeout));
    QTRY_COMPARE_WITH_TIMEOUT(m_sim->openWatchCount(QStringLiteral("pods")), 1, Timeout);
    makeGap(m_sim.get());
    QTRY_COMPARE_WITH_TIMEOUT(listed.size(), 2, Timeout);
    QCOMPARE(r->stats().gone410, 1u);
    QCOMPARE(r->stats().relists, 1u);
    QCOMPARE(r->stats().errors, 0u);
    QVERIFY2(r->lastError().contains(QLatin1String("HTTP 410 Expired")),
             qPrintable(r->lastError()));
    QCOMPARE(m_mirror.objects, truth());
}

void tst_Reflector::relistsWhenContinueTokenExpires()
{
    startSim();
    for (int i = 0; i < 6; ++i)
        createPod(QStringLiteral("p%1").arg(i));
    ReflectorConfig config = testConfig();
    config.pageSize = 2;
    Reflector *r = makeReflector(config);
    QSignalSpy listed(r, &Reflector::listed);
    // Compact history as soon as the first page has been answered: its continue token
    // (pinned to the first page's resourceVersion) expires.
    bool compacted = false;
    connect(m_sim.get(), &Simulator::requestReceived, this, [&](const QString &line) {
        if (!compacted && line.contains(QLatin1String("continue="))) {
            compacted = true;
            createPod(QStringLiteral("late"));
            m_sim->compactHistory();
        }
    });
    r->start();
    QVERIFY(listed.wait(Timeout));
    QVERIFY(compacted);
    QCOMPARE(r->stats().gone410, 1u);
    QCOMPARE(r->stats().lists, 1u);
    QCOMPARE(m_mirror.objects, truth());
    QCOMPARE(m_mirror.objects.size(), 7);
}

void tst_Reflector::backsOffOnServerErrors()
{
    startSim();
    createPod(QStringLiteral("a"));
    m_sim->failNextRequests(3, 500);
    ReflectorConfig config = testConfig();
    config.backoff.initial = std::chrono::milliseconds(100);
    config.backoff.max = std::chrono::milliseconds(10'000);
    Reflector *r = makeReflector(config);
    QList<qint64> arrivals;
    QElapsedTimer clock;
    clock.start();
    connect(m_sim.get(), &Simulator::requestReceived, this, [&](const QString &line) {
        if (line.contains(QLatin1String("limit=")))
            arrivals.append(clock.elapsed());
    });
    QSignalSpy states(r, &Reflector::stateChanged);
    QSignalSpy synced(r, &Reflector::synced);
    r->start();
    QVERIFY(synced.wait(Timeout));
    QCOMPARE(arrivals.size(), 4);
    // 100, 200, 400 ms (no jitter): each wait at least its backoff.
    QVERIFY2(arrivals[1] - arrivals[0] >= 100,
             qPrintable(QString::number(arrivals[1] - arrivals[0])));
    QVERIFY2(arrivals[2] - arrivals[1] >= 200,
             qPrintable(QString::number(arrivals[2] - arrivals[1])));
    QVERIFY2(arrivals[3] - arrivals[2] >= 400,
             qPrintable(QString::number(arrivals[3] - arrivals[2])));
    QCOMPARE(r->stats().errors, 3u);
    QVERIFY2(r->lastError().startsWith(QStringLiteral("GET %1: HTTP 500").arg(PodsPath)),
             qPrintable(r->lastError()));
    // Each state change is reported once: listing, backoff, listing, backoff, ... watching.
    QList<Reflector::State> seen;
    for (const auto &args : std::as_const(states))
        seen.append(args.at(0).value<Reflector::State>());
    QTRY_COMPARE_WITH_TIMEOUT(r->state(), Reflector::State::Watching, Timeout);
    if (seen.size() < states.size())
        seen.append(states.last().at(0).value<Reflector::State>());
    const QList<Reflector::State> expected { Reflector::State::Listing, Reflector::State::Backoff,
                                             Reflector::State::Listing, Reflector::State::Backoff,
                                             Reflector::State::Listing, Reflector::State::Backoff,
                                             Reflector::State::Listing };
    QCOMPARE(seen.mid(0, expected.size()), expected);
    QCOMPARE(m_mirror.objects, truth());

    // A 429 on the watch is retried as a watch (no relist) after a backoff.
    const quint64 errorsBefore = r->stats().errors;
    m_sim->failNextRequests(1, 429);
    m_sim->closeAllWatches();
    QTRY_COMPARE_WITH_TIMEOUT(r->stats().errors, errorsBefore + 1, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(m_sim->openWatchCount(QStringLiteral("pods")), 1, Timeout);
    QCOMPARE(r->stats().relists, 0u);
}

void tst_Reflector::backsOffOnVeryShortWatch()
{
    startSim();
    ReflectorConfig config = testConfig();
    config.minWatchDuration = std::chrono::milliseconds(60'000);
    Reflector *r = makeReflector(config);
    QSignalSpy synced(r, &Reflector::synced);
    r->start();
    QVERIFY(synced.wait(Timeout));
    QTRY_COMPARE_WITH_TIMEOUT(m_sim->openWatchCount(QStringLiteral("pods")), 1, Timeout);
    m_sim->closeAllWatches(); // ends at once with no event: client-go's "very short watch"
    QTRY_COMPARE_WITH_TIMEOUT(r->stats().errors, 1u, Timeout);
    QVERIFY2(r->lastError().contains(QLatin1String("very short watch")),
             qPrintable(r->lastError()));
    QTRY_COMPARE_WITH_TIMEOUT(m_sim->openWatchCount(QStringLiteral("pods")), 1, Timeout);
    QCOMPARE(r->stats().relists, 0u);
}

void tst_Reflector::restartsStalledWatch()
{
    startSim();
    createPod(QStringLiteral("a"));
    ReflectorConfig config = testConfig();
    config.idleTimeout = std::chrono::milliseconds(300);
    Reflector *r = makeReflector(config);
    QSignalSpy synced(r, &Reflector::synced);
    r->start();
    QVERIFY(synced.wait(Timeout));
    QTRY_COMPARE_WITH_TIMEOUT(m_sim->openWatchCount(QStringLiteral("pods")), 1, Timeout);
    m_sim->stall(std::chrono::milliseconds(60'000));
    createPod(QStringLiteral("during-stall")); // queued by the stalled server
    QTRY_VERIFY_WITH_TIMEOUT(r->stats().idleTimeouts >= 2, Timeout);
    QVERIFY2(r->lastError().contains(QLatin1String("no bytes for 300 ms")),
             qPrintable(r->lastError()));
    QVERIFY(!m_mirror.objects.contains(QStringLiteral("during-stall")));
    m_sim->stall(std::chrono::milliseconds(0));
    QTRY_VERIFY_WITH_TIMEOUT(m_mirror.objects.contains(QStringLiteral("during-stall")), Timeout);
    QCOMPARE(m_mirror.objects, truth());
    QCOMPARE(r->stats().relists, 0u);
    QCOMPARE(r->state(), Reflector::State::Watching);
}

void tst_Reflector::survivesSimulatorRestart()
{
    startSim();
    createPod(QStringLiteral("a"));
    Reflector *r = makeReflector();
    QSignalSpy synced(r, &Reflector::synced);
    r->start();
    QVERIFY(synced.wait(Timeout));
    QTRY_COMPARE_WITH_TIMEOUT(m_sim->openWatchCount(QStringLiteral("pods")), 1, Timeout);
    const int watchesBefore = requests(QStringLiteral("watch=true")).size();
    m_sim->restart(); // every connection aborted, no clean end
    createPod(QStringLiteral("b"));
    QTRY_VERIFY_WITH_TIMEOUT(requests(QStringLiteral("watch=true")).size() > watchesBefore,
                             Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(m_mirror.objects, truth(), Timeout);
    QVERIFY(m_mirror.objects.contains(QStringLiteral("b")));
    QCOMPARE(r->stats().relists, 0u);
    QTRY_COMPARE_WITH_TIMEOUT(m_sim->openWatchCount(QStringLiteral("pods")), 1, Timeout);
}

void tst_Reflector::recoversWhenApiserverComesBack()
{
    startSim();
    createPod(QStringLiteral("a"));
    createPod(QStringLiteral("b"));
    Reflector *r = makeReflector();
    QSignalSpy synced(r, &Reflector::synced);
    QSignalSpy listed(r, &Reflector::listed);
    r->start();
    QVERIFY(synced.wait(Timeout));
    QTRY_COMPARE_WITH_TIMEOUT(m_sim->openWatchCount(QStringLiteral("pods")), 1, Timeout);
    // The apiserver goes away (connection refused while it is down) and comes back on the
    // same port with a changed state and an empty watch cache: resuming from the old
    // resourceVersion gets 410, which relists.
    const quint16 port = quint16(m_sim->url().port());
    const quint64 oldRv = m_sim->store()->resourceVersion();
    m_sim.reset();
    QTRY_COMPARE_WITH_TIMEOUT(r->state(), Reflector::State::Backoff, Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(r->stats().errors >= 2, Timeout);
    SimulatorConfig config;
    config.port = port;
    startSim(config);
    while (m_sim->store()->resourceVersion() <= oldRv + 1)
        createPod(QStringLiteral("hidden-%1").arg(m_sim->store()->resourceVersion()), false);
    createPod(QStringLiteral("new-world"));
    m_sim->compactHistory();
    QTRY_COMPARE_WITH_TIMEOUT(m_mirror.objects, truth(), Timeout);
    QCOMPARE(m_mirror.objects.keys(), QStringList { QStringLiteral("new-world") });
    QCOMPARE(r->stats().gone410, 1u);
    QVERIFY(listed.size() >= 2);
    QTRY_COMPARE_WITH_TIMEOUT(r->state(), Reflector::State::Watching, Timeout);
}

void tst_Reflector::bookmarksAdvanceResourceVersion()
{
    SimulatorConfig config;
    config.bookmarkInterval = std::chrono::milliseconds(100);
    startSim(config);
    createPod(QStringLiteral("a"));
    Reflector *r = makeReflector();
    QSignalSpy synced(r, &Reflector::synced);
    QSignalSpy added(r, &Reflector::added);
    r->start();
    QVERIFY(synced.wait(Timeout));
    const QString listRv = r->lastResourceVersion();
    // Changes the selector hides still advance the server's resourceVersion.
    for (int i = 0; i < 5; ++i)
        createPod(QStringLiteral("hidden-%1").arg(i), false);
    const QString target = QString::number(m_sim->store()->resourceVersion());
    QVERIFY(target != listRv);
    QTRY_COMPARE_WITH_TIMEOUT(r->lastResourceVersion(), target, Timeout);
    QVERIFY(r->stats().bookmarks > 0);
    QCOMPARE(added.size(), 0);
    // The next watch resumes from the bookmark's resourceVersion.
    m_sim->closeAllWatches();
    QTRY_COMPARE_WITH_TIMEOUT(r->stats().watchRestarts, 1u, Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(requests(QStringLiteral("watch=true")).size() == 2, Timeout);
    QVERIFY2(requests(QStringLiteral("watch=true"))
                 .last()
                 .contains(QStringLiteral("resourceVersion=") + target),
             qPrintable(requests(QStringLiteral("watch=true")).last()));
}

void tst_Reflector::deliversNothingTwice()
{
    startSim();
    Reflector *r = makeReflector();
    QStringList serverChanges;
    connect(m_sim.get(), &Simulator::objectChanged, this,
            [&](const QString &resource, const QString &type, const QString &, const QString &name,
                quint64 rv) {
                if (resource == QLatin1String("pods") && !name.startsWith(QLatin1String("hidden")))
                    serverChanges.append(type + QLatin1Char(' ') + name + QLatin1Char(' ')
                                         + QString::number(rv));
            });
    QSignalSpy synced(r, &Reflector::synced);
    r->start();
    QVERIFY(synced.wait(Timeout));
    QTRY_COMPARE_WITH_TIMEOUT(m_sim->openWatchCount(QStringLiteral("pods")), 1, Timeout);
    int watchesOpened = 1;
    for (int round = 0; round < 5; ++round) {
        for (int i = 0; i < 10; ++i) {
            const QString name = QStringLiteral("p%1-%2").arg(round).arg(i);
            createPod(name);
            createPod(QStringLiteral("hidden-%1-%2").arg(round).arg(i), false);
            QVERIFY(
                m_sim->store()
                    ->mergePatch(Resource::Pods, Namespace, name,
                                 QJsonObject { { QStringLiteral("status"),
                                                 QJsonObject { { QStringLiteral("phase"),
                                                                 QStringLiteral("Running") } } } })
                    .ok());
            if (i % 3 == 0)
                QVERIFY(m_sim->store()->remove(Resource::Pods, Namespace, name).ok());
            if (i == 5) {
                // End the stream in the middle of the burst: the resumed watch must neither
                // repeat nor skip a change.
                m_sim->closeAllWatches();
                ++watchesOpened;
            }
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_mirror.changes.size(), serverChanges.size(), Timeout);
        QTRY_COMPARE_WITH_TIMEOUT(requests(QStringLiteral("watch=true")).size(), watchesOpened,
                                  Timeout);
    }
    QCOMPARE(m_mirror.changes, serverChanges);
    QCOMPARE(QSet<QString>(m_mirror.changes.begin(), m_mirror.changes.end()).size(),
             m_mirror.changes.size());
    QCOMPARE(m_mirror.objects, truth());
    QCOMPARE(r->stats().relists, 0u);
}

void tst_Reflector::stopsAndStartsAgain()
{
    startSim();
    createPod(QStringLiteral("a"));
    Reflector *r = makeReflector();
    QSignalSpy synced(r, &Reflector::synced);
    QSignalSpy listed(r, &Reflector::listed);
    r->start();
    QVERIFY(synced.wait(Timeout));
    QTRY_COMPARE_WITH_TIMEOUT(m_sim->openWatchCount(QStringLiteral("pods")), 1, Timeout);
    r->stop();
    QCOMPARE(r->state(), Reflector::State::Stopped);
    QTRY_COMPARE_WITH_TIMEOUT(m_sim->openWatchCount(QStringLiteral("pods")), 0, Timeout);
    r->start();
    QTRY_COMPARE_WITH_TIMEOUT(listed.size(), 2, Timeout);
    QCOMPARE(synced.size(), 1); // synced() only once
    QTRY_COMPARE_WITH_TIMEOUT(m_sim->openWatchCount(QStringLiteral("pods")), 1, Timeout);
}

QTEST_GUILESS_MAIN(tst_Reflector)
#include "tst_reflector.moc"
