#include "engine/trace/ChromeTrace.h"

#include "engine/api/Error.h"
#include "engine/trace/ChromeTraceText.h"
#include "engine/trace/EventLabels.h"
#include "engine/trace/ExplainRule.h"
#include "engine/trace/ExplanationProjection.h"
#include "engine/trace/JsonText.h"
#include "engine/trace/LockState.h"
#include "engine/trace/NestedLanes.h"
#include "engine/trace/SpanProjection.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>

namespace txs {

namespace {

using namespace chrome_trace;

constexpr int kPid = 1;

std::string codeName(std::int64_t extendedCode, const std::string& message)
{
    return Error::fromSqlite(static_cast<int>(extendedCode), message).codeName();
}

// What is waiting to be written, per connection. The spans themselves (transactions,
// statements, waits, lock holds) come from the one SpanProjection, streamed (nothing retained):
// each is written once it closes.
//
// Streaming: an item is written once nothing before it on its track can still come. A
// connection's own track is written whenever it has no statement, transaction or wait open:
// every later item on it begins after that moment, so each track's spans stay in spanPrecedes
// order in the file, as viewers need. Its lock tracks are written whenever it holds no lock,
// lanes assigned for that batch alone (spans of two batches never overlap). A connection that
// keeps a lock for ever (a WAL reader keeps SHARED on the database file) has its open holds cut
// into consecutive spans every kMaxPendingLockItems items, each marked so. Memory is therefore
// bounded by one transaction's items per connection, whatever the length of the run.
class Projection : private SpanObserver
{
public:
    explicit Projection(std::function<void(std::string_view)> sink) : sink_(std::move(sink))
    {
        spans_.setObserver(this);
        out_.reserve(1 << 16);
        out_ += "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[";
        flushOut();
    }
    void add(const Event& e);
    void gap(std::uint64_t dropped);
    void finish();

private:
    struct ConnectionState;
    void apply(std::uint32_t id, ConnectionState& c, const Event& e,
               std::optional<std::size_t> awaitingExplanation);
    bool explainError(ConnectionState& c, std::optional<std::size_t> error, const Event& explanation);
    static constexpr std::size_t kMaxPendingLockItems = 4096;
    // Items a connection holds back for late explanations before it gives up waiting for them.
    static constexpr std::size_t kMaxHeldItems = 4096;

    struct ConnectionState
    {
        std::string name;
        bool named = false;
        bool shown = false;          // has something on its track
        std::vector<Item> items;     // on its own track, not yet written
        std::string text;            // their names and args
        std::vector<Item> lockItems; // tid set once lanes are known
        std::string lockText;        // theirs
        int lockLanes = 0;           // lanes used by the lock batches written so far
        // The error instant of the statement that just failed (index into items), held back
        // until the connection's next event, which is its explanation when it has one.
        std::optional<std::size_t> explainableError;
        // Error instants whose explanation may come later, naming their StatementEnd (a workers
        // phase explains from the log): by that seq, index into items. While any waits, the
        // track is not written (items keep their indexes), up to kMaxHeldItems.
        std::map<std::uint64_t, std::size_t> awaiting;
        std::uint64_t lastErrorEnd = 0; // the StatementEnd of explainableError
    };

    // SpanObserver: a span is written (queued) when it closes.
    void closed(const SpanRecord& span) override;
    void emitTransaction(const SpanRecord& tx);
    void emitStatement(const SpanRecord& statement);
    void emitWait(const SpanRecord& wait);
    void emitHold(const SpanRecord& hold, std::int64_t beginNs, std::uint64_t order, std::int64_t endNs,
                  const char* held);

    ConnectionState& connection(std::uint32_t id);
    // Queues an instant on the connection's track; fill in the args it returns.
    Args instant(std::uint32_t connectionId, const Event& e, const char* category, std::string_view name);
    const EscapedSql& escapedSql(const std::string& sql);
    std::string trackName(std::uint32_t id, const ConnectionState& c) const;
    void flushIfIdle(std::uint32_t id, ConnectionState& c, std::int64_t nowNs, std::uint64_t order);
    void flushLocks(std::uint32_t id, ConnectionState& c);
    void write(const Item& item, const std::string& arena);
    void beginObject(); // ",\n{" or, for the first, "\n{"
    void flushOut();    // hands what is written to the sink

