#include "engine/workload/WorkersLine.h"

#include "engine/workload/TextUtil.h"

namespace txs {

namespace {

constexpr const char* kForm = "write: workers NAME xN [repeat R] [retry(KINDS; max M[, backoff SPEC])]:";

// A tiny cursor over the line; tokens end at spaces and at the punctuation of the grammar.
struct Cursor
{
    std::string_view line;
    std::size_t pos = 0;

    void skipSpace()
    {
        while (pos < line.size() && isSpace(line[pos]))
            ++pos;
    }
    std::string_view token()
    {
        skipSpace();
        const std::size_t start = pos;
        while (pos < line.size() && !isSpace(line[pos]) && line[pos] != ':' && line[pos] != '(')
            ++pos;
        return line.substr(start, pos - start);
    }
    bool word(std::string_view w)
    {
        skipSpace();
        if (!startsWithWord(line.substr(pos), w)) return false;
        pos += w.size();
        return true;
    }
    std::string_view rest() const { return trim(line.substr(pos)); }
};

} // namespace

std::optional<WorkersBlock> parseWorkersLine(std::string_view line, std::string& why)
{
    auto fail = [&](std::string message) -> std::optional<WorkersBlock> {
        why = std::move(message);
        return std::nullopt;
    };
    Cursor c{line};
    c.word("workers");
    WorkersBlock block;

    const std::string_view name = c.token();
    if (name.empty()) return fail(std::string("workers block without a name; ") + kForm);
    if (!isValidName(name))
        return fail("invalid workers name '" + std::string(name) +
                    "' (letters, digits and '_', not starting with a digit)");
    block.name = std::string(name);

    const std::string_view count = c.token();
    unsigned long long n = 0;
    if (count.empty()) return fail(std::string("missing worker count after the name; ") + kForm);
    if (toLowerChar(count.front()) != 'x' || !parseUnsigned(count.substr(1), kMaxWorkers, n) || n == 0)
        return fail("bad worker count '" + std::string(count) + "': write xN with N from 1 to " +
                    std::to_string(kMaxWorkers) + ", e.g. x16");
    block.count = static_cast<int>(n);

    if (c.word("repeat")) {
        const std::string_view repeat = c.token();
        if (!parseUnsigned(repeat, kMaxRepeat, n) || n == 0)
            return fail("bad repeat count '" + std::string(repeat) + "': write repeat N with N from 1 to " +
                        std::to_string(kMaxRepeat));
        block.repeat = static_cast<std::int64_t>(n);
    }

    if (c.word("retry")) {
        c.skipSpace();
        if (c.pos >= line.size() || line[c.pos] != '(')
            return fail("bad retry clause: write retry(KINDS; max N), e.g. retry(conflict, busy; max 100)");
        const std::size_t close = line.find(')', c.pos);
        if (close == std::string_view::npos) return fail("bad retry clause: missing ')'");
        auto policy = parseRetryClause(line.substr(c.pos + 1, close - c.pos - 1), why);
        if (!policy) return std::nullopt;
        block.retry = *policy;
        c.pos = close + 1;
    }

    c.skipSpace();
    if (c.pos >= line.size()) return fail(std::string("a workers line ends with ':'; ") + kForm);
    if (line[c.pos] != ':')
        return fail("unexpected '" + std::string(c.rest()) + "' in the workers line; " + kForm);
    ++c.pos;
    if (!c.rest().empty())
        return fail("unexpected '" + std::string(c.rest()) +
                    "' after ':' (the body goes on the indented lines below)");
    return block;
}

} // namespace txs
