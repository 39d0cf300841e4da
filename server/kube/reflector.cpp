#include "kube/reflector.h"

#include "kube/backoff.h"
#include "kube/kubeclient.h"
#include "kube/requestjob.h"
#include "kube/watchstream.h"

#include <QJsonArray>
#include <QPointer>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrlQuery>

namespace bh::kube {

namespace {

QString stateName(Reflector::State state)
{
    switch (state) {
    case Reflector::State::Idle:
        return QStringLiteral("idle");
    case Reflector::State::Listing:
        return QStringLiteral("listing");
    case Reflector::State::Watching:
        return QStringLiteral("watching");
    case Reflector::State::Backoff:
        return QStringLiteral("backoff");
    case Reflector::State::Stopped:
        return QStringLiteral("stopped");
    }
    return QString();
}

QString resourceVersionOf(const QJsonObject &object)
{
    return object.value(QLatin1String("metadata"))
        .toObject()
        .value(QLatin1String("resourceVersion"))
        .toString();
}

} // namespace

class Reflector::Private
{
public:
    enum class Next { List, Watch };

    Private(Reflector *q, KubeClient *client, ResourceRef resource, ReflectorConfig config)
        : q(q)
        , client(client)
        , resource(std::move(resource))
        , config(config)
        , backoff(config.backoff)
        , retryTimer(new QTimer(q))
    {
        retryTimer->setSingleShot(true);
        retryTimer->setTimerType(Qt::PreciseTimer); // a backoff is never shorter than announced
        QObject::connect(retryTimer, &QTimer::timeout, q, [this] {
            if (next == Next::Watch && !resourceVersion.isEmpty())
                watch();
            else
                list();
        });
    }

    ~Private() { dropRequests(); }

    void setState(State s, const QString &reason)
    {
        if (s == state)
            return;
        state = s;
        const QString text =
            QStringLiteral("%1: %2%3")
                .arg(resource.plural, stateName(s),
                     reason.isEmpty() ? QString()
                                      : QStringLiteral(" (") + reason + QLatin1Char(')'));
        if (s == State::Backoff)
            qCWarning(lcKube, "%s", qPrintable(text));
        else
            qCInfo(lcKube, "%s", qPrintable(text));
        emit q->stateChanged(s, reason);
    }

    void dropRequests()
    {
        if (job) {
            job->disconnect(q);
            job->abort();
            job->deleteLater();
            job = nullptr;
        }
        if (stream) {
            stream->disconnect(q);
            stream->abort();
            stream->deleteLater();
            stream = nullptr;
        }
    }

    void list()
    {
        dropRequests();
        setState(State::Listing, stats.lists == 0 ? QString() : QStringLiteral("relist"));
        items.clear();
        listResourceVersion.clear();
        continueToken.clear();
        requestPage();
    }

    void requestPage()
    {
        QUrlQuery query;
        if (!resource.labelSelector.isEmpty())
            query.addQueryItem(QStringLiteral("labelSelector"), resource.labelSelector);
        query.addQueryItem(QStringLiteral("limit"), QString::number(config.pageSize));
        if (!continueToken.isEmpty())
            query.addQueryItem(QStringLiteral("continue"), continueToken);
        job = client->get(resource.apiPath, query);
        QObject::connect(job, &RequestJob::finished, q, [this] { onPage(); });
    }

