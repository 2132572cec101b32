#include "engine/trace/ChromeTrace.h"

#include "engine/api/Error.h"
#include "engine/trace/EventLabels.h"
#include "engine/trace/JsonText.h"
#include "engine/trace/LockState.h"
#include "engine/trace/NestedLanes.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <optional>

namespace txs {

namespace {

constexpr int kPid = 1;

// The "args" object of one trace event.
class Args
{
public:
    Args& text(const char* key, std::string_view value)
    {
        appendKey(key);
        appendJsonString(body_, value);
        return *this;
    }
    Args& number(const char* key, std::int64_t value)
    {
        appendKey(key);
        body_ += std::to_string(value);
        return *this;
    }
    Args& append(const Args& more)
    {
        if (!body_.empty() && !more.body_.empty()) body_ += ',';
        body_ += more.body_;
        return *this;
    }
    std::string json() const { return "{" + body_ + "}"; }

private:
    void appendKey(const char* key)
    {
        if (!body_.empty()) body_ += ',';
        appendJsonString(body_, key);
        body_ += ':';
    }
    std::string body_;
};

struct Item
{
    LaneSpan span; // an instant is a span with end == begin
    bool instant = false;
    std::int64_t tid = 0;
    std::string category;
    std::string name;
    std::string args; // JSON object
};

std::string codeName(std::int64_t extendedCode, const std::string& message)
{
    return Error::fromSqlite(static_cast<int>(extendedCode), message).codeName();
}

// The connections' states and what is waiting to be written.
//
// Streaming: an item is written once nothing before it on its track can still come. A
// connection's own track is written whenever it has no statement or transaction open: every
// later item on it begins after that moment, so each track's spans stay in spanPrecedes order in
// the file, as viewers need. Its lock tracks are written whenever it holds no lock, lanes
// assigned for that batch alone (spans of two batches never overlap). A connection that keeps a
// lock for ever (a WAL reader keeps SHARED on the database file) has its open holds cut into
// consecutive spans every kMaxPendingLockItems items, each marked so. Memory is therefore
// bounded by one transaction's items per connection, whatever the length of the run.
class Projection
{
public:
    explicit Projection(std::function<void(std::string_view)> sink) : sink_(std::move(sink))
    {
        sink_("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[");
    }
    void add(const Event& e);
    void gap(std::uint64_t dropped);
    void finish();

private:
    struct ConnectionState;
    void apply(std::uint32_t id, ConnectionState& c, const Event& e);
    static constexpr std::size_t kMaxPendingLockItems = 4096;

    struct Statement
    {
        int id = 0;
        std::int64_t beginNs = 0;
        std::uint64_t order = 0;
        std::string sql;
    };
    struct Transaction
    {
        std::uint64_t txId = 0;
        std::int64_t mode = 0;
        std::int64_t beginTs = 0;
        std::int64_t beginNs = 0;     // the TxBegin event
        std::int64_t spanBeginNs = 0; // earlier when the statement that began it outlives the begin
        std::uint64_t order = 0;
        int beganInStatement = -1;
        bool doomed = false;
    };
    // A transaction that ended inside a later statement: its span closes with that statement.
    struct EndedTransaction
    {
        Transaction tx;
        std::int64_t endNs = 0;
        int statementId = 0;
        std::string outcome;
        Args args;
    };
    struct LockHold
    {
        std::int64_t level = 0;
        std::int64_t sinceNs = 0;
        std::uint64_t order = 0;
    };
    struct ConnectionState
    {
        std::string name;
        bool named = false;
        bool shown = false; // has something on its track
        std::optional<Statement> statement;
        std::optional<Transaction> tx;
        std::optional<EndedTransaction> ended;
        std::map<std::int64_t, LockHold> locks; // by LockResource
        std::vector<Item> items;                // on its own track, not yet written
        std::vector<Item> lockItems;            // tid set once lanes are known
        int lockLanes = 0;                      // lanes used by the lock batches written so far
    };

