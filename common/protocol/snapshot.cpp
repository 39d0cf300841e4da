#include "snapshot.h"

#include "event.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QTimeZone>

#include <cmath>

namespace bh::protocol {

namespace {

// ---- encoding --------------------------------------------------------------------------

// Writes `{"k":v,...}` with a leading comma before every key but the first.
class ObjectWriter
{
public:
    explicit ObjectWriter(QByteArray &out)
        : m_out(out)
    {
        m_out += '{';
    }
    void finish() { m_out += '}'; }

    void key(const char *name)
    {
        if (!m_first)
            m_out += ',';
        m_first = false;
        m_out += '"';
        m_out += name;
        m_out += "\":";
    }
    void string(const char *name, const QString &value)
    {
        key(name);
        appendJsonString(m_out, value);
    }
    void optString(const char *name, const QString &value)
    {
        if (!value.isEmpty())
            string(name, value);
    }
    void time(const char *name, const QDateTime &value)
    {
        key(name);
        appendJsonString(m_out, formatTimestamp(value));
    }
    void optTime(const char *name, const QDateTime &value)
    {
        if (value.isValid())
            time(name, value);
    }
    template<typename T>
    void number(const char *name, T value)
    {
        key(name);
        m_out += QByteArray::number(value);
    }
    void raw(const char *name, const QByteArray &json)
    {
        key(name);
        m_out += json;
    }

private:
    QByteArray &m_out;
    bool m_first = true;
};

QByteArray encodeStringMap(const QMap<QString, QString> &map)
{
    QByteArray out = "{";
    bool first = true;
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        if (!first)
            out += ',';
        first = false;
        appendJsonString(out, it.key());
        out += ':';
        appendJsonString(out, it.value());
    }
    out += '}';
    return out;
}

QByteArray encodeCountMap(const QMap<QString, qint64> &map)
{
    QByteArray out = "{";
    bool first = true;
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        if (!first)
            out += ',';
        first = false;
        appendJsonString(out, it.key());
        out += ':';
        out += QByteArray::number(it.value());
    }
    out += '}';
    return out;
}

QByteArray encodeCounts(const Stats::Counts &counts)
{
    QByteArray out;
    ObjectWriter w(out);
    w.number("total", counts.total);
    w.raw("byPhase", encodeCountMap(counts.byPhase));
    w.finish();
    return out;
}

QByteArray encodeEndpoint(const Endpoint &endpoint)
{
    QByteArray out;
    ObjectWriter w(out);
    w.optString("host", endpoint.host);
    if (endpoint.port != 0)
        w.number("port", endpoint.port);
    w.finish();
    return out;
}

template<typename T>
QByteArray encodeArray(const QList<T> &items)
{
    QByteArray out = "[";
    bool first = true;
    for (const T &item : items) {
        if (!first)
            out += ',';
        first = false;
        out += item.encode();
    }
    out += ']';
    return out;
}

// ---- decoding --------------------------------------------------------------------------

// Reads the fields of one JSON object; remembers the first failure with its field path.
class ObjectReader
{
public:
    ObjectReader(const QJsonObject &object, QString path, SnapshotError *error, QString *message)
        : m_object(object)
        , m_path(std::move(path))
        , m_error(error)
        , m_message(message)
    { }

    bool ok() const { return m_ok; }
    const QJsonObject &object() const { return m_object; }
    QString path(const char *field) const
    {
        return m_path.isEmpty() ? QString::fromLatin1(field)
                                : m_path + QLatin1Char('.') + QLatin1String(field);
    }

    void fail(SnapshotError code, const QString &text)
    {
        if (!m_ok)
            return;
        m_ok = false;
        if (m_error)
            *m_error = code;
        if (m_message)
            *m_message = text;
    }

    // Present and non-null?
    bool has(const char *field) const
    {
        const QJsonValue v = m_object.value(QLatin1String(field));
        return !v.isUndefined() && !v.isNull();
    }

    QString string(const char *field, bool required)
    {
        const QJsonValue v = m_object.value(QLatin1String(field));
        if (v.isUndefined() || v.isNull()) {
            if (required)
                fail(SnapshotError::MissingField,
                     QStringLiteral("%1: required field missing").arg(path(field)));
            return {};
        }
        if (!v.isString()) {
            fail(SnapshotError::BadField, QStringLiteral("%1: not a string").arg(path(field)));
            return {};
        }
        return v.toString();
    }

