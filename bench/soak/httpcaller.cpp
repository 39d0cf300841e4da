#include "httpcaller.h"

#include <QEventLoop>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace bh::soak {

HttpCaller::HttpCaller(QObject *parent)
    : QObject(parent)
{ }

HttpResult HttpCaller::call(const QByteArray &verb, const QUrl &url, const QByteArray &body,
                            const QByteArray &contentType)
{
    QNetworkRequest request(url);
    request.setTransferTimeout(int(DefaultTimeout.count()));
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    QNetworkReply *reply = m_nam.sendCustomRequest(request, verb, body);
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    HttpResult result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.cursor = reply->rawHeader("X-Boilerhouse-Cursor");
    if (result.status == 0)
        result.error = reply->errorString();
    reply->deleteLater();
    return result;
}

HttpResult HttpCaller::callWithRetry(const QByteArray &verb, const QUrl &url,
                                     const QByteArray &body, const QByteArray &contentType,
                                     int *attempts)
{
    HttpResult result;
    int n = 0;
    while (n < MaxAttempts) {
        ++n;
        result = call(verb, url, body, contentType);
        if (result.status != 0 && result.status != 429 && result.status < 500)
            break;
    }
    if (attempts)
        *attempts = n;
    return result;
}

} // namespace bh::soak
