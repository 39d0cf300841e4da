#pragma once

#include <QJsonObject>
#include <QtGlobal>

#include <memory>

namespace bh::cache {

// What a reader encodes from one stored object — typically the object's bytes in a REST
// response — computed at most once per change of the object and kept in the store entry next
// to it (ObjectStore::encoded(), ObjectStore::forEachEncoded()). Readers subclass it with the
// fields they need and downcast what they get back for their own encoder.
class Encoding
{
public:
    virtual ~Encoding() = default;
    // Bytes this encoding occupies (the object itself plus the heap it owns), summed in
    // ObjectStore::encodedMemoryBytes() so the cache's cost is reported, not guessed.
    virtual qsizetype memoryBytes() const = 0;
};

using EncodingPtr = std::shared_ptr<const Encoding>;

// A pure function of the stored (projected) object; may return nullptr ("nothing to encode",
// e.g. an object the reader skips — remembered like any other result). Its address identifies
// the kind of encoding.
using Encoder = EncodingPtr (*)(const QJsonObject &object);

} // namespace bh::cache
