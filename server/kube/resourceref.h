#pragma once

#include <QString>

namespace bh::kube {

// One watched collection: the list path (namespace included) and an optional selector.
struct ResourceRef
{
    QString apiPath; // e.g. "/api/v1/namespaces/boilerhouse/pods"
    QString labelSelector; // e.g. "boilerhouse.dev/managed=true"; empty = everything
    QString kind; // "Pod"
    QString plural; // "pods"
};

} // namespace bh::kube
