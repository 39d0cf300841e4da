#include "resourcetype.h"

namespace bh::sim {

QString ResourceType::qualifiedName() const
{
    return group.isEmpty() ? plural : plural + QLatin1Char('.') + group;
}

const ResourceType &ResourceType::of(Resource resource)
{
    static const ResourceType pods { Resource::Pods,
                                     QStringLiteral("pods"),
                                     QStringLiteral("pod"),
                                     QStringLiteral("Pod"),
                                     QStringLiteral("PodList"),
                                     QString(),
                                     QStringLiteral("v1"),
                                     QStringLiteral("v1"),
                                     QStringLiteral("po"),
                                     true };
    static const ResourceType claims { Resource::Claims,
                                       QStringLiteral("boilerhouseclaims"),
                                       QStringLiteral("boilerhouseclaim"),
                                       QStringLiteral("BoilerhouseClaim"),
                                       QStringLiteral("BoilerhouseClaimList"),
                                       QStringLiteral("boilerhouse.dev"),
                                       QStringLiteral("v1alpha1"),
                                       QStringLiteral("boilerhouse.dev/v1alpha1"),
                                       QStringLiteral("bhc"),
                                       false };
    return resource == Resource::Pods ? pods : claims;
}

std::optional<Resource> ResourceType::fromPlural(const QString &plural)
{
    if (plural == QLatin1String("pods"))
        return Resource::Pods;
    if (plural == QLatin1String("boilerhouseclaims"))
        return Resource::Claims;
    return std::nullopt;
}

} // namespace bh::sim