    // The text written since the last flushOut(): one sink call per add(), gap() or finish()
    // rather than one per item; capacity kept, so no allocation once it has grown.
    std::string out_;
    std::unordered_map<std::string, EscapedSql, TransparentHash, std::equal_to<>> sqlCache_;
    static constexpr std::size_t kMaxCachedSql = 1024; // beyond: escaped each time, not kept
    EscapedSql uncachedSql_;
    // flushLocks()'s scratch, kept for its capacity.
    std::vector<LaneSpan> laneSpans_;
    std::vector<std::size_t> laneOrder_;

    std::function<void(std::string_view)> sink_;
    bool firstWritten_ = false;
    SpanProjection spans_{false};
    std::map<std::uint32_t, ConnectionState> connections_;
    // Open holds already written up to a cut (kMaxPendingLockItems): span id -> (time, order).
    std::map<std::uint64_t, std::pair<std::int64_t, std::uint64_t>> holdCuts_;
    // Flow arrows blocker -> blocked: at the start of each wait (and when the set of blockers
    // changes), one "s" on the holder's track and one "f" on the waiter's, bound to the spans
    // under them (its transaction, the waiter's statement). Written as they are found.
    std::map<std::uint32_t, std::vector<std::uint32_t>> blockersShown_;
    std::uint64_t nextFlowId_ = 1;
    void addFlows(const Event& wait);
    std::string processName_ = "TxScope";
    std::int64_t lastNs_ = 0;
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

Args Projection::instant(std::uint32_t connectionId, const Event& e, const char* category,
                         std::string_view name)
{
    ConnectionState& c = connection(connectionId);
    c.shown = true;
    Item& item = c.items.emplace_back();
    item.span = {e.timeNs, e.timeNs, e.seq};
    item.instant = true;
    item.tid = connectionId;
    item.category = category;
    item.name.begin = c.text.size();
    appendJsonString(c.text, name);
    item.name.end = c.text.size();
    return Args(c.text, item.args);
}

const EscapedSql& Projection::escapedSql(const std::string& sql)
{
    if (const auto it = sqlCache_.find(std::string_view(sql)); it != sqlCache_.end()) return it->second;
    EscapedSql escaped;
    appendJsonString(escaped.name, shortSql(sql));
    appendJsonString(escaped.sql, sql);
    if (sqlCache_.size() >= kMaxCachedSql) {
        uncachedSql_ = std::move(escaped); // a run of ever-different texts: not kept
        return uncachedSql_;
    }
    return sqlCache_.emplace(sql, std::move(escaped)).first->second;
}

void Projection::closed(const SpanRecord& span)
{
    switch (span.kind) {
    case SpanKind::Transaction:
        emitTransaction(span);
        break;
    case SpanKind::Statement:
        emitStatement(span);
        break;
    case SpanKind::Wait:
        emitWait(span);
        break;
    case SpanKind::LockHold: {
        std::int64_t beginNs = span.startNs;
        std::uint64_t order = span.beginSeq;
        if (auto cut = holdCuts_.find(span.id); cut != holdCuts_.end()) {
            std::tie(beginNs, order) = cut->second;
            holdCuts_.erase(cut);
        }
        emitHold(span, beginNs, order, span.endNs,
                 span.dropped ? "cut: events were dropped here"
                 : span.cut   ? "until the end of the trace"
                              : nullptr);
        break;
    }
    }
}

void Projection::emitTransaction(const SpanRecord& tx)
{
    ConnectionState& c = connection(tx.connection);
    c.shown = true;
    Item& item = c.items.emplace_back();
    // Order 0: a transaction that began and ended inside one statement has its bounds and must
    // still be the parent.
    item.span = {tx.startNs, tx.endNs, 0};
    item.tid = tx.connection;
    item.category = "transaction";
    const char* mode = txModeLabel(static_cast<std::int64_t>(tx.mode));
    item.name.begin = c.text.size();
    c.text += "\"tx ";
    appendInteger(c.text, static_cast<std::int64_t>(tx.txId));
    c.text += ' ';
    appendJsonEscaped(c.text, mode);
    c.text += '"';
    item.name.end = c.text.size();
    const char* outcome = "unfinished";
    if (tx.outcome == TxOutcome::Committed) outcome = "committed";
    if (tx.outcome == TxOutcome::RolledBack) outcome = tx.doomed ? "doomed" : "rolled back";
    Args args(c.text, item.args);
    args.text("mode", mode).text("outcome", outcome).number("tx", static_cast<std::int64_t>(tx.txId));
    if (tx.outcome == TxOutcome::Committed)
        args.number("commit_ts", static_cast<std::int64_t>(tx.commitTs))
            .number("rows_written", tx.rowsWritten);
    if (tx.outcome == TxOutcome::RolledBack)
        args.text("rollback_reason", rollbackReasonLabel(static_cast<std::int64_t>(tx.rollbackReason)));
    args.number("begin_ns", tx.txBeginNs).number("end_ns", tx.txEndNs == kNever ? tx.endNs : tx.txEndNs);
    if (tx.beginTs != 0) args.number("begin_ts", static_cast<std::int64_t>(tx.beginTs));
}

void Projection::emitStatement(const SpanRecord& statement)
{
    const EscapedSql& sql = escapedSql(statement.sql);
    ConnectionState& c = connection(statement.connection);
    c.shown = true;
    Item& item = c.items.emplace_back();
    item.span = {statement.startNs, statement.endNs, statement.beginSeq};
    item.tid = statement.connection;
    item.category = "statement";
    item.name.begin = c.text.size();
    c.text += sql.name;
    item.name.end = c.text.size();
    Args args(c.text, item.args);
    args.json("sql", sql.sql);
    if (!statement.cut) {
        if (statement.code == 0)
            args.text("result", "ok");
        else
            args.text("result", codeName(statement.code, statement.error));
        args.number("code", statement.code).number("rows_changed", statement.changes);
        if (!statement.error.empty()) args.text("error", statement.error);
    } else
        args.text("result", "unfinished");
}

void Projection::emitWait(const SpanRecord& wait)
{
    ConnectionState& c = connection(wait.connection);
    c.shown = true;
    Item& item = c.items.emplace_back();
    item.span = {wait.startNs, wait.endNs, wait.beginSeq};
    item.tid = wait.connection;
    item.category = "wait";
    const char* resourceName = lockResourceName(wait.resource);
    const char* levelName = lockLevelName(wait.level);
    item.name.begin = c.text.size();
    switch (wait.cause) {
    case WaitCause::Lock:
        c.text += "\"wait ";
        appendJsonEscaped(c.text, resourceName);
        c.text += ' ';
        appendJsonEscaped(c.text, levelName);
        c.text += '"';
        break;
    case WaitCause::Sleep:
        c.text += "\"busy handler sleep\"";
        break;
    case WaitCause::Blocked:
        c.text += "\"blocked\"";
        break;
    }
    item.name.end = c.text.size();
    Args args(c.text, item.args);
    switch (wait.cause) {
    case WaitCause::Lock:
        args.text("resource", resourceName).text("wanted", levelName);
        if (wait.gaveUp) args.text("outcome", "gave up");
        break;
    case WaitCause::Sleep:
        args.number("slept_us", wait.sleepUs);
        break;
    case WaitCause::Blocked:
        args.number("line", wait.line).text("sql", wait.sql);
        break;
    }
}

void Projection::emitHold(const SpanRecord& hold, std::int64_t beginNs, std::uint64_t order,
                          std::int64_t endNs, const char* held)
{
    const char* resourceName = lockResourceName(hold.resource);
    const char* levelName = lockLevelName(hold.level);
    ConnectionState& c = connection(hold.connection);
    Item& item = c.lockItems.emplace_back();
    item.span = {beginNs, std::max(endNs, beginNs), order};
    item.category = "lock";
    item.name.begin = c.lockText.size();
    c.lockText += '"';
    appendJsonEscaped(c.lockText, resourceName);
    c.lockText += ' ';
    appendJsonEscaped(c.lockText, levelName);
    c.lockText += '"';
    item.name.end = c.lockText.size();
    Args args(c.lockText, item.args);
    args.text("resource", resourceName).text("level", levelName);
    if (held) args.text("held", held);
}

void Projection::addFlows(const Event& wait)
{
    const auto resource = static_cast<LockResource>(wait.a);
    const auto wanted = static_cast<LockLevel>(wait.b);
    std::vector<std::uint32_t> holders;
    for (const SpanRecord& hold : spans_.holdersAtSeq(resource, wait.seq))
        if (hold.connection != wait.connection && locksConflict(resource, hold.level, wanted))
            holders.push_back(hold.connection);
    holders.erase(std::unique(holders.begin(), holders.end()), holders.end());
    std::vector<std::uint32_t>& shown = blockersShown_[wait.connection];
    if (holders == shown) return; // the same wait, tried again: one arrow per blocker is enough
    shown = holders;
    for (std::uint32_t holder : holders) {
        const std::uint64_t id = nextFlowId_++;
        for (const auto& [phase, tid] : {std::pair{"s", holder}, std::pair{"f", wait.connection}}) {
            beginObject();
            out_ += "\"name\":\"blocks\",\"cat\":\"lock\",\"ph\":\"";
            out_ += phase;
            out_ += "\",\"id\":";
            appendInteger(out_, static_cast<std::int64_t>(id));
            out_ += ",\"ts\":";
            appendMicros(out_, wait.timeNs);
            if (phase[0] == 'f') out_ += ",\"bp\":\"e\"";
            out_ += ",\"pid\":";
            appendInteger(out_, kPid);
            out_ += ",\"tid\":";
            appendInteger(out_, tid);
            out_ += '}';
        }
    }
}

void Projection::add(const Event& e)
{
    lastNs_ = std::max(lastNs_, e.timeNs);
    // A wait is over once the statement ends: the next one draws its arrows again.
    if (e.kind == EventKind::StatementEnd || e.kind == EventKind::ConnectionClose)
        blockersShown_.erase(e.connection);
    const std::uint32_t id = e.connection;
    spans_.apply(e); // closed spans are queued through closed()
    ConnectionState& c = connection(id);
    // Only the very next event of the connection may explain its error.
    std::optional<std::size_t> awaiting;
    std::swap(awaiting, c.explainableError);
    apply(id, c, e, awaiting);
    flushIfIdle(id, c, e.timeNs, e.seq);
    flushOut();
}

// The runner explains an error right after the statement ends, on the same connection: the
// explanation goes into the error's args (why, fix, rule: ExplainRule's number; code: the
// extended result code), so a viewer shows it where the error is. Returns false when there is
// no such error (an explanation of a statement still blocked): it then gets its own instant.
bool Projection::explainError(ConnectionState& c, std::optional<std::size_t> error, const Event& x)
{
    if (!error || *error >= c.items.size() || x.text.empty()) return false;
    Item& item = c.items[*error];
    if (item.args.end - item.args.begin < 2) return false;
    TextRange range;
    std::string more;
    {
        Args args(more, range);
        args.text("why", x.text).text("fix", explainRuleFix(explainRuleOf(x.a))).number("rule", x.a);
    }
    // Members only: written inside the error's own args object (see write()).
    if (!item.moreArgs.empty()) item.moreArgs += ',';
    item.moreArgs.append(more, 1, more.size() - 2);
    return true;
}

void Projection::apply(std::uint32_t id, ConnectionState& c, const Event& e,
                       std::optional<std::size_t> awaitingExplanation)
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
    case EventKind::StatementEnd:
        if (e.a != 0) {
            const std::string code = codeName(e.a, e.text);
            instant(id, e, "error", "error " + code)
                .text("code_name", code)
                .number("code", e.a)
                .text("message", e.text);
            c.explainableError = c.items.size() - 1;
            c.lastErrorEnd = e.seq;
            const auto kind = static_cast<ErrorKind>(e.detail);
            if (kind == ErrorKind::Busy || kind == ErrorKind::BusySnapshot || kind == ErrorKind::Conflict ||
                kind == ErrorKind::Schema)
                c.awaiting[e.seq] = c.items.size() - 1;
        }
        break;
    case EventKind::TxDoomed: {
        const std::string code = codeName(e.a, e.text);
        instant(id, e, "error", "doomed")
            .number("tx", static_cast<std::int64_t>(e.txId))
            .text("code_name", code)
            .text("text", e.text);
        break;
    }
    case EventKind::TxRetry:
        instant(id, e, "retry", "retry " + std::to_string(e.a)).number("attempt", e.a).text("text", e.text);
        break;
    case EventKind::Conflict:
        instant(id, e, "error", "conflict")
            .number("tx", static_cast<std::int64_t>(e.txId))
            .number("other_tx", e.a)
            .number("table", e.table)
            .number("rowid", e.rowid)
            .text("message", e.text);
        break;
    case EventKind::Busy: {
        const std::string code = codeName(e.a, e.text);
        instant(id, e, "error", "busy " + code)
            .text("code_name", code)
            .number("code", e.a)
            .text("message", e.text);
        break;
    }
    case EventKind::BusyHandlerCall:
        instant(id, e, "busy", "busy handler " + std::to_string(e.a))
            .number("count", e.a)
            .number("slept_us", e.b)
            .number("gave_up", e.detail);
        break;
    case EventKind::Explanation:
        if (const std::uint64_t end = explainedStatementEnd(e.seq, e.detail, e.table)) {
            const auto it = c.awaiting.find(end);
            std::optional<std::size_t> error;
            if (it != c.awaiting.end()) error = it->second;
            if (it != c.awaiting.end()) c.awaiting.erase(it);
            if (!explainError(c, error, e)) instant(id, e, "explanation", "explanation").text("text", e.text);
            break;
        }
        if (awaitingExplanation) c.awaiting.erase(c.lastErrorEnd);
        if (!explainError(c, awaitingExplanation, e))
            instant(id, e, "explanation", "explanation").text("text", e.text);
        break;
    case EventKind::Note:
        instant(id, e, "note", "note").text("text", e.text);
        break;
    case EventKind::StatementBlocked:
        instant(id, e, "wait", "blocked").number("line", e.a).text("sql", e.text);
        break;
    case EventKind::StatementUnblocked:
        instant(id, e, "wait", "unblocked").number("line", e.a);
        break;
    case EventKind::PhaseBegin:
        instant(id, e, "phase", "phase").number("phase", e.a);
        break;
    case EventKind::VersionRead:
    case EventKind::RangeRead:
    case EventKind::ProcessStart:
    case EventKind::WalGauge:
        break; // reads: one per row, too many for a timeline; a recording's processes and gauges: not spans
    case EventKind::Checkpoint:
        instant(id, e, "checkpoint", "checkpoint")
            .number("mode", e.a)
            .number("written", e.b)
            .text("text", e.text);
        break;
    case EventKind::LockWait: {
        addFlows(e);
        const char* resourceName = lockResourceName(static_cast<LockResource>(e.a));
        const char* levelName = lockLevelName(static_cast<LockLevel>(e.b));
        Item& item = c.lockItems.emplace_back();
        item.span = {e.timeNs, e.timeNs, e.seq};
        item.instant = true;
        item.category = "lock";
        item.name.begin = c.lockText.size();
        c.lockText += "\"wait ";
        appendJsonEscaped(c.lockText, resourceName);
        c.lockText += ' ';
        appendJsonEscaped(c.lockText, levelName);
        c.lockText += '"';
        item.name.end = c.lockText.size();
        Args(c.lockText, item.args)
            .text("resource", resourceName)
            .text("wanted", levelName)
            .text("text", e.text);
        break;
    }
    default:
        break; // spans come from the projection; the rest is shown by other views
    }
}

void Projection::beginObject()
{
    out_ += firstWritten_ ? ",\n{" : "\n{";
    firstWritten_ = true;
}

void Projection::flushOut()
{
    if (out_.empty()) return;
    sink_(out_);
    out_.clear(); // keeps its capacity
}

void Projection::write(const Item& item, const std::string& arena)
{
    beginObject();
    out_ += "\"name\":";
    out_ += item.name.in(arena);
    out_ += ",\"cat\":\"";
    out_ += item.category; // a literal: plain ASCII
    out_ += item.instant ? "\",\"ph\":\"i\",\"s\":\"t\",\"ts\":" : "\",\"ph\":\"X\",\"ts\":";
    appendMicros(out_, item.span.begin);
    if (!item.instant) {
        out_ += ",\"dur\":";
        appendMicros(out_, item.span.end - item.span.begin);
    }
    out_ += ",\"pid\":";
    appendInteger(out_, kPid);
    out_ += ",\"tid\":";
    appendInteger(out_, item.tid);
    out_ += ",\"args\":";
    const std::string_view args = item.args.in(arena);
    if (item.moreArgs.empty()) {
        out_ += args;
    } else {
        out_ += args.substr(0, args.size() - 1);
        if (args.size() > 2) out_ += ',';
        out_ += item.moreArgs;
        out_ += '}';
    }
    out_ += '}';
}

void Projection::flushLocks(std::uint32_t id, ConnectionState& c)
{
    if (c.lockItems.empty()) return;
    if (c.lockItems.size() == 1) {
        // The common batch (an MVCC commit's one hold): lane 0, nothing to order.
        c.lockItems[0].tid = kLockTrackTidBase + id;
        c.lockLanes = std::max(c.lockLanes, 1);
        write(c.lockItems[0], c.lockText);
        c.lockItems.clear();
        c.lockText.clear();
        return;
    }
    std::vector<LaneSpan>& spans = laneSpans_;
    spans.clear();
    for (const Item& item : c.lockItems)
        spans.push_back(item.span);
    const std::vector<int> lanes = assignNestedLanes(spans);
    std::vector<std::size_t>& order = laneOrder_;
    order.resize(c.lockItems.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    // Viewers build each track's stack from this order: a parent before the spans inside it.
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t x, std::size_t y) { return spanPrecedes(spans[x], spans[y]); });
    for (std::size_t i : order) {
        c.lockItems[i].tid = (lanes[i] + 1) * kLockTrackTidBase + id;
        c.lockLanes = std::max(c.lockLanes, lanes[i] + 1);
        write(c.lockItems[i], c.lockText);
    }
    c.lockItems.clear();
    c.lockText.clear();
}