    void onPage()
    {
        RequestJob *done = job.data();
        job = nullptr;
        done->deleteLater();
        if (!done->ok()) {
            if (done->httpStatus() == 410 && !continueToken.isEmpty()) {
                // The continue token expired between pages: start the list again.
                ++stats.gone410;
                lastError = done->errorString();
                list();
                return;
            }
            fail(done->errorString(), Next::List);
            return;
        }
        const QJsonObject body = done->json();
        const QJsonObject meta = body.value(QLatin1String("metadata")).toObject();
        const QJsonArray array = body.value(QLatin1String("items")).toArray();
        // Items of built-in lists carry no kind/apiVersion; add them so list items and
        // watch objects compare equal.
        QString apiVersion = body.value(QLatin1String("apiVersion")).toString();
        for (const QJsonValue &v : array) {
            QJsonObject item = v.toObject();
            if (!item.contains(QLatin1String("kind")) && !resource.kind.isEmpty())
                item.insert(QStringLiteral("kind"), resource.kind);
            if (!item.contains(QLatin1String("apiVersion")) && !apiVersion.isEmpty())
                item.insert(QStringLiteral("apiVersion"), apiVersion);
            items.append(item);
        }
        if (listResourceVersion.isEmpty())
            listResourceVersion = meta.value(QLatin1String("resourceVersion")).toString();
        continueToken = meta.value(QLatin1String("continue")).toString();
        if (!continueToken.isEmpty()) {
            requestPage();
            return;
        }
        if (listResourceVersion.isEmpty()) {
            fail(QStringLiteral("GET %1: list has no metadata.resourceVersion")
                     .arg(resource.apiPath),
                 Next::List);
            return;
        }
        if (stats.lists > 0)
            ++stats.relists;
        ++stats.lists;
        resourceVersion = listResourceVersion;
        const QList<QJsonObject> result = std::exchange(items, {});
        firstWatchAfterList = true;
        emit q->listed(result, resourceVersion);
        if (state == State::Stopped)
            return;
        if (!synced) {
            synced = true;
            emit q->synced();
            if (state == State::Stopped)
                return;
        }
        watch();
    }

    void watch()
    {
        dropRequests();
        setState(State::Watching, QString());
        const qint64 lo = config.watchTimeoutMin.count();
        const qint64 hi = std::max(lo, qint64(config.watchTimeoutMax.count()));
        const qint64 timeoutSeconds = QRandomGenerator::global()->bounded(lo, hi + 1);
        const std::chrono::milliseconds idle = config.idleTimeout.count() > 0
            ? config.idleTimeout
            : std::chrono::milliseconds(timeoutSeconds * 1000) + config.idleGrace;
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("allowWatchBookmarks"), QStringLiteral("true"));
        if (!resource.labelSelector.isEmpty())
            query.addQueryItem(QStringLiteral("labelSelector"), resource.labelSelector);
        query.addQueryItem(QStringLiteral("resourceVersion"), resourceVersion);
        query.addQueryItem(QStringLiteral("timeoutSeconds"), QString::number(timeoutSeconds));
        query.addQueryItem(QStringLiteral("watch"), QStringLiteral("true"));
        if (!firstWatchAfterList)
            ++stats.watchRestarts;
        firstWatchAfterList = false;
        stream = client->openWatch(resource.apiPath, query, idle);
        QObject::connect(
            stream, &WatchStream::eventReceived, q,
            [this](const QString &type, const QJsonObject &object) { onEvent(type, object); });
        QObject::connect(stream, &WatchStream::ended, q,
                         [this](WatchStream::End end) { onWatchEnded(end); });
    }

    void onEvent(const QString &type, const QJsonObject &object)
    {
        const QString rv = resourceVersionOf(object);
        if (!rv.isEmpty())
            resourceVersion = rv;
        if (type == QLatin1String("BOOKMARK")) {
            ++stats.bookmarks;
            return;
        }
        ++stats.events;
        if (type == QLatin1String("ADDED"))
            emit q->added(object);
        else if (type == QLatin1String("MODIFIED"))
            emit q->modified(object);
        else
            emit q->deleted(object);
    }

