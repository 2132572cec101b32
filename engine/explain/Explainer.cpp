#include "engine/explain/Explainer.h"

#include "engine/trace/TraceLog.h"

#include <cctype>
#include <cstdlib>
#include <thread>

namespace txs {

namespace {

std::string upperWord(const std::string& sql)
{
    std::string w;
    for (char c : sql) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            if (w.empty()) continue;
            break;
        }
        w += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return w;
}

std::string level(LockLevel l)
{
    return lockLevelName(l);
}

// What a holder held, named by the resource: a level on the database file ("RESERVED"), but
// "the WAL write lock" in WAL mode, whose locks are slots of the shared-memory index.
std::string heldLock(LockResource resource, LockLevel held)
{
    switch (resource) {
    case LockResource::DbFile:
        return level(held);
    case LockResource::ShmWrite:
        return "the WAL write lock";
    case LockResource::ShmCheckpoint:
        return "the WAL checkpoint lock";
    case LockResource::ShmRecover:
        return "the WAL recovery lock";
    default:
        break;
    }
    if (resource >= LockResource::ShmRead0 && resource < LockResource::MvccExclusive)
        return "a WAL read lock (its snapshot)";
    return level(held) + " on " + lockResourceName(resource);
}

// "B held RESERVED in its immediate transaction", for each holder, joined by "and".
std::string describeHolders(const std::vector<Holder>& holders, LockResource resource)
{
    std::string s;
    for (std::size_t i = 0; i < holders.size(); ++i) {
        const Holder& h = holders[i];
        if (i) s += i + 1 == holders.size() ? " and " : ", ";
        s += h.name + " held " + heldLock(resource, h.level);
        if (h.inTransaction) s += std::string(" in its ") + txModeName(h.mode) + " transaction";
        if (h.level == LockLevel::Pending) {
            const std::string word = upperWord(h.statement);
            s += (word == "COMMIT" || word == "END")
                     ? " (it is waiting to commit)"
                     : " (taken when its page cache spilled to the file mid-transaction)";
        } else if (h.waiting) {
            s += " while itself waiting for a lock";
        }
    }
    return s;
}

std::string waitedText(const ConnectionContext& c)
{
    if (c.blocked) {
        const BlockedWait& w = *c.blocked;
        const std::string timeout = "busy_timeout of " + std::to_string(w.timeoutMs) + " ms";
        if (!w.stillWaiting)
            return "the busy handler was called " + std::to_string(w.handlerCalls) +
                   " times and waited until " + c.name + "'s " + timeout + " ran out";
        if (w.waitedMs == 0)
            return "the busy handler was called, so " + c.name + " waits (busy_timeout " +
                   std::to_string(w.timeoutMs) + " ms) and the statement is tried again";
        return "the busy handler was called, so " + c.name +
               " waits and the statement is tried again: " + std::to_string(w.waitedMs) + " ms of its " +
               timeout + " so far";
    }
    if (c.handlerCalls == 0) return "SQLite did not call the busy handler at all";
    const auto ms = c.sleptUs / 1000;
    if (ms == 0) return "the busy handler was called but busy_timeout is 0, so it gave up at once";
    return "the busy handler waited " + std::to_string(ms) + " ms over " + std::to_string(c.handlerCalls) +
           " calls until busy_timeout ran out";
}

// Serializable isolation refused a COMMIT: the story of the two rw edges, from typed fields
// (DangerousStructure events) only.
Explanation dangerousStructure(std::uint32_t connection, const ConnectionContext& c,
                               const ExplainContext& ctx)
{
    const auto& s = c.structure;
    auto who = [&](std::uint64_t txId) {
        std::string name = "transaction " + std::to_string(txId);
        if (auto on = ctx.connectionOfTx(txId)) name += " (" + ctx.nameOf(on) + ")";
        return name;
    };
    auto key = [&](std::uint32_t table, std::int64_t k) {
        return ctx.tableName(table) + " key " + std::to_string(k);
    };
    const bool skew = s.in == s.out;
    Explanation e;
    e.what = ctx.nameOf(connection) + "'s COMMIT was refused: " + who(s.in) + " read " +
             key(s.inTable, s.inKey) + " and then " + who(s.pivot) + " wrote it; " + who(s.pivot) + " read " +
             key(s.outTable, s.outKey) + " and then " + who(s.out) + " wrote it" +
             (skew ? " — each wrote what the other had read (write skew)" : "") + ". T" +
             who(s.out).substr(1) + " committed first, so each of " + (skew ? "the two" : "the three") +
             " read a value another of them then replaced, and no serial order of them gives what they read.";
    e.rule =
        "Under PRAGMA isolation = 'serializable' the MVCC engine records what each transaction read and "
        "refuses the COMMIT that would complete two consecutive read-write dependencies among concurrent "
        "transactions whose last one committed first (a dangerous structure: Cahill's Serializable "
        "Snapshot Isolation); the one refused is whichever commits last. Snapshot isolation alone would "
        "have let all of them commit.";
    e.id = ExplainRule::MvccDangerousStructure;
    return e;
}

Explanation conflict(std::uint32_t connection, const ExplainContext& ctx)
{
    Explanation e;
    const std::string me = ctx.nameOf(connection);
    const ConnectionContext* c = ctx.connection(connection);
    if (c && c->doomedBeforeStatement) {
        e.what = me + "'s transaction hit a " +
                 (c->conflictSerialization ? std::string("serialization conflict at COMMIT")
                                           : std::string("write-write conflict")) +
                 " earlier, so the engine doomed it: its writes are already undone.";
        e.rule =
            "A doomed transaction accepts only ROLLBACK; TxScope refuses everything else so nothing runs in "
            "a transaction that can no longer commit (Turso instead rolls back silently and lets later "
            "statements run in autocommit).";
        e.id = ExplainRule::MvccDoomed;
        return e;
    }
    if (c && c->conflictSerialization && c->structure.refused) return dangerousStructure(connection, *c, ctx);
    // The Conflict event names the other transaction and which rule failed.
    std::string other = "another transaction";
    if (c && c->conflictWith != 0) {
        other = "transaction " + std::to_string(c->conflictWith);
        if (auto on = ctx.connectionOfTx(c->conflictWith)) other += " on " + ctx.nameOf(on);
    }
    const bool sameKey = c && c->conflictSameKeyInserted;
    if (sameKey) {
        e.what = me + " and " + other + " both inserted the same key; " + other + " committed first, so " +
                 me + "'s COMMIT failed.";
        e.rule = "Inserts are checked at COMMIT: the first committer wins (neither could see the other's "
                 "uncommitted row, so both INSERTs succeeded).";
    } else {
        e.what = me + " tried to change a row that " + other +
                 " had already changed (not yet committed, or committed after " + me + "'s snapshot).";
        e.rule = "Under snapshot isolation the first writer of a row wins and the second fails at once "
                 "(write-write conflict): letting it continue would lose the first writer's update.";
    }
    e.id = sameKey ? ExplainRule::MvccSameKeyInsert : ExplainRule::MvccWriteWrite;
    return e;
}

// Turso's schema conflict: DDL committed since a writing transaction's snapshot.
Explanation schemaConflict(std::uint32_t connection, const ExplainContext& ctx)
{
    Explanation e;
    const std::string me = ctx.nameOf(connection);
    e.what = me +
             "'s COMMIT failed; a schema change since your snapshot: rerun the transaction. Another "
             "connection created or dropped a table after " +
             me + "'s transaction began.";
    e.rule = "A transaction that wrote cannot commit across a CREATE or DROP committed after it began, "
             "whichever table it touched (Turso's schema conflict); its writes are undone. A read-only "
             "transaction still commits.";
    e.id = ExplainRule::MvccSchemaChanged;
    return e;
}

Explanation mvccBusy(const Error& error, std::uint32_t connection, const ExplainContext& ctx)
{
    Explanation e;
    const ConnectionContext* c = ctx.connection(connection);
    const std::string me = ctx.nameOf(connection);
    std::string holders;
    for (const auto& h : c ? c->holders : std::vector<Holder>{}) {
        if (!holders.empty()) holders += " and ";
        holders += h.name + "'s " + txModeName(h.mode) + " transaction";
        if (h.txId) holders += " (transaction " + std::to_string(h.txId) + ")";
    }
    if (holders.empty()) holders = "another transaction";
    if (error.kind == ErrorKind::BusySnapshot) {
        e.what = me +
                 "'s deferred transaction wanted to become the writer, but another transaction committed "
                 "after its snapshot.";
        e.rule =
            "A plain BEGIN reads like BEGIN CONCURRENT and takes the engine's exclusive slot at its first "
            "write; its reads came from a snapshot that is no longer the newest, so writing now could "
            "overwrite changes it never saw. Retrying the statement can never succeed.";
        e.id = ExplainRule::MvccStaleSnapshot;
        return e;
    }
    const std::string word = c ? upperWord(c->statement) : "";
    if (word == "COMMIT" || word == "END") {
        e.what = me + "'s concurrent transaction could not commit while " + holders +
                 " held the MVCC engine's exclusive slot.";
        e.rule =
            "An exclusive transaction (BEGIN IMMEDIATE/EXCLUSIVE, or a plain BEGIN that wrote) runs alone: "
            "concurrent commits wait until it ends. The transaction is still open.";
        e.id = ExplainRule::MvccCommitWaitsExclusive;
        return e;
    }
    e.what = me + " needed the MVCC engine's exclusive slot, but " + holders + " held it";
    e.what += c ? " (" + waitedText(*c) + ")." : ".";
    e.rule = "Only one exclusive transaction runs at a time: BEGIN IMMEDIATE/EXCLUSIVE, a plain BEGIN at its "
             "first write, and every autocommit write take the slot; it is also refused while a commit is "
             "being prepared.";
    e.id = ExplainRule::MvccExclusiveSlot;
    return e;
}

Explanation sqliteBusy(const Error& error, std::uint32_t connection, const ExplainContext& ctx,
                       JournalMode mode)
{
    Explanation e;
    const ConnectionContext* c = ctx.connection(connection);
    const std::string me = ctx.nameOf(connection);
    const std::string word = c ? upperWord(c->statement) : "";
    const bool wal = mode == JournalMode::Wal;
    const std::string holders = c && c->wait && !c->holders.empty()
                                    ? describeHolders(c->holders, c->wait->resource)
                                    : "another connection held a conflicting lock";

    if (error.extendedCode == rc::BusySnapshot) {
        e.what =
            me + "'s read transaction started before another connection committed; then it tried to write.";
        e.rule =
            "In WAL mode a transaction reads one fixed snapshot. To write it must hold the newest one; since "
            "another commit replaced it, SQLite returns SQLITE_BUSY_SNAPSHOT at once without calling the "
            "busy handler. Retrying the statement can never succeed: only a new transaction sees the new "
            "snapshot.";
        e.id = ExplainRule::WalStaleSnapshot;
        return e;
    }
    if (error.extendedCode == rc::BusyRecovery) {
        e.what = me + " found the WAL index being rebuilt by another connection.";
        e.rule = "After a crash or when the WAL index is stale, one connection recovers it holding every shm "
                 "lock; others get SQLITE_BUSY_RECOVERY and the busy handler is called.";
        e.id = ExplainRule::WalRecovery;
        return e;
    }
    if (word == "PRAGMA" && c && c->statement.find("journal_mode") != std::string::npos && wal) {
        // Checked on SQLite 3.40.1: leaving WAL fails at once whatever busy_timeout is, as soon
        // as any other connection has the database open in WAL mode, idle or not.
        e.what = me + " tried to leave WAL mode while " + holders +
                 ": a connection that has read a WAL database keeps SHARED on the database file for as "
                 "long as it stays open, even when idle.";
        e.rule = "Leaving WAL needs the database file's EXCLUSIVE lock; SQLite asks for it once, without "
                 "calling the busy handler, so it answers \"database is locked\" at once whatever "
                 "busy_timeout is.";
        e.id = ExplainRule::LeaveWalLocked;
        return e;
    }
    if (word == "PRAGMA" && c && c->statement.find("journal_mode") != std::string::npos) {
        e.what = me + " tried to change the journal mode while " + holders + ".";
        e.rule =
            "Switching to or from WAL needs an exclusive lock on the database file; with other connections "
            "reading it SQLite answers \"database is locked\".";
        e.id = ExplainRule::JournalModeLocked;
        return e;
    }
    if (!c || !c->wait) {
        e.what = me + " got SQLITE_BUSY: another connection held a lock it needed.";
        e.rule = "SQLite's locks let one writer and many readers share a database; a request that conflicts "
                 "with a held lock fails with SQLITE_BUSY once the busy handler gives up.";
        e.id = ExplainRule::BusyUnknownHolder;
        return e;
    }
    const LockResource res = c->wait->resource;
    const LockLevel wanted = c->wait->wanted;

    if (res == LockResource::DbFile && wanted == LockLevel::Reserved) {
        if (c->handlerCalls == 0 && c->ownLevel >= LockLevel::Shared) {
            e.what =
                me +
                " read in a deferred transaction (holding SHARED), then wanted RESERVED to write, while " +
                holders + ".";
            e.rule = "SQLite returned BUSY at once without calling the busy handler, because waiting could "
                     "deadlock: the other writer cannot commit until " +
                     me + " releases its SHARED lock, and " + me +
                     " would be waiting for that writer. Retrying the "
                     "statement cannot help while the transaction keeps its SHARED lock.";
            e.id = ExplainRule::DeferredUpgradeDeadlock;
            return e;
        }
        e.what = me + " wanted RESERVED to write while " + holders + "; " + waitedText(*c) + ".";
        e.rule = "Only one connection at a time may hold RESERVED (be the writer); others wait in the busy "
                 "handler "
                 "until busy_timeout runs out.";
        e.id = ExplainRule::OneWriterReserved;
        return e;
    }
    if (res == LockResource::DbFile && (wanted == LockLevel::Exclusive || wanted == LockLevel::Pending)) {
        const bool commit = word == "COMMIT" || word == "END";
        const bool autocommitWrite = !commit && !c->inTransaction;
        e.what = me + " needed EXCLUSIVE to write the database file, but " + holders + "; " + waitedText(*c) +
                 ". ";
        // Checked on SQLite 3.40.1: an explicit COMMIT (and a spilling transaction) keeps
        // PENDING, so new readers get BUSY; a failed autocommit write is rolled back and lets
        // every lock go, so the next reader gets in.
        if (autocommitWrite && c->blocked && c->blocked->stillWaiting)
            e.what.pop_back(); // still waiting: nothing was rolled back yet
        else if (autocommitWrite)
            e.what += "The statement was rolled back and " + me + " released its locks: new readers get in.";
        else
            e.what += me + " stays at PENDING, which stops new readers so the old ones can finish.";
        if (commit)
            e.rule = "COMMIT needs EXCLUSIVE, which waits until every SHARED lock is gone. The transaction "
                     "is still "
                     "open: COMMIT can be retried once the readers finish.";
        else if (autocommitWrite)
            e.rule = "An autocommit write commits at the end of its statement and needs EXCLUSIVE, which "
                     "waits for "
                     "every reader; when the busy handler gave up the statement was rolled back.";
        else
            e.rule =
                "The page cache filled up mid-statement and SQLite tried to spill it to the file, which "
                "needs "
                "EXCLUSIVE; the spill failed, and the connection keeps PENDING, blocking new readers until "
                "the transaction ends.";
        e.id = commit            ? ExplainRule::CommitWaitsReaders
               : autocommitWrite ? ExplainRule::AutocommitWaitsReaders
                                 : ExplainRule::SpillWaitsReaders;
        return e;
    }
    if (res == LockResource::DbFile && wanted == LockLevel::Shared) {
        e.what = me + " wanted to read (SHARED) while " + holders + "; " + waitedText(*c) + ".";
        e.rule =
            "A writer holding PENDING or EXCLUSIVE refuses new readers so that the readers it waits for can "
            "finish and it can commit.";
        e.id = ExplainRule::WriterRefusesReaders;
        return e;
    }
    if (res == LockResource::ShmWrite) {
        if (c->handlerCalls == 0 && c->inTransaction) {
            e.what = me + " had already read in its transaction and then wanted the WAL write lock, but " +
                     holders + ".";
            e.rule =
                "SQLite returns BUSY at once here without calling the busy handler: by the time the other "
                "writer commits, this transaction's snapshot would be stale (SQLITE_BUSY_SNAPSHOT), so "
                "waiting cannot help.";
            e.id = ExplainRule::WalReadThenWrite;
            return e;
        }
        e.what = me + " wanted the WAL write lock, but " + holders + "; " + waitedText(*c) + ".";
        e.rule =
            "WAL allows one writer at a time (the WRITE lock); readers are never blocked, but writers queue.";
        e.id = ExplainRule::WalOneWriter;
        return e;
    }
    if (res == LockResource::ShmCheckpoint || (wal && word == "PRAGMA")) {
        e.what =
            me + "'s checkpoint could not run to completion while " + holders + "; " + waitedText(*c) + ".";
        e.rule =
            "A checkpoint copies the WAL back into the database; it cannot overwrite pages a reader's "
            "snapshot still needs, nor run beside another checkpoint. PASSIVE stops early; FULL, RESTART and "
            "TRUNCATE wait or return busy=1.";
        e.id = ExplainRule::CheckpointBlocked;
        return e;
    }
    e.what = me + " wanted " + level(wanted) + " on " + lockResourceName(res) + " while " + holders + "; " +
             waitedText(*c) + ".";
    e.rule = "The request conflicted with a lock another connection held.";
    e.id = ExplainRule::OtherLock;
    return e;
}

} // namespace

