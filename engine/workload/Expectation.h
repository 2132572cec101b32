#pragma once
// The trailing `-- expect: X` of a statement, and the matcher that compares it with what the
// statement did.
//
// Syntax of X (keywords case-insensitive):
//   ok              the statement succeeded (with or without rows) without blocking
//   error [TEXT]    it failed; with TEXT, the error message or its code name (Error::codeName(),
//                   e.g. SQLITE_BUSY_SNAPSHOT) contains TEXT, ignoring case
//   blocked         it waited for a lock and then succeeded
//   empty           it succeeded without blocking and returned no rows
//   ROWS            anything else: values joined by '|', rows by ',' (spaces around both are
//                   ignored), NULL as NULL, compared in order with Value::display(). A value that
//                   contains ',' or '|', or starts or ends with a space, cannot be written: select
//                   a transformed value instead. A single row whose text starts with a keyword
//                   word ("ok", "error", "blocked", "empty") reads as that keyword.
//
// A statement that blocked and later succeeded has the outcome `blocked`, so `ok`, `empty` and
// rows expectations fail on it (check what it saw with a later SELECT). A statement that blocked
// and then failed (its busy timeout ran out) has the outcome of its error.

#include "engine/api/Result.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace txs {

struct Expectation
{
    enum class Kind { Ok, Error, Blocked, Empty, Rows };

    Kind kind = Kind::Ok;
    std::string errorText;                      // Error: the substring to find; empty = any error
    std::vector<std::vector<std::string>> rows; // Rows: each value as Value::display() renders it

    // In the canonical expectation syntax ("ok", "error conflict", "1|11, 2|20"); parsing it
    // again gives the same expectation.
    std::string describe() const;

    bool operator==(const Expectation&) const = default;
};

// Parses X of `-- expect: X`. On failure returns nullopt and puts the reason into `why`.
std::optional<Expectation> parseExpectation(std::string_view text, std::string& why);

struct ExpectationCheck
{
    bool passed = false;
    std::string actual; // the outcome in expectation syntax: "ok", "empty", "blocked", "1|11, 2|20",
                        // "error SQLITE_BUSY: database is locked"
};

// What a statement did, in expectation syntax (see ExpectationCheck::actual).
std::string describeOutcome(const Result& result, bool wasBlocked);

// Compares what a statement did with what its expectation says. `wasBlocked`: the statement
// waited for a lock before `result` came.
ExpectationCheck check(const Expectation& expectation, const Result& result, bool wasBlocked);

} // namespace txs