void Projection::flushIfIdle(std::uint32_t id, ConnectionState& c, std::int64_t nowNs, std::uint64_t order)
{
    if (c.items.size() > kMaxHeldItems) c.awaiting.clear(); // explanations that never came
    if (!spans_.busy(id) && !c.explainableError && c.awaiting.empty() && !c.items.empty()) {
        const auto precedes = [](const Item& x, const Item& y) { return spanPrecedes(x.span, y.span); };
        if (c.items.size() > kInsertionSortMax)
            std::stable_sort(c.items.begin(), c.items.end(), precedes);
        else
            insertionSort(c.items, precedes);
        for (const Item& item : c.items)
            write(item, c.text);
        c.items.clear();
        c.text.clear();
    }
    if (c.lockItems.empty()) return;
    const bool holding = spans_.holdsAny(id);
    if (holding && c.lockItems.size() < kMaxPendingLockItems) return;
    if (holding) {
        // Cut what is still held here, so that nothing written later can begin before it.
        for (const SpanRecord& hold : spans_.openHolds(id)) {
            auto [it, fresh] = holdCuts_.try_emplace(hold.id, hold.startNs, hold.beginSeq);
            emitHold(hold, it->second.first, it->second.second, nowNs,
                     "still held: continues in the next span");
            it->second = {nowNs, order};
        }
    }
    flushLocks(id, c);
}