    QDateTime time(const char *field, bool required)
    {
        const QJsonValue v = m_object.value(QLatin1String(field));
        if (v.isUndefined() || v.isNull()) {
            if (required)
                fail(SnapshotError::MissingField,
                     QStringLiteral("%1: required field missing").arg(path(field)));
            return {};
        }
        if (!v.isString()) {
            fail(SnapshotError::BadField, QStringLiteral("%1: not a string").arg(path(field)));
            return {};
        }
        const auto parsed = parseTimestamp(v.toString());
        if (!parsed) {
            fail(SnapshotError::BadTimestamp,
                 QStringLiteral("%1: not an RFC 3339 timestamp: \"%2\"")
                     .arg(path(field), v.toString()));
            return {};
        }
        return *parsed;
    }

    // A non-negative integer (JSON numbers are doubles: must be integral and exact).
    std::optional<qint64> count(const QJsonValue &v, const QString &where, bool required)
    {
        if (v.isUndefined() || v.isNull()) {
            if (required)
                fail(SnapshotError::MissingField,
                     QStringLiteral("%1: required field missing").arg(where));
            return std::nullopt;
        }
        const double d = v.toDouble(-1);
        constexpr double kMaxExact = 9007199254740992.0; // 2^53: largest exact integer
        if (!v.isDouble() || d < 0 || d > kMaxExact || std::floor(d) != d) {
            fail(SnapshotError::BadField,
                 QStringLiteral("%1: not a non-negative integer").arg(where));
            return std::nullopt;
        }
        return static_cast<qint64>(d);
    }

    QJsonObject subObject(const char *field, bool required)
    {
        const QJsonValue v = m_object.value(QLatin1String(field));
        if (v.isUndefined() || v.isNull()) {
            if (required)
                fail(SnapshotError::MissingField,
                     QStringLiteral("%1: required field missing").arg(path(field)));
            return {};
        }
        if (!v.isObject()) {
            fail(SnapshotError::BadField, QStringLiteral("%1: not an object").arg(path(field)));
            return {};
        }
        return v.toObject();
    }

private:
    QJsonObject m_object;
    QString m_path;
    SnapshotError *m_error;
    QString *m_message;
    bool m_ok = true;
};

void setError(SnapshotError *error, QString *message, SnapshotError code, const QString &text)
{
    if (error)
        *error = code;
    if (message)
        *message = text;
}

void setOk(SnapshotError *error)
{
    if (error)
        *error = SnapshotError::None;
}

std::optional<QJsonDocument> parseDocument(QByteArrayView json, SnapshotError *error,
                                           QString *message)
{
    QJsonParseError parseError;
    QJsonDocument doc = QJsonDocument::fromJson(json.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        setError(error, message, SnapshotError::NotJson,
                 QStringLiteral("not JSON: %1 at offset %2")
                     .arg(parseError.errorString())
                     .arg(parseError.offset));
        return std::nullopt;
    }
    return doc;
}

// fromJson with a path prefix for error messages.
std::optional<InstanceInfo> instanceFrom(const QJsonValue &value, const QString &where,
                                         SnapshotError *error, QString *message);
std::optional<ClaimInfo> claimFrom(const QJsonValue &value, const QString &where,
                                   SnapshotError *error, QString *message);
std::optional<TenantInfo> tenantFrom(const QJsonValue &value, const QString &where,
                                     SnapshotError *error, QString *message);

bool requireObject(const QJsonValue &value, const QString &where, SnapshotError *error,
                   QString *message)
{
    if (value.isObject())
        return true;
    setError(error, message, SnapshotError::WrongType,
             QStringLiteral("%1: not a JSON object")
                 .arg(where.isEmpty() ? QStringLiteral("document") : where));
    return false;
}

std::optional<InstanceInfo> instanceFrom(const QJsonValue &value, const QString &where,
                                         SnapshotError *error, QString *message)
{
    if (!requireObject(value, where, error, message))
        return std::nullopt;
    ObjectReader r(value.toObject(), where, error, message);
    InstanceInfo info;
    info.name = r.string("name", true);
    info.phase = r.string("phase", true);
    info.tenantId = r.string("tenantId", false);
    info.workloadRef = r.string("workloadRef", false);
    info.ip = r.string("ip", false);
    const QJsonObject labels = r.subObject("labels", false);
    for (auto it = labels.constBegin(); r.ok() && it != labels.constEnd(); ++it) {
        if (!it.value().isString()) {
            r.fail(SnapshotError::BadField,
                   QStringLiteral("%1[\"%2\"]: not a string").arg(r.path("labels"), it.key()));
            break;
        }
        info.labels.insert(it.key(), it.value().toString());
    }
    info.createdAt = r.time("createdAt", true);
    info.lastActivity = r.time("lastActivity", false);
    info.claimedAt = r.time("claimedAt", false);
    if (!r.ok())
        return std::nullopt;
    setOk(error);
    return info;
}

