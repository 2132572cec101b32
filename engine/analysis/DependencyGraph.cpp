#include "engine/analysis/DependencyGraph.h"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace txs::analysis {

const char* edgeTypeName(EdgeType type)
{
    switch (type) {
    case EdgeType::WW:
        return "ww";
    case EdgeType::WR:
        return "wr";
    case EdgeType::RW:
        return "rw";
    }
    return "?";
}

std::string DependencyGraph::connectionName(std::uint32_t connection) const
{
    if (connection < connectionNames.size() && !connectionNames[connection].empty())
        return connectionNames[connection];
    return "connection " + std::to_string(connection);
}

std::string DependencyGraph::tableName(std::uint32_t table) const
{
    if (table < tableNames.size() && !tableNames[table].empty()) return tableNames[table];
    return table ? "table " + std::to_string(table) : "the database";
}

std::string DependencyGraph::txLabel(std::size_t node) const
{
    const TxNode& n = nodes[node];
    return connectionName(n.connection) + " (tx " + std::to_string(n.txId) + ")";
}

const Statement* DependencyGraph::statement(std::uint64_t seq) const
{
    auto it = std::lower_bound(statements.begin(), statements.end(), seq,
                               [](const Statement& s, std::uint64_t q) { return s.seq < q; });
    return it != statements.end() && it->seq == seq ? &*it : nullptr;
}

std::string DependencyGraph::valueOf(std::uint64_t version) const
{
    auto it = std::lower_bound(versionText.begin(), versionText.end(), version,
                               [](const auto& v, std::uint64_t q) { return v.first < q; });
    return it != versionText.end() && it->first == version ? it->second : std::string();
}