    ConnectionState& connection(std::uint32_t id);
    void instant(std::uint32_t connectionId, const Event& e, std::string category, std::string name,
                 const Args& args);
    void beginStatement(ConnectionState& c, const Event& e);
    void endStatement(ConnectionState& c, std::uint32_t connectionId, std::int64_t endNs, const Event* end);
    void beginTransaction(ConnectionState& c, std::uint32_t connectionId, const Event& e);
    void endTransaction(ConnectionState& c, std::uint32_t connectionId, const Event& e);
    void emitTransaction(std::uint32_t connectionId, const Transaction& tx, std::int64_t spanEndNs,
                         std::int64_t endNs, const std::string& outcome, const Args& details);
    void changeLockLevel(ConnectionState& c, const Event& e);
    void closeLockSpan(ConnectionState& c, std::int64_t resource, const LockHold& hold, std::int64_t endNs,
                       bool heldAtEnd, bool continues = false);
    std::string trackName(std::uint32_t id, const ConnectionState& c) const;
    void flushIfIdle(std::uint32_t id, ConnectionState& c, std::int64_t nowNs, std::uint64_t order);
    void flushLocks(std::uint32_t id, ConnectionState& c);
    void write(const Item& item);

    std::function<void(std::string_view)> sink_;
    bool firstWritten_ = false;
    std::map<std::uint32_t, ConnectionState> connections_;
    // Flow arrows blocker -> blocked: at the start of each wait (and when the set of blockers
    // changes), one "s" on the holder's track and one "f" on the waiter's, bound to the spans
    // under them (its transaction, the waiter's statement). Written as they are found.
    LockState locks_;
    std::map<std::uint32_t, std::vector<std::uint32_t>> blockersShown_;
    std::uint64_t nextFlowId_ = 1;
    void addFlows(const Event& wait);
    std::string processName_ = "TxScope";
    std::int64_t lastNs_ = 0;
    int nextStatementId_ = 1;
};

Projection::ConnectionState& Projection::connection(std::uint32_t id)
{
    return connections_[id];
}

std::string Projection::trackName(std::uint32_t id, const ConnectionState& c) const
{
    if (id == 0) return "engine";
    return c.named && !c.name.empty() ? c.name : "connection " + std::to_string(id);
}

void Projection::instant(std::uint32_t connectionId, const Event& e, std::string category, std::string name,
                         const Args& args)
{
    Item item;
    item.span = {e.timeNs, e.timeNs, e.seq};
    item.instant = true;
    item.tid = connectionId;
    item.category = std::move(category);
    item.name = std::move(name);
    item.args = args.json();
    ConnectionState& c = connection(connectionId);
    c.items.push_back(std::move(item));
    c.shown = true;
}

void Projection::emitTransaction(std::uint32_t connectionId, const Transaction& tx, std::int64_t spanEndNs,
                                 std::int64_t endNs, const std::string& outcome, const Args& details)
{
    Item item;
    item.span = {tx.spanBeginNs, std::max(spanEndNs, tx.spanBeginNs), tx.order};
    item.tid = connectionId;
    item.category = "transaction";
    item.name = "tx " + std::to_string(tx.txId) + " " + txModeLabel(tx.mode);
    Args args;
    args.text("mode", txModeLabel(tx.mode))
        .text("outcome", outcome)
        .number("tx", static_cast<std::int64_t>(tx.txId));
    args.append(details).number("begin_ns", tx.beginNs).number("end_ns", endNs);
    if (tx.beginTs != 0) args.number("begin_ts", tx.beginTs);
    item.args = args.json();
    ConnectionState& c = connection(connectionId);
    c.items.push_back(std::move(item));
    c.shown = true;
}

void Projection::beginStatement(ConnectionState& c, const Event& e)
{
    c.statement = Statement{nextStatementId_++, e.timeNs, e.seq, e.text};
}

// `end` is the StatementEnd event, or null when the statement never ended (closed at endNs).
void Projection::endStatement(ConnectionState& c, std::uint32_t connectionId, std::int64_t endNs,
                              const Event* end)
{
    const Statement statement = *c.statement;
    c.statement.reset();

    Item item;
    item.span = {statement.beginNs, std::max(endNs, statement.beginNs), statement.order};
    item.tid = connectionId;
    item.category = "statement";
    item.name = shortSql(statement.sql);
    Args args;
    args.text("sql", statement.sql);
    if (end) {
        args.text("result", end->a == 0 ? std::string("ok") : codeName(end->a, end->text))
            .number("code", end->a)
            .number("rows_changed", end->b);
        if (!end->text.empty()) args.text("error", end->text);
    } else
        args.text("result", "unfinished");
    item.args = args.json();
    const std::int64_t statementEnd = item.span.end;
    c.items.push_back(std::move(item));
    c.shown = true;

    // BEGIN: the transaction outlives the statement that started it, so its span starts with it.
    if (end && c.tx && c.tx->beganInStatement == statement.id) c.tx->spanBeginNs = statement.beginNs;
    // COMMIT / ROLLBACK: the transaction ended inside this statement, so its span ends with it.
    if (c.ended && c.ended->statementId == statement.id) {
        EndedTransaction ended = std::move(*c.ended);
        c.ended.reset();
        emitTransaction(connectionId, ended.tx, statementEnd, ended.endNs, ended.outcome,
                        std::move(ended.args));
    }
}

void Projection::beginTransaction(ConnectionState& c, std::uint32_t connectionId, const Event& e)
{
    // Without its end the previous transaction is cut here rather than overlapped.
    if (c.tx) emitTransaction(connectionId, *c.tx, e.timeNs, e.timeNs, "unfinished", Args());
    c.tx.reset();
    // A transaction ending and another beginning in one statement cannot both take its bounds.
    if (c.ended) {
        emitTransaction(connectionId, c.ended->tx, c.ended->endNs, c.ended->endNs, c.ended->outcome,
                        c.ended->args);
        c.ended.reset();
    }
    Transaction tx;
    tx.txId = e.txId;
    tx.mode = e.a;
    tx.beginTs = e.b;
    tx.beginNs = tx.spanBeginNs = e.timeNs;
    tx.order = e.seq;
    tx.beganInStatement = c.statement ? c.statement->id : -1;
    c.tx = tx;
}

void Projection::endTransaction(ConnectionState& c, std::uint32_t connectionId, const Event& e)
{
    if (!c.tx) return; // its begin is not in this log
    const Transaction tx = *c.tx;
    c.tx.reset();

    std::string outcome;
    Args args;
    if (e.kind == EventKind::TxCommit) {
        outcome = "committed";
        args.number("commit_ts", e.a).number("rows_written", e.b);
    } else {
        outcome = tx.doomed ? "doomed" : "rolled back";
        args.text("rollback_reason", rollbackReasonLabel(e.a));
    }

    if (c.statement && c.statement->id != tx.beganInStatement) {
        c.ended = EndedTransaction{tx, e.timeNs, c.statement->id, outcome, std::move(args)};
        return;
    }
    // Ended outside any statement, or inside the one that began it (autocommit): exact bounds.
    emitTransaction(connectionId, tx, e.timeNs, e.timeNs, outcome, args);
}

void Projection::closeLockSpan(ConnectionState& c, std::int64_t resource, const LockHold& hold,
                               std::int64_t endNs, bool heldAtEnd, bool continues)
{
    const char* resourceName = lockResourceName(static_cast<LockResource>(resource));
    const char* levelName = lockLevelName(static_cast<LockLevel>(hold.level));
    Item item;
    item.span = {hold.sinceNs, std::max(endNs, hold.sinceNs), hold.order};
    item.category = "lock";
    item.name = std::string(resourceName) + " " + levelName;
    Args args;
    args.text("resource", resourceName).text("level", levelName);
    if (heldAtEnd) args.text("held", "until the end of the trace");
    if (continues) args.text("held", "still held: continues in the next span");
    item.args = args.json();
    c.lockItems.push_back(std::move(item));
}

void Projection::changeLockLevel(ConnectionState& c, const Event& e)
{
    LockHold& hold = c.locks[e.a];
    if (hold.level == e.b) return;
    if (hold.level != static_cast<std::int64_t>(LockLevel::None))
        closeLockSpan(c, e.a, hold, e.timeNs, false);
    hold = {e.b, e.timeNs, e.seq};
}

void Projection::addFlows(const Event& wait)
{
    std::vector<std::uint32_t> holders;
    for (const WaitEdge& edge : locks_.blockersOf(wait.connection))
        if (edge.holder != wait.connection) holders.push_back(edge.holder);
    std::vector<std::uint32_t>& shown = blockersShown_[wait.connection];
    if (holders == shown) return; // the same wait, tried again: one arrow per blocker is enough
    shown = holders;
    for (std::uint32_t holder : holders) {
        const std::string id = std::to_string(nextFlowId_++);
        for (const auto& [phase, tid] : {std::pair{"s", holder}, std::pair{"f", wait.connection}}) {
            std::string flow = firstWritten_ ? ",\n{\"name\":\"blocks\",\"cat\":\"lock\",\"ph\":\""
                                             : "\n{\"name\":\"blocks\",\"cat\":\"lock\",\"ph\":\"";
            firstWritten_ = true;
            flow += phase;
            flow += "\",\"id\":" + id + ",\"ts\":";
            appendMicros(flow, wait.timeNs);
            if (phase[0] == 'f') flow += ",\"bp\":\"e\"";
            flow += ",\"pid\":" + std::to_string(kPid) + ",\"tid\":" + std::to_string(tid) + "}";
            sink_(flow);
        }
    }
}

void Projection::add(const Event& e)
{
    lastNs_ = std::max(lastNs_, e.timeNs);
    locks_.apply(e);
    // A wait is over once the statement ends: the next one draws its arrows again.
    if (e.kind == EventKind::StatementEnd || e.kind == EventKind::ConnectionClose)
        blockersShown_.erase(e.connection);
    const std::uint32_t id = e.connection;
    ConnectionState& c = connection(id);
    apply(id, c, e);
    flushIfIdle(id, c, e.timeNs, e.seq);
}

void Projection::apply(std::uint32_t id, ConnectionState& c, const Event& e)
{
    switch (e.kind) {
    case EventKind::RunBegin:
        if (!e.text.empty()) processName_ = "TxScope: " + e.text;
        break;
    case EventKind::ConnectionOpen:
        if (!c.named) {
            c.name = e.text;
            c.named = true;
        }
        c.shown = true;
        break;
    case EventKind::StatementBegin:
        if (c.statement) endStatement(c, id, e.timeNs, nullptr);
        beginStatement(c, e);
        break;
    case EventKind::StatementEnd:
        if (!c.statement) break; // its begin is not in this log
        endStatement(c, id, e.timeNs, &e);
        if (e.a != 0) {
            const std::string code = codeName(e.a, e.text);
            instant(id, e, "error", "error " + code,
                    Args().text("code_name", code).number("code", e.a).text("message", e.text));
        }
        break;
    case EventKind::TxBegin:
        beginTransaction(c, id, e);
        break;
    case EventKind::TxCommit:
    case EventKind::TxRollback:
        endTransaction(c, id, e);
        break;
    case EventKind::TxDoomed: {
        if (c.tx) c.tx->doomed = true;
        const std::string code = codeName(e.a, e.text);
        instant(id, e, "error", "doomed",
                Args()
                    .number("tx", static_cast<std::int64_t>(e.txId))
                    .text("code_name", code)
                    .text("text", e.text));
        break;
    }
    case EventKind::TxRetry:
        instant(id, e, "retry", "retry " + std::to_string(e.a),
                Args().number("attempt", e.a).text("text", e.text));
        break;
    case EventKind::Conflict:
        instant(id, e, "error", "conflict",
                Args()
                    .number("tx", static_cast<std::int64_t>(e.txId))
                    .number("other_tx", e.a)
                    .number("table", e.table)
                    .number("rowid", e.rowid)
                    .text("message", e.text));
        break;
    case EventKind::Busy: {
        const std::string code = codeName(e.a, e.text);
        instant(id, e, "error", "busy " + code,
                Args().text("code_name", code).number("code", e.a).text("message", e.text));
        break;
    }
    case EventKind::BusyHandlerCall:
        instant(id, e, "busy", "busy handler " + std::to_string(e.a),
                Args().number("count", e.a).number("slept_us", e.b).number("gave_up", e.detail));
        break;
    case EventKind::Explanation:
        instant(id, e, "explanation", "explanation", Args().text("text", e.text));
        break;
    case EventKind::Note:
        instant(id, e, "note", "note", Args().text("text", e.text));
        break;
    case EventKind::StatementBlocked:
        instant(id, e, "wait", "blocked", Args().number("line", e.a).text("sql", e.text));
        break;
    case EventKind::StatementUnblocked:
        instant(id, e, "wait", "unblocked", Args().number("line", e.a));
        break;
    case EventKind::PhaseBegin:
        instant(id, e, "phase", "phase", Args().number("phase", e.a));
        break;
    case EventKind::Checkpoint:
        instant(id, e, "checkpoint", "checkpoint",
                Args().number("mode", e.a).number("written", e.b).text("text", e.text));
        break;
    case EventKind::LockAcquire:
    case EventKind::LockRelease:
        changeLockLevel(c, e);
        break;
    case EventKind::LockWait: {
        addFlows(e);
        const char* resourceName = lockResourceName(static_cast<LockResource>(e.a));
        const char* levelName = lockLevelName(static_cast<LockLevel>(e.b));
        Item item;
        item.span = {e.timeNs, e.timeNs, e.seq};
        item.instant = true;
        item.category = "lock";
        item.name = std::string("wait ") + resourceName + " " + levelName;
        item.args =
            Args().text("resource", resourceName).text("wanted", levelName).text("text", e.text).json();
        c.lockItems.push_back(std::move(item));
        break;
    }
    case EventKind::RunEnd:
    case EventKind::ConnectionClose:
    case EventKind::VersionCreated:
    case EventKind::VersionEnded:
    case EventKind::VersionReclaimed:
    case EventKind::TableCreated:
    case EventKind::TableDropped:
        break; // shown by other views, not on a timeline
    }
}

void Projection::write(const Item& item)
{
    std::string out = firstWritten_ ? ",\n{\"name\":" : "\n{\"name\":";
    firstWritten_ = true;
    appendJsonString(out, item.name);
    out += ",\"cat\":";
    appendJsonString(out, item.category);
    out += item.instant ? ",\"ph\":\"i\",\"s\":\"t\",\"ts\":" : ",\"ph\":\"X\",\"ts\":";
    appendMicros(out, item.span.begin);
    if (!item.instant) {
        out += ",\"dur\":";
        appendMicros(out, item.span.end - item.span.begin);
    }
    out += ",\"pid\":" + std::to_string(kPid) + ",\"tid\":" + std::to_string(item.tid) +
           ",\"args\":" + item.args + "}";
    sink_(out);
}

void Projection::flushLocks(std::uint32_t id, ConnectionState& c)
{
    if (c.lockItems.empty()) return;
    std::vector<LaneSpan> spans;
    spans.reserve(c.lockItems.size());
    for (const Item& item : c.lockItems)
        spans.push_back(item.span);
    const std::vector<int> lanes = assignNestedLanes(spans);
    std::vector<std::size_t> order(c.lockItems.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    // Viewers build each track's stack from this order: a parent before the spans inside it.
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t x, std::size_t y) { return spanPrecedes(spans[x], spans[y]); });
    for (std::size_t i : order) {
        c.lockItems[i].tid = (lanes[i] + 1) * kLockTrackTidBase + id;
        c.lockLanes = std::max(c.lockLanes, lanes[i] + 1);
        write(c.lockItems[i]);
    }
    c.lockItems.clear();
}

void Projection::flushIfIdle(std::uint32_t id, ConnectionState& c, std::int64_t nowNs, std::uint64_t order)
{
    if (!c.statement && !c.tx && !c.ended && !c.items.empty()) {
        std::stable_sort(c.items.begin(), c.items.end(),
                         [](const Item& x, const Item& y) { return spanPrecedes(x.span, y.span); });
        for (const Item& item : c.items)
            write(item);
        c.items.clear();
    }
    if (c.lockItems.empty()) return;
    bool holding = false;
    for (const auto& [resource, hold] : c.locks)
        holding = holding || hold.level != static_cast<std::int64_t>(LockLevel::None);
    if (holding && c.lockItems.size() < kMaxPendingLockItems) return;
    if (holding) {
        // Cut what is still held here, so that nothing written later can begin before it.
        for (auto& [resource, hold] : c.locks) {
            if (hold.level == static_cast<std::int64_t>(LockLevel::None)) continue;
            closeLockSpan(c, resource, hold, nowNs, false, true);
            hold = {hold.level, nowNs, order};
        }
    }
    flushLocks(id, c);
}

void Projection::gap(std::uint64_t dropped)
{
    Item item;
    item.span = {lastNs_, lastNs_, 0};
    item.instant = true;
    item.tid = 0;
    item.category = "note";
    item.name = "events dropped";
    item.args = Args()
                    .number("dropped", static_cast<std::int64_t>(dropped))
                    .text("text", std::to_string(dropped) +
                                      " events left the trace log's memory window before they were exported; "
                                      "spans around here may be cut short")
                    .json();
    ConnectionState& engine = connection(0);
    engine.items.push_back(std::move(item));
    engine.shown = true;
    flushIfIdle(0, engine, lastNs_, 0);
}

void Projection::finish()
{
    for (auto& [id, c] : connections_) {
        if (c.statement) endStatement(c, id, lastNs_, nullptr);
        if (c.tx) emitTransaction(id, *c.tx, lastNs_, lastNs_, "unfinished", Args());
        c.tx.reset();
        if (c.ended) {
            emitTransaction(id, c.ended->tx, c.ended->endNs, c.ended->endNs, c.ended->outcome, c.ended->args);
            c.ended.reset();
        }
        for (auto& [resource, hold] : c.locks)
            if (hold.level != static_cast<std::int64_t>(LockLevel::None)) {
                closeLockSpan(c, resource, hold, lastNs_, true);
                hold.level = static_cast<std::int64_t>(LockLevel::None);
            }
        flushIfIdle(id, c, lastNs_, 0);
    }

    // Metadata may come anywhere in the array; it names the tracks once all are known.
    const auto metadata = [&](const char* what, std::int64_t tid, const Args& args) {
        std::string out = firstWritten_ ? ",\n{\"name\":\"" : "\n{\"name\":\"";
        firstWritten_ = true;
        out += what;
        out += "\",\"ph\":\"M\",\"pid\":" + std::to_string(kPid) + ",\"tid\":" + std::to_string(tid) +
               ",\"args\":" + args.json() + "}";
        sink_(out);
    };
    metadata("process_name", 0, Args().text("name", processName_));
    for (auto& [id, c] : connections_) {
        const std::string name = trackName(id, c);
        // Sort indexes put each connection's lock lanes right under it, connections in id order.
        const std::int64_t sortBase = static_cast<std::int64_t>(id) * 64;
        if (c.shown) {
            metadata("thread_name", id, Args().text("name", name));
            metadata("thread_sort_index", id, Args().number("sort_index", sortBase));
        }
        for (int lane = 0; lane < c.lockLanes; ++lane) {
            const std::int64_t tid = (lane + 1) * kLockTrackTidBase + id;
            const std::string laneName =
                name + " locks" + (lane == 0 ? "" : " (" + std::to_string(lane + 1) + ")");
            metadata("thread_name", tid, Args().text("name", laneName));
            metadata("thread_sort_index", tid,
                     Args().number("sort_index", sortBase + 1 + std::min(lane, 62)));
        }
    }
    sink_("\n]}\n");
}

} // namespace

