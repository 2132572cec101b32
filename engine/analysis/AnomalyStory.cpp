#include "engine/analysis/AnomalyStory.h"

namespace txs::analysis {

namespace {

std::string item(const DependencyGraph& g, std::uint32_t table, std::int64_t key)
{
    if (!table) return "the database";
    return g.tableName(table) + " row " + std::to_string(key);
}

std::string valued(const DependencyGraph& g, std::uint64_t version)
{
    const std::string v = g.valueOf(version);
    return v.empty() ? std::string() : " (" + v + ")";
}

} // namespace

std::string edgeSentence(const DependencyGraph& g, const Edge& e)
{
    const std::string from = g.txLabel(e.from), to = g.txLabel(e.to);
    switch (e.type) {
    case EdgeType::WW:
        return from + " wrote " + item(g, e.table, e.key) + " and " + to + " wrote it after";
    case EdgeType::WR:
        return to + " read " + item(g, e.table, e.key) + valued(g, e.version) + " as " + from + " wrote it";
    case EdgeType::RW:
        if (e.predicate)
            return from + " scanned " + g.tableName(e.table) + " before " + to + " wrote its row " +
                   std::to_string(e.key) + ", which the scan did not see";
        return from + " read " + item(g, e.table, e.key) + valued(g, e.version) + " and " + to +
               " then replaced that version";
    }
    return {};
}

std::string anomalyStory(const DependencyGraph& g, const Anomaly& a)
{
    std::string s = std::string(anomalyKindName(a.kind)) + ", " + anomalyKindTitle(a.kind) + ": ";
    for (std::size_t i = 0; i < a.edges.size(); ++i) {
        if (i) s += "; ";
        s += edgeSentence(g, a.edges[i]);
    }
    s += ". ";
    switch (a.kind) {
    case AnomalyKind::G0:
        s += "Their writes interleave: each overwrote the other, so no serial order gives the final rows.";
        break;
    case AnomalyKind::G1c:
        s += "Each saw the other's writes: information flowed in a circle, which no serial order allows.";
        break;
    case AnomalyKind::GSingle:
        s += "One transaction saw some of another's effects but not the rest: an inconsistent snapshot, "
             "which no serial order gives.";
        break;
    case AnomalyKind::G2Item:
        s += "Each read a version another then replaced, and all committed: no serial order gives this "
             "result. Snapshot isolation allows it; serializable isolation, or writing a row they all read, "
             "prevents it.";
        break;
    case AnomalyKind::G2:
        s += "Each looked for rows another then wrote into the range it had scanned, and all committed: no "
             "serial order gives this result. Snapshot isolation allows it; serializable isolation prevents "
             "it.";
        break;
    default:
        break;
    }
    return s;
}

std::string badReadStory(const DependencyGraph& g, const BadRead& r, AnomalyKind kind)
{
    const std::string writer =
        g.connectionName(r.writerConnection) + " (tx " + std::to_string(r.writerTx) + ")";
    std::string s = std::string(anomalyKindName(kind)) + ", " + anomalyKindTitle(kind) + ": " +
                    g.txLabel(r.reader) + " read " + item(g, r.table, r.key) + valued(g, r.version) + " as " +
                    writer + " wrote it";
    if (kind == AnomalyKind::G1a)
        s += ", but " + writer + " rolled back: the value never existed.";
    else
        s += ", but " + writer + " changed it again before committing: the value read never was committed.";
    return s;
}

} // namespace txs::analysis
