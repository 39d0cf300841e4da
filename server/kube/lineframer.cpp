#include "kube/lineframer.h"

namespace bh::kube {

LineFramer::LineFramer(qsizetype maxLineBytes)
    : m_max(maxLineBytes > 0 ? maxLineBytes : DefaultMaxLineBytes)
{ }

QList<QByteArray> LineFramer::feed(const QByteArray &data)
{
    QList<QByteArray> lines;
    if (m_error != Error::None)
        return lines;
    qsizetype start = 0;
    while (start < data.size()) {
        const qsizetype nl = data.indexOf('\n', start);
        const qsizetype end = nl < 0 ? data.size() : nl;
        if (m_buffer.size() + (end - start) > m_max) {
            m_error = Error::LineTooLong;
            m_buffer.clear();
            return lines;
        }
        if (nl < 0) {
            m_buffer.append(data.constData() + start, end - start);
            break;
        }
        QByteArray line;
        if (m_buffer.isEmpty()) {
            line = data.mid(start, end - start);
        } else {
            m_buffer.append(data.constData() + start, end - start);
            line.swap(m_buffer);
        }
        if (line.endsWith('\r'))
            line.chop(1);
        if (!line.isEmpty())
            lines.append(line);
        start = nl + 1;
    }
    return lines;
}

void LineFramer::reset()
{
    m_buffer.clear();
    m_error = Error::None;
}

} // namespace bh::kube
