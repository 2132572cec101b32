// libFuzzer target for the .txs parser. Beyond "no crash, no sanitizer report", it checks the
// promises the runner and the editor rely on: an error names a line inside the file, a parsed
// workload only holds statements from lines of the file, and everything it holds can be described
// and used (expectations read back, retry clauses, backoff delays, substitution) without trouble.

#include "engine/workload/Backoff.h"
#include "engine/workload/Duration.h"
#include "engine/workload/Expectation.h"
#include "engine/workload/RetryPolicy.h"
#include "engine/workload/Substitution.h"
#include "engine/workload/WorkersLine.h"
#include "engine/workload/WorkloadParser.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace txs;

namespace {

[[noreturn]] void broken(const char* promise, const std::string& detail)
{
    std::fprintf(stderr, "broken promise: %s: %s\n", promise, detail.c_str());
    std::abort();
}

void checkStatement(const Statement& s, int lines, bool inWorkers)
{
    if (s.line < 1 || s.line > lines) broken("statement line inside the file", std::to_string(s.line));
    if (s.isSleep()) {
        if (s.sleep.count() < 0 || s.sleep > kMaxDuration)
            broken("sleep within 0..1h", formatDuration(s.sleep));
        if (s.expect) broken("a sleep has no expectation", "");
        return;
    }
    if (s.sql.empty()) broken("SQL statements are not empty", "");
    if (s.sql.front() == ' ' || s.sql.back() == ' ') broken("SQL is trimmed", s.sql);
    if (s.sql.find('\0') != std::string::npos) broken("no NUL byte in SQL", s.sql);
    if (!inWorkers && !findVariable(s.sql).empty()) broken("variables only in workers blocks", s.sql);
    if (inWorkers) (void)substituteVariables(s.sql, 1023, 999999999);
    if (s.expect) {
        std::string why;
        auto again = parseExpectation(s.expect->describe(), why);
        if (!again || !(*again == *s.expect))
            broken("expectation reads back from describe()", s.expect->describe());
    }
}

void checkWorkers(const WorkersBlock& b, int lines)
{
    if (b.line < 1 || b.line > lines) broken("workers line inside the file", std::to_string(b.line));
    if (b.count < 1 || b.count > kMaxWorkers || b.repeat < 1 || b.repeat > kMaxRepeat)
        broken("workers count and repeat in range", b.name);
    if (b.body.empty()) broken("workers body not empty", b.name);
    if (b.retry.enabled()) {
        const std::string clause = b.retry.describe(); // "retry(...)"
        std::string why;
        auto again = parseRetryClause(clause.substr(6, clause.size() - 7), why);
        if (!again || !(*again == b.retry))
            broken("retry clause reads back from describe()", clause + " " + why);
        std::mt19937_64 rng = backoffRandom(1, 0, 0);
        for (int attempt : {0, 1, 2, 10, 63, 64, 1000, 2147483647}) {
            const auto d = b.retry.backoff.delay(attempt, rng);
            if (d.sleep.count() < 0 || d.sleep > kMaxDuration) broken("backoff delay within 0..1h", clause);
        }
    }
    for (const Statement& s : b.body)
        checkStatement(s, lines, true);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    int lines = 1;
    for (char c : text)
        lines += c == '\n';

    // The expectation parser on its own: whatever it accepts must read back from describe().
    std::string why;
    if (auto e = parseExpectation(text, why)) {
        auto again = parseExpectation(e->describe(), why);
        if (!again || !(*again == *e)) broken("expectation reads back", e->describe());
    }

    const ParseResult result = parseWorkload(text, "fuzz.txs");
    if (!result.ok()) {
        const ParseError& e = result.error();
        if (e.line < 1 || e.line > lines) broken("error line inside the file", e.text());
        if (e.message.empty()) broken("error has a message", e.text());
        if (e.text().rfind("fuzz.txs:" + std::to_string(e.line) + ": ", 0) != 0)
            broken("FILE:LINE: form", e.text());
        return 0;
    }
    const Workload& w = result.workload();
    if (w.setup) {
        if (w.setup->statements.empty()) broken("setup not empty", "");
        for (const Statement& s : w.setup->statements)
            checkStatement(s, lines, false);
    }
    for (const Step& step : w.steps) {
        if (step.connection.empty()) broken("step has a connection", "");
        checkStatement(step.statement, lines, false);
    }
    for (const WorkersBlock& b : w.workers)
        checkWorkers(b, lines);
    if (w.check) {
        if (w.check->statements.empty()) broken("check not empty", "");
        for (const Statement& s : w.check->statements)
            checkStatement(s, lines, false);
    }
    (void)w.stepConnections();
    (void)w.expectationCount();
    return 0;
}