std::string Explanation::why() const
{
    if (empty()) return {};
    return what + " " + rule;
}

namespace {

Explanation explainByKind(const Error& error, std::uint32_t connection, const ExplainContext& context,
                          JournalMode mode)
{
    if (error.kind == ErrorKind::Conflict) return conflict(connection, context);
    if (error.kind == ErrorKind::Schema && mode == JournalMode::Mvcc)
        return schemaConflict(connection, context);
    if (error.kind == ErrorKind::Busy || error.kind == ErrorKind::BusySnapshot)
        return mode == JournalMode::Mvcc ? mvccBusy(error, connection, context)
                                         : sqliteBusy(error, connection, context, mode);
    return {};
}

} // namespace

Explanation explainError(const Error& error, std::uint32_t connection, const ExplainContext& context,
                         JournalMode mode)
{
    Explanation e = explainByKind(error, connection, context, mode);
    // The fix is the rule's: one place says it, for the explainer and every view of the log.
    e.fix = explainRuleFix(e.id);
    // Who stood in the way, as frozen at the Busy event (ExplainContext::snapshotHolders).
    // A stale snapshot is nobody's lock, so it has no holder.
    const ConnectionContext* c = context.connection(connection);
    if (!e.empty() && c && c->wait && !c->holders.empty() && e.id != ExplainRule::WalStaleSnapshot &&
        e.id != ExplainRule::MvccStaleSnapshot) {
        e.holder = c->holders.front().connection;
        e.heldResource = c->wait->resource;
        e.heldLevel = c->holders.front().level;
    }
    return e;
}

