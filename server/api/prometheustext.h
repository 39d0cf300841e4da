#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <QtGlobal>

#include <initializer_list>

namespace bh::api {

// Writer for the Prometheus text exposition format 0.0.4: one job — metric families, their
// samples, escaping. Each family gets "# HELP" and "# TYPE" once, followed by its samples;
// a family name may be used only once per exposition. Names are checked against the
// Prometheus grammar ([a-zA-Z_:][a-zA-Z0-9_:]* for metrics, [a-zA-Z_][a-zA-Z0-9_]* for
// labels, no "__" prefix for labels, "le" reserved for histogram buckets); the first bad
// call sets error() and is ignored, like every call after it. A value type.
//
//   PrometheusText out;
//   out.family("boilerhouse_ws_clients", PrometheusText::Type::Gauge, "Connected clients.");
//   out.sample(42);
//   out.family("boilerhouse_events_sent_total", PrometheusText::Type::Counter, "Frames sent.");
//   out.sample({ { "type", "instance.state" } }, quint64(7));
//   const QByteArray body = out.text();
class PrometheusText
{
public:
    // The Content-Type of a scrape answer.
    static constexpr const char *ContentType = "text/plain; version=0.0.4; charset=utf-8";

    enum class Type { Counter, Gauge, Histogram, Untyped };
    enum class Error {
        None,
        InvalidMetricName, // not [a-zA-Z_:][a-zA-Z0-9_:]*
        InvalidLabelName, // not [a-zA-Z_][a-zA-Z0-9_]*, starts with "__", or duplicated
        ReservedLabel, // "le" on a histogram's own labels
        DuplicateFamily, // the family name (or a histogram's derived name) was used before
        NoFamily, // sample() before any family()
        WrongSampleKind, // sample() on a histogram, or histogram() on another type
        BadHistogram, // bounds not strictly increasing, or counts of the wrong size
    };

    struct Label
    {
        QByteArray name;
        QString value;
    };
    using Labels = QList<Label>;

    // Starts a family. `help` may contain any text (escaped).
    bool family(const QByteArray &name, Type type, const QString &help);
    // A sample of the current (counter, gauge or untyped) family.
    bool sample(const Labels &labels, double value);
    bool sample(const Labels &labels, quint64 value);
    bool sample(double value) { return sample(Labels(), value); }
    bool sample(quint64 value) { return sample(Labels(), value); }
    // One labelled histogram of the current histogram family: `counts` per bucket, NOT
    // cumulative, one more than `upperBounds` (the last is +Inf); written as cumulative
    // _bucket{le=...} lines (the +Inf bucket included), _sum and _count (= the +Inf bucket).
    bool histogram(const Labels &labels, const QList<double> &upperBounds,
                   const QList<quint64> &counts, double sum);

    const QByteArray &text() const { return m_text; }
    Error error() const { return m_error; }
    static QString errorString(Error error);

    // Exposition-format pieces, public for tests and other writers.
    static bool isValidMetricName(const QByteArray &name);
    static bool isValidLabelName(const QByteArray &name);
    // Label values: backslash, double quote and line feed escaped.
    static QByteArray escapeLabelValue(const QString &value);
    // HELP text: backslash and line feed escaped.
    static QByteArray escapeHelp(const QString &help);
    // Shortest round-trip form; integral values without exponent up to 2^53; +Inf, -Inf, NaN.
    static QByteArray formatValue(double value);

private:
    bool fail(Error error);
    // One sample line of the current family: name{labels} value.
    bool writeSample(const Labels &labels, const QByteArray &value);
    bool writeLabels(const Labels &labels, const Label *extra);
    bool claimName(const QByteArray &name);

    QByteArray m_text;
    QByteArray m_family;
    Type m_type = Type::Untyped;
    QList<QByteArray> m_usedNames;
    Error m_error = Error::None;
};

} // namespace bh::api
