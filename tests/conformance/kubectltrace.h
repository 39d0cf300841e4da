#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace bh::conformance {

// The requests kubectl reports at -v=6 ("GET https://127.0.0.1:P/api?timeout=32s 200 OK in 3
// milliseconds"), so a check can see every status kubectl got, e.g. an unexpected 404.
struct KubectlRequest
{
    QString method;
    QString path; // without query
    QString url;
    int status = 0;
};

class KubectlTrace
{
public:
    static QList<KubectlRequest> parse(const QByteArray &stderrText);
    // "GET /path -> 404" lines for every status >= 400 that is not in allowed.
    static QStringList failures(const QList<KubectlRequest> &requests,
                                const QList<int> &allowed = {});
};

} // namespace bh::conformance
