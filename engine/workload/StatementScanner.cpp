#include "engine/workload/StatementScanner.h"

#include "engine/api/AsciiText.h"
#include "engine/api/SqlLexer.h"
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
    using Kind = SqlToken::Kind;
    completedOnLine_ = false;
    std::size_t i = 0;
    while (i < line.size()) {
        if (quote_) { // a quote that began on an earlier line
            const std::size_t end = quotedRunEnd(line, i, quote_);
            appendRaw(line.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
            if (end == std::string_view::npos) break;
            quote_ = 0;
            i = end;
            continue;
        }
        if (inBlockComment_) {
            const std::size_t close = line.find("*/", i);
            if (close == std::string_view::npos) break;
            inBlockComment_ = false;
            i = close + 2;
            continue;
        }
        const SqlToken t = sqlTokenAt(line, i);
        const std::string_view text = t.text(line);
        if (t.kind == Kind::Space) {
            pendingSpace_ = !sql_.empty();
        } else if (t.kind == Kind::Comment && text.starts_with("--")) {
            return scanLineComment(line.substr(i + 2), lineNumber, out);
        } else if (t.kind == Kind::Comment) {
            pendingSpace_ = !sql_.empty(); // a comment separates tokens like a space does
            inBlockComment_ = t.unterminated;
            commentLine_ = lineNumber;
        } else if (t.kind == Kind::Punct && text == ";") {
            if (sql_.empty()) return at(lineNumber, "empty statement: ';' with no SQL before it");
            // No space before ';': the statement's text is trimmed once the ';' is dropped.
            pendingSpace_ = false;
            append(";");
            // sqlite3_complete: only a trigger body's own ';' leaves the text unfinished; the
            // trigger goes on until END;
            if (isCompleteSql(sql_)) {
                sql_.pop_back();
                finishStatement(out);
            } else {
                passedSemicolon_ = true;
            }
        } else {
            if (sql_.empty()) {
                startLine_ = lineNumber;
                if (t.kind == Kind::Word && equalsIgnoreCase(text, "sleep")) {
                    if (auto error = scanSleep(line, i, lineNumber, out)) return error;
                    continue;
                }
            }
            append(text);
            if (t.unterminated) { // a quote that goes on on the next line
                quote_ = text.front() == '[' ? ']' : text.front();
                quoteLine_ = lineNumber;
            }
        }
        i = t.end();
    }
    // The line break: text inside a quote, a token separator anywhere else.
    if (quote_)
        appendRaw("\n");
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
                              (passedSemicolon_ ? " (a CREATE TRIGGER statement ends with END;)" : ""));
}

void StatementScanner::append(std::string_view token)
{
    if (pendingSpace_ && !sql_.empty()) sql_ += ' ';
    pendingSpace_ = false;
    sql_ += token;
}

void StatementScanner::appendRaw(std::string_view text)
{
    sql_ += text;
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
    passedSemicolon_ = false;
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