std::optional<ClaimInfo> claimFrom(const QJsonValue &value, const QString &where,
                                   SnapshotError *error, QString *message)
{
    if (!requireObject(value, where, error, message))
        return std::nullopt;
    ObjectReader r(value.toObject(), where, error, message);
    ClaimInfo info;
    info.name = r.string("name", true);
    info.workloadRef = r.string("workloadRef", true);
    info.tenantId = r.string("tenantId", true);
    info.phase = r.string("phase", true);
    info.instanceId = r.string("instanceId", false);
    const QJsonObject endpoint = r.subObject("endpoint", false);
    if (r.ok() && !endpoint.isEmpty()) {
        ObjectReader e(endpoint, r.path("endpoint"), error, message);
        info.endpoint.host = e.string("host", false);
        const auto port = e.count(endpoint.value(QLatin1String("port")), e.path("port"), false);
        if (e.ok() && port && *port > 65535)
            e.fail(SnapshotError::BadField,
                   QStringLiteral("%1: port out of range").arg(e.path("port")));
        if (!e.ok())
            return std::nullopt;
        info.endpoint.port = port ? static_cast<int>(*port) : 0;
    }
    info.source = r.string("source", false);
    info.claimedAt = r.time("claimedAt", false);
    info.detail = r.string("detail", false);
    if (!r.ok())
        return std::nullopt;
    setOk(error);
    return info;
}

std::optional<TenantInfo> tenantFrom(const QJsonValue &value, const QString &where,
                                     SnapshotError *error, QString *message)
{
    if (!requireObject(value, where, error, message))
        return std::nullopt;
    ObjectReader r(value.toObject(), where, error, message);
    TenantInfo info;
    info.tenantId = r.string("tenantId", true);
    if (!r.ok())
        return std::nullopt;
    const QJsonValue claims = r.object().value(QLatin1String("claims"));
    if (claims.isUndefined() || claims.isNull()) {
        r.fail(SnapshotError::MissingField,
               QStringLiteral("%1: required field missing").arg(r.path("claims")));
        return std::nullopt;
    }
    if (!claims.isArray()) {
        r.fail(SnapshotError::BadField, QStringLiteral("%1: not an array").arg(r.path("claims")));
        return std::nullopt;
    }
    const QJsonArray array = claims.toArray();
    info.claims.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        auto claim = claimFrom(array.at(i), QStringLiteral("%1[%2]").arg(r.path("claims")).arg(i),
                               error, message);
        if (!claim)
            return std::nullopt;
        info.claims.append(std::move(*claim));
    }
    setOk(error);
    return info;
}

std::optional<Stats::Counts> countsFrom(ObjectReader &parent, const char *field)
{
    const QJsonObject obj = parent.subObject(field, true);
    if (!parent.ok())
        return std::nullopt;
    ObjectReader r(obj, parent.path(field), nullptr, nullptr);
    Stats::Counts counts;
    const auto total = parent.count(obj.value(QLatin1String("total")), r.path("total"), true);
    if (!total)
        return std::nullopt;
    counts.total = *total;
    const QJsonValue byPhase = obj.value(QLatin1String("byPhase"));
    if (!byPhase.isUndefined() && !byPhase.isNull()) {
        if (!byPhase.isObject()) {
            parent.fail(SnapshotError::BadField,
                        QStringLiteral("%1: not an object").arg(r.path("byPhase")));
            return std::nullopt;
        }
        const QJsonObject phases = byPhase.toObject();
        for (auto it = phases.constBegin(); it != phases.constEnd(); ++it) {
            const auto n = parent.count(
                it.value(), QStringLiteral("%1[\"%2\"]").arg(r.path("byPhase"), it.key()), true);
            if (!n)
                return std::nullopt;
            counts.byPhase.insert(it.key(), *n);
        }
    }
    return counts;
}

