#include "prometheustext.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace bh::api {

namespace {

// Integral doubles up to this magnitude are written without exponent (exact in a double).
constexpr double kMaxPlainIntegral = 9007199254740992.0; // 2^53
// Non-integral values in [1e-4, 1e21) are written as plain decimals, others with exponent.
constexpr double kMinPlainMagnitude = 1e-4;
constexpr double kMaxPlainMagnitude = 1e21;

bool isNameStart(char c, bool colonAllowed)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
        || (colonAllowed && c == ':');
}

bool isNameChar(char c, bool colonAllowed)
{
    return isNameStart(c, colonAllowed) || (c >= '0' && c <= '9');
}

bool isValidName(const QByteArray &name, bool colonAllowed)
{
    if (name.isEmpty() || !isNameStart(name.front(), colonAllowed))
        return false;
    for (const char c : name) {
        if (!isNameChar(c, colonAllowed))
            return false;
    }
    return true;
}

const char *typeName(PrometheusText::Type type)
{
    switch (type) {
    case PrometheusText::Type::Counter:
        return "counter";
    case PrometheusText::Type::Gauge:
        return "gauge";
    case PrometheusText::Type::Histogram:
        return "histogram";
    case PrometheusText::Type::Untyped:
        break;
    }
    return "untyped";
}

} // namespace

bool PrometheusText::isValidMetricName(const QByteArray &name)
{
    return isValidName(name, true);
}

bool PrometheusText::isValidLabelName(const QByteArray &name)
{
    return isValidName(name, false) && !name.startsWith("__");
}

QByteArray PrometheusText::escapeLabelValue(const QString &value)
{
    const QByteArray utf8 = value.toUtf8();
    QByteArray out;
    out.reserve(utf8.size());
    for (const char c : utf8) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '"':
            out += "\\\"";
            break;
        case '\n':
            out += "\\n";
            break;
        default:
            out += c;
        }
    }
    return out;
}

QByteArray PrometheusText::escapeHelp(const QString &help)
{
    const QByteArray utf8 = help.toUtf8();
    QByteArray out;
    out.reserve(utf8.size());
    for (const char c : utf8) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

QByteArray PrometheusText::formatValue(double value)
{
    if (std::isnan(value))
        return QByteArrayLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    if (value == std::trunc(value) && std::fabs(value) <= kMaxPlainIntegral)
        return QByteArray::number(static_cast<qint64>(value));
    // Shortest round trip; plain decimals in the range Go's client writes them (0.0005, not
    // 5e-04), exponent form outside it.
    const double magnitude = std::fabs(value);
    const std::chars_format form = magnitude >= kMinPlainMagnitude && magnitude < kMaxPlainMagnitude
        ? std::chars_format::fixed
        : std::chars_format::scientific;
    char buffer[400]; // enough for any double in fixed form
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, form);
    return QByteArray(buffer, static_cast<qsizetype>(result.ptr - buffer));
}

QString PrometheusText::errorString(Error error)
{
    switch (error) {
    case Error::None:
        return {};
    case Error::InvalidMetricName:
        return QStringLiteral("invalid metric name");
    case Error::InvalidLabelName:
        return QStringLiteral("invalid or duplicate label name");
    case Error::ReservedLabel:
        return QStringLiteral("label \"le\" is reserved for histogram buckets");
    case Error::DuplicateFamily:
        return QStringLiteral("metric family written twice");
    case Error::NoFamily:
        return QStringLiteral("sample without a family");
    case Error::WrongSampleKind:
        return QStringLiteral("sample kind does not match the family type");
    case Error::BadHistogram:
        return QStringLiteral("histogram bounds not increasing or counts of the wrong size");
    }
    return {};
}

bool PrometheusText::fail(Error error)
{
    if (m_error == Error::None)
        m_error = error;
    return false;
}

bool PrometheusText::claimName(const QByteArray &name)
{
    if (m_usedNames.contains(name))
        return fail(Error::DuplicateFamily);
    m_usedNames.append(name);
    return true;
}

