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

#include "engine/api/TransparentHash.h"
#include "engine/sql/SchemaReads.h"
#include "engine/sqlutil/SqlScanner.h"

#include <cstddef>
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
    std::size_t size() const { return texts_.size(); }

private:
    [[gnu::noinline]] std::shared_ptr<const ParsedText> parseNew(std::string_view sql);
    std::unordered_map<std::string, std::shared_ptr<const ParsedText>, TransparentHash, std::equal_to<>>
        texts_;
};

} // namespace txs::sql
