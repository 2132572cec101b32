#pragma once
// The judgement of one run, as the result pane and the editor's gutter show it: PASS or FAIL,
// each `-- expect:` line with what it found, each failed expectation, each worker that gave
// up. Built from the runner's typed outcomes (StatementOutcome as statements finish, then the
// RunSummary at the end): no text is read to decide anything.
//
// Plain C++ so it is tested without a window.

#include "engine/workload/RunReport.h"

#include <map>
#include <string>
#include <vector>

namespace txs::result {

// One `-- expect:` line. A line run several times (in workers) is failed when any run failed;
// `actual` is then the first failing run's outcome, otherwise the last run's.
struct ExpectMark
{
    int line = 0;
    bool passed = true;
    std::string expected;
    std::string actual;
    int runs = 0;
};

class RunVerdict
{
public:
    enum class State { NoRun, Running, Passed, Failed };

    void clear();
    // A statement finished; only those with an expectation leave a mark.
    void add(const StatementOutcome& outcome);
    // The run ended with this summary: the verdict is final.
    void finish(const RunSummary& summary);

    State state() const { return state_; }
    bool finished() const { return state_ == State::Passed || state_ == State::Failed; }
    const std::map<int, ExpectMark>& marks() const { return marks_; }
    // From the summary (the runner keeps the first 100 of each).
    const std::vector<ExpectationFailure>& failures() const { return failures_; }
    const std::vector<std::string>& workersGaveUp() const { return gaveUp_; }
    const std::vector<std::string>& statementErrors() const { return statementErrors_; }
    int expectationsPassed() const { return passed_; }
    int expectationsFailed() const { return failed_; }
    int workersFailed() const { return workersFailed_; }
    int statementsFailed() const { return statementsFailed_; }
    // "PASS" / "FAIL" and the reason in one line ("FAIL — 1 of 3 expectations failed, 2
    // workers gave up").
    std::string headline() const;

private:
    State state_ = State::NoRun;
    std::map<int, ExpectMark> marks_;
    std::vector<ExpectationFailure> failures_;
    std::vector<std::string> gaveUp_, statementErrors_;
    int passed_ = 0, failed_ = 0, workersFailed_ = 0, statementsFailed_ = 0;
};

} // namespace txs::result
