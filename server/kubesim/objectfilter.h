#pragma once

#include "fieldselector.h"
#include "labelselector.h"
#include "storedobject.h"

namespace bh::sim {

// What one list or watch asks for: a namespace (empty = all) plus label and field selectors.
struct ObjectFilter
{
    QString ns;
    LabelSelector labels;
    FieldSelector fields;

    bool matches(const StoredObject &object) const
    {
        if (!ns.isEmpty() && object.ns() != ns)
            return false;
        if (!fields.isEmpty() && !fields.matches(object.name(), object.ns()))
            return false;
        return labels.isEmpty() || labels.matches(object.labels());
    }
    bool matches(const ObjectPtr &object) const { return object && matches(*object); }
};

} // namespace bh::sim
