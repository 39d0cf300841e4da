#include "hub/wsframe.h"

#include <QTest>

using bh::hub::WsFrame;

class tst_WsFrame : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void encodesLengthForms_data();
    void encodesLengthForms();
    void appendsFramesBackToBack();
};

void tst_WsFrame::encodesLengthForms_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<QByteArray>("header");

    QTest::newRow("empty") << 0 << QByteArray::fromHex("8100");
    QTest::newRow("125 fits 7 bits") << 125 << QByteArray::fromHex("817d");
    QTest::newRow("126 needs 16 bits") << 126 << QByteArray::fromHex("817e007e");
    QTest::newRow("65535 last 16-bit") << 65535 << QByteArray::fromHex("817effff");
    QTest::newRow("65536 needs 64 bits") << 65536 << QByteArray::fromHex("817f0000000000010000");
}

void tst_WsFrame::encodesLengthForms()
{
    QFETCH(int, size);
    QFETCH(QByteArray, header);

    const QByteArray payload(size, 'x');
    const QByteArray frame = WsFrame::text(payload);
    QCOMPARE(WsFrame::headerSize(size), header.size());
    QCOMPARE(frame.left(header.size()).toHex(), header.toHex());
    QCOMPARE(frame.mid(header.size()), payload);
}

void tst_WsFrame::appendsFramesBackToBack()
{
    QByteArray out;
    WsFrame::appendText(out, "{\"a\":1}");
    WsFrame::appendText(out, "");
    QCOMPARE(out, QByteArray("\x81\x07{\"a\":1}\x81\x00", 11));
}

QTEST_GUILESS_MAIN(tst_WsFrame)
#include "tst_wsframe.moc"
