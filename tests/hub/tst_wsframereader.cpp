#include "hub/wsframereader.h"

#include <QTest>

using bh::hub::WsFrameReader;

namespace {
// A client frame (masked), as browsers send it.
QByteArray clientFrame(quint8 firstByte, const QByteArray &payload, bool mask = true)
{
    QByteArray f;
    f.append(char(firstByte));
    const quint8 maskBit = mask ? 0x80 : 0;
    if (payload.size() <= 125) {
        f.append(char(maskBit | payload.size()));
    } else if (payload.size() <= 0xffff) {
        f.append(char(maskBit | 126));
        f.append(char(payload.size() >> 8));
        f.append(char(payload.size() & 0xff));
    } else {
        f.append(char(maskBit | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            f.append(char((quint64(payload.size()) >> shift) & 0xff));
    }
    const char key[4] = { 0x12, 0x34, 0x56, 0x78 };
    if (mask)
        f.append(key, 4);
    for (int i = 0; i < payload.size(); ++i)
        f.append(mask ? char(payload[i] ^ key[i % 4]) : payload[i]);
    return f;
}
} // namespace

class tst_WsFrameReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void classifiesStreams_data();
    void classifiesStreams();
    void returnsControlFramesAcrossAnySplit();
    void validatesUtf8AcrossAnySplit();
};

void tst_WsFrameReader::classifiesStreams_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<int>("result");
    QTest::addColumn<int>("controls");
    QTest::addColumn<int>("messages");

    using R = WsFrameReader::Result;
    const QByteArray small(100, 'a');
    QTest::newRow("text discarded") << clientFrame(0x81, small) << int(R::Ok) << 0 << 1;
    QTest::newRow("binary discarded") << clientFrame(0x82, small) << int(R::Ok) << 0 << 1;
    QTest::newRow("exactly the limit")
        << clientFrame(0x81, QByteArray(1024, 'a')) << int(R::Ok) << 0 << 1;
    QTest::newRow("over the limit, 16-bit length")
        << clientFrame(0x81, QByteArray(1025, 'a')) << int(R::MessageTooBig) << 0 << 0;
    QTest::newRow("over the limit, 64-bit length")
        << clientFrame(0x82, QByteArray(70000, 'a')) << int(R::MessageTooBig) << 0 << 0;
    QTest::newRow("fragments within the limit")
        << clientFrame(0x01, QByteArray(500, 'a')) + clientFrame(0x80, QByteArray(500, 'a'))
        << int(R::Ok) << 0 << 1;
    QTest::newRow("fragments over the limit")
        << clientFrame(0x01, QByteArray(600, 'a')) + clientFrame(0x80, QByteArray(600, 'a'))
        << int(R::MessageTooBig) << 0 << 0;
    QTest::newRow("ping inside a fragmented message")
        << clientFrame(0x01, small) + clientFrame(0x89, "p") + clientFrame(0x80, small)
        << int(R::Ok) << 1 << 1;
    QTest::newRow("unmasked frame")
        << clientFrame(0x81, small, false) << int(R::ProtocolError) << 0 << 0;
    QTest::newRow("reserved bit") << clientFrame(0xC1, small) << int(R::ProtocolError) << 0 << 0;
    QTest::newRow("reserved opcode") << clientFrame(0x83, small) << int(R::ProtocolError) << 0 << 0;
    QTest::newRow("continuation without start")
        << clientFrame(0x80, small) << int(R::ProtocolError) << 0 << 0;
    QTest::newRow("new message inside a fragmented one")
        << clientFrame(0x01, small) + clientFrame(0x81, small) << int(R::ProtocolError) << 0 << 0;
    QTest::newRow("fragmented ping") << clientFrame(0x09, "p") << int(R::ProtocolError) << 0 << 0;
    QTest::newRow("control frame over 125 bytes")
        << clientFrame(0x89, QByteArray(126, 'p')) << int(R::ProtocolError) << 0 << 0;
    QTest::newRow("valid multi-byte UTF-8 text")
        << clientFrame(0x81, QString::fromUtf8("h\u00e9llo \u20ac \U0001D11E").toUtf8())
        << int(R::Ok) << 0 << 1;
    QTest::newRow("invalid UTF-8 byte")
        << clientFrame(0x81, QByteArray("ok\xff", 3)) << int(R::InvalidUtf8) << 0 << 1;
    QTest::newRow("overlong UTF-8 encoding")
        << clientFrame(0x81, QByteArray("\xc0\xaf", 2)) << int(R::InvalidUtf8) << 0 << 1;
    QTest::newRow("UTF-16 surrogate in UTF-8")
        << clientFrame(0x81, QByteArray("\xed\xa0\x80", 3)) << int(R::InvalidUtf8) << 0 << 1;
    QTest::newRow("text ends inside a UTF-8 sequence")
        << clientFrame(0x81, QByteArray("a\xe2\x82", 3)) << int(R::InvalidUtf8) << 0 << 1;
    QTest::newRow("UTF-8 sequence split across fragments")
        << clientFrame(0x01, QByteArray("\xe2\x82", 2)) + clientFrame(0x80, QByteArray("\xac", 1))
        << int(R::Ok) << 0 << 1;
    QTest::newRow("binary is not UTF-8 checked")
        << clientFrame(0x82, QByteArray("\xff\xfe", 2)) << int(R::Ok) << 0 << 1;
    QTest::newRow("ping, pong, close") << clientFrame(0x89, "1") + clientFrame(0x8A, "2")
            + clientFrame(0x88, QByteArray("\x03\xe8", 2))
                                       << int(R::Ok) << 3 << 0;
}

