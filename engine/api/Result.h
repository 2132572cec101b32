#pragma once
// The outcome of executing SQL: rows of the last statement that produced rows, or an error.

#include "engine/api/Error.h"
#include "engine/api/Value.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace txs {

struct Result
{
    std::optional<Error> error;
    std::vector<std::string> columns;
    std::vector<Row> rows;
    std::int64_t changes = 0; // rows inserted, updated or deleted by the last statement

    bool ok() const { return !error.has_value(); }
    explicit operator bool() const { return ok(); }

    // Rows in the expectation syntax of .txs files: values joined by '|', rows by ", ".
    std::string rowsText() const;
    // What a query read, for people (the trace's StatementEnd): rowsText() cut after about
    // `maxChars` with the row count ("1|11, 2|… (40 rows)"), "no rows" for an empty result,
    // "" for a statement without result columns. Never longer than maxChars + 16.
    std::string rowsPreview(std::size_t maxChars = 60) const;

    static Result failure(Error e)
    {
        Result r;
        r.error = std::move(e);
        return r;
    }
};

} // namespace txs
