#include "engine/record/Recording.h"

#include "engine/api/Error.h"
#include "engine/explain/ExplainContext.h"
#include "engine/explain/Explainer.h"
#include "engine/explain/ExplanationEvent.h"
#include "engine/record/LockBytes.h"
#include "engine/record/WalGauges.h"
#include "engine/sqlutil/SqlScanner.h"

#include <algorithm>
#include <cerrno>
#include <fnmatch.h>
#include <map>
#include <set>
#include <tuple>

namespace txs::record {

namespace {

struct ProcessInfo
{
    RecordedProcess info;
    std::uint64_t maxSeq = 0, records = 0;
    bool seen = false;
};

// A process's locks on one database (its file and its -shm), and which lane drew each.
struct FileState
{
    DbFileLocks db;
    ShmLocks shm;
    std::uint32_t dbOwner = 0;
    LockLevel dbDrawn = LockLevel::None;
    std::array<std::uint32_t, kShmSlots> shmOwner{};
    std::array<LockLevel, kShmSlots> shmDrawn{};
};

struct StatementState
{
    bool open = false;
    std::uint64_t stmt = 0;
    std::string sql;
    int handlerCalls = 0;
};

struct LaneState
{
    bool autocommit = true;
    StatementState statement;
    std::string database;
};

std::string baseName(const std::string& path)
{
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// "python3 app.py --port 80": each word that is a path by its file name, cut at 40 characters.
std::string shortCommand(const std::string& command)
{
    constexpr std::size_t kMax = 40;
    std::string s;
    std::size_t at = 0;
    while (at <= command.size()) {
        auto space = command.find(' ', at);
        if (space == std::string::npos) space = command.size();
        if (!s.empty()) s += ' ';
        s += baseName(command.substr(at, space - at));
        at = space + 1;
    }
    return s.size() <= kMax ? s : s.substr(0, kMax - 3) + "...";
}

ErrorKind kindOfCode(int code)
{
    if (code == rc::BusySnapshot) return ErrorKind::BusySnapshot;
    if ((code & 0xff) == rc::Busy) return ErrorKind::Busy;
    if ((code & 0xff) == rc::Constraint) return ErrorKind::Constraint;
    if ((code & 0xff) == rc::Misuse) return ErrorKind::Misuse;
    return ErrorKind::Other;
}

bool isError(int code)
{
    return code != 0 && code != 100 && code != 101;
}

class Builder
{
public:
    Builder(const ProbeFiles& files, const RecordingOptions& options) : files_(files), options_(options) {}

    Recording build()
    {
        std::vector<const ProbeRecord*> order;
        order.reserve(files_.records.size());
        for (const auto& r : files_.records)
            order.push_back(&r);
        // One clock for every process. Within a process, ties keep the write order (seq).
        std::stable_sort(order.begin(), order.end(), [](const ProbeRecord* x, const ProbeRecord* y) {
            return std::tie(x->time_ns, x->pid, x->seq) < std::tie(y->time_ns, y->pid, y->seq);
        });
        if (!order.empty()) origin_ = order.front()->time_ns;
        // A process's HELLO is written at its first event but timed after it: know every
        // command before naming lanes.
        for (const ProbeRecord* r : order)
            if (r->op == TXP_HELLO) {
                processes_[r->pid].info.command = recordText(*r);
                processes_[r->pid].info.parentPid = static_cast<int>(r->a);
            }
        for (const ProbeRecord* r : order)
            apply(*r);
        return finish();
    }

private:
    // ns since the first record, from 1: a replay's TraceLog::append stamps an event at time 0
    // with its own clock.
    std::int64_t rel(std::int64_t t) const { return std::max<std::int64_t>(1, t - origin_ + 1); }

    void add(Event e) { events_.push_back(std::move(e)); }

    Event event(EventKind kind, std::uint32_t lane, std::int64_t time, std::int64_t a = 0, std::int64_t b = 0)
    {
        Event e;
        e.kind = kind;
        e.connection = lane;
        e.timeNs = rel(time);
        e.a = a;
        e.b = b;
        return e;
    }

    bool wanted(const std::string& database) const
    {
        if (options_.onlyGlob.empty()) return true;
        const char* glob = options_.onlyGlob.c_str();
        return fnmatch(glob, database.c_str(), 0) == 0 || fnmatch(glob, baseName(database).c_str(), 0) == 0;
    }

    std::string processName(int pid)
    {
        const auto& p = processes_[pid].info;
        return "pid " + std::to_string(pid) + " (" + shortCommand(p.command.empty() ? "?" : p.command) + ")";
    }

    // A lane of process `pid`: a connection (tier 2) or the process's descriptors on a file.
    std::uint32_t newLane(std::int64_t time, const std::string& name, int pid, bool connection)
    {
        const auto lane = ++lanes_;
        Event e = event(EventKind::ConnectionOpen, lane, time, pid, connection ? 2 : 1);
        e.text = name;
        add(std::move(e));
        return lane;
    }

    // The lane of a lock call: the connection the thread was inside, else the process's lane
    // for that database.
    std::uint32_t laneOf(const ProbeRecord& r, const std::string& database)
    {
        if (r.conn) {
            const auto key = std::make_pair(r.pid, r.conn);
            auto it = connLanes_.find(key);
            if (it != connLanes_.end()) return it->second;
            // A connection opened before its open call was seen (sqlite3_open inside another).
            const auto lane =
                newLane(r.time_ns, processName(r.pid) + " connection " + std::to_string(++connCount_[r.pid]),
                        r.pid, true);
            connLanes_[key] = lane;
            laneState_[lane].database = database;
            return lane;
        }
        const auto key = std::make_pair(r.pid, database);
        auto it = processLanes_.find(key);
        if (it != processLanes_.end()) return it->second;
        const auto lane = newLane(r.time_ns, processName(r.pid) + " " + baseName(database), r.pid, false);
        processLanes_[key] = lane;
        laneState_[lane].database = database;
        return lane;
    }

    void apply(const ProbeRecord& r)
    {
        auto& p = processes_[r.pid];
        if (!p.seen) {
            p.seen = true;
            p.info.pid = r.pid;
            processOrder_.push_back(r.pid);
            Event start = event(EventKind::ProcessStart, 0, r.time_ns, r.pid, p.info.parentPid);
            start.text = p.info.command;
            add(std::move(start));
        }
        ++p.records;
        p.maxSeq = std::max(p.maxSeq, r.seq);
        p.info.dropped = std::max(p.info.dropped, r.dropped);
        switch (r.op) {
        case TXP_HELLO:
            p.info.command = recordText(r);
            p.info.parentPid = static_cast<int>(r.a);
            break;
        case TXP_FILE:
            files[{r.pid, r.fd}] = {r.file_kind, recordText(r)};
            if (r.file_kind == TXP_KIND_WAL || r.file_kind == TXP_KIND_SHM)
                walDatabases_.insert(databaseOf(recordText(r)));
            break;
        case TXP_DUP: {
            auto it = files.find({r.pid, r.fd});
            if (it != files.end()) files[{r.pid, static_cast<int>(r.a)}] = it->second;
            break;
        }
        case TXP_CLOSE:
            closed(r);
            break;
        case TXP_LOCK:
            lock(r);
            break;
        case TXP_OPEN_DB:
            openDb(r);
            break;
        case TXP_CLOSE_DB:
            if (auto lane = existingConn(r)) {
                if (r.result == 0) {
                    add(event(EventKind::ConnectionClose, lane, r.time_ns));
                    connLanes_.erase({r.pid, r.conn});
                }
            }
            break;
        case TXP_PREPARE:
            if (r.stmt) statements_[{r.pid, r.stmt}] = recordText(r);
            if (isError(r.result)) statement(r); // e.g. BUSY while reading the schema
            break;
        case TXP_STEP:
        case TXP_EXEC:
            statement(r);
            break;
        case TXP_FINALIZE:
            statements_.erase({r.pid, r.stmt});
            break;
        case TXP_SLEEP:
            if (auto lane = existingConn(r)) {
                auto& st = laneState_[lane].statement;
                // Emitted before the sleep, as the engines do: the record is written after it.
                add(event(EventKind::BusyHandlerCall, lane, r.time_ns - r.a * 1000, st.handlerCalls++, r.a));
            }
            break;
        case TXP_BUSY_CALL:
            if (auto lane = existingConn(r)) {
                Event e = event(EventKind::BusyHandlerCall, lane, r.time_ns, r.a, 0);
                e.detail = r.b == 0 ? 1 : 0;
                laneState_[lane].statement.handlerCalls++;
                add(std::move(e));
            }
            break;
        default:
            break;
        }
    }

    static std::string databaseOf(const std::string& path)
    {
        for (const char* suffix : {"-shm", "-wal", "-journal"})
            if (path.ends_with(suffix)) return path.substr(0, path.size() - std::string(suffix).size());
        return path;
    }

    std::uint32_t existingConn(const ProbeRecord& r)
    {
        if (!r.conn || ignoredConns_.count({r.pid, r.conn})) return 0;
        auto it = connLanes_.find({r.pid, r.conn});
        if (it != connLanes_.end()) return it->second;
        return laneOf(r, "");
    }

    void openDb(const ProbeRecord& r)
    {
        if (r.result != 0 || !r.conn) return;
        if (!wanted(recordText(r))) {
            ignoredConns_.insert({r.pid, r.conn});
            return;
        }
        ignoredConns_.erase({r.pid, r.conn}); // a pointer reused by a later connection
        tier2_ = true;
        const std::string name = processName(r.pid) + " connection " + std::to_string(++connCount_[r.pid]);
        const auto lane = newLane(r.time_ns, name, r.pid, true);
        connLanes_[{r.pid, r.conn}] = lane;
        laneState_[lane].database = recordText(r);
    }

    // Draws the process's new level of `resource` on `lane`.
    void draw(std::uint32_t lane, std::uint32_t& owner, LockLevel& drawn, LockResource resource,
              LockLevel now, std::int64_t time)
    {
        if (owner && owner != lane && drawn != LockLevel::None) {
            add(event(EventKind::LockRelease, owner, time, static_cast<std::int64_t>(resource), 0));
            drawn = LockLevel::None;
        }
        owner = lane;
        if (now == drawn) return;
        const auto kind = now > drawn ? EventKind::LockAcquire : EventKind::LockRelease;
        add(event(kind, lane, time, static_cast<std::int64_t>(resource), static_cast<std::int64_t>(now)));
        ++lockEvents_;
        drawn = now;
    }

    void lock(const ProbeRecord& r)
    {
        auto file = files.find({r.pid, r.fd});
        if (file == files.end()) return;
        const std::string database = databaseOf(file->second.second);
        if (!wanted(database)) return;
        if ((r.cmd & 3) == TXP_GETLK) return; // a question, not a change
        const auto lane = laneOf(r, database);
        auto& state = fileStates_[{r.pid, database}];
        const auto type = static_cast<ByteLock>(r.lock_type);
        const ByteRange range{r.start, r.len};
        const bool shm = file->second.first == TXP_KIND_SHM;
        if (r.result < 0) {
            if (r.err != EAGAIN && r.err != EACCES && r.err != EINTR) return;
            // Refused: the connection wants a lock another process holds.
            if (shm) {
                const unsigned slots = shmSlotsOf(range);
                for (int i = 0; i < kShmSlots; ++i)
                    if (slots & (1u << i)) {
                        add(event(EventKind::LockWait, lane, r.time_ns,
                                  static_cast<std::int64_t>(shmSlotResource(i)),
                                  static_cast<std::int64_t>(shmLevel(type))));
                        ++lockEvents_;
                        break;
                    }
            } else if (auto level = wantedDbLevel(type, range)) {
                add(event(EventKind::LockWait, lane, r.time_ns,
                          static_cast<std::int64_t>(LockResource::DbFile),
                          static_cast<std::int64_t>(*level)));
                ++lockEvents_;
            }
            return;
        }
        if (shm) {
            const unsigned slots = shmSlotsOf(range);
            if (r.waited_ns >= 1000000 && slots) // F_SETLKW that really waited
                for (int i = 0; i < kShmSlots; ++i)
                    if (slots & (1u << i)) {
                        add(event(EventKind::LockWait, lane, r.a,
                                  static_cast<std::int64_t>(shmSlotResource(i)),
                                  static_cast<std::int64_t>(shmLevel(type))));
                        break;
                    }
            state.shm.apply(type, range);
            for (int i = 0; i < kShmSlots; ++i)
                if (slots & (1u << i))
                    draw(lane, state.shmOwner[static_cast<std::size_t>(i)],
                         state.shmDrawn[static_cast<std::size_t>(i)], shmSlotResource(i),
                         shmLevel(state.shm.slot(i)), r.time_ns);
            return;
        }
        if (r.waited_ns >= 1000000)
            if (auto level = wantedDbLevel(type, range))
                add(event(EventKind::LockWait, lane, r.a, static_cast<std::int64_t>(LockResource::DbFile),
                          static_cast<std::int64_t>(*level)));
        state.db.apply(type, range);
        // EXCLUSIVE -> SHARED reads the SHARED range first and drops PENDING after: the instant
        // between is no PENDING the connection asked for, so it is not drawn.
        if (state.dbDrawn == LockLevel::Exclusive && state.db.level() == LockLevel::Pending &&
            type == ByteLock::Read)
            return;
        draw(lane, state.dbOwner, state.dbDrawn, LockResource::DbFile, state.db.level(), r.time_ns);
    }

    // Closing any descriptor on a file drops every POSIX lock the process holds on it.
    void closed(const ProbeRecord& r)
    {
        auto file = files.find({r.pid, r.fd});
        if (file == files.end()) return;
        const std::string database = databaseOf(file->second.second);
        const bool shm = file->second.first == TXP_KIND_SHM;
        files.erase(file);
        if (r.result < 0 || !wanted(database)) return;
        auto it = fileStates_.find({r.pid, database});
        if (it == fileStates_.end()) return;
        auto& state = it->second;
        if (shm) {
            state.shm.clear();
            for (int i = 0; i < kShmSlots; ++i) {
                auto& owner = state.shmOwner[static_cast<std::size_t>(i)];
                if (owner)
                    draw(owner, owner, state.shmDrawn[static_cast<std::size_t>(i)], shmSlotResource(i),
                         LockLevel::None, r.time_ns);
            }
        } else {
            state.db.clear();
            if (state.dbOwner)
                draw(state.dbOwner, state.dbOwner, state.dbDrawn, LockResource::DbFile, LockLevel::None,
                     r.time_ns);
        }
    }

    void statement(const ProbeRecord& r)
    {
        if (!r.conn) return;
        const auto lane = existingConn(r);
        auto& lane_ = laneState_[lane];
        if (!lane) return;
        tier2_ = true;
        auto& st = lane_.statement;
        const std::string sql = r.op == TXP_STEP ? statementSql(r) : recordText(r);
        const bool sameExecution = st.open && r.op == TXP_STEP && st.stmt == r.stmt;
        if (st.open && !sameExecution) endStatement(lane, 0, r.a, false); // reset without running to the end
        if (!sameExecution) {
            st = StatementState{true, r.stmt, sql, 0};
            Event b = event(EventKind::StatementBegin, lane, r.a);
            b.text = sql;
            add(std::move(b));
        }
        const bool nowAutocommit = r.b != 0;
        if (lane_.autocommit && !nowAutocommit) {
            const auto info = sqlutil::classify(st.sql);
            const TxMode mode =
                info.kind == sqlutil::StatementKind::Begin ? info.beginMode : TxMode::Deferred;
            Event begin = event(EventKind::TxBegin, lane, r.a, static_cast<std::int64_t>(mode));
            begin.txId = ++txCount_;
            add(std::move(begin));
        }
        if (r.result == 100) { // a row: the statement goes on
            lane_.autocommit = nowAutocommit;
            return;
        }
        endStatement(lane, r.result, r.time_ns, true);
        if (!lane_.autocommit && nowAutocommit) {
            const auto info = sqlutil::classify(st.sql);
            if (info.kind == sqlutil::StatementKind::Commit && !isError(r.result)) {
                add(event(EventKind::TxCommit, lane, r.time_ns));
            } else {
                const auto reason = info.kind == sqlutil::StatementKind::Rollback ? RollbackReason::User
                                    : (r.result & 0xff) == rc::Busy               ? RollbackReason::Busy
                                                                    : RollbackReason::StatementError;
                add(event(EventKind::TxRollback, lane, r.time_ns, static_cast<std::int64_t>(reason)));
            }
        }
        lane_.autocommit = nowAutocommit;
    }

    std::string statementSql(const ProbeRecord& r)
    {
        auto it = statements_.find({r.pid, r.stmt});
        return it == statements_.end() ? std::string() : it->second;
    }

    void endStatement(std::uint32_t lane, int code, std::int64_t time, bool known)
    {
        auto& st = laneState_[lane].statement;
        if (!st.open) return;
        st.open = false;
        const int result = code == 100 || code == 101 ? 0 : code;
        if (isError(result)) {
            Error error;
            error.kind = kindOfCode(result);
            error.code = result & 0xff;
            error.extendedCode = result;
            if (error.kind == ErrorKind::Busy || error.kind == ErrorKind::BusySnapshot) {
                Event busy = event(EventKind::Busy, lane, time, result);
                busy.detail = kindDetail(error);
                add(std::move(busy));
            }
            if (error.kind == ErrorKind::BusySnapshot)
                ++busySnapshot_;
            else if (error.kind == ErrorKind::Busy)
                ++busy_;
            else
                ++other_;
            Event end = event(EventKind::StatementEnd, lane, time, result);
            end.detail = kindDetail(error);
            add(std::move(end));
        } else {
            // `known` false: the program reset the statement before its end (result unknown, no error).
            (void)known;
            add(event(EventKind::StatementEnd, lane, time, 0));
        }
    }

    Recording finish()
    {
        Recording out;
        for (auto& e : walGaugeEvents(options_.walSamples, [this](std::int64_t t) { return rel(t); }))
            add(std::move(e));
        if (options_.exitStatus) {
            std::int64_t last = 1;
            for (const auto& e : events_)
                last = std::max(last, e.timeNs);
            Event end;
            end.kind = EventKind::RunEnd;
            end.timeNs = last;
            end.a = *options_.exitStatus;
            end.detail = 1;
            add(std::move(end));
        }
        // Ties on time keep the order of creation (a Busy before its StatementEnd).
        std::stable_sort(events_.begin(), events_.end(),
                         [](const Event& x, const Event& y) { return x.timeNs < y.timeNs; });
        // Transaction ids in time order: a lock record can be read before the step record that
        // began the transaction it belongs to.
        std::map<std::uint32_t, std::uint64_t> openTx;
        for (auto& e : events_) {
            if (e.kind == EventKind::TxBegin) openTx[e.connection] = e.txId;
            e.txId = openTx[e.connection];
            if (e.kind == EventKind::TxCommit || e.kind == EventKind::TxRollback ||
                e.kind == EventKind::ConnectionClose)
                openTx[e.connection] = 0;
        }
        // The explainer, fed the merged events in order, explains every error where it happens.
        ExplainContext context;
        std::vector<Event> withExplanations;
        withExplanations.reserve(events_.size());
        for (auto& e : events_) {
            e.seq = withExplanations.size();
            context.apply(e);
            withExplanations.push_back(e);
            if (e.kind != EventKind::StatementEnd || !isError(static_cast<int>(e.a))) continue;
            Error error;
            error.kind = errorKindOfDetail(e.detail);
            error.code = static_cast<int>(e.a) & 0xff;
            error.extendedCode = static_cast<int>(e.a);
            if (error.kind != ErrorKind::Busy && error.kind != ErrorKind::BusySnapshot) continue;
            const auto mode =
                walDatabases_.count(databaseOfLane(e.connection)) ? JournalMode::Wal : JournalMode::Delete;
            const Explanation x = explainError(error, e.connection, context, mode);
            Event ex = explanationEvent(x, error, e.connection, false);
            ex.timeNs = e.timeNs;
            ex.seq = withExplanations.size();
            context.apply(ex);
            withExplanations.push_back(std::move(ex));
        }
        out.session.workloadFile = options_.command;
        out.session.journalMode = walDatabases_.empty() ? "delete" : "wal";
        out.session.events = std::move(withExplanations);
        for (int pid : processOrder_) {
            auto& p = processes_[pid];
            // Records the probe counted as dropped, plus any missing from its sequence.
            const std::uint64_t lost = p.maxSeq + 1 > p.records ? p.maxSeq + 1 - p.records : 0;
            p.info.dropped += lost;
            out.droppedEvents += p.info.dropped;
            out.processes.push_back(p.info);
        }
        out.droppedEvents += files_.invalid + files_.torn;
        out.connections = lanes_;
        out.lockEvents = lockEvents_;
        out.busy = busy_;
        out.busySnapshot = busySnapshot_;
        out.otherErrors = other_;
        out.tier2 = tier2_;
        out.walDatabases.assign(walDatabases_.begin(), walDatabases_.end());
        return out;
    }

    std::string databaseOfLane(std::uint32_t lane)
    {
        const std::string& db = laneState_[lane].database;
        // A tier-2 lane knows the name it was opened with; a WAL database is known by its path.
        for (const auto& wal : walDatabases_)
            if (wal == db || baseName(wal) == baseName(db)) return wal;
        return db;
    }

    const ProbeFiles& files_;
    const RecordingOptions& options_;
    std::int64_t origin_ = 0;
    std::vector<Event> events_;
    std::map<int, ProcessInfo> processes_;
    std::vector<int> processOrder_;
    std::map<std::pair<int, int>, std::pair<int, std::string>> files; // (pid, fd) -> kind, path
    std::set<std::string> walDatabases_;
    std::map<std::pair<int, std::uint64_t>, std::uint32_t> connLanes_;
    std::set<std::pair<int, std::uint64_t>> ignoredConns_; // opened on a database --only leaves out
    std::map<std::pair<int, std::string>, std::uint32_t> processLanes_;
    std::map<std::pair<int, std::string>, FileState> fileStates_;
    std::map<std::pair<int, std::uint64_t>, std::string> statements_;
    std::map<std::uint32_t, LaneState> laneState_;
    std::map<int, int> connCount_;
    std::uint32_t lanes_ = 0;
    std::uint64_t txCount_ = 0, lockEvents_ = 0, busy_ = 0, busySnapshot_ = 0, other_ = 0;
    bool tier2_ = false;
};

} // namespace

Recording buildRecording(const ProbeFiles& files, const RecordingOptions& options)
{
    return Builder(files, options).build();
}

} // namespace txs::record