Explainer::Explainer(JournalMode mode, std::shared_ptr<TraceLog> trace)
    : mode_(mode), trace_(std::move(trace))
{}

std::string Explainer::explain(const Error& error, std::uint32_t connection, const BlockedWait* blocked)
{
    return explainTyped(error, connection, blocked).why();
}

bool explainable(const Error& error, JournalMode mode)
{
    return error.kind == ErrorKind::Conflict || error.kind == ErrorKind::Busy ||
           error.kind == ErrorKind::BusySnapshot ||
           (error.kind == ErrorKind::Schema && mode == JournalMode::Mvcc);
}

Error errorOfStatementEnd(const Event& e)
{
    Error error;
    // detail is an ErrorKind when a != 0 (Event.h); a number this build does not know is Other.
    error.kind = e.detail <= static_cast<std::uint16_t>(ErrorKind::Other) ? static_cast<ErrorKind>(e.detail)
                                                                          : ErrorKind::Other;
    error.extendedCode = static_cast<int>(e.a);
    error.code = error.extendedCode & 0xFF;
    return error;
}

Explanation Explainer::explainTyped(const Error& error, std::uint32_t connection, const BlockedWait* blocked)
{
    if (!explainable(error, mode_)) return {};
    std::lock_guard lock(mutex_);
    readLocked();
    if (!blocked) return explainError(error, connection, context_, mode_);
    ExplainContext context = context_; // the wait belongs to this explanation only
    context.setBlocked(connection, *blocked);
    return explainError(error, connection, context, mode_);
}

