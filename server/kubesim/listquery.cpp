#include "listquery.h"

#include "continuetoken.h"
#include "objectfilter.h"

namespace bh::sim {

namespace {

ListQuery::Result failed(const KubeStatus &status)
{
    ListQuery::Result r;
    r.error = status;
    return r;
}

} // namespace

ListQuery::Result ListQuery::run(const ObjectStore &store, Resource resource, const QString &ns,
                                 const ListOptions &options)
{
    const ResourceType &rt = ResourceType::of(resource);
    const quint64 current = store.resourceVersion();
    quint64 listRv = current;
    QString startAfter;
    bool exact = false;

    if (!options.continueToken.isEmpty()) {
        QString err;
        const auto token = ContinueToken::decode(options.continueToken, &err);
        if (!token)
            return failed(KubeStatus::badRequest(err));
        if (store.history().isTooOld(token->resourceVersion))
            return failed(KubeStatus::expired(QStringLiteral(
                "The provided continue parameter is too old to display a consistent list result. "
                "You can start a new list without the continue parameter, or use the continue "
                "token in this response to retrieve the remainder of the results. Continuing "
                "with the provided token results in an inconsistent list - objects that were "
                "created, modified, or deleted between the time the first chunk was returned "
                "and now may show up in the list.")));
        listRv = token->resourceVersion;
        startAfter = token->startAfter;
        exact = true;
    } else if (!options.resourceVersion.isEmpty()
               && options.resourceVersion != QLatin1String("0")) {
        const quint64 requested = options.resourceVersion.toULongLong();
        const bool wantExact = options.resourceVersionMatch == QLatin1String("Exact")
            || (options.resourceVersionMatch.isEmpty() && options.limit > 0);
        if (wantExact) {
            listRv = requested;
            exact = true;
        } else if (requested > current) {
            return failed(KubeStatus::tooLargeResourceVersion(requested, current));
        }
    }

    ObjectStore::Snapshot snapshot;
    if (exact && listRv != current) {
        KubeStatus err;
        auto snap = store.snapshotAt(resource, listRv, &err);
        if (!snap)
            return failed(err);
        snapshot = std::move(*snap);
    } else {
        snapshot = store.current(resource);
    }

    const ObjectFilter filter { ns, options.labelSelector, options.fieldSelector };
    const bool selective = !options.labelSelector.isEmpty() || !options.fieldSelector.isEmpty();
    const QString prefix = ns.isEmpty() ? QString() : ns + QLatin1Char('/');
    const ObjectStore::Snapshot &snap = snapshot; // const access: never detaches
    const auto start = startAfter.isEmpty() ? snap.lowerBound(prefix) : snap.upperBound(startAfter);
    const auto inRange = [&](const ObjectStore::Snapshot::const_iterator &i) {
        return i != snap.cend() && (prefix.isEmpty() || i.key().startsWith(prefix));
    };

    Result result;
    result.resourceVersion = listRv;
    QByteArray items;
    QString lastKey;
    bool more = false;
    qint64 remaining = 0;
    for (auto i = start; inRange(i); ++i) {
        if (!filter.matches(i.value()))
            continue;
        if (options.limit > 0 && result.itemCount >= options.limit) {
            more = true;
            if (selective)
                break;
            ++remaining;
            continue;
        }
        if (result.itemCount > 0)
            items.append(',');
        items.append(i.value()->encodedItem(rt.builtIn));
        ++result.itemCount;
        lastKey = i.key();
    }

    QByteArray body;
    body.reserve(items.size() + 256);
    body.append("{\"kind\":\"");
    body.append(rt.listKind.toLatin1());
    body.append("\",\"apiVersion\":\"");
    body.append(rt.apiVersion.toLatin1());
    body.append("\",\"metadata\":{\"resourceVersion\":\"");
    body.append(QByteArray::number(listRv));
    body.append('"');
    if (more) {
        result.continueToken = ContinueToken { listRv, lastKey }.encode();
        body.append(",\"continue\":\"");
        body.append(result.continueToken.toLatin1());
        body.append('"');
        if (!selective) {
            body.append(",\"remainingItemCount\":");
            body.append(QByteArray::number(remaining));
        }
    }
    body.append("},\"items\":[");
    body.append(items);
    body.append("]}");
    result.body = std::move(body);
    return result;
}

} // namespace bh::sim
