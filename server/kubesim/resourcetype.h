#pragma once

#include <QString>

#include <optional>

namespace bh::sim {

// The two resources the simulator serves.
enum class Resource { Pods, Claims };

// Static description of a served resource (names as the apiserver spells them).
struct ResourceType
{
    Resource resource;
    QString plural; // "pods" / "boilerhouseclaims"
    QString singular; // "pod" / "boilerhouseclaim"
    QString kind; // "Pod" / "BoilerhouseClaim"
    QString listKind; // "PodList" / "BoilerhouseClaimList"
    QString group; // "" / "boilerhouse.dev"
    QString version; // "v1" / "v1alpha1"
    QString apiVersion; // "v1" / "boilerhouse.dev/v1alpha1"
    QString shortName; // "po" / "bhc"
    bool builtIn; // built-in list items carry no kind/apiVersion

    // "pods" or "boilerhouseclaims.boilerhouse.dev" (the form used in Status messages).
    QString qualifiedName() const;

    static const ResourceType &of(Resource resource);
    static std::optional<Resource> fromPlural(const QString &plural);
};

} // namespace bh::sim