bool PrometheusText::family(const QByteArray &name, Type type, const QString &help)
{
    if (m_error != Error::None)
        return false;
    if (!isValidMetricName(name))
        return fail(Error::InvalidMetricName);
    if (!claimName(name))
        return false;
    if (type == Type::Histogram) {
        // The sample names of a histogram collide with families of those names.
        for (const char *suffix : { "_bucket", "_sum", "_count" }) {
            if (!claimName(name + suffix))
                return false;
        }
    }
    m_family = name;
    m_type = type;
    m_text += "# HELP " + name + ' ' + escapeHelp(help) + '\n';
    m_text += "# TYPE " + name + ' ' + typeName(type) + '\n';
    return true;
}

bool PrometheusText::writeLabels(const Labels &labels, const Label *extra)
{
    if (labels.isEmpty() && !extra)
        return true;
    QList<QByteArray> seen;
    QByteArray out = "{";
    auto add = [&](const Label &label) {
        if (!isValidLabelName(label.name) || seen.contains(label.name))
            return fail(Error::InvalidLabelName);
        seen.append(label.name);
        if (out.size() > 1)
            out += ',';
        out += label.name + "=\"" + escapeLabelValue(label.value) + '"';
        return true;
    };
    for (const Label &label : labels) {
        if (!add(label))
            return false;
    }
    if (extra && !add(*extra))
        return false;
    m_text += out + '}';
    return true;
}

bool PrometheusText::sample(const Labels &labels, double value)
{
    return writeSample(labels, formatValue(value));
}

bool PrometheusText::sample(const Labels &labels, quint64 value)
{
    return writeSample(labels, QByteArray::number(value));
}

bool PrometheusText::writeSample(const Labels &labels, const QByteArray &value)
{
    if (m_error != Error::None)
        return false;
    if (m_family.isEmpty())
        return fail(Error::NoFamily);
    if (m_type == Type::Histogram)
        return fail(Error::WrongSampleKind);
    const qsizetype start = m_text.size();
    m_text += m_family;
    if (!writeLabels(labels, nullptr)) {
        m_text.truncate(start);
        return false;
    }
    m_text += ' ' + value + '\n';
    return true;
}

bool PrometheusText::histogram(const Labels &labels, const QList<double> &upperBounds,
                               const QList<quint64> &counts, double sum)
{
    if (m_error != Error::None)
        return false;
    if (m_family.isEmpty())
        return fail(Error::NoFamily);
    if (m_type != Type::Histogram)
        return fail(Error::WrongSampleKind);
    for (const Label &label : labels) {
        if (label.name == "le")
            return fail(Error::ReservedLabel);
    }
    if (counts.size() != upperBounds.size() + 1)
        return fail(Error::BadHistogram);
    for (qsizetype i = 0; i < upperBounds.size(); ++i) {
        if (!std::isfinite(upperBounds.at(i))
            || (i > 0 && upperBounds.at(i) <= upperBounds.at(i - 1)))
            return fail(Error::BadHistogram);
    }
    const qsizetype start = m_text.size();
    quint64 cumulative = 0;
    for (qsizetype i = 0; i < counts.size(); ++i) {
        cumulative += counts.at(i);
        const Label le { QByteArrayLiteral("le"),
                         i < upperBounds.size()
                             ? QString::fromLatin1(formatValue(upperBounds.at(i)))
                             : QStringLiteral("+Inf") };
        m_text += m_family + "_bucket";
        if (!writeLabels(labels, &le)) {
            m_text.truncate(start);
            return false;
        }
        m_text += ' ' + QByteArray::number(cumulative) + '\n';
    }
    m_text += m_family + "_sum";
    writeLabels(labels, nullptr);
    m_text += ' ' + formatValue(sum) + '\n';
    m_text += m_family + "_count";
    writeLabels(labels, nullptr);
    m_text += ' ' + QByteArray::number(cumulative) + '\n';
    return true;
}

} // namespace bh::api
