#include "strategicmergepatch.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace bh::sim {

namespace {

const QLatin1String PatchDirective("$patch");
const QLatin1String RetainKeys("$retainKeys");
const QLatin1String SetElementOrder("$setElementOrder/");
const QLatin1String DeleteFromPrimitiveList("$deleteFromPrimitiveList/");

bool isDirective(const QString &key)
{
    return key.startsWith(QLatin1Char('$'));
}

struct Merger
{
    std::optional<QString> error;

    // Removes directives (a patch value that has nothing to merge with).
    QJsonValue clean(const QJsonValue &v)
    {
        if (v.isObject()) {
            QJsonObject out;
            const QJsonObject o = v.toObject();
            for (auto it = o.begin(); it != o.end(); ++it) {
                if (!isDirective(it.key()) && !it.value().isNull())
                    out.insert(it.key(), clean(it.value()));
            }
            return out;
        }
        if (v.isArray()) {
            QJsonArray out;
            for (const QJsonValue &e : v.toArray()) {
                if (e.isObject() && e.toObject().value(PatchDirective).isString())
                    continue; // a directive element has nothing to delete/replace here
                out.append(clean(e));
            }
            return out;
        }
        return v;
    }

    QJsonArray mergeList(const QJsonArray &original, const QJsonArray &patch, const QString &key,
                         const QStringList &path)
    {
        QJsonArray result = original;
        auto indexOf = [&](const QJsonValue &k) {
            for (int i = 0; i < result.size(); ++i) {
                if (result.at(i).toObject().value(key) == k)
                    return i;
            }
            return -1;
        };
        for (const QJsonValue &e : patch) {
            const QJsonObject element = e.toObject();
            const QString directive = element.value(PatchDirective).toString();
            if (directive == QLatin1String("replace")) {
                // {"$patch":"replace"} in a list: the other elements replace the list.
                QJsonArray rest;
                for (const QJsonValue &other : patch) {
                    if (!other.toObject().contains(PatchDirective))
                        rest.append(clean(other));
                }
                return rest;
            }
        }
        for (const QJsonValue &e : patch) {
            if (!e.isObject()) {
                error = QStringLiteral("%1: expected a list of maps with merge key %2")
                            .arg(path.join(QLatin1Char('.')), key);
                return original;
            }
            const QJsonObject element = e.toObject();
            const QJsonValue k = element.value(key);
            if (k.isUndefined() || k.isNull()) {
                error = QStringLiteral("map: %1 does not contain declared merge key: %2")
                            .arg(QString::fromUtf8(
                                     QJsonDocument(element).toJson(QJsonDocument::Compact)),
                                 key);
                return original;
            }
            const int at = indexOf(k);
            const QString directive = element.value(PatchDirective).toString();
            if (directive == QLatin1String("delete")) {
                if (at >= 0)
                    result.removeAt(at);
                continue;
            }
            if (at >= 0)
                result[at] = mergeMap(result.at(at).toObject(), element, path);
            else
                result.append(clean(element));
        }
        return result;
    }

    // Orders `list` as `order` names it (by merge key, or by value for primitive lists);
    // elements the order does not name keep their relative order after the named ones.
    static QJsonArray applyOrder(const QJsonArray &list, const QJsonArray &order,
                                 const QString &key)
    {
        QJsonArray named;
        QList<bool> used(list.size(), false);
        for (const QJsonValue &o : order) {
            const QJsonValue want = key.isEmpty() ? o : o.toObject().value(key);
            for (int i = 0; i < list.size(); ++i) {
                const QJsonValue have =
                    key.isEmpty() ? list.at(i) : list.at(i).toObject().value(key);
                if (!used[i] && have == want) {
                    used[i] = true;
                    named.append(list.at(i));
                    break;
                }
            }
        }
        for (int i = 0; i < list.size(); ++i) {
            if (!used[i])
                named.append(list.at(i));
        }
        return named;
    }

