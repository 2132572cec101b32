#include "engine/explain/CauseProjection.h"

#include "engine/api/Error.h"
#include "engine/explain/ExplanationEvent.h"

#include <algorithm>

namespace txs {

namespace {

void addConnection(std::vector<std::uint32_t>& ids, std::uint32_t id)
{
    if (id == 0) return;
    auto at = std::lower_bound(ids.begin(), ids.end(), id);
    if (at == ids.end() || *at != id) ids.insert(at, id);
}

} // namespace

std::string causeCodeName(const Cause& cause)
{
    switch (cause.rule) {
    case ExplainRule::MvccDoomed:
    case ExplainRule::MvccSameKeyInsert:
    case ExplainRule::MvccWriteWrite:
        return "TXSCOPE_CONFLICT";
    default:
        return Error::fromSqlite(cause.code, {}).codeName();
    }
}

std::string causeHeldLock(const Cause& cause)
{
    if (!cause.holderKnown) return {};
    return std::string(lockLevelName(cause.heldLevel)) + " on " + lockResourceName(cause.heldResource);
}

void CauseProjection::nameConnection(std::uint32_t id, std::string name)
{
    names_[id] = std::move(name);
}

std::string CauseProjection::nameOf(std::uint32_t id) const
{
    auto it = names_.find(id);
    if (it == names_.end() || it->second.empty()) return "connection " + std::to_string(id);
    return it->second;
}

void CauseProjection::apply(const Event& e)
{
    if (e.kind == EventKind::ConnectionOpen) {
        nameConnection(e.connection, e.text);
        return;
    }
    if (e.kind != EventKind::Explanation) return;
    const ExplanationFacts f = explanationFacts(e);
    if (f.stillBlocked) return;
    const Key key{f.code, static_cast<std::int64_t>(f.rule), f.holderKnown,
                  f.holderKnown ? static_cast<std::int64_t>(f.heldResource) : 0,
                  f.holderKnown ? static_cast<std::int64_t>(f.heldLevel) : 0};
    auto [it, added] = index_.try_emplace(key, causes_.size());
    if (added) {
        Cause c;
        c.code = f.code;
        c.rule = f.rule;
        c.holderKnown = f.holderKnown;
        c.heldResource = f.heldResource;
        c.heldLevel = f.heldLevel;
        c.firstNs = e.timeNs;
        c.firstSeq = e.seq;
        c.why = e.text;
        c.fix = explainRuleFix(f.rule);
        causes_.push_back(std::move(c));
    }
    Cause& c = causes_[it->second];
    ++c.count;
    ++total_;
    c.firstNs = std::min(c.firstNs, e.timeNs);
    c.lastNs = std::max(c.lastNs, e.timeNs);
    addConnection(c.connections, e.connection);
    if (f.holderKnown) addConnection(c.connections, f.holder);
}

std::vector<Cause> CauseProjection::byCount() const
{
    std::vector<Cause> sorted = causes_; // in order of first occurrence, which breaks ties
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Cause& x, const Cause& y) { return x.count > y.count; });
    return sorted;
}

} // namespace txs