namespace {

// A StatementEnd's typed fields without its text: what a deferred sink is told of its error.
Event headOf(const Event& e)
{
    Event head;
    head.seq = e.seq;
    head.timeNs = e.timeNs;
    head.connection = e.connection;
    head.table = e.table;
    head.txId = e.txId;
    head.rowid = e.rowid;
    head.a = e.a;
    head.b = e.b;
    head.kind = e.kind;
    head.detail = e.detail;
    return head;
}

} // namespace

std::shared_ptr<const WrittenExplanation> Explainer::writtenLocked(const Error& error,
                                                                   std::uint32_t connection)
{
    const auto write = [&] {
        auto w = std::make_shared<WrittenExplanation>();
        w->explanation = explainError(error, connection, context_, mode_);
        w->why = w->explanation.why();
        return w;
    };
    // Only Busy explanations are shared: the others name transactions and keys that differ
    // from one error to the next.
    const ConnectionContext* c = context_.connection(connection);
    if (!c || (error.kind != ErrorKind::Busy && error.kind != ErrorKind::BusySnapshot)) return write();
    Memo& memo = memo_[connection];
    if (memo.written && memo.kind == error.kind && memo.extendedCode == error.extendedCode &&
        sameBusyFacts(memo.facts, *c))
        return memo.written;
    memo.kind = error.kind;
    memo.extendedCode = error.extendedCode;
    memo.facts = *c;
    memo.written = write();
    return memo.written;
}

