#include "rawupgrade.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QHostAddress>
#include <QTcpSocket>
#include <QTimer>

QByteArray RawUpgrade::Reply::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QString RawUpgrade::Reply::describe() const
{
    QByteArray text = "status " + QByteArray::number(status);
    for (const auto &[key, value] : headers)
        text += " | " + key + ": " + value;
    return QString::fromUtf8(text + " | body " + body);
}

RawUpgrade::Reply RawUpgrade::send(quint16 port,
                                   const QList<QPair<QByteArray, QByteArray>> &extraHeaders,
                                   const QByteArray &target, int timeoutMs)
{
    QTcpSocket socket;
    QByteArray request = "GET " + target
        + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    for (const auto &[name, value] : extraHeaders)
        request += name + ": " + value + "\r\n";
    request += "\r\n";

    QByteArray received;
    Reply reply;
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(&socket, &QTcpSocket::connected, &loop, [&] { socket.write(request); });
    auto parse = [&] {
        received += socket.readAll();
        const qsizetype end = received.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> lines = received.left(end).split('\n');
        const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
        Reply parsed;
        parsed.status = statusLine.value(1).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                parsed.headers.append(
                    { lines[i].left(colon).trimmed(), lines[i].mid(colon + 1).trimmed() });
        }
        const QByteArray rest = received.mid(end + 4);
        if (parsed.status != 101) {
            const qsizetype length = parsed.header("Content-Length").toLongLong();
            if (rest.size() < length)
                return;
            parsed.body = rest.left(length);
        }
        reply = parsed;
        loop.quit();
    };
    QObject::connect(&socket, &QTcpSocket::readyRead, &loop, parse);
    QObject::connect(&socket, &QTcpSocket::disconnected, &loop, [&] {
        parse();
        loop.quit();
    });
    QObject::connect(&socket, &QTcpSocket::errorOccurred, &loop, [&] {
        parse();
        loop.quit();
    });
    socket.connectToHost(QHostAddress::LocalHost, port);
    timer.start(timeoutMs);
    loop.exec();
    socket.abort();
    return reply;
}
