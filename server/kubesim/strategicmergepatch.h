#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace bh::sim {

// Kubernetes strategic merge patch (application/strategic-merge-patch+json), as the
// apiserver applies it to the built-in kinds the simulator stores for `kubectl apply`.
// Like a JSON merge patch (maps merge, null deletes) except:
//  - lists with a merge key (containers by name, env by name, container ports by
//    containerPort, service ports by port, volumes by name, ...; the patchMergeKey tags of
//    the Go API types) are merged element by element; other lists are replaced;
//  - directives: {"$patch":"replace"|"delete"|"merge"} in maps and list elements,
//    "$retainKeys", "$setElementOrder/<list>", "$deleteFromPrimitiveList/<list>".
// A value type without state; errors are returned, never thrown.
class StrategicMergePatch
{
public:
    struct Result
    {
        QJsonObject object;
        std::optional<QString> error; // e.g. "does not contain declared merge key: name"
        bool ok() const { return !error.has_value(); }
    };

    static Result apply(const QJsonObject &original, const QJsonObject &patch);

    // The merge key of the list at `path` (field names from the object root, no indices),
    // or an empty string when that list is replaced as a whole.
    static QString mergeKeyFor(const QStringList &path);
    // Lists of scalars merged as sets (patchStrategy:"merge" without a key): finalizers.
    static bool isMergedPrimitiveList(const QStringList &path);
};

} // namespace bh::sim
