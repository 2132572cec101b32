#include "engine/sql/SchemaReads.h"

#include "engine/api/AsciiText.h"
#include "engine/api/SqlLexer.h"

#include <algorithm>
#include <vector>

namespace txs::sql {

namespace {

// The schema pragmas whose answer comes from the mirror (PRAGMA x and pragma_x(...)). Not
// table_list nor database_list: they list every schema of the handle, the mirror's too.
constexpr std::string_view kSchemaPragmas[] = {"table_info", "table_xinfo", "index_list",
                                               "index_info", "index_xinfo", "foreign_key_list"};

bool isSchemaPragma(std::string_view name)
{
    for (auto p : kSchemaPragmas)
        if (equalsIgnoreCase(name, p)) return true;
    return false;
}

struct Edit
{
    std::size_t offset, length;
    std::string text;
};

class Rewriter
{
public:
    explicit Rewriter(std::string_view s) : s_(s)
    {
        for (SqlToken t = nextSqlToken(s, 0); t.kind != SqlToken::Kind::End; t = nextSqlToken(s, t.end()))
            tokens_.push_back(t);
    }

    // An unquoted word (a keyword or a bare name): quoted names and strings never match.
    bool word(std::size_t i, std::string_view w) const
    {
        return i < tokens_.size() && tokens_[i].kind == SqlToken::Kind::Word &&
               equalsIgnoreCase(tokens_[i].text(s_), w);
    }
    // The name `w` itself: a bare word, or quoted whole ("sqlite_schema" is the table too; a quoted
    // name holding more, or a doubled quote, is another name).
    bool name(std::size_t i, std::string_view w) const
    {
        if (word(i, w)) return true;
        if (i >= tokens_.size() || tokens_[i].kind != SqlToken::Kind::QuotedName || tokens_[i].unterminated ||
            tokens_[i].length != w.size() + 2)
            return false;
        return equalsIgnoreCase(tokens_[i].text(s_).substr(1, w.size()), w);
    }
    bool punct(std::size_t i, char p) const
    {
        return i < tokens_.size() && tokens_[i].kind == SqlToken::Kind::Punct && tokens_[i].length == 1 &&
               s_[tokens_[i].offset] == p;
    }
    // The schema name `main`, bare or quoted ("main", [main], `main`), before a '.'.
    bool isMain(std::size_t i) const
    {
        if (i >= tokens_.size()) return false;
        const SqlToken& t = tokens_[i];
        if (t.kind == SqlToken::Kind::Word) return equalsIgnoreCase(t.text(s_), "main");
        if (t.kind == SqlToken::Kind::QuotedName && t.length == 6 && !t.unterminated)
            return equalsIgnoreCase(t.text(s_).substr(1, 4), "main");
        return false;
    }

    // `name` at i, qualified by nothing (the mirror's is put in front) or by main (replaced).
    // Another schema (temp, an alias) is left as written.
    void pointAt(std::size_t i)
    {
        if (i >= 2 && punct(i - 1, '.')) {
            if (isMain(i - 2)) edits_.push_back({tokens_[i - 2].offset, tokens_[i - 2].length, mirror()});
            return;
        }
        edits_.push_back({tokens_[i].offset, 0, mirror() + "."});
    }

    // pragma_x( ... ) at i: the mirror as the schema argument.
    void pointArgumentsAt(std::size_t i)
    {
        if (i >= 1 && punct(i - 1, '.')) return; // a qualified eponymous table: as written
        if (!punct(i + 1, '(')) return;
        int depth = 0;
        std::size_t commas = 0, lastArgument = 0;
        for (std::size_t k = i + 1; k < tokens_.size(); ++k) {
            if (punct(k, '(')) {
                ++depth;
            } else if (punct(k, ')')) {
                if (--depth > 0) continue;
                if (k == i + 2) return; // no argument at all
                if (commas == 0) {
                    edits_.push_back({tokens_[k].offset, 0, ", '" + mirror() + "'"});
                } else if (commas == 1 && k == lastArgument + 1 &&
                           tokens_[lastArgument].kind == SqlToken::Kind::String &&
                           equalsIgnoreCase(tokens_[lastArgument].text(s_), "'main'")) {
                    edits_.push_back(
                        {tokens_[lastArgument].offset, tokens_[lastArgument].length, "'" + mirror() + "'"});
                }
                return;
            } else if (depth == 1 && punct(k, ',')) {
                ++commas;
                lastArgument = k + 1;
            }
        }
    }

    std::size_t size() const { return tokens_.size(); }
    const std::vector<Edit>& edits() const { return edits_; }

    std::string apply()
    {
        // A forward scan adds them in text order, but for a pragma_x(...)'s argument, added at its
        // ')' before what the arguments hold.
        std::stable_sort(edits_.begin(), edits_.end(),
                         [](const Edit& a, const Edit& b) { return a.offset < b.offset; });
        std::string out;
        out.reserve(s_.size() + edits_.size() * (kMirrorSchema.size() + 4));
        std::size_t at = 0;
        for (const Edit& e : edits_) {
            out.append(s_.substr(at, e.offset - at));
            out += e.text;
            at = e.offset + e.length;
        }
        out.append(s_.substr(at));
        return out;
    }

private:
    static std::string mirror() { return std::string(kMirrorSchema); }
    std::string_view s_;
    std::vector<SqlToken> tokens_; // blanks and comments skipped
    std::vector<Edit> edits_;
};

} // namespace

std::optional<SchemaRead> pointAtSchemaMirror(std::string_view statement, const sqlutil::Classified& c)
{
    const bool pragma = c.kind == sqlutil::StatementKind::Pragma && isSchemaPragma(c.name);
    if (!pragma && c.kind != sqlutil::StatementKind::Other) return std::nullopt;
    if (!pragma && !containsIgnoreCase(statement, "sqlite_") && !containsIgnoreCase(statement, "pragma_"))
        return std::nullopt;
    Rewriter r(statement);
    bool sequence = false;
    if (pragma) {
        // PRAGMA [schema.]name ...: the name is token 1, or token 3 after "schema".
        if (r.punct(2, '.')) {
            if (r.isMain(1)) r.pointAt(3);
        } else {
            r.pointAt(1);
        }
    } else {
        for (std::size_t i = 0; i < r.size(); ++i) {
            if (r.name(i, "sqlite_schema") || r.name(i, "sqlite_master")) {
                r.pointAt(i);
            } else if (r.name(i, "sqlite_sequence")) {
                sequence = true;
                if (i >= 2 && r.punct(i - 1, '.')) r.pointAt(i); // main.sqlite_sequence: the mirror's
            } else {
                for (auto p : kSchemaPragmas)
                    if (r.word(i, "pragma_" + std::string(p))) r.pointArgumentsAt(i);
            }
        }
    }
    if (r.edits().empty() && !sequence) return std::nullopt;
    return SchemaRead{r.apply(), sequence};
}

} // namespace txs::sql
