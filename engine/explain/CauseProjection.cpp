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

void CauseProjection::apply(const Event& e, std::string_view text)
{
    if (e.kind == EventKind::ConnectionOpen) {
        nameConnection(e.connection, std::string(text));
        return;
    }
    if (e.kind == EventKind::StatementEnd && e.a != 0) {
        errorEnds_[e.seq] = e.timeNs;
        if (errorEnds_.size() > kMaxAwaiting) errorEnds_.erase(errorEnds_.begin());
        lastErrorEnd_[e.connection] = e.timeNs;
        return;
    }
    if (e.kind != EventKind::Explanation) return;
    const ExplanationFacts f = explanationFacts(e);
    if (f.stillBlocked) return;
    const std::int64_t timeNs = errorTime(e, f.statementEndSeq);
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
        c.firstNs = timeNs;
        c.firstSeq = e.seq;
        c.why = text;
        c.fix = explainRuleFix(f.rule);
        causes_.push_back(std::move(c));
    }
    Cause& c = causes_[it->second];
    ++c.count;
    ++total_;
    c.firstNs = std::min(c.firstNs, timeNs);
    c.lastNs = std::max(c.lastNs, timeNs);
    addConnection(c.connections, e.connection);
    if (f.holderKnown) addConnection(c.connections, f.holder);
}

std::int64_t CauseProjection::errorTime(const Event& e, std::uint64_t statementEndSeq)
{
    if (statementEndSeq == 0) {
        // Explained at once: it follows its statement's end, the connection's last erring one.
        auto it = lastErrorEnd_.find(e.connection);
        if (it == lastErrorEnd_.end()) return e.timeNs;
        const std::int64_t t = it->second;
        lastErrorEnd_.erase(it);
        return t;
    }
    auto it = errorEnds_.find(statementEndSeq);
    if (it == errorEnds_.end()) return e.timeNs;
    const std::int64_t t = it->second;
    errorEnds_.erase(errorEnds_.begin(), std::next(it));
    return t;
}

std::vector<Cause> CauseProjection::byCount() const
{
    std::vector<Cause> sorted = causes_; // in order of first occurrence, which breaks ties
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Cause& x, const Cause& y) { return x.count > y.count; });
    return sorted;
}

} // namespace txs
