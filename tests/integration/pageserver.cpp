#include "pageserver.h"

#include <QTcpSocket>
#include <QUrlQuery>

#include <utility>

PageServer::PageServer(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { serve(socket); });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            connect(socket, &QObject::destroyed, this,
                    [this, socket] { m_held.removeAll(socket); });
        }
    });
}

bool PageServer::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QString PageServer::origin() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(port());
}

QUrl PageServer::pageUrl() const
{
    return QUrl(origin() + QStringLiteral("/page"));
}

void PageServer::answer(QTcpSocket *socket, int status, const QByteArray &reason,
                        const QByteArray &contentType, const QByteArray &body)
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
        + "\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\nCache-Control: no-store\r\nConnection: close\r\n";
    if (!contentType.isEmpty())
        head += "Content-Type: " + contentType + "\r\n";
    socket->write(head + "\r\n" + body);
    socket->disconnectFromHost();
}

void PageServer::serve(QTcpSocket *socket)
{
    if (socket->property("answered").toBool()) {
        socket->readAll();
        return;
    }
    const QByteArray head = socket->peek(MaxRequestHeadBytes);
    const qsizetype end = head.indexOf("\r\n\r\n");
    if (end < 0) {
        if (head.size() >= MaxRequestHeadBytes)
            answer(socket, 431, "Request Header Fields Too Large");
        return;
    }
    socket->readAll();
    socket->setProperty("answered", true);
    const QList<QByteArray> requestLine = head.left(head.indexOf("\r\n")).split(' ');
    const QUrl url(QString::fromLatin1(requestLine.value(1)));
    const QString path = url.path();
    if (requestLine.value(0) != "GET") {
        answer(socket, 405, "Method Not Allowed");
    } else if (path == QLatin1String("/page")) {
        answer(socket, 200, "OK", "text/html; charset=utf-8", m_page);
    } else if (path == QLatin1String("/result")) {
        const QString outcome =
            QUrlQuery(url).queryItemValue(QStringLiteral("outcome"), QUrl::FullyDecoded);
        m_results.append(outcome);
        answer(socket, 204, "No Content");
        const QList<QTcpSocket *> held = std::exchange(m_held, {});
        for (QTcpSocket *waiting : held)
            answer(waiting, 200, "OK", "image/svg+xml",
                   R"(<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>)");
        Q_EMIT resultReceived(outcome);
    } else if (path == QLatin1String("/hold")) {
        if (m_results.isEmpty())
            m_held.append(socket);
        else
            answer(socket, 200, "OK", "image/svg+xml",
                   R"(<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>)");
    } else {
        answer(socket, 404, "Not Found");
    }
}
