#include "engine/workload/Substitution.h"

#include "engine/workload/TextUtil.h"

namespace txs {

namespace {
constexpr std::string_view kWorker = "$worker";
constexpr std::string_view kIter = "$iter";

bool continuesWord(char c)
{
    return isIdentChar(c) && c != '$';
}

// The variable starting at `pos`, if it is one and is not the start of a longer word. A '$' ends
// the word, so "$worker$iter" holds two variables.
std::string_view variableAt(std::string_view sql, std::size_t pos)
{
    for (std::string_view name : {kWorker, kIter}) {
        if (sql.substr(pos, name.size()) != name) continue;
        const std::size_t end = pos + name.size();
        if (end < sql.size() && continuesWord(sql[end])) continue;
        return name;
    }
    return {};
}
} // namespace

std::string substituteVariables(std::string_view sql, int worker, std::int64_t iter)
{
    std::string out;
    out.reserve(sql.size());
    for (std::size_t i = 0; i < sql.size();) {
        const std::string_view name = sql[i] == '$' ? variableAt(sql, i) : std::string_view{};
        if (name.empty()) {
            out += sql[i++];
            continue;
        }
        out += name == kWorker ? std::to_string(worker) : std::to_string(iter);
        i += name.size();
    }
    return out;
}

std::string_view findVariable(std::string_view sql)
{
    for (std::size_t i = 0; i < sql.size(); ++i) {
        if (sql[i] != '$') continue;
        if (auto name = variableAt(sql, i); !name.empty()) return name;
    }
    return {};
}

} // namespace txs