template<typename T, typename From>
std::optional<QList<T>> decodeArray(QByteArrayView json, const char *what, From from,
                                    SnapshotError *error, QString *message)
{
    const auto doc = parseDocument(json, error, message);
    if (!doc)
        return std::nullopt;
    if (!doc->isArray()) {
        setError(error, message, SnapshotError::WrongType,
                 QStringLiteral("%1: not a JSON array").arg(QLatin1String(what)));
        return std::nullopt;
    }
    const QJsonArray array = doc->array();
    QList<T> items;
    items.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        auto item = from(array.at(i), QStringLiteral("%1[%2]").arg(QLatin1String(what)).arg(i),
                         error, message);
        if (!item)
            return std::nullopt;
        items.append(std::move(*item));
    }
    setOk(error);
    return items;
}

template<typename T, typename From>
std::optional<T> decodeOne(QByteArrayView json, From from, SnapshotError *error, QString *message)
{
    const auto doc = parseDocument(json, error, message);
    if (!doc)
        return std::nullopt;
    if (!doc->isObject()) {
        setError(error, message, SnapshotError::WrongType,
                 QStringLiteral("document: not a JSON object"));
        return std::nullopt;
    }
    return from(QJsonValue(doc->object()), QString(), error, message);
}

QJsonObject parsed(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

} // namespace

// ---- timestamps --------------------------------------------------------------------------

QString formatTimestamp(const QDateTime &time)
{
    if (!time.isValid())
        return QStringLiteral("0001-01-01T00:00:00Z");
    const QDateTime utc = time.toUTC();
    return utc.date().toString(Qt::ISODate) + QLatin1Char('T')
        + utc.time().toString(QStringLiteral("HH:mm:ss")) + QLatin1Char('Z');
}

std::optional<QDateTime> parseTimestamp(const QString &text)
{
    // RFC 3339: date 'T' time, optional fraction, then 'Z' or ±hh:mm. Qt::ISODate also takes
    // forms RFC 3339 does not (no offset = local time), so check the shape first.
    if (text.size() < 20 || text.at(10) != QLatin1Char('T'))
        return std::nullopt;
    const QChar last = text.back();
    const bool zulu = last == QLatin1Char('Z') || last == QLatin1Char('z');
    const bool offset = text.size() >= 25
        && (text.at(text.size() - 6) == QLatin1Char('+')
            || text.at(text.size() - 6) == QLatin1Char('-'))
        && text.at(text.size() - 3) == QLatin1Char(':');
    if (!zulu && !offset)
        return std::nullopt;
    QString normalized = text;
    if (last == QLatin1Char('z'))
        normalized.back() = QLatin1Char('Z');
    const QDateTime parsedTime = QDateTime::fromString(normalized, Qt::ISODateWithMs);
    if (!parsedTime.isValid())
        return std::nullopt;
    return parsedTime.toUTC();
}

// ---- InstanceInfo -------------------------------------------------------------------------

QByteArray InstanceInfo::encode() const
{
    QByteArray out;
    out.reserve(256);
    ObjectWriter w(out);
    w.string("name", name);
    w.string("phase", phase);
    w.optString("tenantId", tenantId);
    w.optString("workloadRef", workloadRef);
    w.optString("ip", ip);
    if (!labels.isEmpty())
        w.raw("labels", encodeStringMap(labels));
    w.time("createdAt", createdAt);
    w.optTime("lastActivity", lastActivity);
    w.optTime("claimedAt", claimedAt);
    w.finish();
    return out;
}

QJsonObject InstanceInfo::toJson() const
{
    return parsed(encode());
}

std::optional<InstanceInfo> InstanceInfo::fromJson(const QJsonValue &value, SnapshotError *error,
                                                   QString *message)
{
    return instanceFrom(value, QString(), error, message);
}

bool InstanceInfo::operator==(const InstanceInfo &o) const
{
    return name == o.name && phase == o.phase && tenantId == o.tenantId
        && workloadRef == o.workloadRef && ip == o.ip && labels == o.labels
        && createdAt == o.createdAt && lastActivity == o.lastActivity && claimedAt == o.claimedAt;
}

// ---- ClaimInfo ----------------------------------------------------------------------------

QByteArray ClaimInfo::encode() const
{
    QByteArray out;
    out.reserve(256);
    ObjectWriter w(out);
    w.string("name", name);
    w.string("workloadRef", workloadRef);
    w.string("tenantId", tenantId);
    w.string("phase", phase);
    w.optString("instanceId", instanceId);
    if (!endpoint.isEmpty())
        w.raw("endpoint", encodeEndpoint(endpoint));
    w.optString("source", source);
    w.optTime("claimedAt", claimedAt);
    w.optString("detail", detail);
    w.finish();
    return out;
}

