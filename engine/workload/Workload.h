#pragma once
// A parsed .txs workload (DESIGN.md, "Workload file format"). Its parts are laid out in the order
// a run uses them: header settings, setup, steps, workers (all at once), check.

#include "engine/api/Isolation.h"
#include "engine/api/JournalMode.h"
#include "engine/workload/Expectation.h"
#include "engine/workload/RetryPolicy.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace txs {

enum class Synchronous { Off, Normal, Full };
const char* synchronousName(Synchronous s); // "off", "normal", "full"

// One statement: SQL, or a `sleep`.
struct Statement
{
    enum class Kind { Sql, Sleep };

    Kind kind = Kind::Sql;
    int line = 0; // 1-based line of the file where the statement starts
    // Sql: the statement without its ';', comments removed, each run of whitespace outside quotes
    // (line breaks included) made one space; string literals and quoted names kept exactly.
    std::string sql;
    std::chrono::microseconds sleep{0}; // Sleep: how long
    std::optional<Expectation> expect;  // its `-- expect: X`, if any

    bool isSleep() const { return kind == Kind::Sleep; }
    bool operator==(const Statement&) const = default;
};

// `setup:` or `check:`: statements run in order on a connection of their own.
struct StatementBlock
{
    int line = 0; // line of `setup:` / `check:`
    std::vector<Statement> statements;
    bool operator==(const StatementBlock&) const = default;
};

// A step line `NAME: SQL;` runs `statement` on connection `connection` (opened on first use).
// A line with several statements gives several steps with the same line.
struct Step
{
    std::string connection;
    Statement statement;
    bool operator==(const Step&) const = default;
};

// `workers NAME xN repeat R retry(...):` with its indented body.
struct WorkersBlock
{
    int line = 0;
    std::string name;        // the workers' connections are this name and the worker number
    int count = 1;           // threads, each with its own connection; $worker is 0..count-1
    std::int64_t repeat = 1; // times each worker runs the body; $iter is 0..repeat-1
    RetryPolicy retry;       // no retry clause: retry.enabled() is false
    std::vector<Statement> body;
    bool operator==(const WorkersBlock&) const = default;
};

struct Workload
{
    std::string fileName;

    // Header. Unset optionals mean "the backend's default" (the CLI's --seed may also set the seed).
    JournalMode journalMode = JournalMode::Mvcc;
    std::optional<std::chrono::milliseconds> busyTimeout;
    std::optional<Synchronous> synchronous;
    std::optional<std::uint64_t> seed;
    // `allow_attach: yes`: ATTACH / DETACH / VACUUM INTO allowed (refused by default, see
    // docs/security.md); the run says so loudly.
    bool allowAttach = false;
    // `statement_timeout: 500ms`: a statement running longer is interrupted and fails.
    std::optional<std::chrono::microseconds> statementTimeout;
    // `isolation: serializable`: the isolation level of BEGIN CONCURRENT on MVCC (engine/api/Isolation.h).
    std::optional<Isolation> isolation;

    // The run, in order.
    std::optional<StatementBlock> setup; // 1. once, on its own connection
    std::vector<Step> steps;             // 2. one at a time, in file order
    std::vector<WorkersBlock> workers;   // 3. all blocks at once, in file order
    std::optional<StatementBlock> check; // 4. last, on its own connection

    // Step connection names in order of first use: the connections step mode opens.
    std::vector<std::string> stepConnections() const;
    // How many statements carry an expectation, in every part of the workload.
    int expectationCount() const;

    bool operator==(const Workload&) const = default;
};

} // namespace txs
