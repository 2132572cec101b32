#include "RunCommand.h"

#include "AnomalyOutput.h"
#include "Console.h"
#include "ExitCode.h"
#include "OutputFile.h"
#include "ProgressLine.h"
#include "ReadableLog.h"
#include "StopOnSignal.h"
#include "SummaryJson.h"
#include "TraceFile.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"

namespace txs::cli {

namespace {

RunOptions runOptions(const RunCommandOptions& o)
{
    RunOptions r;
    r.journalMode = o.journalMode;
    r.isolation = o.isolation;
    r.databasePath = o.databasePath.value_or("");
    r.seed = o.seed;
    r.damagedLog = o.recoverTruncate ? DamagedLog::Truncate : DamagedLog::Refuse;
    r.allowAttach = o.allowAttach;
    // Always traced: the summary counts events, errors are explained from the trace, and
    // --trace exports it.
    r.tracing = true;
    if (o.keepEvents) r.traceLimits.maxEvents = static_cast<std::size_t>(*o.keepEvents);
    return r;
}

} // namespace

int runCommand(const RunCommandOptions& options)
{
    Console console;

    // Bad input of any kind is reported before anything runs.
    auto parsed = parseWorkloadFile(options.file);
    if (!parsed) {
        console.err(parsed.error().text() + "\n");
        return ExitBadInput;
    }
    Runner runner(std::move(parsed.workload()), runOptions(options));
    // Before any thread starts (see StopOnSignal.h); declared after the runner, so it is gone
    // before the runner's destructor removes the temporary folder.
    StopOnSignal signals([&runner] { runner.stop(); });
    if (runner.allowsAttach())
        console.err("txscope-cli: WARNING: ATTACH, DETACH and VACUUM INTO are allowed (" +
                    std::string(options.allowAttach ? "--allow-attach" : "allow_attach: yes in the file") +
                    "): this workload may create or change files outside its database\n");
    if (auto error = runner.open()) {
        const std::string where = options.databasePath ? " '" + *options.databasePath + "'" : "";
        console.err("txscope-cli: cannot open the database" + where + ": " + error->describe() + "\n");
        // Locked, in use or read-only: the file is fine, the run could not happen (1);
        // anything else (corrupt, not a database, a foreign log ...) is bad input (2).
        const int code = error->code & 0xFF;
        return code == rc::Busy || code == rc::Locked || code == rc::ReadOnly ? ExitFailed : ExitBadInput;
    }
    // What opening did to or found in the user's files (a journal mode switched, a log
    // recovered): on stderr, so that --json output stays one object.
    for (const auto& note : runner.database()->openNotes())
        console.err("txscope-cli: note: " + note + "\n");
    // Opened before the run: a trace that cannot be written is bad input, not a lost run.
    std::optional<OutputFile> traceFile;
    if (options.tracePath) {
        std::string why;
        traceFile = OutputFile::open(*options.tracePath, why);
        if (!traceFile) {
            console.err("txscope-cli: --trace: " + why + "\n");
            return ExitBadInput;
        }
    }

    ReadableLog log(runner.workload(), console);
    if (!options.json) {
        runner.setObserver(&log);
        log.printHeader(runner.summary());
    }
    // Streams while the run goes, so the export never holds the whole run in memory.
    std::optional<TraceStream> traceStream;
    if (traceFile) traceStream.emplace(runner.trace(), std::move(*traceFile));
    ProgressLine progress(runner, console);
    const RunSummary& summary = runner.run();
    progress.finish();

    std::optional<analysis::AnomalyReport> anomalies;
    if (options.anomalies) {
        anomalies =
            analysis::analyzeEvents(runner.trace()->snapshot(), summary.journalMode == JournalMode::Mvcc);
        if (summary.eventsDropped > 0)
            console.err("txscope-cli: --anomalies: the oldest " + std::to_string(summary.eventsDropped) +
                        " events were dropped (--keep-events); transactions among them are not analyzed\n");
    }
    if (options.json) {
        Json document = summaryDocument(summary);
        if (anomalies) document["anomalies"] = anomaliesJson(*anomalies);
        console.out(dumpJson(document));
        // stdout holds exactly the JSON object; say on stderr why a worker failed, which the
        // contract's fields do not carry.
        for (const auto& e : summary.workerErrors)
            console.err("txscope-cli: worker failed: " + e + "\n");
        for (const auto& e : summary.statementErrors)
            console.err("txscope-cli: statement failed: " + e + "\n");
    } else {
        log.printSummary(summary);
        if (anomalies) console.out(anomaliesText(*anomalies));
    }

    int exitCode = summary.ok() ? ExitOk : ExitFailed;
    if (const int signal = signals.signal()) {
        console.err(std::string("txscope-cli: stopped by ") + StopOnSignal::name(signal) +
                    "; the summary covers what ran before\n");
        exitCode = 128 + signal;
    }
    if (traceStream) {
        std::string why;
        if (!traceStream->finish(why)) {
            console.err("txscope-cli: --trace: " + why + "\n");
            exitCode = ExitFailed;
        } else if (traceStream->missedEvents() > 0) {
            console.err("txscope-cli: --trace: " + std::to_string(traceStream->missedEvents()) +
                        " events left memory before they could be written (see --keep-events); the "
                        "trace marks where\n");
        }
    }
    return exitCode;
}

} // namespace txs::cli