QJsonObject ClaimInfo::toJson() const
{
    return parsed(encode());
}

std::optional<ClaimInfo> ClaimInfo::fromJson(const QJsonValue &value, SnapshotError *error,
                                             QString *message)
{
    return claimFrom(value, QString(), error, message);
}

bool ClaimInfo::operator==(const ClaimInfo &o) const
{
    return name == o.name && workloadRef == o.workloadRef && tenantId == o.tenantId
        && phase == o.phase && instanceId == o.instanceId && endpoint == o.endpoint
        && source == o.source && claimedAt == o.claimedAt && detail == o.detail;
}

// ---- TenantInfo ---------------------------------------------------------------------------

QByteArray TenantInfo::encode() const
{
    QByteArray out;
    ObjectWriter w(out);
    w.string("tenantId", tenantId);
    w.raw("claims", encodeArray(claims));
    w.finish();
    return out;
}

QJsonObject TenantInfo::toJson() const
{
    return parsed(encode());
}

std::optional<TenantInfo> TenantInfo::fromJson(const QJsonValue &value, SnapshotError *error,
                                               QString *message)
{
    return tenantFrom(value, QString(), error, message);
}

bool TenantInfo::operator==(const TenantInfo &o) const
{
    return tenantId == o.tenantId && claims == o.claims;
}

// ---- Stats --------------------------------------------------------------------------------

QByteArray Stats::encode() const
{
    QByteArray out;
    ObjectWriter w(out);
    w.raw("instances", encodeCounts(instances));
    w.raw("claims", encodeCounts(claims));
    w.finish();
    return out;
}

QJsonObject Stats::toJson() const
{
    return parsed(encode());
}

std::optional<Stats> Stats::fromJson(const QJsonValue &value, SnapshotError *error,
                                     QString *message)
{
    if (!requireObject(value, QString(), error, message))
        return std::nullopt;
    ObjectReader r(value.toObject(), QString(), error, message);
    Stats stats;
    const auto instances = countsFrom(r, "instances");
    if (!instances)
        return std::nullopt;
    const auto claims = countsFrom(r, "claims");
    if (!claims)
        return std::nullopt;
    stats.instances = *instances;
    stats.claims = *claims;
    setOk(error);
    return stats;
}

// ---- whole bodies -------------------------------------------------------------------------

QByteArray encodeInstances(const QList<InstanceInfo> &instances)
{
    return encodeArray(instances);
}

QByteArray encodeTenants(const QList<TenantInfo> &tenants)
{
    return encodeArray(tenants);
}

std::optional<QList<InstanceInfo>> decodeInstances(QByteArrayView json, SnapshotError *error,
                                                   QString *message)
{
    return decodeArray<InstanceInfo>(json, "instances", instanceFrom, error, message);
}

std::optional<QList<TenantInfo>> decodeTenants(QByteArrayView json, SnapshotError *error,
                                               QString *message)
{
    return decodeArray<TenantInfo>(json, "tenants", tenantFrom, error, message);
}

std::optional<InstanceInfo> decodeInstance(QByteArrayView json, SnapshotError *error,
                                           QString *message)
{
    return decodeOne<InstanceInfo>(json, instanceFrom, error, message);
}

std::optional<TenantInfo> decodeTenant(QByteArrayView json, SnapshotError *error, QString *message)
{
    return decodeOne<TenantInfo>(json, tenantFrom, error, message);
}

std::optional<Stats> decodeStats(QByteArrayView json, SnapshotError *error, QString *message)
{
    const auto doc = parseDocument(json, error, message);
    if (!doc)
        return std::nullopt;
    if (!doc->isObject()) {
        setError(error, message, SnapshotError::WrongType,
                 QStringLiteral("document: not a JSON object"));
        return std::nullopt;
    }
    return Stats::fromJson(QJsonValue(doc->object()), error, message);
}

QByteArray encodeError(const QString &message)
{
    QByteArray out;
    ObjectWriter w(out);
    w.string("error", message);
    w.finish();
    return out;
}

std::optional<QString> decodeErrorMessage(QByteArrayView json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    const QJsonValue v = doc.object().value(QLatin1String("error"));
    if (!v.isString())
        return std::nullopt;
    return v.toString();
}

} // namespace bh::protocol
