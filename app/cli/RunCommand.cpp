#include "RunCommand.h"

#include "Console.h"
#include "ExitCode.h"
#include "OutputFile.h"
#include "ProgressLine.h"
#include "ReadableLog.h"
#include "StopOnSignal.h"
#include "SummaryJson.h"
#include "TraceFile.h"
#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"

namespace txs::cli {

namespace {

RunOptions runOptions(const RunCommandOptions& o)
{
    RunOptions r;
    r.journalMode = o.journalMode;
    r.databasePath = o.databasePath.value_or("");
    r.seed = o.seed;
    r.allowAttach = o.allowAttach;
    // Always traced: the summary counts events, errors are explained from the trace, and
    // --trace exports it.
    r.tracing = true;
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
        return ExitBadInput;
    }
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
    ProgressLine progress(runner, console);
    const RunSummary& summary = runner.run();
    progress.finish();

    if (options.json) {
        console.out(summaryToJson(summary));
        // stdout holds exactly the JSON object; say on stderr why a worker failed, which the
        // contract's fields do not carry.
        for (const auto& e : summary.workerErrors)
            console.err("txscope-cli: worker failed: " + e + "\n");
    } else {
        log.printSummary(summary);
    }

    int exitCode = summary.ok() ? ExitOk : ExitFailed;
    if (const int signal = signals.signal()) {
        console.err(std::string("txscope-cli: stopped by ") + StopOnSignal::name(signal) +
                    "; the summary covers what ran before\n");
        exitCode = 128 + signal;
    }
    if (traceFile) {
        std::string why;
        if (!writeTraceFile(*runner.trace(), *traceFile, why)) {
            console.err("txscope-cli: --trace: " + why + "\n");
            exitCode = ExitFailed;
        }
    }
    return exitCode;
}

} // namespace txs::cli
