#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>

namespace bh::conformance {

// Splits a byte stream of concatenated JSON objects (kubectl -o json --watch prints one
// pretty-printed object per event) into complete objects. Incomplete tails wait for more.
class JsonStreamSplitter
{
public:
    // Feeds the whole stream seen so far; returns every complete top-level object.
    // Text that is not a valid object is reported through invalid().
    QList<QJsonObject> objects(const QByteArray &stream);
    QByteArray invalid() const { return m_invalid; }

private:
    QByteArray m_invalid;
};

} // namespace bh::conformance
