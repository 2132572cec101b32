#include "engine/sql/ParsedTexts.h"

#include "engine/api/SqlLexer.h"
#include "engine/trace/TextIds.h"

namespace txs::sql {

std::shared_ptr<const ParsedText> ParsedTexts::parse(std::string_view sql)
{
    if (auto it = texts_.find(sql); it != texts_.end()) return it->second;
    return parseNew(sql);
}

// Out of line: the lookup above is the hot path (a workload's texts repeat), and with this
// inlined into it the compiler stopped inlining the lookup (11 instructions more a statement).
std::shared_ptr<const ParsedText> ParsedTexts::parseNew(std::string_view sql)
{
    const std::size_t hash = TransparentHash{}(sql);
    Recent& slot = recent_[hash % kRecent];
    if (slot.parsed && slot.text == sql) { // its second run, soon after the first: kept now
        std::shared_ptr<const ParsedText> parsed = std::move(slot.parsed);
        slot.parsed.reset();
        keep(sql, parsed);
        return parsed;
    }
    auto parsed = std::make_shared<ParsedText>();
    const auto statements = splitStatements(sql);
    parsed->reserve(statements.size());
    for (std::string_view statement : statements) {
        sqlutil::Classified classified = sqlutil::classify(statement);
        auto schemaRead = pointAtSchemaMirror(statement, classified);
        parsed->push_back({static_cast<std::size_t>(statement.data() - sql.data()), statement.size(),
                           std::move(classified), std::move(schemaRead), newTextId()});
    }
    if (sql.size() > kMaxTextBytes) return parsed;
    std::size_t& seen = seen_[hash / kRecent % kSeen];
    if (seen == hash) { // seen once before, long enough ago to have left `recent_`
        keep(sql, parsed);
        return parsed;
    }
    seen = hash;
    slot.text.assign(sql);
    slot.parsed = parsed;
    return parsed;
}

void ParsedTexts::keep(std::string_view sql, const std::shared_ptr<const ParsedText>& parsed)
{
    if (texts_.size() >= kMaxTexts) texts_.clear();
    texts_.emplace(std::string(sql), parsed);
}

} // namespace txs::sql
