#include "AnomalyOutput.h"

namespace txs::cli {

using analysis::AnomalyReport;

namespace {

std::string shortSql(std::string sql)
{
    for (char& c : sql)
        if (c == '\n' || c == '\t') c = ' ';
    return sql.size() > 100 ? sql.substr(0, 97) + "..." : sql;
}

} // namespace

std::string anomaliesText(const AnomalyReport& report)
{
    const auto& g = report.graph;
    std::string text = "\n== anomalies\n";
    for (const auto& a : report.anomalies) {
        text += std::string(analysis::anomalyKindName(a.kind)) + " (" + analysis::anomalyKindTitle(a.kind) +
                ")\n";
        text += "  " + a.story + "\n";
        text += "  transactions:";
        for (std::size_t n : a.transactions)
            text += " " + g.txLabel(n);
        text += "\n";
        for (const auto& e : a.edges)
            text += "  edge " + g.txLabel(e.from) + " -" + analysis::edgeTypeName(e.type) +
                    (e.predicate ? "(range)" : "") + "-> " + g.txLabel(e.to) + "  " + g.tableName(e.table) +
                    (e.table ? " row " + std::to_string(e.key) : "") + "\n";
        for (std::uint64_t seq : a.statements)
            if (const auto* s = g.statement(seq))
                text += "  statement " + g.connectionName(s->connection) + ": " + shortSql(s->sql) + "\n";
    }
    text += report.verdict() + "\n";
    return text;
}

Json anomaliesJson(const AnomalyReport& report)
{
    const auto& g = report.graph;
    Json list = Json::array();
    for (const auto& a : report.anomalies) {
        Json transactions = Json::array();
        for (std::size_t n : a.transactions)
            transactions.push_back(
                {{"id", g.nodes[n].txId}, {"connection", jsonText(g.connectionName(g.nodes[n].connection))}});
        Json edges = Json::array();
        for (const auto& e : a.edges) {
            Json edge = {{"from", g.nodes[e.from].txId},
                         {"to", g.nodes[e.to].txId},
                         {"type", analysis::edgeTypeName(e.type)},
                         {"table", e.table ? jsonText(g.tableName(e.table)) : Json(nullptr)},
                         {"key", e.table ? Json(e.key) : Json(nullptr)},
                         {"predicate", e.predicate}};
            edges.push_back(std::move(edge));
        }
        Json statements = Json::array();
        for (std::uint64_t seq : a.statements)
            if (const auto* s = g.statement(seq))
                statements.push_back({{"transaction", s->txId},
                                      {"connection", jsonText(g.connectionName(s->connection))},
                                      {"sql", jsonText(s->sql)}});
        list.push_back({{"kind", analysis::anomalyKindName(a.kind)},
                        {"transactions", std::move(transactions)},
                        {"edges", std::move(edges)},
                        {"statements", std::move(statements)},
                        {"story", jsonText(a.story)}});
    }
    return list;
}

Json dependenciesJson(const AnomalyReport& report)
{
    return {{"transactions", report.graph.nodes.size()},
            {"edges", report.graph.edges.size()},
            {"exact", report.graph.exact},
            {"serializable", report.anomalies.empty()}};
}

} // namespace txs::cli
