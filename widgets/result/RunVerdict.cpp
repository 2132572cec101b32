#include "widgets/result/RunVerdict.h"

namespace txs::result {

void RunVerdict::clear()
{
    *this = RunVerdict();
}

void RunVerdict::add(const StatementOutcome& outcome)
{
    if (state_ == State::NoRun) state_ = State::Running;
    if (!outcome.expect || outcome.line <= 0) return;
    ExpectMark& mark = marks_[outcome.line];
    mark.line = outcome.line;
    mark.expected = outcome.expect->describe();
    ++mark.runs;
    // The first failure is the one to show: later runs of the line do not hide it.
    if (mark.passed) mark.actual = outcome.actual;
    mark.passed = mark.passed && outcome.passed;
}

void RunVerdict::finish(const RunSummary& summary)
{
    failures_ = summary.failures;
    gaveUp_ = summary.workerErrors;
    statementErrors_ = summary.statementErrors;
    passed_ = summary.expectationsPassed;
    failed_ = summary.expectationsFailed;
    workersFailed_ = summary.workersFailed;
    statementsFailed_ = summary.statementsFailed;
    state_ = summary.ok() ? State::Passed : State::Failed;
}

namespace {
std::string plural(int n, const char* one, const char* many)
{
    return std::to_string(n) + " " + (n == 1 ? one : many);
}
} // namespace

std::string RunVerdict::headline() const
{
    switch (state_) {
    case State::NoRun:
        return "No run yet";
    case State::Running: {
        // While stepping: the expectations met so far.
        int failed = 0;
        for (const auto& [line, mark] : marks_)
            failed += mark.passed ? 0 : 1;
        if (marks_.empty()) return "Under way: no expectation checked yet";
        return "Under way: " +
               plural(static_cast<int>(marks_.size()), "expectation line", "expectation lines") +
               " checked, " + (failed == 0 ? std::string("all held") : std::to_string(failed) + " failed");
    }
    case State::Passed: {
        const int total = passed_ + failed_;
        return total == 0 ? "PASS — the run ended without errors (no expectation to check)"
                          : "PASS — " + plural(total, "expectation", "expectations") + " held";
    }
    case State::Failed:
        break;
    }
    std::string why;
    auto add = [&why](const std::string& part) { why += (why.empty() ? "" : ", ") + part; };
    if (failed_ > 0)
        add(std::to_string(failed_) + " of " + plural(passed_ + failed_, "expectation", "expectations") +
            " failed");
    if (workersFailed_ > 0) add(plural(workersFailed_, "worker gave up", "workers gave up"));
    if (statementsFailed_ > 0) add(plural(statementsFailed_, "statement failed", "statements failed"));
    return "FAIL — " + why;
}

} // namespace txs::result