void Projection::gap(std::uint64_t dropped)
{
    ConnectionState& engine = connection(0);
    engine.shown = true;
    Item& item = engine.items.emplace_back();
    item.span = {lastNs_, lastNs_, 0};
    item.instant = true;
    item.tid = 0;
    item.category = "note";
    item.name.begin = engine.text.size();
    engine.text += "\"events dropped\"";
    item.name.end = engine.text.size();
    Args(engine.text, item.args)
        .number("dropped", static_cast<std::int64_t>(dropped))
        .text("text", std::to_string(dropped) +
                          " events left the trace log's memory window before they were exported; "
                          "spans around here may be cut short");
    spans_.gap(dropped); // open spans are cut here: their ends may be among the dropped
    for (auto& [id, c] : connections_)
        flushIfIdle(id, c, lastNs_, 0);
    flushOut();
}

void Projection::finish()
{
    spans_.finish(); // what is still open closes, cut, at the last event's time
    for (auto& [id, c] : connections_) {
        c.explainableError.reset();
        c.awaiting.clear();
        flushIfIdle(id, c, lastNs_, 0);
    }

    // Metadata may come anywhere in the array; it names the tracks once all are known.
    // Returns the args to fill in, written in place; the object closes after them.
    TextRange ignored;
    const auto metadata = [&](const char* what, std::int64_t tid) {
        beginObject();
        out_ += "\"name\":\"";
        out_ += what;
        out_ += "\",\"ph\":\"M\",\"pid\":";
        appendInteger(out_, kPid);
        out_ += ",\"tid\":";
        appendInteger(out_, tid);
        out_ += ",\"args\":";
        return Args(out_, ignored);
    };
    metadata("process_name", 0).text("name", processName_);
    out_ += '}';
    for (auto& [id, c] : connections_) {
        const std::string name = trackName(id, c);
        // Sort indexes put each connection's lock lanes right under it, connections in id order.
        const std::int64_t sortBase = static_cast<std::int64_t>(id) * 64;
        if (c.shown) {
            metadata("thread_name", id).text("name", name);
            out_ += '}';
            metadata("thread_sort_index", id).number("sort_index", sortBase);
            out_ += '}';
        }
        for (int lane = 0; lane < c.lockLanes; ++lane) {
            const std::int64_t tid = (lane + 1) * kLockTrackTidBase + id;
            const std::string laneName =
                name + " locks" + (lane == 0 ? "" : " (" + std::to_string(lane + 1) + ")");
            metadata("thread_name", tid).text("name", laneName);
            out_ += '}';
            metadata("thread_sort_index", tid).number("sort_index", sortBase + 1 + std::min(lane, 62));
            out_ += '}';
        }
    }
    out_ += "\n]}\n";
    flushOut();
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
