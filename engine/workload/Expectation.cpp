#include "engine/workload/Expectation.h"

#include "engine/workload/TextUtil.h"

namespace txs {

namespace {

// Splits on `separator` and trims each part; "a, b" -> {"a", "b"}.
std::vector<std::string> splitTrimmed(std::string_view s, char separator)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || s[i] == separator) {
            parts.emplace_back(trim(s.substr(start, i - start)));
            start = i + 1;
        }
    }
    return parts;
}

} // namespace

std::string Expectation::describe() const
{
    switch (kind) {
    case Kind::Ok:
        return "ok";
    case Kind::Error:
        return errorText.empty() ? "error" : "error " + errorText;
    case Kind::Blocked:
        return "blocked";
    case Kind::Empty:
        return "empty";
    case Kind::Rows: {
        std::string out;
        for (std::size_t r = 0; r < rows.size(); ++r) {
            if (r) out += ", ";
            for (std::size_t c = 0; c < rows[r].size(); ++c) {
                if (c) out += '|';
                out += rows[r][c];
            }
        }
        return out;
    }
    }
    return "?";
}

std::optional<Expectation> parseExpectation(std::string_view text, std::string& why)
{
    text = trim(text);
    if (text.empty()) {
        why = "empty expectation (write ok, error [TEXT], blocked, empty, or rows like 1|a, 2|b)";
        return std::nullopt;
    }
    std::size_t wordEnd = 0;
    while (wordEnd < text.size() && !isSpace(text[wordEnd]))
        ++wordEnd;
    const std::string word = toLower(text.substr(0, wordEnd));
    const std::string_view rest = trim(text.substr(wordEnd));

    Expectation e;
    if (word == "error") {
        e.kind = Expectation::Kind::Error;
        e.errorText = std::string(rest);
        return e;
    }
    if (word == "ok" || word == "blocked" || word == "empty") {
        if (!rest.empty()) {
            why = "'" + word + "' takes nothing after it, got '" + std::string(rest) + "'";
            return std::nullopt;
        }
        e.kind = word == "ok"        ? Expectation::Kind::Ok
                 : word == "blocked" ? Expectation::Kind::Blocked
                                     : Expectation::Kind::Empty;
        return e;
    }

    e.kind = Expectation::Kind::Rows;
    for (const std::string& row : splitTrimmed(text, ','))
        e.rows.push_back(splitTrimmed(row, '|'));
    for (const auto& row : e.rows) {
        if (row.size() != e.rows.front().size()) {
            why = "rows have different numbers of values in '" + std::string(text) + "'";
            return std::nullopt;
        }
    }
    return e;
}

std::string describeOutcome(const Result& result, bool wasBlocked)
{
    if (result.error) return "error " + result.error->codeName() + ": " + result.error->message;
    if (wasBlocked) return "blocked";
    if (!result.rows.empty()) return result.rowsText();
    // A query that found nothing reads "empty"; a statement that returns no rows at all, "ok".
    return result.columns.empty() ? "ok" : "empty";
}

ExpectationCheck check(const Expectation& expectation, const Result& result, bool wasBlocked)
{
    ExpectationCheck out;
    out.actual = describeOutcome(result, wasBlocked);
    const bool succeeded = result.ok() && !wasBlocked;
    switch (expectation.kind) {
    case Expectation::Kind::Ok:
        out.passed = succeeded;
        break;
    case Expectation::Kind::Blocked:
        out.passed = result.ok() && wasBlocked;
        break;
    case Expectation::Kind::Empty:
        out.passed = succeeded && result.rows.empty();
        break;
    case Expectation::Kind::Error:
        out.passed = result.error && (containsIgnoreCase(result.error->message, expectation.errorText) ||
                                      containsIgnoreCase(result.error->codeName(), expectation.errorText));
        break;
    case Expectation::Kind::Rows: {
        if (!succeeded || result.rows.size() != expectation.rows.size()) break;
        out.passed = true;
        for (std::size_t r = 0; r < result.rows.size() && out.passed; ++r) {
            const Row& row = result.rows[r];
            const auto& want = expectation.rows[r];
            out.passed = row.size() == want.size();
            for (std::size_t c = 0; c < row.size() && out.passed; ++c)
                out.passed = row[c].display() == want[c];
        }
        break;
    }
    }
    return out;
}

} // namespace txs
