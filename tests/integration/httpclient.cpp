#include "httpclient.h"

#include <QEventLoop>
#include <QNetworkReply>
#include <QTimer>

QByteArray HttpClient::Reply::header(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

HttpClient::Reply HttpClient::request(const QByteArray &verb, const QUrl &url,
                                      const QList<QPair<QByteArray, QByteArray>> &headers,
                                      int timeoutMs)
{
    QNetworkRequest req(url);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                     QNetworkRequest::ManualRedirectPolicy);
    for (const auto &h : headers)
        req.setRawHeader(h.first, h.second);
    QNetworkReply *reply = m_nam.sendCustomRequest(req, verb);
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    timer.start(timeoutMs);
    if (!reply->isFinished())
        loop.exec();
    Reply out;
    if (!reply->isFinished()) {
        out.error = QStringLiteral("timeout");
        reply->abort();
    }
    out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.body = reply->readAll();
    out.headers = reply->rawHeaderPairs();
    if (out.error.isEmpty() && reply->error() != QNetworkReply::NoError && out.status == 0)
        out.error = reply->errorString();
    reply->deleteLater();
    return out;
}
