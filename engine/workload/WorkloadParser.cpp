#include "engine/workload/WorkloadParser.h"

#include "engine/workload/HeaderLine.h"
#include "engine/workload/LineHead.h"
#include "engine/workload/StatementScanner.h"
#include "engine/workload/Substitution.h"
#include "engine/workload/TextUtil.h"
#include "engine/workload/WorkersLine.h"

#include <cerrno>
#include <cstdio>
#include <map>
#include <system_error>

namespace txs {

namespace {

bool isBlank(std::string_view line)
{
    return isBlankLine(line);
}
bool isIndented(std::string_view line)
{
    return isIndentedLine(line);
}
std::string quote(std::string_view s)
{
    return "'" + std::string(s) + "'";
}

// The grammar is line-based: the top level reads one header, block opener or step line at a
// time, and a block's body is every following line that is indented, blank or a comment (or that
// continues a quote or block comment).
class Parser
{
public:
    Parser(std::string_view text, std::string fileName) : file_(std::move(fileName))
    {
        if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3); // a UTF-8 byte order mark
        std::size_t start = 0;
        for (std::size_t i = 0; i <= text.size(); ++i) {
            if (i < text.size() && text[i] != '\n') continue;
            std::string_view line = text.substr(start, i - start);
            if (line.ends_with('\r')) line.remove_suffix(1);
            lines_.push_back(line);
            start = i + 1;
        }
        workload_.fileName = file_;
    }

    ParseResult run()
    {
        // SQLite stops reading SQL at a NUL byte, so a statement holding one would run cut short
        // without a word; such a file is not the text it looks like.
        for (std::size_t i = 0; i < lines_.size(); ++i)
            if (lines_[i].find('\0') != std::string_view::npos)
                return ParseError{file_, static_cast<int>(i + 1),
                                  "NUL byte in the text (is this a text file?)"};
        while (next_ < lines_.size()) {
            if (auto error = topLevelLine()) {
                error->file = file_;
                return *error;
            }
        }
        return std::move(workload_);
    }

private:
    using MaybeError = std::optional<ParseError>;
    static ParseError at(std::size_t index, std::string message)
    {
        return ParseError{{}, static_cast<int>(index + 1), std::move(message)};
    }

    MaybeError topLevelLine()
    {
        const std::size_t index = next_;
        const std::string_view line = lines_[index];
        const LineHead head = readLineHead(line);
        using Kind = LineHead::Kind;
        if (head.kind == Kind::Blank || head.kind == Kind::Comment) {
            ++next_;
            return std::nullopt;
        }
        if (head.kind == Kind::Indented)
            return at(index, "indented line outside a block (indent statements under setup:, check: or a "
                             "workers line, or to continue the SQL of a step)");
        if (head.kind == Kind::Workers) return workersBlock(index);
        if (head.kind == Kind::NoColon)
            return at(index, quote(trim(line)) +
                                 " is not a header, block or step line (write setup:, check:, "
                                 "workers NAME xN ...: or NAME: SQL;)");
        const std::string_view name = head.name;
        const std::string_view rest = line.substr(head.restAt);
        if (head.kind == Kind::Setup) return statementBlock(index, rest, workload_.setup, "setup");
        if (head.kind == Kind::Check) return statementBlock(index, rest, workload_.check, "check");
        if (head.kind == Kind::Header) return header(index, name, rest);
        if (head.kind == Kind::BadName)
            return at(index,
                      "invalid step name " + quote(name) +
                          " (a connection name is letters, digits and '_', not starting with a digit)");
        if (isBlank(rest))
            return at(index,
                      "unknown block " + quote(std::string(name) + ":") +
                          " (blocks are setup:, check: and workers NAME xN ...:; a step is NAME: SQL;)");
        if (!sawBlock_ && rest.find(';') == std::string_view::npos && !startsWithWord(trim(rest), "sleep") &&
            !nextContentIsIndented(index))
            return at(index, quote(name) +
                                 " is not a header key (journal_mode, busy_timeout, synchronous, seed, "
                                 "allow_attach, statement_timeout, isolation), and as "
                                 "a step line it lacks its ';'");
        return step(index, name, rest);
    }

    bool nextContentIsIndented(std::size_t index) const
    {
        for (std::size_t j = index + 1; j < lines_.size(); ++j) {
            if (isBlank(lines_[j]) || isCommentLine(lines_[j])) continue;
            return isIndented(lines_[j]);
        }
        return false;
    }

    MaybeError header(std::size_t index, std::string_view key, std::string_view value)
    {
        const std::string k = toLower(key);
        if (sawBlock_) return at(index, "header key " + quote(k) + " must come before the first block");
        if (!seenHeaderKeys_.emplace(k, index).second)
            return at(index, "duplicate header key " + quote(k) + " (first at line " +
                                 std::to_string(seenHeaderKeys_[k] + 1) + ")");
        if (auto message = applyHeader(workload_, k, value)) return at(index, *message);
        ++next_;
        return std::nullopt;
    }

