#pragma once
// The default output of `txscope-cli run`: every setup, step and check statement with its
// connection, line, SQL and result; blocked statements as blocked and then with their final
// result; expectation failures marked with expected and actual; each error's explanation; the
// workers' failures; and a summary. Worker outcomes arrive on worker threads.

#include "Console.h"
#include "engine/workload/Runner.h"

#include <map>
#include <mutex>
#include <string>

namespace txs::cli {

class ReadableLog : public RunObserver
{
public:
    ReadableLog(const Workload& workload, Console& console);

    // The first line: which file, on which backend.
    void printHeader(const RunSummary& summary);
    void printSummary(const RunSummary& summary);

    void statementFinished(const StatementOutcome& outcome) override;
    void statementBlocked(const BlockedNotice& notice) override;
    void phaseStarted(RunPhase phase) override;

private:
    const Workload& workload_;
    Console& console_;
    std::mutex mutex_;                                 // guards lastBlocked_
    std::map<std::string, BlockedNotice> lastBlocked_; // by connection: its latest wait
};

} // namespace txs::cli
