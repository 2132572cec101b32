#include "engine/trace/VersionProjection.h"

#include <algorithm>
#include <limits>

namespace txs {

namespace {
constexpr std::int64_t kBeforeLog = std::numeric_limits<std::int64_t>::min();
}

const VersionEndClaim* VersionRecord::endAt(std::int64_t t) const
{
    for (auto it = ends.rbegin(); it != ends.rend(); ++it)
        if (it->claimNs <= t && t < it->undoneNs) return &*it;
    return nullptr;
}

std::string describeStamp(const VersionStamp& stamp)
{
    switch (stamp.kind) {
    case VersionStamp::Kind::None:
        return {};
    case VersionStamp::Kind::Timestamp:
        return "ts " + std::to_string(stamp.value);
    case VersionStamp::Kind::Uncommitted:
        return "tx " + std::to_string(stamp.value) + " (uncommitted)";
    }
    return {};
}

std::string VersionProjection::tableName(std::uint32_t table) const
{
    const auto it = tables_.find(table);
    return it == tables_.end() ? "table " + std::to_string(table) : it->second.name;
}

std::size_t VersionProjection::chainIndex(std::uint32_t table, std::int64_t key) const
{
    const auto it = chainIndex_.find(table);
    if (it == chainIndex_.end()) return chains_.size();
    const std::size_t chain = it->second.find(static_cast<std::uint64_t>(key));
    return chain == DenseIdIndex::npos ? chains_.size() : chain;
}

const VersionRecord* VersionProjection::findVersion(std::uint64_t versionId) const
{
    const std::size_t index = versionIndex_.find(versionId);
    return index == DenseIdIndex::npos ? nullptr : &versions_[index];
}

std::size_t VersionProjection::versionIndexOf(std::uint64_t versionId) const
{
    const std::size_t index = versionIndex_.find(versionId);
    return index == DenseIdIndex::npos ? versions_.size() : index;
}

std::size_t VersionProjection::ensureChain(std::uint32_t table, std::int64_t key, std::int64_t timeNs)
{
    if (!tables_.count(table)) tables_[table] = {table, "table " + std::to_string(table), timeNs, kNever};
    const auto [chain, inserted] =
        chainIndex_[table].tryEmplace(static_cast<std::uint64_t>(key), chains_.size());
    if (inserted) chains_.push_back({table, key, {}, kNever, 0});
    return chain;
}

void VersionProjection::changed(std::size_t chain, std::int64_t timeNs)
{
    VersionChainRecord& c = chains_[chain];
    c.firstNs = std::min(c.firstNs, timeNs);
    c.lastNs = std::max(c.lastNs, timeNs);
    touched_.touch(chain);
}

std::size_t VersionProjection::ensureVersion(const Event& e)
{
    const auto id = static_cast<std::uint64_t>(e.a);
    if (const std::size_t index = versionIndex_.find(id); index != DenseIdIndex::npos) return index;
    // Ended before the log knew it (a log read from the middle): committed before the log began.
    const std::size_t chain = ensureChain(e.table, e.rowid, e.timeNs);
    VersionRecord v;
    v.id = id;
    v.table = e.table;
    v.key = e.rowid;
    v.chain = chain;
    v.createdSeq = e.seq;
    v.createdNs = kBeforeLog;
    v.commitNs = kBeforeLog;
    versionIndex_.insertOrAssign(id, versions_.size());
    chains_[chain].versions.push_back(versions_.size());
    versions_.push_back(std::move(v));
    changed(chain, kBeforeLog);
    return versions_.size() - 1;
}

VersionProjection::TxWrites& VersionProjection::writesOf(const Event& e)
{
    const auto [it, inserted] = open_.try_emplace(e.txId);
    if (inserted) {
        it->second.connection = e.connection;
        connections_[e.connection].openTxs.push_back(e.txId);
    }
    return it->second;
}

void VersionProjection::undo(const Write& w, std::int64_t timeNs, VersionGone why)
{
    VersionRecord& v = versions_[w.version];
    if (w.claim < 0) {
        if (v.goneNs == kNever) {
            v.goneNs = timeNs;
            v.gone = why;
        }
    } else if (VersionEndClaim& claim = v.ends[static_cast<std::size_t>(w.claim)]; claim.undoneNs == kNever) {
        claim.undoneNs = timeNs;
    }
    changed(v.chain, timeNs);
}

void VersionProjection::finish(std::uint64_t txId, std::int64_t timeNs, bool committed,
                               std::uint64_t commitTs)
{
    const auto it = open_.find(txId);
    if (it == open_.end()) return;
    for (const Write& w : it->second.writes) {
        if (!committed) {
            undo(w, timeNs, VersionGone::RolledBack);
            continue;
        }
        VersionRecord& v = versions_[w.version];
        if (w.claim >= 0) {
            VersionEndClaim& claim = v.ends[static_cast<std::size_t>(w.claim)];
            if (claim.undoneNs == kNever) {
                claim.commitNs = timeNs;
                claim.commitTs = commitTs;
            }
        } else if (v.goneNs == kNever) {
            // A version its own writer ended again was never visible to anyone: the engine
            // drops it at commit.
            const bool replaced = std::any_of(v.ends.begin(), v.ends.end(), [&](const VersionEndClaim& c) {
                return c.txId == txId && c.undoneNs == kNever;
            });
            if (replaced) {
                v.goneNs = timeNs;
                v.gone = VersionGone::Replaced;
            } else {
                v.commitNs = timeNs;
                v.beginTs = commitTs;
            }
        }
        changed(v.chain, timeNs);
    }
    auto& open = connections_[it->second.connection].openTxs;
    open.erase(std::remove(open.begin(), open.end(), txId), open.end());
    open_.erase(it);
}

// A failed statement leaves no trace of its writes (MvccConnection::runSql undoes them
// without an event); the transaction itself goes on.
void VersionProjection::undoStatement(std::uint32_t connection, std::int64_t timeNs)
{
    ConnectionState& c = connections_[connection];
    for (std::uint64_t txId : c.openTxs) {
        auto& writes = open_[txId].writes;
        while (!writes.empty() && writes.back().statement == c.statement) {
            undo(writes.back(), timeNs, VersionGone::StatementUndone);
            writes.pop_back();
        }
    }
}

void VersionProjection::apply(const Event& e)
{
    switch (e.kind) {
    case EventKind::TableCreated:
        tables_[e.table] = {e.table, e.text, e.timeNs, kNever};
        return;
    case EventKind::TableDropped:
        if (auto it = tables_.find(e.table); it != tables_.end()) it->second.droppedNs = e.timeNs;
        return;
    case EventKind::StatementBegin:
        ++connections_[e.connection].statement;
        return;
    case EventKind::StatementEnd:
        if (e.a != 0) undoStatement(e.connection, e.timeNs);
        return;
    case EventKind::VersionCreated: {
        const std::size_t chain = ensureChain(e.table, e.rowid, e.timeNs);
        VersionRecord v;
        v.id = static_cast<std::uint64_t>(e.a);
        v.table = e.table;
        v.key = e.rowid;
        v.chain = chain;
        v.writerTx = e.txId;
        v.value = e.text;
        v.createdSeq = e.seq;
        v.createdNs = e.timeNs;
        const std::size_t index = versions_.size();
        versionIndex_.insertOrAssign(v.id, index);
        versions_.push_back(std::move(v));
        chains_[chain].versions.push_back(index);
        writesOf(e).writes.push_back({index, -1, connections_[e.connection].statement});
        changed(chain, e.timeNs);
        return;
    }
    case EventKind::VersionEnded: {
        const std::size_t index = ensureVersion(e);
        VersionRecord& v = versions_[index];
        v.ends.push_back({e.txId, e.timeNs, kNever, 0, kNever});
        writesOf(e).writes.push_back(
            {index, static_cast<int>(v.ends.size() - 1), connections_[e.connection].statement});
        changed(v.chain, e.timeNs);
        return;
    }
    case EventKind::VersionReclaimed: {
        const std::size_t index = versionIndex_.find(static_cast<std::uint64_t>(e.a));
        if (index == DenseIdIndex::npos) return;
        VersionRecord& v = versions_[index];
        v.reclaimedNs = std::min(v.reclaimedNs, e.timeNs);
        changed(v.chain, e.timeNs);
        return;
    }
    case EventKind::TxCommit:
        finish(e.txId, e.timeNs, true, static_cast<std::uint64_t>(e.a));
        return;
    case EventKind::TxRollback:
    case EventKind::TxDoomed:
        // A doomed transaction's writes are undone at once (MvccStore::doom).
        finish(e.txId, e.timeNs, false, 0);
        return;
    case EventKind::ConnectionClose: {
        const auto open = connections_[e.connection].openTxs;
        for (std::uint64_t txId : open)
            finish(txId, e.timeNs, false, 0);
        return;
    }
    default:
        return;
    }
}

VersionStamp VersionProjection::beginAt(const VersionRecord& v, std::int64_t t) const
{
    if (v.commitNs <= t) return {VersionStamp::Kind::Timestamp, v.beginTs};
    return {VersionStamp::Kind::Uncommitted, v.writerTx};
}

VersionStamp VersionProjection::endAt(const VersionRecord& v, std::int64_t t) const
{
    const VersionEndClaim* claim = v.endAt(t);
    if (!claim) return {};
    if (claim->commitNs <= t) return {VersionStamp::Kind::Timestamp, claim->commitTs};
    return {VersionStamp::Kind::Uncommitted, claim->txId};
}

bool VersionProjection::visibleTo(const VersionRecord& v, const TxSnapshot& reader, std::int64_t t) const
{
    if (!reader.valid || !v.existsAt(t) || v.reclaimedAt(t)) return false;
    // Begin: our own write, or a commit our snapshot includes. A writer still active (or one
    // that rolled back, whose version is gone) hides it.
    if (v.writerTx != reader.txId || v.writerTx == 0) {
        if (v.commitNs > t || !reader.sees(v.beginTs)) return false;
    }
    // End: not ended, ended by another transaction still uncommitted, or by a commit after
    // our snapshot.
    const VersionEndClaim* claim = v.endAt(t);
    if (!claim) return true;
    if (claim->txId == reader.txId) return false;
    if (claim->commitNs <= t) return !reader.sees(claim->commitTs);
    return true;
}

std::vector<std::size_t> VersionProjection::chainAt(std::size_t chain, std::int64_t t) const
{
    std::vector<std::size_t> out;
    for (std::size_t index : chains_[chain].versions)
        if (versions_[index].existsAt(t)) out.push_back(index);
    return out;
}

bool VersionProjection::chainExistsAt(std::size_t chain, std::int64_t t) const
{
    for (std::size_t index : chains_[chain].versions)
        if (versions_[index].existsAt(t)) return true;
    return false;
}

} // namespace txs
