#pragma once

#include <QString>

#include <optional>

namespace bh::protocol {

// The resume position of PROTOCOL B.1 (X-Boilerhouse-Cursor header, /ws?since=).
//
// Wire form: "<epoch>:<seq>", for example "5f3a9c1e:1042".
// - epoch identifies the server process (its event sequence); 1..64 characters of
//   [A-Za-z0-9_-]. A cursor from another epoch gets stream.resync.
// - seq is the sequence number of the last event the snapshot reflects (0 = before the first
//   event); the events after it carry "seq": seq+1, seq+2, ...
//
// Because the form is shared, a client that has folded the events up to seq N resumes with
// Cursor{epoch, N}.toString() without another snapshot. Clients must still treat a cursor they
// cannot parse as opaque (it then only resumes from the snapshot it came with).
struct Cursor
{
    static constexpr int kMaxEpochLength = 64; // longest epoch accepted by parse()

    QString epoch;
    quint64 seq = 0;

    QString toString() const;
    // nullopt for anything but the wire form above.
    static std::optional<Cursor> parse(const QString &text);

    // The cursor after the event numbered `eventSeq` of the same epoch.
    Cursor advancedTo(quint64 eventSeq) const { return Cursor { epoch, eventSeq }; }

    bool operator==(const Cursor &o) const { return epoch == o.epoch && seq == o.seq; }
    bool operator!=(const Cursor &o) const { return !(*this == o); }
};

} // namespace bh::protocol
