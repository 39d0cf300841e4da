#include "processmetrics.h"

#include <QFile>
#include <QList>

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

namespace bh::app {

namespace {

// Largest /proc file read (both are a few hundred bytes; /proc/stat grows with the cores).
constexpr qint64 kMaxProcFileBytes = 1024 * 1024;

// Fields of /proc/<pid>/stat after "pid (comm)", 1-based as in proc(5): state is 3.
constexpr int kUtimeField = 14;
constexpr int kStimeField = 15;
constexpr int kStartTimeField = 22;
constexpr int kVsizeField = 23;
constexpr int kRssField = 24;

std::optional<QByteArray> readProcFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    return file.read(kMaxProcFileBytes);
}

} // namespace

std::optional<ProcessMetrics> ProcessMetrics::parse(const QByteArray &procSelfStat,
                                                    const QByteArray &procStat, long ticksPerSecond,
                                                    long pageSize, QString *error)
{
    auto bad = [error](const QString &what) -> std::optional<ProcessMetrics> {
        if (error)
            *error = what;
        return std::nullopt;
    };
    if (ticksPerSecond <= 0 || pageSize <= 0)
        return bad(QStringLiteral("bad clock tick or page size"));
    // comm may contain spaces and parentheses: the fields start after the last ')'.
    const qsizetype close = procSelfStat.lastIndexOf(')');
    if (close < 0)
        return bad(QStringLiteral("/proc/self/stat: no \")\" after comm"));
    const QList<QByteArray> fields = procSelfStat.mid(close + 1).simplified().split(' ');
    // fields[0] is field 3 (state).
    auto field = [&fields](int number, bool *ok) {
        const qsizetype index = number - 3;
        if (index >= fields.size()) {
            *ok = false;
            return 0.0;
        }
        return fields.at(index).toDouble(ok);
    };
    bool ok[5] = {};
    const double utime = field(kUtimeField, &ok[0]);
    const double stime = field(kStimeField, &ok[1]);
    const double start = field(kStartTimeField, &ok[2]);
    const double vsize = field(kVsizeField, &ok[3]);
    const double rss = field(kRssField, &ok[4]);
    for (const bool fieldOk : ok) {
        if (!fieldOk)
            return bad(QStringLiteral("/proc/self/stat: too few or non-numeric fields"));
    }
    double bootTime = -1;
    for (const QByteArray &line : procStat.split('\n')) {
        if (line.startsWith("btime ")) {
            bool btimeOk = false;
            bootTime = line.mid(6).trimmed().toDouble(&btimeOk);
            if (!btimeOk)
                bootTime = -1;
            break;
        }
    }
    if (bootTime < 0)
        return bad(QStringLiteral("/proc/stat: no btime line"));

    ProcessMetrics m;
    const double ticks = double(ticksPerSecond);
    m.cpuSeconds = (utime + stime) / ticks;
    m.startTimeSeconds = bootTime + start / ticks;
    m.virtualMemoryBytes = vsize;
    m.residentMemoryBytes = rss * double(pageSize);
    return m;
}

std::optional<ProcessMetrics> ProcessMetrics::read(QString *error)
{
    const auto self = readProcFile(QStringLiteral("/proc/self/stat"), error);
    if (!self)
        return std::nullopt;
    const auto stat = readProcFile(QStringLiteral("/proc/stat"), error);
    if (!stat)
        return std::nullopt;
    auto m = parse(*self, *stat, sysconf(_SC_CLK_TCK), sysconf(_SC_PAGESIZE), error);
    if (!m)
        return std::nullopt;
    // The listing's own descriptor is counted while it is open, as in the Go client.
    DIR *fds = opendir("/proc/self/fd");
    if (!fds) {
        if (error)
            *error = QStringLiteral("/proc/self/fd: cannot list");
        return std::nullopt;
    }
    int count = 0;
    while (const dirent *entry = readdir(fds)) {
        if (qstrcmp(entry->d_name, ".") != 0 && qstrcmp(entry->d_name, "..") != 0)
            ++count;
    }
    closedir(fds);
    m->openFds = count;
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0)
        m->maxFds = double(limit.rlim_cur);
    return m;
}

} // namespace bh::app
