#include "kubectltrace.h"

#include <QRegularExpression>
#include <QUrl>

namespace bh::conformance {

QList<KubectlRequest> KubectlTrace::parse(const QByteArray &stderrText)
{
    // 1.20: round_trippers.go:445] GET https://… 200 OK in 3 milliseconds
    // 1.33: round_trippers.go:632] "Response" verb="GET" url="https://…" status="200 OK"
    // milliseconds=3
    static const QRegularExpression plain(
        QStringLiteral("\\] (GET|POST|PUT|PATCH|DELETE) (https?://\\S+) (\\d{3})\\b"));
    static const QRegularExpression structured(QStringLiteral(
        "verb=\"(GET|POST|PUT|PATCH|DELETE)\" url=\"(https?://[^\"]+)\" status=\"(\\d{3})"));
    QList<KubectlRequest> out;
    const QList<QByteArray> lines = stderrText.split('\n');
    for (const QByteArray &line : lines) {
        const QString text = QString::fromUtf8(line);
        auto match = plain.match(text);
        if (!match.hasMatch())
            match = structured.match(text);
        if (!match.hasMatch())
            continue;
        KubectlRequest r;
        r.method = match.captured(1);
        r.url = match.captured(2);
        r.path = QUrl(r.url).path();
        r.status = match.captured(3).toInt();
        out << r;
    }
    return out;
}

QStringList KubectlTrace::failures(const QList<KubectlRequest> &requests, const QList<int> &allowed)
{
    QStringList out;
    for (const KubectlRequest &r : requests)
        if (r.status >= 400 && !allowed.contains(r.status))
            out << QStringLiteral("%1 %2 -> %3").arg(r.method, r.url).arg(r.status);
    return out;
}

} // namespace bh::conformance