struct ChromeTraceWriter::Impl
{
    explicit Impl(std::function<void(std::string_view)> sink) : projection(std::move(sink)) {}
    Projection projection;
};

ChromeTraceWriter::ChromeTraceWriter(std::function<void(std::string_view)> sink)
    : impl_(std::make_unique<Impl>(std::move(sink)))
{}

ChromeTraceWriter::~ChromeTraceWriter() = default;

void ChromeTraceWriter::add(const Event& event)
{
    impl_->projection.add(event);
}

void ChromeTraceWriter::gap(std::uint64_t dropped)
{
    impl_->projection.gap(dropped);
}

void ChromeTraceWriter::finish()
{
    impl_->projection.finish();
}

std::string toChromeTrace(const std::vector<Event>& events)
{
    std::string out;
    ChromeTraceWriter writer([&out](std::string_view text) { out += text; });
    for (const Event& e : events)
        writer.add(e);
    writer.finish();
    return out;
}

std::string writeChromeTrace(const std::vector<Event>& events, const std::string& path)
{
    const std::string json = toChromeTrace(events);
    const std::string temporary = path + ".tmp";
    std::FILE* file = std::fopen(temporary.c_str(), "wb");
    if (!file) return "cannot create " + temporary + ": " + std::strerror(errno);
    const bool written = std::fwrite(json.data(), 1, json.size(), file) == json.size();
    const int writeErrno = errno;
    if (std::fclose(file) != 0 || !written) {
        const std::string error = std::strerror(written ? errno : writeErrno);
        std::remove(temporary.c_str());
        return "cannot write " + temporary + ": " + error;
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        const std::string error = std::strerror(errno);
        std::remove(temporary.c_str());
        return "cannot rename " + temporary + " to " + path + ": " + error;
    }
    return {};
}

} // namespace txs
