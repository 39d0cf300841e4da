#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkAccessManager>
#include <QPair>
#include <QUrl>

// Blocking-looking HTTP for tests: runs a nested event loop (so in-process servers keep
// serving) until the reply finished or the timeout passed.
class HttpClient
{
public:
    static constexpr int DefaultTimeoutMs = 10'000;

    struct Reply
    {
        int status = 0; // 0 = no HTTP answer
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
        QString error;
        QByteArray header(const QByteArray &name) const;
    };

    Reply request(const QByteArray &verb, const QUrl &url,
                  const QList<QPair<QByteArray, QByteArray>> &headers = {},
                  int timeoutMs = DefaultTimeoutMs);
    Reply get(const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        return request("GET", url, headers);
    }

private:
    QNetworkAccessManager m_nam;
};
