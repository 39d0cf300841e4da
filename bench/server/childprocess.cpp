#include "childprocess.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <signal.h>
#include <sstream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bh::bench {

ChildProcess::~ChildProcess()
{
    stop();
}

bool ChildProcess::start(const std::vector<std::string> &argv, const std::vector<std::string> &env,
                         int timeoutMs)
{
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) != 0)
        return false;
    const pid_t pid = fork();
    if (pid < 0)
        return false;
    if (pid == 0) {
        dup2(pipefd[1], STDOUT_FILENO);
        for (const auto &kv : env)
            putenv(strdup(kv.c_str()));
        std::vector<char *> args;
        for (const auto &a : argv)
            args.push_back(const_cast<char *>(a.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        std::fprintf(stderr, "bench: cannot exec %s: %s\n", args[0], std::strerror(errno));
        _exit(127);
    }
    close(pipefd[1]);
    m_pid = pid;
    m_stdout = pipefd[0];
    std::string buffer;
    const double deadline = monotonicSeconds() + timeoutMs / 1000.0;
    while (monotonicSeconds() < deadline) {
        pollfd p { m_stdout, POLLIN, 0 };
        const int left = static_cast<int>((deadline - monotonicSeconds()) * 1000) + 1;
        if (poll(&p, 1, left) <= 0)
            continue;
        char chunk[4096];
        const ssize_t n = read(m_stdout, chunk, sizeof chunk);
        if (n <= 0)
            break;
        buffer.append(chunk, static_cast<std::size_t>(n));
        std::size_t pos;
        while ((pos = buffer.find('\n')) != std::string::npos) {
            const std::string line = buffer.substr(0, pos);
            buffer.erase(0, pos + 1);
            const std::string prefix = "listening on ";
            const auto at = line.find(prefix);
            if (at != std::string::npos) {
                m_url = line.substr(at + prefix.size());
                while (!m_url.empty() && (m_url.back() == '\r' || m_url.back() == ' '))
                    m_url.pop_back();
                // Keep draining stdout in the background: a full pipe would block the child.
                fcntl(m_stdout, F_SETFL, O_NONBLOCK);
                return true;
            }
        }
    }
    stop();
    return false;
}

void ChildProcess::stop()
{
    if (m_pid > 0) {
        kill(m_pid, SIGTERM);
        for (int i = 0; i < 300; ++i) {
            int status = 0;
            if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
                m_pid = -1;
                break;
            }
            pollfd none {};
            poll(&none, 0, 10);
        }
        if (m_pid > 0) {
            kill(m_pid, SIGKILL);
            waitpid(m_pid, nullptr, 0);
            m_pid = -1;
        }
    }
    if (m_stdout >= 0) {
        close(m_stdout);
        m_stdout = -1;
    }
}

int ChildProcess::port() const
{
    const auto colon = m_url.rfind(':');
    return colon == std::string::npos ? 0 : std::atoi(m_url.c_str() + colon + 1);
}

double ChildProcess::cpuSeconds() const
{
    std::ifstream in("/proc/" + std::to_string(m_pid) + "/stat");
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = content.rfind(')');
    if (close == std::string::npos)
        return 0;
    std::istringstream fields(content.substr(close + 2));
    std::string f;
    unsigned long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i) {
        if (i == 14)
            utime = std::stoul(f);
        if (i == 15)
            stime = std::stoul(f);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

static long rssOf(const std::string &path)
{
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0)
            return std::atol(line.c_str() + 6);
    }
    return 0;
}

long ChildProcess::rssKiB() const
{
    return rssOf("/proc/" + std::to_string(m_pid) + "/status");
}

double selfCpuSeconds()
{
    rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec
        + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

long selfRssKiB()
{
    return rssOf("/proc/self/status");
}

double monotonicSeconds()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::int64_t monotonicMicros()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace bh::bench