void tst_WsFrameReader::classifiesStreams()
{
    QFETCH(QByteArray, stream);
    QFETCH(int, result);
    QFETCH(int, controls);
    QFETCH(int, messages);

    WsFrameReader reader(1024);
    QList<WsFrameReader::ControlFrame> out;
    QCOMPARE(int(reader.consume(stream, &out)), result);
    QCOMPARE(out.size(), controls);
    QCOMPARE(int(reader.messagesDiscarded()), messages);
}

void tst_WsFrameReader::returnsControlFramesAcrossAnySplit()
{
    const QByteArray stream = clientFrame(0x81, QByteArray(300, 'x')) + clientFrame(0x89, "ping!")
        + clientFrame(0x82, QByteArray(10, 'y'))
        + clientFrame(0x88, QByteArray("\x03\xe9", 2) + "bye");
    for (int split = 0; split <= stream.size(); ++split) {
        WsFrameReader reader(1024);
        QList<WsFrameReader::ControlFrame> out;
        QCOMPARE(reader.consume(QByteArrayView(stream).first(split), &out),
                 WsFrameReader::Result::Ok);
        QCOMPARE(reader.consume(QByteArrayView(stream).sliced(split), &out),
                 WsFrameReader::Result::Ok);
        QCOMPARE(out.size(), 2);
        QCOMPARE(out[0].opcode, WsFrameReader::OpPing);
        QCOMPARE(out[0].payload, QByteArray("ping!"));
        QCOMPARE(out[1].opcode, WsFrameReader::OpClose);
        QCOMPARE(out[1].payload, QByteArray("\x03\xe9", 2) + "bye");
        QCOMPARE(int(reader.messagesDiscarded()), 2);
    }
    // Byte by byte.
    WsFrameReader reader(1024);
    QList<WsFrameReader::ControlFrame> out;
    for (char c : stream)
        QCOMPARE(reader.consume(QByteArrayView(&c, 1), &out), WsFrameReader::Result::Ok);
    QCOMPARE(out.size(), 2);
}

QTEST_GUILESS_MAIN(tst_WsFrameReader)
#include "tst_wsframereader.moc"

void tst_WsFrameReader::validatesUtf8AcrossAnySplit()
{
    using R = WsFrameReader::Result;
    const QByteArray good = clientFrame(0x01, QString::fromUtf8("\u00e9\u20ac").toUtf8().left(3))
        + clientFrame(0x80, QString::fromUtf8("\u00e9\u20ac").toUtf8().mid(3));
    const QByteArray bad = clientFrame(0x81, QByteArray("abc\xe2\x28\xa1", 6));
    for (qsizetype split = 1; split < good.size(); ++split) {
        WsFrameReader reader(1024);
        QList<WsFrameReader::ControlFrame> out;
        QCOMPARE(int(reader.consume(QByteArrayView(good).first(split), &out)), int(R::Ok));
        QCOMPARE(int(reader.consume(QByteArrayView(good).sliced(split), &out)), int(R::Ok));
    }
    for (qsizetype split = 1; split < bad.size(); ++split) {
        WsFrameReader reader(1024);
        QList<WsFrameReader::ControlFrame> out;
        const R first = reader.consume(QByteArrayView(bad).first(split), &out);
        const R result = first == R::Ok ? reader.consume(QByteArrayView(bad).sliced(split), &out) : first;
        QCOMPARE(int(result), int(R::InvalidUtf8));
    }
}