namespace {

struct TxInfo
{
    std::uint32_t connection = 0;
    std::uint64_t firstSeq = 0, endSeq = 0;
    std::int64_t firstNs = 0, endNs = 0;
    std::uint64_t commitTs = 0;
    bool explicitBegin = false, committed = false, aborted = false, wrote = false;
};

struct Write
{
    std::uint64_t tx;
    std::uint64_t createdVersion; // 0: it ended a version (update, delete)
    std::uint64_t seq;            // the writer's statement
    bool endedOne = false;        // in `order`: the writer ended a version of the key (no insert)
};

struct Ender
{
    std::uint64_t tx;
    std::uint64_t seq;
};

// Every write of one key, in log order; after the pass, `order` holds its committed writers in
// commit order (each once) with the statement of their last write.
struct KeyWrites
{
    std::vector<Write> writes;
    std::vector<Write> order;
};

struct Read
{
    std::uint64_t tx;
    std::uint32_t table;
    std::int64_t key;      // the key (item) or the range's low end
    std::int64_t hi;       // the range's high end
    std::uint64_t version; // 0 for a range
    std::uint64_t snapshot;
    std::uint64_t seq;
    bool range;
};

struct KeyHash
{
    std::size_t operator()(const std::pair<std::uint32_t, std::int64_t>& k) const
    {
        return std::hash<std::int64_t>()(k.second * 1000003 + k.first);
    }
};

struct VersionInfo
{
    std::uint64_t tx;
    std::uint64_t seq;
    std::uint32_t table;
    std::int64_t key;
    std::string_view text;
};

// One pass over `events` (any range of Event in seq order: a vector, or the chunks of the
// Dependencies panel, which never move).
template <class Events> DependencyGraph buildFrom(const Events& events, bool mvcc, std::uint64_t untilSeq)
{
    DependencyGraph g;
    g.exact = mvcc;
    std::unordered_map<std::uint64_t, TxInfo> txs;
    std::unordered_map<std::pair<std::uint32_t, std::int64_t>, KeyWrites, KeyHash> keys;
    std::unordered_map<std::uint64_t, VersionInfo> versions;
    // Who ended each version (the next version's writer, or a delete); aborted attempts too.
    std::unordered_map<std::uint64_t, std::vector<Ender>> endedBy;
    std::vector<Read> reads;
    std::vector<std::uint64_t> statementOf; // by connection: seq of its current statement
    std::vector<std::uint64_t> commitOrder; // SQLite: committed writers, in commit order

    auto statementSeq = [&](std::uint32_t c) { return c < statementOf.size() ? statementOf[c] : 0; };
    for (const Event& e : events) {
        if (e.seq > untilSeq) break;
        if (e.txId) {
            TxInfo& t = txs[e.txId];
            if (!t.firstSeq) {
                t.firstSeq = e.seq ? e.seq : 1;
                t.firstNs = e.timeNs;
                t.connection = e.connection;
            }
            t.endSeq = e.seq;
            t.endNs = e.timeNs;
        }
        switch (e.kind) {
        case EventKind::ConnectionOpen:
            if (g.connectionNames.size() <= e.connection) g.connectionNames.resize(e.connection + 1);
            g.connectionNames[e.connection] = e.text;
            break;
        case EventKind::TableCreated:
            if (g.tableNames.size() <= e.table) g.tableNames.resize(e.table + 1);
            g.tableNames[e.table] = e.text;
            break;
        case EventKind::StatementBegin:
            if (statementOf.size() <= e.connection) statementOf.resize(e.connection + 1);
            statementOf[e.connection] = e.seq;
            g.statements.push_back({e.seq, e.connection, e.txId, e.text});
            break;
        case EventKind::TxBegin:
            if (e.txId) txs[e.txId].explicitBegin = true;
            break;
        case EventKind::TxCommit:
            if (e.txId) {
                TxInfo& t = txs[e.txId];
                t.committed = true;
                t.commitTs = static_cast<std::uint64_t>(e.a);
                if (!mvcc && e.b > 0) commitOrder.push_back(e.txId);
            }
            break;
        case EventKind::TxRollback:
        case EventKind::TxDoomed:
            if (e.txId) txs[e.txId].aborted = true;
            break;
        case EventKind::VersionCreated:
            txs[e.txId].wrote = true;
            versions[static_cast<std::uint64_t>(e.a)] = {e.txId, statementSeq(e.connection), e.table, e.rowid,
                                                         e.text};
            keys[{e.table, e.rowid}].writes.push_back(
                {e.txId, static_cast<std::uint64_t>(e.a), statementSeq(e.connection)});
            break;
        case EventKind::VersionEnded: {
            txs[e.txId].wrote = true;
            keys[{e.table, e.rowid}].writes.push_back({e.txId, 0, statementSeq(e.connection)});
            endedBy[static_cast<std::uint64_t>(e.a)].push_back({e.txId, statementSeq(e.connection)});
            break;
        }
        case EventKind::VersionRead:
            reads.push_back({e.txId, e.table, e.rowid, e.rowid, static_cast<std::uint64_t>(e.a),
                             static_cast<std::uint64_t>(e.b), statementSeq(e.connection), false});
            break;
        case EventKind::RangeRead:
            reads.push_back({e.txId, e.table, e.rowid, e.a, 0, static_cast<std::uint64_t>(e.b),
                             statementSeq(e.connection), true});
            break;
        default:
            break;
        }
    }

    // Committed: a COMMIT event, or an autocommit statement that only read (it has no end event
    // of its own; one that failed after writing gets a rollback event).
    auto committed = [&](const TxInfo& t) {
        return t.committed || (!t.explicitBegin && !t.aborted && !t.wrote && t.endSeq < untilSeq);
    };
    std::vector<std::pair<std::uint64_t, std::uint64_t>> ids; // (first seq, id)
    for (const auto& [id, t] : txs)
        if (committed(t)) ids.emplace_back(t.firstSeq, id);
    std::sort(ids.begin(), ids.end());
    std::unordered_map<std::uint64_t, std::size_t> nodeOf;
    nodeOf.reserve(ids.size());
    for (const auto& [first, id] : ids) {
        const TxInfo& t = txs[id];
        nodeOf[id] = g.nodes.size();
        g.nodes.push_back({id, t.connection, t.firstSeq, t.endSeq, t.firstNs, t.endNs});
    }

    // One edge per (from, to, type); an item rw edge wins over a predicate one.
    std::unordered_map<std::uint64_t, std::size_t> edgeIndex;
    auto addEdge = [&](Edge edge) {
        if (edge.from == edge.to) return;
        const std::uint64_t k = (static_cast<std::uint64_t>(edge.from) << 34) ^
                                (static_cast<std::uint64_t>(edge.to) << 2) ^
                                static_cast<std::uint64_t>(edge.type);
        auto [it, fresh] = edgeIndex.try_emplace(k, g.edges.size());
        if (fresh)
            g.edges.push_back(edge);
        else if (g.edges[it->second].predicate && !edge.predicate)
            g.edges[it->second] = edge;
    };
    auto keepText = [&](std::uint64_t version) {
        auto it = versions.find(version);
        if (it != versions.end() && !it->second.text.empty())
            g.versionText.emplace_back(version, std::string(it->second.text));
    };

    if (!mvcc) {
        // SQLite: writers hold the database's write lock until they commit, so they follow one
        // another in commit order; which rows they touched is not in the trace.
        for (std::size_t i = 1; i < commitOrder.size(); ++i) {
            auto a = nodeOf.find(commitOrder[i - 1]), b = nodeOf.find(commitOrder[i]);
            if (a == nodeOf.end() || b == nodeOf.end()) continue;
            addEdge({a->second, b->second, EdgeType::WW, false, 0, 0, 0, g.nodes[a->second].endSeq,
                     g.nodes[b->second].endSeq});
        }
        return g;
    }

    // Each key's committed writers in commit order (the version order), and the ww edges.
    std::map<std::uint32_t, std::map<std::int64_t, KeyWrites*>> byTable; // for range reads
    for (auto& [k, kw] : keys) {
        for (const Write& w : kw.writes) {
            auto t = txs.find(w.tx);
            if (t == txs.end() || !t->second.committed) continue;
            auto same =
                std::find_if(kw.order.begin(), kw.order.end(), [&](const Write& o) { return o.tx == w.tx; });
            if (same == kw.order.end()) {
                kw.order.push_back(w);
                same = kw.order.end() - 1;
            } else if (w.createdVersion) {
                const bool ended = same->endedOne;
                *same = w; // its last version is the one others see
                same->endedOne = ended;
            }
            if (!w.createdVersion) same->endedOne = true;
        }
        std::stable_sort(kw.order.begin(), kw.order.end(), [&](const Write& a, const Write& b) {
            return txs[a.tx].commitTs < txs[b.tx].commitTs;
        });
        // An insert into a key with no version (new, or deleted before) follows the key's previous
        // committed writer; a write that ended a version follows that version's writer (below).
        for (std::size_t i = 1; i < kw.order.size(); ++i)
            if (!kw.order[i].endedOne)
                addEdge({nodeOf[kw.order[i - 1].tx], nodeOf[kw.order[i].tx], EdgeType::WW, false, k.first,
                         k.second, kw.order[i - 1].createdVersion, kw.order[i - 1].seq, kw.order[i].seq});
        byTable[k.first][k.second] = &kw;
    }
    // The engine's own version order: Tj ended the version Ti wrote.
    for (const auto& [version, enders] : endedBy) {
        auto v = versions.find(version);
        if (v == versions.end()) continue;
        auto writer = nodeOf.find(v->second.tx);
        if (writer == nodeOf.end()) continue;
        for (const Ender& end : enders)
            if (auto ender = nodeOf.find(end.tx); ender != nodeOf.end() && txs[end.tx].committed)
                addEdge({writer->second, ender->second, EdgeType::WW, false, v->second.table, v->second.key,
                         version, v->second.seq, end.seq});
    }
    // The committed transaction that ended `version`, if any, unless it is `reader` or the
    // version's own writer (replacing its own intermediate version orders nothing).
    auto enderOf = [&](std::uint64_t version, std::uint64_t reader) -> const Ender* {
        auto it = endedBy.find(version);
        if (it == endedBy.end()) return nullptr;
        auto v = versions.find(version);
        const std::uint64_t writer = v == versions.end() ? 0 : v->second.tx;
        for (const Ender& end : it->second)
            if (end.tx != reader && end.tx != writer && txs[end.tx].committed && nodeOf.count(end.tx))
                return &end;
        return nullptr;
    };

    // The first committed writer of `kw` after `snapshot` (commit order), unless it is `reader`.
    auto successor = [&](const KeyWrites& kw, std::uint64_t snapshot, std::uint64_t reader) -> const Write* {
        std::size_t i = 0;
        while (i < kw.order.size() && txs[kw.order[i].tx].commitTs <= snapshot)
            ++i;
        if (i < kw.order.size() && kw.order[i].tx != reader) return &kw.order[i];
        return nullptr;
    };

    for (int pass = 0; pass < 2; ++pass) { // item reads first, so their rw edges win
        for (const Read& r : reads) {
            if (r.range != (pass == 1)) continue;
            auto rn = nodeOf.find(r.tx);
            if (rn == nodeOf.end()) continue;
            if (r.range) {
                auto table = byTable.find(r.table);
                if (table == byTable.end()) continue;
                for (auto it = table->second.lower_bound(r.key);
                     it != table->second.end() && it->first <= r.hi; ++it)
                    if (const Write* next = successor(*it->second, r.snapshot, r.tx)) {
                        auto before = g.edges.size();
                        addEdge({rn->second, nodeOf[next->tx], EdgeType::RW, true, r.table, it->first, 0,
                                 r.seq, next->seq});
                        if (g.edges.size() > before && next->createdVersion) keepText(next->createdVersion);
                    }
                continue;
            }
            auto v = versions.find(r.version);
            const std::uint64_t writer = v == versions.end() ? 0 : v->second.tx;
            auto kw = keys.find({r.table, r.key});
            if (writer && writer != r.tx) {
                const TxInfo& w = txs[writer];
                if (!w.committed) {
                    if (w.aborted)
                        g.badReads.push_back({BadRead::Kind::Aborted, rn->second, writer, w.connection,
                                              r.table, r.key, r.version, r.seq, v->second.seq});
                    continue;
                }
                // Read a version its writer itself replaced before committing: intermediate.
                if (kw != keys.end()) {
                    auto last = std::find_if(kw->second.order.begin(), kw->second.order.end(),
                                             [&](const Write& o) { return o.tx == writer; });
                    if (last != kw->second.order.end() && last->createdVersion != r.version)
                        g.badReads.push_back({BadRead::Kind::Intermediate, rn->second, writer, w.connection,
                                              r.table, r.key, r.version, r.seq, v->second.seq});
                }
                addEdge({nodeOf[writer], rn->second, EdgeType::WR, false, r.table, r.key, r.version,
                         v->second.seq, r.seq});
                keepText(r.version);
            }
            if (writer == r.tx) continue;
            // The anti-dependency: whoever replaced (or deleted) the version this transaction read.
            if (const Ender* next = enderOf(r.version, r.tx)) {
                addEdge({rn->second, nodeOf[next->tx], EdgeType::RW, false, r.table, r.key, r.version, r.seq,
                         next->seq});
                keepText(r.version);
            }
        }
    }
    std::sort(g.versionText.begin(), g.versionText.end());
    g.versionText.erase(std::unique(g.versionText.begin(), g.versionText.end()), g.versionText.end());
    return g;
}

} // namespace

DependencyGraph buildDependencyGraph(const std::vector<Event>& events, bool mvcc, std::uint64_t untilSeq)
{
    return buildFrom(events, mvcc, untilSeq);
}

DependencyGraph buildDependencyGraph(const ChunkedVector<Event>& events, bool mvcc, std::uint64_t untilSeq)
{
    return buildFrom(events, mvcc, untilSeq);
}

// Names, statements, transaction ends, versions and reads, and any event of a transaction (its
// first and last events place it). The rest (locks of the engine itself, notes, explanations) is
// never read. Keep in step with the switch of buildDependencyGraph.
bool dependencyGraphReads(const Event& e)
{
    switch (e.kind) {
    case EventKind::ConnectionOpen:
    case EventKind::TableCreated:
    case EventKind::StatementBegin:
    case EventKind::TxBegin:
    case EventKind::TxCommit:
    case EventKind::TxRollback:
    case EventKind::TxDoomed:
    case EventKind::VersionCreated:
    case EventKind::VersionEnded:
    case EventKind::VersionRead:
    case EventKind::RangeRead:
        return true;
    case EventKind::Note:
    case EventKind::Explanation:
        return false;
    default:
        return e.txId != 0;
    }
}

} // namespace txs::analysis
