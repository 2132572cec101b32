#include "RecordCommand.h"

#include "CauseText.h"
#include "ExitCode.h"
#include "Json.h"
#include "engine/explain/CauseProjection.h"
#include "engine/record/LiveRecording.h"
#include "engine/record/ProbeRecord.h"
#include "engine/record/Recording.h"
#include "engine/record/TracedCommand.h"
#include "engine/workload/RunReport.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace txs::cli {

namespace {

// Runs the command under the probe, its children too; samples the WAL gauges while it runs.
// Returns the command's exit status as a shell reports it.
int runWithProbe(const std::vector<std::string>& command, const std::string& probe, const std::string& dir,
                 record::LiveRecording& live)
{
    // Ctrl-C goes to the whole foreground group: the command decides what to do with it, and
    // the recorder stays to collect what it wrote.
    struct sigaction ignore
    {
    }, oldInt{}, oldTerm{};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ignore, &oldInt);
    sigaction(SIGTERM, &ignore, &oldTerm);
    std::string error;
    record::TraceOptions options;
    options.probe = probe;
    options.directory = dir;
    options.messagePrefix = "txscope-cli record";
    const auto child = record::startTraced(command, options, error);
    int result = ExitBadInput;
    if (child) {
        // Every 20 ms: the records so far (to learn which databases use a WAL) and their gauges.
        for (;;) {
            if (const auto status = record::tracedExitStatus(*child)) {
                result = *status;
                break;
            }
            live.poll(record::monotonicNowNs());
            const timespec pause{0, 20'000'000};
            nanosleep(&pause, nullptr);
        }
    } else {
        std::fprintf(stderr, "txscope-cli record: %s\n", error.c_str());
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

std::string joined(const std::vector<std::string>& words)
{
    return record::joinedCommand(words);
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

} // namespace

int recordCommand(const RecordCommandOptions& o)
{
    const std::string probe = record::findProbe();
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
        std::string error;
        dir = record::makeRecordDirectory(error);
        if (dir.empty()) {
            std::fprintf(stderr, "txscope-cli record: %s\n", error.c_str());
            return ExitBadInput;
        }
    }
    record::RecordingOptions options;
    options.command = joined(o.command);
    options.onlyGlob = o.onlyGlob;
    record::LiveRecording live(dir, options);
    const int status = runWithProbe(o.command, probe, dir, live);

    // Every record, read once more from the start now that the writers are gone (a torn tail
    // is counted), with the gauges sampled while it ran.
    const record::ProbeFiles files = record::readProbeDirectory(dir);
    if (!shared || !*shared) record::removeRecordDirectory(dir);
    for (const auto& e : files.errors)
        std::fprintf(stderr, "txscope-cli record: %s\n", e.c_str());
    options.walSamples = live.walSamples();
    options.exitStatus = status;
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