void Explainer::readLocked()
{
    if (!trace_) return;
    lastReadNs_.store(trace_->now(), std::memory_order_relaxed);
    // Read where the events lie, not copied: a workers run reads ~12 events an error and keeps
    // none of them. The sink appends to the log, which it must not do during the visit, so the
    // batch's explanations wait in pending_ (reused: it keeps its capacity) until it is over.
    pending_.clear();
    const auto visit = [this](const Event& e, std::string_view text) {
        context_.apply(e, text);
        // The error's connection has done nothing since its StatementEnd, so its context is that
        // of the error's moment, whatever other connections did meanwhile.
        if (!deferredSink_ || e.kind != EventKind::StatementEnd || e.a == 0 || e.seq < deferFrom_) return;
        Error error = errorOfStatementEnd(e);
        if (!explainable(error, mode_)) return;
        pending_.push_back({writtenLocked(error, e.connection), error, headOf(e)});
    };
    // Only the kinds the context reads: the rest (its own Explanation events among them) are
    // passed over undecoded.
    nextSeq_ = trace_->visitFieldsSince(nextSeq_, visit, nullptr, ExplainContext::kKindsRead);
    for (PendingExplanation& p : pending_) {
        deferredSink_(*p.explanation, p.error, p.statementEnd);
        lastDeferred_[p.statementEnd.connection] = std::move(p.explanation); // for catchUpToNow()
    }
    readUpTo_.store(nextSeq_, std::memory_order_relaxed);
}

