#pragma once

#include "fieldselector.h"
#include "kubestatus.h"
#include "labelselector.h"

#include <QUrlQuery>

#include <optional>

namespace bh::sim {

// The query parameters of a list or watch request (metav1.ListOptions), decoded and
// validated like the apiserver does: undecodable values (bad selector, bad boolean, bad
// integer) are 400 BadRequest, inconsistent combinations 422 Invalid (ValidateListOptions).
struct ListOptions
{
    bool watch = false;
    QString resourceVersion; // empty = unset
    QString resourceVersionMatch;
    std::optional<bool> sendInitialEvents;
    bool allowWatchBookmarks = false;
    std::optional<qint64> timeoutSeconds;
    qint64 limit = 0; // <= 0: no limit
    QString continueToken;
    LabelSelector labelSelector;
    FieldSelector fieldSelector;
    QString labelSelectorText;
    QString fieldSelectorText;

    // Go strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False.
    static std::optional<bool> parseBool(const QString &text);

    static std::optional<ListOptions> parse(const QUrlQuery &query, KubeStatus *error);
};

} // namespace bh::sim
