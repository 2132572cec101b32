#pragma once
// The dependency graph of a run's committed transactions (Adya): ww (Ti wrote a version of a key,
// Tj the next one), wr (Tj read a version Ti wrote), rw (Ti read a version, Tj wrote the next one:
// an anti-dependency). Built from the trace log alone, so a saved session gives the same graph.
//
// MVCC runs are exact: VersionCreated / VersionEnded give each key's writers, VersionRead names
// the version every row read returned, RangeRead the keys a scan looked at (a key another
// transaction writes inside a scanned range after the reader's snapshot is a predicate rw edge;
// the range is the scan's key bounds, not its WHERE clause, so such an edge may be conservative).
// SQLite runs carry no reads or keys: the graph has only what is known, a ww edge between
// writers in the order they committed (SQLite serializes writers), so it is acyclic.

#include "engine/trace/ChunkedVector.h"
#include "engine/trace/Event.h"

#include <cstdint>
#include <string>
#include <vector>

namespace txs::analysis {

enum class EdgeType : std::uint8_t { WW, WR, RW };
const char* edgeTypeName(EdgeType type); // "ww", "wr", "rw"

struct TxNode
{
    std::uint64_t txId = 0;
    std::uint32_t connection = 0;
    std::uint64_t firstSeq = 0; // its first event (nodes are sorted by it: the timeline's order)
    std::uint64_t endSeq = 0;   // its commit (or last event)
    std::int64_t firstNs = 0, endNs = 0;
};

struct Edge
{
    std::size_t from = 0, to = 0; // indexes into DependencyGraph::nodes
    EdgeType type = EdgeType::WW;
    bool predicate = false;  // rw found through a scanned key range, not a row read
    std::uint32_t table = 0; // 0: not known (SQLite)
    std::int64_t key = 0;
    std::uint64_t version = 0; // the version read (wr, rw) or overwritten (ww); 0 = not known
    std::uint64_t fromSeq = 0; // StatementBegin of the statement of `from` that made the edge
    std::uint64_t toSeq = 0;   // ... and of `to`'s (0 = not known)
};

struct Statement
{
    std::uint64_t seq = 0;
    std::uint32_t connection = 0;
    std::uint64_t txId = 0;
    std::string sql;
};

// A read that no cycle is needed to condemn.
struct BadRead
{
    enum class Kind : std::uint8_t { Aborted, Intermediate } kind;
    std::size_t reader = 0;     // node
    std::uint64_t writerTx = 0; // the (aborted or committed) writer
    std::uint32_t writerConnection = 0;
    std::uint32_t table = 0;
    std::int64_t key = 0;
    std::uint64_t version = 0;
    std::uint64_t readSeq = 0;  // the reader's statement
    std::uint64_t writeSeq = 0; // the writer's statement
};

struct DependencyGraph
{
    bool exact = false; // reads and keys known (MVCC)
    std::vector<TxNode> nodes;
    std::vector<Edge> edges;
    std::vector<BadRead> badReads;
    std::vector<std::string> connectionNames; // by connection id ("" unknown)
    std::vector<std::string> tableNames;      // by table id
    std::vector<Statement> statements;        // in seq order
    // Row text of versions named by edges (for stories), by version id; sparse.
    std::vector<std::pair<std::uint64_t, std::string>> versionText;

    std::string connectionName(std::uint32_t connection) const;
    std::string tableName(std::uint32_t table) const;
    std::string txLabel(std::size_t node) const;         // "Alice (tx 7)"
    const Statement* statement(std::uint64_t seq) const; // by StatementBegin seq
    std::string valueOf(std::uint64_t version) const;    // "" when not known
};

// `events` in seq order (a TraceLog snapshot or a session). `mvcc`: the run used the MVCC engine.
// Only events with seq <= `untilSeq` count (the GUI's cursor); transactions not committed by then
// are left out.
DependencyGraph buildDependencyGraph(const std::vector<Event>& events, bool mvcc,
                                     std::uint64_t untilSeq = UINT64_MAX);
// The same over events kept in chunks that never move (the Dependencies panel's copy).
DependencyGraph buildDependencyGraph(const ChunkedVector<Event>& events, bool mvcc,
                                     std::uint64_t untilSeq = UINT64_MAX);

// Whether buildDependencyGraph reads `e`: a view that keeps its own copy of a long log for the
// graph (the Dependencies panel) keeps only these; the graph of the kept events is the graph of
// all of them (tst_anomalies checks it on the built-in scenarios).
bool dependencyGraphReads(const Event& e);

} // namespace txs::analysis
