#include "engine/record/TracedCommand.h"

#include "engine/record/ProbeRecord.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace txs::record {

std::string findProbe()
{
    if (const char* p = std::getenv("TXSCOPE_PROBE"); p && *p) return p;
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    for (const auto& candidate : {exe.parent_path() / "libtxscope-probe.so",
                                  exe.parent_path() / "../lib/txscope/libtxscope-probe.so"})
        if (std::filesystem::exists(candidate, ec))
            return std::filesystem::weakly_canonical(candidate, ec).string();
    return {};
}

std::string makeRecordDirectory(std::string& error)
{
    std::error_code ec;
    std::string dirTemplate = (std::filesystem::temp_directory_path(ec) / "txscope-record-XXXXXX").string();
    if (!mkdtemp(dirTemplate.data())) {
        error = std::string("cannot create a folder for the records: ") + std::strerror(errno);
        return {};
    }
    return dirTemplate;
}

void removeRecordDirectory(const std::string& directory)
{
    std::error_code ec;
    std::filesystem::remove_all(directory, ec);
}

std::optional<int> startTraced(const std::vector<std::string>& command, const TraceOptions& o,
                               std::string& error)
{
    if (command.empty()) {
        error = "no command to record";
        return std::nullopt;
    }
    // Everything the child needs is built before fork(): after it, in a threaded program (the
    // workbench), only async-signal-safe calls are allowed until exec.
    std::string preload = o.probe;
    if (const char* old = std::getenv("LD_PRELOAD"); old && *old) preload += std::string(":") + old;
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        const std::string_view v(*e);
        if (v.starts_with("LD_PRELOAD=") || v.starts_with(TXSCOPE_PROBE_DIR_ENV "=")) continue;
        env.emplace_back(*e);
    }
    env.push_back("LD_PRELOAD=" + preload);
    env.push_back(std::string(TXSCOPE_PROBE_DIR_ENV "=") + o.directory);
    std::vector<char*> argv, envp;
    for (const auto& a : command)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : env)
        envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    const std::string cannotRun = o.messagePrefix + ": cannot run '" + command.front() + "': ";
    const std::string cannotChdir = o.messagePrefix + ": cannot enter '" + o.workingDirectory + "': ";

    const pid_t child = fork();
    if (child == 0) {
        if (o.ownProcessGroup) setpgid(0, 0);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        auto say = [](const std::string& what, int err) {
            const char* why = strerror(err);
            [[maybe_unused]] auto w1 = write(2, what.data(), what.size());
            [[maybe_unused]] auto w2 = write(2, why, strlen(why));
            [[maybe_unused]] auto w3 = write(2, "\n", 1);
        };
        if (!o.workingDirectory.empty() && chdir(o.workingDirectory.c_str()) != 0) {
            say(cannotChdir, errno);
            _exit(127);
        }
        execvpe(argv[0], argv.data(), envp.data());
        say(cannotRun, errno);
        _exit(127);
    }
    if (child < 0) {
        error = std::string("cannot start a process: ") + std::strerror(errno);
        return std::nullopt;
    }
    // Also from this side: a stop right after the start must reach the group.
    if (o.ownProcessGroup) setpgid(child, child);
    return child;
}

namespace {
int shellStatus(int status)
{
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
} // namespace

std::optional<int> tracedExitStatus(int pid)
{
    int status = 0;
    pid_t r;
    while ((r = waitpid(pid, &status, WNOHANG)) < 0 && errno == EINTR) {
    }
    if (r == pid) return shellStatus(status);
    if (r < 0) return 127; // not our child (any more): nothing to wait for
    return std::nullopt;
}

int waitTraced(int pid)
{
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return 127;
    return shellStatus(status);
}

void stopTraced(int pid, bool ownProcessGroup, bool force)
{
    if (pid <= 0) return;
    const int sig = force ? SIGKILL : SIGTERM;
    if (ownProcessGroup && kill(-pid, sig) == 0) return;
    kill(pid, sig);
}

std::string joinedCommand(const std::vector<std::string>& words)
{
    std::string s;
    for (const auto& w : words) {
        if (!s.empty()) s += ' ';
        s += w;
    }
    return s;
}

} // namespace txs::record