    QJsonObject mergeMap(const QJsonObject &original, const QJsonObject &patch,
                         const QStringList &path)
    {
        const QString directive = patch.value(PatchDirective).toString();
        if (directive == QLatin1String("replace"))
            return clean(patch).toObject();
        QJsonObject result = original;
        for (auto it = patch.begin(); it != patch.end() && !error; ++it) {
            const QString &field = it.key();
            if (isDirective(field))
                continue;
            const QJsonValue value = it.value();
            if (value.isNull()) {
                result.remove(field);
                continue;
            }
            const QStringList childPath = path + QStringList { field };
            const QJsonValue current = result.value(field);
            if (value.isObject()) {
                const QJsonObject child = value.toObject();
                if (child.value(PatchDirective).toString() == QLatin1String("delete")) {
                    result.remove(field);
                    continue;
                }
                result.insert(field, mergeMap(current.toObject(), child, childPath));
            } else if (value.isArray()) {
                const QString key = StrategicMergePatch::mergeKeyFor(childPath);
                if (!key.isEmpty()) {
                    result.insert(field,
                                  mergeList(current.toArray(), value.toArray(), key, childPath));
                } else if (StrategicMergePatch::isMergedPrimitiveList(childPath)) {
                    QJsonArray merged = current.toArray();
                    for (const QJsonValue &v : value.toArray()) {
                        if (!merged.contains(v))
                            merged.append(v);
                    }
                    result.insert(field, merged);
                } else {
                    result.insert(field, clean(value));
                }
            } else {
                result.insert(field, value);
            }
        }
        if (error)
            return original;
        // $deleteFromPrimitiveList/<field> and $setElementOrder/<field>.
        for (auto it = patch.begin(); it != patch.end(); ++it) {
            const QString &directiveKey = it.key();
            if (directiveKey.startsWith(DeleteFromPrimitiveList)) {
                const QString field = directiveKey.mid(DeleteFromPrimitiveList.size());
                QJsonArray list = result.value(field).toArray();
                for (const QJsonValue &v : it.value().toArray()) {
                    for (int i = list.size() - 1; i >= 0; --i) {
                        if (list.at(i) == v)
                            list.removeAt(i);
                    }
                }
                result.insert(field, list);
            }
        }
        for (auto it = patch.begin(); it != patch.end(); ++it) {
            const QString &directiveKey = it.key();
            if (directiveKey.startsWith(SetElementOrder)) {
                const QString field = directiveKey.mid(SetElementOrder.size());
                if (!result.value(field).isArray())
                    continue;
                const QString key = StrategicMergePatch::mergeKeyFor(path + QStringList { field });
                result.insert(field,
                              applyOrder(result.value(field).toArray(), it.value().toArray(), key));
            }
        }
        if (patch.contains(RetainKeys)) {
            const QJsonArray keep = patch.value(RetainKeys).toArray();
            const QStringList names = result.keys();
            for (const QString &name : names) {
                if (!keep.contains(QJsonValue(name)))
                    result.remove(name);
            }
        }
        return result;
    }
};

} // namespace

QString StrategicMergePatch::mergeKeyFor(const QStringList &path)
{
    if (path.isEmpty())
        return {};
    const QString &field = path.last();
    const QString parent = path.size() >= 2 ? path.at(path.size() - 2) : QString();
    const bool inContainer = parent == QLatin1String("containers")
        || parent == QLatin1String("initContainers")
        || parent == QLatin1String("ephemeralContainers");
    // patchMergeKey tags of k8s.io/api core/v1, apps/v1 and meta/v1 for these kinds.
    if (field == QLatin1String("containers") || field == QLatin1String("initContainers")
        || field == QLatin1String("ephemeralContainers") || field == QLatin1String("volumes")
        || field == QLatin1String("imagePullSecrets") || field == QLatin1String("secrets"))
        return QStringLiteral("name");
    if (inContainer && field == QLatin1String("env"))
        return QStringLiteral("name");
    if (inContainer && field == QLatin1String("ports"))
        return QStringLiteral("containerPort");
    if (inContainer && field == QLatin1String("volumeMounts"))
        return QStringLiteral("mountPath");
    if (inContainer && field == QLatin1String("volumeDevices"))
        return QStringLiteral("devicePath");
    if (field == QLatin1String("ports") && path.size() == 2 && parent == QLatin1String("spec"))
        return QStringLiteral("port"); // Service.spec.ports
    if (field == QLatin1String("ownerReferences") && parent == QLatin1String("metadata"))
        return QStringLiteral("uid");
    if (field == QLatin1String("conditions") && parent == QLatin1String("status"))
        return QStringLiteral("type");
    if (field == QLatin1String("hostAliases"))
        return QStringLiteral("ip");
    return {};
}

bool StrategicMergePatch::isMergedPrimitiveList(const QStringList &path)
{
    return path.size() == 2 && path.at(0) == QLatin1String("metadata")
        && path.at(1) == QLatin1String("finalizers");
}

StrategicMergePatch::Result StrategicMergePatch::apply(const QJsonObject &original,
                                                       const QJsonObject &patch)
{
    Merger merger;
    QJsonObject merged = merger.mergeMap(original, patch, {});
    if (merger.error)
        return { original, merger.error };
    return { merged, std::nullopt };
}

} // namespace bh::sim