void Explainer::deferErrors(std::uint64_t fromSeq, DeferredSink sink)
{
    std::lock_guard lock(mutex_);
    deferFrom_ = fromSeq;
    deferredSink_ = std::move(sink);
}

void Explainer::stopDeferring()
{
    std::lock_guard lock(mutex_);
    deferredSink_ = nullptr;
    lastDeferred_.clear();
}

void Explainer::catchUp(bool wait)
{
    std::unique_lock lock(mutex_, std::defer_lock);
    if (wait)
        lock.lock();
    else if (!lock.try_lock())
        return; // the reader explains what this thread would have
    readLocked();
}

std::optional<Explanation> Explainer::catchUpToNow(std::uint32_t connection)
{
    if (!trace_) return std::nullopt;
    const std::uint64_t target = trace_->appendedCount();
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            readLocked();
            // Dropped meanwhile counts as read: readSince() starts past what the log let go.
            if (nextSeq_ >= target) {
                // The caller has run nothing since its error, so its latest deferred error is
                // that one, whichever thread's read explained it.
                auto it = lastDeferred_.find(connection);
                if (it == lastDeferred_.end()) return std::nullopt;
                return it->second->explanation;
            }
        }
        // Another thread has taken a seq below target and not yet published its event.
        std::this_thread::yield();
    }
}

bool Explainer::behind(std::uint64_t lagEvents, std::chrono::nanoseconds lagTime) const
{
    if (!trace_) return false;
    const std::uint64_t read = readUpTo_.load(std::memory_order_relaxed);
    if (trace_->appendedCount() >= read + lagEvents) return true;
    return trace_->now() - lastReadNs_.load(std::memory_order_relaxed) >= lagTime.count();
}

} // namespace txs
