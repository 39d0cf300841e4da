#pragma once

#include "kubestatus.h"
#include "listoptions.h"
#include "objectstore.h"

#include <QByteArray>

namespace bh::sim {

// Answers one list request from the store: resourceVersion semantics (unset = most recent,
// "0" = any, N = not older than N, or exact N with limit / resourceVersionMatch=Exact),
// selectors, and limit/continue pagination where every page is served at the first page's
// resourceVersion. The body is assembled from each object's cached encoding.
class ListQuery
{
public:
    struct Result
    {
        QByteArray body; // the PodList / BoilerhouseClaimList JSON
        quint64 resourceVersion = 0;
        int itemCount = 0;
        QString continueToken;
        std::optional<KubeStatus> error;
        bool ok() const { return !error.has_value(); }
    };

    static Result run(const ObjectStore &store, Resource resource, const QString &ns,
                      const ListOptions &options);
};

} // namespace bh::sim
