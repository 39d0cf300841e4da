#pragma once

#include <QByteArray>
#include <QList>

namespace bh::kube {

// Splits a byte stream into '\n'-terminated lines across arbitrary chunk boundaries.
// A trailing '\r' is removed; empty lines are skipped. A line longer than maxLineBytes
// puts the framer in Error::LineTooLong (sticky until reset()).
class LineFramer
{
public:
    // Longest accepted line (one watch event); a Pod is a few KiB, a big CR < 1.5 MiB
    // (etcd's request limit), so 16 MiB leaves ample room while bounding memory.
    static constexpr qsizetype DefaultMaxLineBytes = 16 * 1024 * 1024;

    enum class Error { None, LineTooLong };

    explicit LineFramer(qsizetype maxLineBytes = DefaultMaxLineBytes);

    // Appends data and returns the complete lines it finished (without '\n').
    // On error returns the lines completed before the overlong one and sets error().
    QList<QByteArray> feed(const QByteArray &data);

    Error error() const { return m_error; }
    qsizetype maxLineBytes() const { return m_max; }
    qsizetype pendingBytes() const { return m_buffer.size(); }
    void reset();

private:
    QByteArray m_buffer;
    qsizetype m_max;
    Error m_error = Error::None;
};

} // namespace bh::kube
