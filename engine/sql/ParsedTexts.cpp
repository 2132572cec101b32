#include "engine/sql/ParsedTexts.h"

#include "engine/api/SqlLexer.h"

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
    auto parsed = std::make_shared<ParsedText>();
    const auto statements = splitStatements(sql);
    parsed->reserve(statements.size());
    for (std::string_view statement : statements) {
        sqlutil::Classified classified = sqlutil::classify(statement);
        auto schemaRead = pointAtSchemaMirror(statement, classified);
        parsed->push_back({static_cast<std::size_t>(statement.data() - sql.data()), statement.size(),
                           std::move(classified), std::move(schemaRead)});
    }
    if (sql.size() <= kMaxTextBytes) {
        if (texts_.size() >= kMaxTexts) texts_.clear();
        texts_.emplace(std::string(sql), parsed);
    }
    return parsed;
}

} // namespace txs::sql
