#pragma once
// What MvccConnection::execute learns from a SQL text before it runs it: the text's statements
// and what each one is (sqlutil::classify). Both are pure functions of the text, and a workload
// sends the same few texts again and again (a workers phase binds its values), so a connection
// keeps them per text and looks them up instead of lexing every statement again. Measured: the
// lexing was about 5,000 instructions per transaction of the runner's single-row inserts, a
// third of it (callgrind of bench_runner_overhead; docs/performance.md).
//
// Bounded: at most kMaxTexts texts of at most kMaxTextBytes each are kept; when the table is full
// it starts again empty (a person's ad-hoc statements rarely repeat; a workload's always do).
//
// A text is kept from its second run on. Its first parse waits in `recent_` (one slot per hash
// bucket, the slot's string reused, so no allocation) and is handed out again if the text comes
// back before another new text takes its slot; `seen_` remembers the hashes of texts seen once
// for longer, so a text that comes back later is kept then. A stream of texts each run once
// (values written into the SQL: UPDATE ... WHERE id = 4711) so never enters the table: no node,
// no key copy, and no emptying of the table every kMaxTexts texts, which also dropped the
// workload's repeated texts. Measured: ~2,000 instructions of a 57k-instruction literal
// transaction (callgrind, bench_mvcc_growth; docs/performance.md, session 18).

#include "engine/api/TransparentHash.h"
#include "engine/sql/SchemaReads.h"
#include "engine/sqlutil/SqlScanner.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace txs::sql {

struct ParsedStatement
{
    std::size_t offset = 0, length = 0; // of the statement in the text
    sqlutil::Classified classified;
    std::optional<SchemaRead> schemaRead; // set when it reads the schema (SchemaReads.h)
    // Names the statement's bytes for the trace log (TextIds.h): given once per parse, and a
    // parse is immutable and found only by its text, so the id always stands for these bytes.
    std::uint64_t textId = 0;
};
using ParsedText = std::vector<ParsedStatement>;

class ParsedTexts
{
public:
    static constexpr std::size_t kMaxTexts = 256;
    static constexpr std::size_t kMaxTextBytes = 16 * 1024;

    // The statements of `sql`, split and classified. Shared, so the caller may hold it while the
    // table forgets it (a statement it runs cannot invalidate it).
    std::shared_ptr<const ParsedText> parse(std::string_view sql);
    std::size_t size() const { return texts_.size(); } // the texts kept (run at least twice)

private:
    static constexpr std::size_t kRecent = 64; // first parses waiting for a second run
    static constexpr std::size_t kSeen = 4096; // hashes of texts seen once (32 KB)
    struct Recent
    {
        std::string text;
        std::shared_ptr<const ParsedText> parsed; // null when the slot is empty
    };

    [[gnu::noinline]] std::shared_ptr<const ParsedText> parseNew(std::string_view sql);
    void keep(std::string_view sql, const std::shared_ptr<const ParsedText>& parsed);
    std::unordered_map<std::string, std::shared_ptr<const ParsedText>, TransparentHash, std::equal_to<>>
        texts_;
    std::array<Recent, kRecent> recent_;
    std::array<std::size_t, kSeen> seen_{};
};

} // namespace txs::sql