    MaybeError statementBlock(std::size_t index, std::string_view rest, std::optional<StatementBlock>& block,
                              const std::string& keyword)
    {
        const std::string opener = quote(keyword + ":");
        if (!isBlank(rest))
            return at(index,
                      opener + " takes its statements on the indented lines below it, not on its own line");
        if (block)
            return at(index, "duplicate " + opener + " block (the first is at line " +
                                 std::to_string(block->line) + ")");
        sawBlock_ = true;
        ++next_;
        StatementBlock parsed;
        parsed.line = static_cast<int>(index + 1);
        if (auto error = body(parsed.statements)) return error;
        if (parsed.statements.empty())
            return at(index, "empty " + opener + " block (indent its statements on the lines below it)");
        if (auto error = noVariables(parsed.statements)) return error;
        block = std::move(parsed);
        return std::nullopt;
    }

    MaybeError workersBlock(std::size_t index)
    {
        std::string why;
        auto block = parseWorkersLine(lines_[index], why);
        if (!block) return at(index, why);
        if (auto [it, added] = workersNames_.emplace(block->name, index); !added)
            return at(index, "duplicate workers name " + quote(block->name) + " (first at line " +
                                 std::to_string(it->second + 1) + ")");
        block->line = static_cast<int>(index + 1);
        sawBlock_ = true;
        ++next_;
        if (auto error = body(block->body)) return error;
        if (block->body.empty())
            return at(index, "empty workers block " + quote(block->name) +
                                 " (indent its statements on the lines below it)");
        workload_.workers.push_back(std::move(*block));
        return std::nullopt;
    }

    MaybeError step(std::size_t index, std::string_view name, std::string_view rest)
    {
        sawBlock_ = true;
        StatementScanner scanner;
        std::vector<Statement> statements;
        if (auto error = scanner.feedLine(rest, static_cast<int>(index + 1), statements)) return error;
        ++next_;
        if (!scanner.idle())
            if (auto error = continuation(scanner, statements)) return error;
        if (statements.empty()) return at(index, "step " + quote(name) + " has no SQL");
        if (auto error = noVariables(statements)) return error;
        for (Statement& statement : statements)
            workload_.steps.push_back(Step{std::string(name), std::move(statement)});
        return std::nullopt;
    }

    // The body of a block: indented lines up to the next line that is not.
    MaybeError body(std::vector<Statement>& statements)
    {
        StatementScanner scanner;
        return continuation(scanner, statements);
    }

    // Feeds the scanner every following indented, blank or comment line (or any line while a quote
    // or comment is open), up to the first line that is not indented, or, for a step, until its
    // statement is complete.
    MaybeError continuation(StatementScanner& scanner, std::vector<Statement>& statements)
    {
        const bool untilComplete = !scanner.idle(); // a step's SQL, begun on the step line
        while (next_ < lines_.size() && !(untilComplete && scanner.idle())) {
            const std::string_view line = lines_[next_];
            if (!scanner.continuesRaw()) {
                if (isBlank(line) || isCommentLine(line)) {
                    ++next_;
                    continue;
                }
                if (!isIndented(line)) break;
            }
            if (auto error = scanner.feedLine(line, static_cast<int>(next_ + 1), statements)) return error;
            ++next_;
        }
        if (scanner.idle()) return std::nullopt;
        return scanner.unfinished(next_ < lines_.size() ? "before line " + std::to_string(next_ + 1)
                                                        : "before the end of the file");
    }

    // $worker and $iter mean something only inside a workers block; elsewhere SQLite would bind
    // them as NULL parameters without a word.
    static MaybeError noVariables(const std::vector<Statement>& statements)
    {
        for (const Statement& s : statements)
            if (auto name = findVariable(s.sql); !name.empty())
                return ParseError{{}, s.line, std::string(name) + " is defined only inside a workers block"};
        return std::nullopt;
    }

    std::string file_;
    std::vector<std::string_view> lines_;
    std::size_t next_ = 0; // index of the next line to read
    Workload workload_;
    bool sawBlock_ = false; // header keys are allowed until the first block or step
    std::map<std::string, std::size_t> seenHeaderKeys_;
    std::map<std::string, std::size_t> workersNames_;
};

} // namespace

ParseResult parseWorkload(std::string_view text, std::string fileName)
{
    return Parser(text, std::move(fileName)).run();
}

ParseResult parseWorkloadFile(const std::filesystem::path& path)
{
    const std::string name = path.string();
    auto failure = [&](const char* what, int err) {
        return ParseError{name, 0, std::string(what) + ": " + std::generic_category().message(err)};
    };
    errno = 0;
    std::FILE* file = std::fopen(name.c_str(), "rb");
    if (!file) return failure("cannot open the file", errno);
    std::string text;
    char buffer[1 << 16];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0)
        text.append(buffer, n);
    const bool failed = std::ferror(file) != 0;
    const int readError = errno;
    std::fclose(file);
    if (failed) return failure("cannot read the file", readError != 0 ? readError : EIO);
    return parseWorkload(text, name);
}

} // namespace txs
