#include "engine/workload/StatementScanner.h"

#include "engine/workload/Duration.h"
#include "engine/workload/TextUtil.h"

namespace txs {

namespace {
ParseError at(int line, std::string message)
{
    return ParseError{{}, line, std::move(message)};
}
} // namespace

std::optional<ParseError> StatementScanner::feedLine(std::string_view line, int lineNumber,
                                                     std::vector<Statement>& out)
{
    completedOnLine_ = false;
    std::size_t i = 0;
    while (i < line.size()) {
        const char c = line[i];
        const char next = i + 1 < line.size() ? line[i + 1] : '\0';
        if (quote_) {
            append(c);
            if (c == quote_) {
                // A doubled quote is the quote char itself ('it''s'); brackets have no escape.
                if (quote_ != ']' && next == quote_) {
                    append(next);
                    i += 2;
                    continue;
                }
                quote_ = 0;
            }
            ++i;
            continue;
        }
        if (inBlockComment_) {
            if (c == '*' && next == '/') {
                inBlockComment_ = false;
                i += 2;
            } else {
                ++i;
            }
            continue;
        }
        if (isSpace(c)) {
            endWord();
            pendingSpace_ = !sql_.empty();
            ++i;
            continue;
        }
        if (c == '-' && next == '-') {
            endWord();
            return scanLineComment(line.substr(i + 2), lineNumber, out);
        }
        if (c == '/' && next == '*') {
            endWord();
            inBlockComment_ = true;
            commentLine_ = lineNumber;
            pendingSpace_ = !sql_.empty(); // a comment separates tokens like a space does
            i += 2;
            continue;
        }
        if (c == ';') {
            endWord();
            if (sql_.empty()) return at(lineNumber, "empty statement: ';' with no SQL before it");
            if (isTrigger() && lastToken_ != "END") {
                // A trigger body's own statements: the trigger goes on until END;
                append(';');
                lastToken_ = ";";
                ++i;
                continue;
            }
            finishStatement(out);
            ++i;
            continue;
        }
        if (sql_.empty()) {
            startLine_ = lineNumber;
            if (startsWithWord(line.substr(i), "sleep")) {
                if (auto error = scanSleep(line, i, lineNumber, out)) return error;
                continue;
            }
        }
        append(c);
        if (c == '\'' || c == '"' || c == '`' || c == '[') {
            endWord();
            quote_ = c == '[' ? ']' : c;
            quoteLine_ = lineNumber;
            lastToken_.clear(); // a quoted token is never the keyword END
        } else if (isIdentChar(c)) {
            word_ += toUpperChar(c);
        } else {
            endWord();
            lastToken_ = std::string(1, c);
        }
        ++i;
    }
    endWord();
    // The line break: text inside a quote, a token separator anywhere else.
    if (quote_)
        append('\n');
    else
        pendingSpace_ = !sql_.empty();
    return std::nullopt;
}

ParseError StatementScanner::unfinished(const std::string& where) const
{
    if (quote_ == '\'') return at(quoteLine_, "string literal (') is never closed");
    if (quote_)
        return at(quoteLine_,
                  std::string("quoted name (") + (quote_ == ']' ? '[' : quote_) + ") is never closed");
    if (inBlockComment_) return at(commentLine_, "comment '/*' is never closed with '*/'");
    return at(startLine_, "statement does not end with ';' " + where +
                              (isTrigger() ? " (a CREATE TRIGGER statement ends with END;)" : ""));
}

void StatementScanner::append(char c)
{
    if (pendingSpace_ && !sql_.empty()) sql_ += ' ';
    pendingSpace_ = false;
    sql_ += c;
}

void StatementScanner::endWord()
{
    if (word_.empty()) return;
    if (words_.size() < 4) words_.push_back(word_);
    lastToken_ = std::move(word_);
    word_.clear();
}

// [EXPLAIN] CREATE [TEMP|TEMPORARY] TRIGGER, the statements sqlite3_complete() reads to END.
bool StatementScanner::isTrigger() const
{
    std::size_t k = 0;
    if (k < words_.size() && words_[k] == "EXPLAIN") ++k;
    if (k >= words_.size() || words_[k] != "CREATE") return false;
    ++k;
    if (k < words_.size() && (words_[k] == "TEMP" || words_[k] == "TEMPORARY")) ++k;
    return k < words_.size() && words_[k] == "TRIGGER";
}

void StatementScanner::finishStatement(std::vector<Statement>& out)
{
    Statement s;
    s.kind = Statement::Kind::Sql;
    s.line = startLine_;
    s.sql = std::move(sql_);
    out.push_back(std::move(s));
    sql_.clear();
    pendingSpace_ = false;
    words_.clear();
    lastToken_.clear();
    completedOnLine_ = true;
}

std::optional<ParseError> StatementScanner::scanSleep(std::string_view line, std::size_t& pos, int lineNumber,
                                                      std::vector<Statement>& out)
{
    pos += 5; // "sleep"
    while (pos < line.size() && isSpace(line[pos]))
        ++pos;
    const std::size_t start = pos;
    while (pos < line.size() && !isSpace(line[pos]) && line[pos] != ';')
        ++pos;
    const std::string_view token = line.substr(start, pos - start);
    if (token.empty() || token.starts_with("--"))
        return at(lineNumber, "sleep needs a duration, e.g. sleep 200ms, sleep 1s or sleep 500us");
    std::string why;
    const auto duration = parseDuration(token, &why);
    if (!duration) return at(lineNumber, "sleep: " + why);

    Statement s;
    s.kind = Statement::Kind::Sleep;
    s.line = lineNumber;
    s.sleep = *duration;
    out.push_back(std::move(s));
    completedOnLine_ = true;

    while (pos < line.size() && isSpace(line[pos]))
        ++pos;
    if (pos < line.size() && line[pos] == ';') {
        ++pos; // the sleep's optional ';': what follows is a new statement or a comment
        return std::nullopt;
    }
    if (pos < line.size() && !line.substr(pos).starts_with("--"))
        return at(lineNumber, "unexpected '" + std::string(trim(line.substr(pos))) + "' after 'sleep " +
                                  std::string(token) +
                                  "' (end the sleep with ';' to write more on the line)");
    return std::nullopt;
}

std::optional<ParseError> StatementScanner::scanLineComment(std::string_view comment, int lineNumber,
                                                            std::vector<Statement>& out)
{
    std::string_view text = trim(comment);
    if (!startsWithWord(text, "expect")) {
        pendingSpace_ = !sql_.empty();
        return std::nullopt;
    }
    text = trim(text.substr(6));
    if (text.empty() || text.front() != ':') return at(lineNumber, "write an expectation as '-- expect: X'");
    if (!sql_.empty() || !completedOnLine_ || out.empty())
        return at(lineNumber, "'-- expect:' must follow the ';' of its statement on the same line");
    Statement& statement = out.back();
    if (statement.isSleep()) return at(lineNumber, "a sleep has no result to expect");
    std::string why;
    auto expectation = parseExpectation(text.substr(1), why);
    if (!expectation) return at(lineNumber, "bad expectation: " + why);
    statement.expect = std::move(*expectation);
    return std::nullopt;
}

} // namespace txs
