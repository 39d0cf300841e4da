#include "eventjson.h"

namespace bh::gui {

QByteArray EventJson::jsonLine(const FeedEntry &entry)
{
    QByteArray out = protocol::encodeEvent(entry.event);
    if (entry.event.seq)
        out = protocol::withSeq(out, *entry.event.seq);
    out.chop(1); // the closing brace
    out += ",\"receivedAt\":";
    protocol::appendJsonString(out, entry.receivedAt.toUTC().toString(Qt::ISODateWithMs));
    out += '}';
    return out;
}

QByteArray EventJson::pretty(const protocol::Event &event)
{
    QByteArray out = "{\n";
    bool first = true;
    const auto field = [&](const char *key, const QString &value) {
        if (value.isEmpty())
            return;
        if (!first)
            out += ",\n";
        first = false;
        out += "    \"";
        out += key;
        out += "\": ";
        protocol::appendJsonString(out, value);
    };
    field("type", protocol::eventTypeName(event.type));
    field("name", event.name);
    field("phase", event.phase);
    field("workloadRef", event.workloadRef);
    field("tenantId", event.tenantId);
    field("source", event.source);
    field("reason", event.reason);
    if (event.seq) {
        out += first ? "" : ",\n";
        out += "    \"seq\": " + QByteArray::number(*event.seq);
    }
    out += "\n}";
    return out;
}

} // namespace bh::gui
