#include "event.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

namespace bh::protocol {

namespace {
struct TypeName
{
    EventType type;
    const char *name;
};
constexpr TypeName kTypeNames[] = {
    { EventType::InstanceState, "instance.state" },
    { EventType::PoolInstanceReady, "pool.instance.ready" },
    { EventType::TenantClaimed, "tenant.claimed" },
    { EventType::TenantReleased, "tenant.released" },
    { EventType::StreamResync, "stream.resync" },
};

void appendField(QByteArray &out, const char *key, const QString &value)
{
    if (value.isEmpty())
        return;
    out += ",\"";
    out += key;
    out += "\":";
    appendJsonString(out, value);
}
} // namespace

QString eventTypeName(EventType type)
{
    for (const auto &entry : kTypeNames) {
        if (entry.type == type)
            return QString::fromLatin1(entry.name);
    }
    return {};
}

std::optional<EventType> eventTypeFromName(QStringView name)
{
    for (const auto &entry : kTypeNames) {
        if (name == QLatin1String(entry.name))
            return entry.type;
    }
    return std::nullopt;
}

bool Event::operator==(const Event &o) const
{
    return type == o.type && name == o.name && phase == o.phase && workloadRef == o.workloadRef
        && tenantId == o.tenantId && source == o.source && reason == o.reason && seq == o.seq;
}

void appendJsonString(QByteArray &out, QStringView value)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    const QByteArray utf8 = value.toUtf8(); // invalid surrogates become U+FFFD
    const qsizetype n = utf8.size();
    for (qsizetype i = 0; i < n; ++i) {
        const char c = utf8[i];
        const auto u = static_cast<unsigned char>(c);
        switch (u) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '<': out += "\\u003c"; break;
        case '>': out += "\\u003e"; break;
        case '&': out += "\\u0026"; break;
        case 0xe2:
            // Go escapes U+2028 and U+2029 (E2 80 A8 / E2 80 A9) for JSONP safety. Checked
            // here, on this value's bytes only (never a rescan of `out`, which may be a
            // whole snapshot body).
            if (i + 2 < n && static_cast<unsigned char>(utf8[i + 1]) == 0x80
                && (static_cast<unsigned char>(utf8[i + 2]) == 0xa8
                    || static_cast<unsigned char>(utf8[i + 2]) == 0xa9)) {
                out += static_cast<unsigned char>(utf8[i + 2]) == 0xa8 ? "\\u2028" : "\\u2029";
                i += 2;
            } else {
                out += c;
            }
            break;
        default:
            if (u < 0x20) {
                out += "\\u00";
                out += hex[u >> 4];
                out += hex[u & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

QByteArray encodeEvent(const Event &event)
{
    QByteArray out;
    out.reserve(128);
    out += "{\"type\":";
    appendJsonString(out, eventTypeName(event.type));
    appendField(out, "name", event.name);
    appendField(out, "phase", event.phase);
    appendField(out, "workloadRef", event.workloadRef);
    appendField(out, "tenantId", event.tenantId);
    appendField(out, "source", event.source);
    appendField(out, "reason", event.reason);
    if (event.seq) {
        out += ",\"seq\":";
        out += QByteArray::number(*event.seq);
    }
    out += '}';
    return out;
}

QByteArray withSeq(const QByteArray &encoded, quint64 seq)
{
    Q_ASSERT(encoded.endsWith('}'));
    QByteArray out;
    out.reserve(encoded.size() + 24);
    out.append(encoded.constData(), encoded.size() - 1);
    out += ",\"seq\":";
    out += QByteArray::number(seq);
    out += '}';
    return out;
}

std::optional<Event> decodeEvent(QByteArrayView json, DecodeError *error, QString *message)
{
    auto fail = [&](DecodeError code, QString text) -> std::optional<Event> {
        if (error)
            *error = code;
        if (message)
            *message = std::move(text);
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(DecodeError::NotJson, QStringLiteral("not JSON: %1").arg(parseError.errorString()));
    if (!doc.isObject())
        return fail(DecodeError::NotObject, QStringLiteral("event is not a JSON object"));
    const QJsonObject obj = doc.object();
    const QJsonValue typeValue = obj.value(QLatin1String("type"));
    if (!typeValue.isString())
        return fail(DecodeError::MissingType, QStringLiteral("event has no \"type\" string"));
    const auto type = eventTypeFromName(typeValue.toString());
    if (!type)
        return fail(DecodeError::UnknownType,
                    QStringLiteral("unknown event type \"%1\"").arg(typeValue.toString()));
    Event event;
    event.type = *type;
    struct Field
    {
        const char *key;
        QString Event::*member;
    };
    static const Field fields[] = {
        { "name", &Event::name },         { "phase", &Event::phase },
        { "workloadRef", &Event::workloadRef }, { "tenantId", &Event::tenantId },
        { "source", &Event::source },     { "reason", &Event::reason },
    };
    for (const auto &field : fields) {
        const QJsonValue v = obj.value(QLatin1String(field.key));
        if (v.isUndefined() || v.isNull())
            continue;
        if (!v.isString())
            return fail(DecodeError::BadField,
                        QStringLiteral("field \"%1\" is not a string").arg(QLatin1String(field.key)));
        event.*(field.member) = v.toString();
    }
    const QJsonValue seq = obj.value(QLatin1String("seq"));
    if (!seq.isUndefined() && !seq.isNull()) {
        // JSON numbers arrive as doubles: accept only integers a double holds exactly
        // (0 .. 2^53), so the cast below is defined (found by fuzz_event_decode).
        constexpr double MaxExactInteger = 9007199254740992.0; // 2^53
        const double value = seq.toDouble();
        if (!seq.isDouble() || !(value >= 0 && value <= MaxExactInteger)
            || value != static_cast<double>(static_cast<quint64>(value)))
            return fail(DecodeError::BadField,
                        QStringLiteral("field \"seq\" is not a non-negative integer"));
        event.seq = static_cast<quint64>(value);
    }
    if (error)
        *error = DecodeError::None;
    return event;
}

} // namespace bh::protocol