    void onWatchEnded(WatchStream::End end)
    {
        WatchStream *done = stream.data();
        stream = nullptr;
        done->deleteLater();
        const bool established = done->httpStatus() >= 200 && done->httpStatus() <= 299;
        const bool quiet =
            done->eventCount() == 0 && done->elapsedMs() < qint64(config.minWatchDuration.count());
        switch (end) {
        case WatchStream::End::Running:
        case WatchStream::End::Aborted:
            return;
        case WatchStream::End::Normal:
            if (quiet) {
                fail(QStringLiteral("watch %1: very short watch (%2 ms, no events)")
                         .arg(resource.apiPath)
                         .arg(done->elapsedMs()),
                     Next::Watch);
                return;
            }
            watch();
            return;
        case WatchStream::End::Gone:
            ++stats.gone410;
            lastError = done->errorString();
            if (firstWatchAfterList && done->eventCount() == 0) {
                // 410 right after a fresh list: do not relist in a tight loop.
                fail(done->errorString(), Next::List);
                return;
            }
            qCInfo(lcKube, "%s: resourceVersion expired, relisting: %s",
                   qPrintable(resource.plural), qPrintable(done->errorString()));
            list();
            return;
        case WatchStream::End::IdleTimeout:
            ++stats.idleTimeouts;
            lastError = done->errorString();
            qCWarning(lcKube, "%s: restarting stalled watch: %s", qPrintable(resource.plural),
                      qPrintable(done->errorString()));
            watch();
            return;
        case WatchStream::End::Network:
            if (established && !quiet) {
                // Broken mid-stream: like client-go (unexpected EOF), resume from the last RV.
                qCInfo(lcKube, "%s: watch broke, resuming: %s", qPrintable(resource.plural),
                       qPrintable(done->errorString()));
                watch();
                return;
            }
            fail(done->errorString(), Next::Watch);
            return;
        case WatchStream::End::HttpError:
            fail(done->errorString(), done->httpStatus() == 429 ? Next::Watch : Next::List);
            return;
        case WatchStream::End::ServerError:
        case WatchStream::End::Protocol:
        case WatchStream::End::Credentials:
            fail(done->errorString(), Next::List);
            return;
        }
    }

    void fail(const QString &error, Next then)
    {
        ++stats.errors;
        lastError = error;
        next = then;
        const std::chrono::milliseconds delay = backoff.next();
        if (state == State::Backoff)
            qCWarning(lcKube, "%s: %s", qPrintable(resource.plural), qPrintable(error));
        setState(State::Backoff,
                 QStringLiteral("%1; retrying in %2 ms").arg(error).arg(delay.count()));
        retryTimer->start(delay);
    }

    void stop()
    {
        dropRequests();
        retryTimer->stop();
        setState(State::Stopped, QString());
    }

    Reflector *q;
    KubeClient *client;
    ResourceRef resource;
    ReflectorConfig config;
    Backoff backoff;
    QTimer *retryTimer;
    Next next = Next::List;
    State state = State::Idle;
    bool synced = false;
    bool firstWatchAfterList = false;
    QString lastError;
    QString resourceVersion;
    ReflectorStats stats;
    QPointer<RequestJob> job; // children of the client, which may go first
    QPointer<WatchStream> stream;
    QList<QJsonObject> items;
    QString listResourceVersion;
    QString continueToken;
};

Reflector::Reflector(KubeClient *client, ResourceRef resource, ReflectorConfig config,
                     QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, client, std::move(resource), config))
{
    qRegisterMetaType<bh::kube::Reflector::State>();
}

Reflector::~Reflector() = default;

void Reflector::start()
{
    if (d->state != State::Idle && d->state != State::Stopped)
        return;
    d->backoff.reset();
    d->list();
}

void Reflector::stop()
{
    d->stop();
}

Reflector::State Reflector::state() const
{
    return d->state;
}

bool Reflector::hasSynced() const
{
    return d->synced;
}

QString Reflector::lastError() const
{
    return d->lastError;
}

QString Reflector::lastResourceVersion() const
{
    return d->resourceVersion;
}

ReflectorStats Reflector::stats() const
{
    return d->stats;
}

const ResourceRef &Reflector::resource() const
{
    return d->resource;
}

} // namespace bh::kube
