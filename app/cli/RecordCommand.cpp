#include "RecordCommand.h"

#include "CauseText.h"
#include "ExitCode.h"
#include "Json.h"
#include "engine/explain/CauseProjection.h"
#include "engine/record/ProbeRecord.h"
#include "engine/record/Recording.h"
#include "engine/workload/RunReport.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <filesystem>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace txs::cli {

namespace {

// The probe: $TXSCOPE_PROBE, else beside this program (the build tree puts it there), else the
// installed copy in ../lib/txscope.
std::string probePath()
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

std::string joined(const std::vector<std::string>& words)
{
    std::string s;
    for (const auto& w : words) {
        if (!s.empty()) s += ' ';
        s += w;
    }
    return s;
}

// Runs the command with the probe in its environment; its children inherit it. Returns the
// command's exit status as a shell reports it.
int runWithProbe(const std::vector<std::string>& command, const std::string& probe, const std::string& dir)
{
    std::string preload = probe;
    if (const char* old = std::getenv("LD_PRELOAD"); old && *old) preload += std::string(":") + old;
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        const std::string_view v(*e);
        if (v.starts_with("LD_PRELOAD=") || v.starts_with(TXSCOPE_PROBE_DIR_ENV "=")) continue;
        env.emplace_back(*e);
    }
    env.push_back("LD_PRELOAD=" + preload);
    env.push_back(std::string(TXSCOPE_PROBE_DIR_ENV "=") + dir);
    std::vector<char*> argv, envp;
    for (const auto& a : command)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : env)
        envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);

    // Ctrl-C goes to the whole foreground group: the command decides what to do with it, and
    // the recorder stays to collect what it wrote.
    struct sigaction ignore
    {
    }, oldInt{}, oldTerm{};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ignore, &oldInt);
    sigaction(SIGTERM, &ignore, &oldTerm);
    const pid_t child = fork();
    if (child == 0) {
        sigaction(SIGINT, &oldInt, nullptr);
        sigaction(SIGTERM, &oldTerm, nullptr);
        execvpe(argv[0], argv.data(), envp.data());
        std::fprintf(stderr, "txscope-cli record: cannot run '%s': %s\n", argv[0], std::strerror(errno));
        _exit(127);
    }
    int status = 0;
    int result = ExitBadInput;
    if (child > 0) {
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
        }
        result = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    } else {
        std::fprintf(stderr, "txscope-cli record: cannot start a process: %s\n", std::strerror(errno));
    }
    sigaction(SIGINT, &oldInt, nullptr);
    sigaction(SIGTERM, &oldTerm, nullptr);
    return result;
}

RunSummary causesOf(const record::Recording& recording)
{
    RunSummary s;
    CauseProjection causes;
    for (const auto& e : recording.session.events) {
        causes.apply(e);
        if (e.kind == EventKind::ConnectionOpen) s.causeConnectionNames[e.connection] = e.text;
    }
    s.causes = causes.byCount();
    return s;
}

std::string summaryJson(const RecordCommandOptions& o, int status, const record::Recording& r,
                        const RunSummary& s)
{
    Json processes = Json::array();
    for (const auto& p : r.processes)
        processes.push_back({{"pid", p.pid}, {"command", jsonText(p.command)}});
    const Json document = {
        {"command", jsonText(joined(o.command))},
        {"exit_status", status},
        {"processes", std::move(processes)},
        {"connections", r.connections},
        {"lock_events", r.lockEvents},
        {"dropped_events", r.droppedEvents},
        {"errors", {{"busy", r.busy}, {"busy_snapshot", r.busySnapshot}, {"other", r.otherErrors}}},
        {"causes", causesJson(s)},
        {"session", jsonText(o.output)},
    };
    return dumpJson(document);
}

std::string summaryText(const RecordCommandOptions& o, int status, const record::Recording& r,
                        const RunSummary& s)
{
    std::string t = "\n== txscope-cli record: '" + joined(o.command) + "' exited with status " +
                    std::to_string(status) + "\n";
    t += std::to_string(r.processes.size()) + " process(es) touched SQLite files:\n";
    for (const auto& p : r.processes)
        t += "  pid " + std::to_string(p.pid) + "  " + p.command +
             (p.dropped ? "  (" + std::to_string(p.dropped) + " records dropped)" : "") + "\n";
    t += std::to_string(r.connections) + " lanes, " + std::to_string(r.lockEvents) + " lock events, " +
         std::to_string(r.droppedEvents) + " dropped\n";
    t += "errors: busy " + std::to_string(r.busy) + ", busy_snapshot " + std::to_string(r.busySnapshot) +
         ", other " + std::to_string(r.otherErrors) + "\n";
    if (!r.tier2)
        t += "only lock calls were seen (SQLite linked into the program, or no sqlite3_* calls): "
             "statements and their errors cannot be known, only who held which lock and who waited\n";
    t += causesText(s);
    t += "session written to " + o.output + " (open it with: txscope " + o.output + ")\n";
    return t;
}

void removeRecords(const std::string& dir)
{
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}

} // namespace

int recordCommand(const RecordCommandOptions& o)
{
    const std::string probe = probePath();
    if (probe.empty()) {
        std::fprintf(stderr, "txscope-cli record: libtxscope-probe.so not found beside txscope-cli nor in "
                             "../lib/txscope (set TXSCOPE_PROBE to its path)\n");
        return ExitBadInput;
    }
    // TXSCOPE_RECORD_DIR set: a shared folder that processes started elsewhere write into too
    // (docs/recording.md, "Joining a recording"); its records are read and kept. Otherwise a
    // private temporary folder, removed afterwards.
    std::string dir;
    const char* shared = std::getenv(TXSCOPE_PROBE_DIR_ENV);
    if (shared && *shared) {
        std::error_code ec;
        if (!std::filesystem::is_directory(shared, ec)) {
            std::fprintf(stderr, "txscope-cli record: %s=%s is not a folder\n", TXSCOPE_PROBE_DIR_ENV,
                         shared);
            return ExitBadInput;
        }
        dir = shared;
    } else {
        std::string dirTemplate = (std::filesystem::temp_directory_path() / "txscope-record-XXXXXX").string();
        if (!mkdtemp(dirTemplate.data())) {
            std::fprintf(stderr, "txscope-cli record: cannot create a folder for the records: %s\n",
                         std::strerror(errno));
            return ExitBadInput;
        }
        dir = dirTemplate;
    }
    const int status = runWithProbe(o.command, probe, dir);

    const record::ProbeFiles files = record::readProbeDirectory(dir);
    if (!shared || !*shared) removeRecords(dir);
    for (const auto& e : files.errors)
        std::fprintf(stderr, "txscope-cli record: %s\n", e.c_str());
    record::RecordingOptions options;
    options.command = joined(o.command);
    options.onlyGlob = o.onlyGlob;
    const record::Recording recording = record::buildRecording(files, options);
    const RunSummary causes = causesOf(recording);
    if (auto error = writeSession(recording.session, o.output))
        std::fprintf(stderr, "txscope-cli record: %s\n", error->c_str());
    if (o.json)
        std::fputs(summaryJson(o, status, recording, causes).c_str(), stdout);
    else
        std::fputs(summaryText(o, status, recording, causes).c_str(), stderr);
    std::fflush(stdout);
    return status;
}

} // namespace txs::cli
