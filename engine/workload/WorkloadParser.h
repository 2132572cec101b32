#pragma once
// Reads .txs text into a Workload, or says what is wrong and where (FILE:LINE: message).
// Never throws and never runs anything: bad input means nothing runs.
//
// Where DESIGN.md's contract leaves room, the parser decides:
// - Keywords (setup, check, workers, repeat, retry, max, backoff, sleep, header keys, units) are
//   case-insensitive. `setup`, `check`, `workers` and the header keys cannot name a connection.
// - `repeat R` is optional (1). `retry(...)` is optional; inside it `max N` (N >= 1) is required and
//   `backoff SPEC` defaults to `backoff yield`.
// - A step line may hold several statements (`T1: BEGIN; SELECT 1;`): one step each, same line;
//   its expectation belongs to the last. A sleep's ';' is optional.
// - $worker and $iter outside a workers block are an error (SQLite would bind them as NULL).
// - An empty file is a valid, empty workload. CRLF line ends and a UTF-8 BOM are accepted.

#include "engine/workload/ParseError.h"
#include "engine/workload/Workload.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <variant>

namespace txs {

class ParseResult
{
public:
    ParseResult(Workload workload) : value_(std::move(workload)) {}
    ParseResult(ParseError error) : value_(std::move(error)) {}

    bool ok() const { return value_.index() == 0; }
    explicit operator bool() const { return ok(); }
    // Only when ok().
    const Workload& workload() const { return std::get<Workload>(value_); }
    Workload& workload() { return std::get<Workload>(value_); }
    // Only when !ok().
    const ParseError& error() const { return std::get<ParseError>(value_); }

private:
    std::variant<Workload, ParseError> value_;
};

// `fileName` is what errors and Workload::fileName say.
ParseResult parseWorkload(std::string_view text, std::string fileName);

// A file that is missing or unreadable gives an error naming the file and the cause (line 0).
ParseResult parseWorkloadFile(const std::filesystem::path& path);

} // namespace txs
