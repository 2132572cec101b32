#include "CauseText.h"

#include "Json.h"
#include "TextFormat.h"

namespace txs::cli {

namespace {

std::string nameOf(const RunSummary& s, std::uint32_t id)
{
    auto it = s.causeConnectionNames.find(id);
    return it == s.causeConnectionNames.end() ? "connection " + std::to_string(id) : it->second;
}

double ms(std::int64_t ns)
{
    return static_cast<double>(ns) / 1e6;
}

} // namespace

std::string causeConnections(const RunSummary& s, const Cause& cause, std::size_t shown)
{
    const auto& ids = cause.connections;
    std::string out;
    const std::size_t listed = ids.size() > shown ? shown : ids.size();
    for (std::size_t i = 0; i < listed; ++i) {
        if (i) out += i + 1 == ids.size() ? " and " : ", ";
        out += nameOf(s, ids[i]);
    }
    if (ids.size() > listed) out += " and " + std::to_string(ids.size() - listed) + " more";
    return out;
}

std::string causesText(const RunSummary& s)
{
    if (s.causes.empty()) return {};
    std::uint64_t total = 0;
    for (const auto& c : s.causes)
        total += c.count;
    std::string text = "\n== causes of the " + std::to_string(total) + (total == 1 ? " error" : " errors") +
                       ", most frequent first\n";
    for (const auto& c : s.causes) {
        text += std::to_string(c.count) + " x " + causeCodeName(c) + " (" + explainRuleName(c.rule) + ")";
        const std::string held = causeHeldLock(c);
        if (!held.empty()) text += ", lock held: " + held;
        text += "\n  between " + fixed(ms(c.firstNs), 1) + " and " + fixed(ms(c.lastNs), 1) + " ms; " +
                causeConnections(s, c) + "\n";
        if (!c.why.empty()) text += wrap(c.why, "  why: ", "       ");
        if (!c.fix.empty()) text += wrap(c.fix, "  fix: ", "       ");
    }
    return text;
}

Json causesJson(const RunSummary& s)
{
    Json causes = Json::array();
    for (const Cause& c : s.causes) {
        Json connections = Json::array();
        for (const auto id : c.connections)
            connections.push_back(jsonText(nameOf(s, id)));
        causes.push_back({{"code", causeCodeName(c)},
                          {"rule", explainRuleName(c.rule)},
                          {"count", c.count},
                          {"first_ms", jsonNumber(ms(c.firstNs))},
                          {"last_ms", jsonNumber(ms(c.lastNs))},
                          {"connections", std::move(connections)},
                          {"why", jsonText(c.why)},
                          {"fix", jsonText(c.fix)}});
    }
    return causes;
}

} // namespace txs::cli
