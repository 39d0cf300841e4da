#include "listoptions.h"

namespace bh::sim {

std::optional<bool> ListOptions::parseBool(const QString &text)
{
    static const QStringList yes { "1", "t", "T", "TRUE", "true", "True" };
    static const QStringList no { "0", "f", "F", "FALSE", "false", "False" };
    if (yes.contains(text))
        return true;
    if (no.contains(text))
        return false;
    return std::nullopt;
}

namespace {

// Like Go's url.ParseQuery: '+' is a space (Python's urlencode sends selectors that way).
QString value(const QUrlQuery &q, const char *key)
{
    QString raw = q.queryItemValue(QLatin1String(key), QUrl::FullyEncoded);
    raw.replace(QLatin1Char('+'), QLatin1Char(' '));
    return QUrl::fromPercentEncoding(raw.toUtf8());
}

KubeStatus::Cause forbidden(const QString &field, const QString &detail)
{
    return { field, QStringLiteral("FieldValueForbidden"), QStringLiteral("Forbidden: ") + detail };
}

KubeStatus::Cause notSupported(const QString &field, const QString &value,
                               const QStringList &supported)
{
    QStringList quotedValues;
    for (const QString &s : supported)
        quotedValues << QLatin1Char('"') + s + QLatin1Char('"');
    return { field, QStringLiteral("FieldValueNotSupported"),
             QStringLiteral("Unsupported value: \"%1\": supported values: %2")
                 .arg(value, quotedValues.join(QStringLiteral(", "))) };
}

} // namespace

std::optional<ListOptions> ListOptions::parse(const QUrlQuery &q, KubeStatus *error)
{
    ListOptions o;
    auto fail = [error](const KubeStatus &s) {
        if (error)
            *error = s;
        return std::nullopt;
    };
    auto boolParam = [&](const char *key, std::optional<bool> *out) -> bool {
        if (!q.hasQueryItem(QLatin1String(key)))
            return true;
        const QString v = value(q, key);
        *out = parseBool(v);
        return out->has_value();
    };
    std::optional<bool> watch, bookmarks;
    for (const char *key : { "watch", "allowWatchBookmarks", "sendInitialEvents" }) {
        std::optional<bool> *target = key[0] == 'w' ? &watch
            : key[0] == 'a'                         ? &bookmarks
                                                    : &o.sendInitialEvents;
        if (!boolParam(key, target))
            return fail(KubeStatus::badRequest(
                QStringLiteral("strconv.ParseBool: parsing \"%1\": invalid syntax")
                    .arg(value(q, key))));
    }
    o.watch = watch.value_or(false);
    o.allowWatchBookmarks = bookmarks.value_or(false);
    for (const char *key : { "limit", "timeoutSeconds" }) {
        if (!q.hasQueryItem(QLatin1String(key)))
            continue;
        bool ok = false;
        const qint64 n = value(q, key).toLongLong(&ok);
        if (!ok)
            return fail(KubeStatus::badRequest(
                QStringLiteral("strconv.ParseInt: parsing \"%1\": invalid syntax")
                    .arg(value(q, key))));
        if (key[0] == 'l')
            o.limit = n;
        else
            o.timeoutSeconds = n;
    }
    o.resourceVersion = value(q, "resourceVersion");
    o.resourceVersionMatch = value(q, "resourceVersionMatch");
    o.continueToken = value(q, "continue");
    o.labelSelectorText = value(q, "labelSelector");
    o.fieldSelectorText = value(q, "fieldSelector");
    QString err;
    auto ls = LabelSelector::parse(o.labelSelectorText, &err);
    if (!ls)
        return fail(KubeStatus::badRequest(err));
    o.labelSelector = *ls;
    auto fs = FieldSelector::parse(o.fieldSelectorText, &err);
    if (!fs)
        return fail(KubeStatus::badRequest(err));
    o.fieldSelector = *fs;

    // apimachinery pkg/apis/meta/internalversion/validation ValidateListOptions.
    QList<KubeStatus::Cause> causes;
    const QString match = o.resourceVersionMatch;
    const QString rvm = QStringLiteral("resourceVersionMatch");
    if (o.watch) {
        if (o.sendInitialEvents.has_value() && match != QLatin1String("NotOlderThan"))
            causes << forbidden(rvm,
                                QStringLiteral("sendInitialEvents requires setting "
                                               "resourceVersionMatch to NotOlderThan"));
        if (!match.isEmpty()) {
            if (!o.sendInitialEvents.has_value())
                causes << forbidden(rvm,
                                    QStringLiteral("resourceVersionMatch is forbidden for "
                                                   "watch unless sendInitialEvents is "
                                                   "provided"));
            if (match != QLatin1String("NotOlderThan"))
                causes << notSupported(rvm, match, { QStringLiteral("NotOlderThan") });
            if (!o.continueToken.isEmpty())
                causes << forbidden(rvm,
                                    QStringLiteral("resourceVersionMatch is forbidden when "
                                                   "continue is provided"));
        }
    } else {
        if (!match.isEmpty()) {
            if (o.resourceVersion.isEmpty())
                causes << forbidden(rvm,
                                    QStringLiteral("resourceVersionMatch is forbidden "
                                                   "unless resourceVersion is provided"));
            if (!o.continueToken.isEmpty())
                causes << forbidden(rvm,
                                    QStringLiteral("resourceVersionMatch is forbidden when "
                                                   "continue is provided"));
            if (match != QLatin1String("Exact") && match != QLatin1String("NotOlderThan"))
                causes << notSupported(
                    rvm, match,
                    { QStringLiteral("Exact"), QStringLiteral("NotOlderThan"), QString() });
            if (match == QLatin1String("Exact") && o.resourceVersion == QLatin1String("0"))
                causes << forbidden(rvm,
                                    QStringLiteral("resourceVersionMatch \"exact\" is "
                                                   "forbidden for resourceVersion \"0\""));
        }
        if (o.sendInitialEvents.has_value())
            causes << forbidden(QStringLiteral("sendInitialEvents"),
                                QStringLiteral("sendInitialEvents is forbidden for list"));
    }
    if (!causes.isEmpty())
        return fail(KubeStatus::invalidListOptions(causes));

    if (!o.resourceVersion.isEmpty()) {
        bool ok = false;
        o.resourceVersion.toULongLong(&ok);
        if (!ok)
            return fail(KubeStatus::badRequest(
                QStringLiteral("invalid resource version: strconv.ParseUint: parsing \"%1\": "
                               "invalid syntax")
                    .arg(o.resourceVersion)));
    }
    if (!o.watch && !o.continueToken.isEmpty() && !o.resourceVersion.isEmpty()
        && o.resourceVersion != QLatin1String("0"))
        return fail(KubeStatus::badRequest(
            QStringLiteral("specifying resource version is not allowed when using continue")));
    return o;
}

} // namespace bh::sim
