#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QTcpServer>
#include <QUrl>

class QTcpSocket;

// The "other origin" of the browser test: a minimal HTTP/1.1 server on its own loopback port
// that serves one HTML page and records what the page reports.
//   GET /page    -> the page (text/html)
//   GET /result?outcome=... -> 204; emits resultReceived(outcome) and answers every held /hold
//   GET /hold    -> held until a result arrived (an <img> on the page: the browser's load
//                   event, and so --dump-dom, waits for the page's asynchronous outcome)
//   anything else -> 404
// Every answer closes its connection.
class PageServer : public QObject
{
    Q_OBJECT
public:
    // Largest request head read; a longer one is answered 431 and closed.
    static constexpr qsizetype MaxRequestHeadBytes = 16 * 1024;

    explicit PageServer(QObject *parent = nullptr);

    bool listen(); // 127.0.0.1, port 0
    quint16 port() const { return m_server.serverPort(); }
    // The page's own origin as a browser serializes it.
    QString origin() const;
    QUrl pageUrl() const;

    void setPage(const QByteArray &html) { m_page = html; }
    // Forgets the last result (between browser runs).
    void reset() { m_results.clear(); }
    const QList<QString> &results() const { return m_results; }

Q_SIGNALS:
    void resultReceived(const QString &outcome);

private:
    void serve(QTcpSocket *socket);
    static void answer(QTcpSocket *socket, int status, const QByteArray &reason,
                       const QByteArray &contentType = {}, const QByteArray &body = {});

    QTcpServer m_server;
    QByteArray m_page;
    QList<QString> m_results;
    QList<QTcpSocket *> m_held;
};
