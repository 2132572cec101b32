#include "LocksCommand.h"

#include "ExitCode.h"
#include "Json.h"
#include "StopOnSignal.h"
#include "engine/record/ProcLocks.h"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>

namespace txs::cli {

namespace {

std::string lockName(LockResource r, LockLevel l)
{
    return std::string(lockResourceName(r)) + " " + lockLevelName(l);
}

Json snapshotJson(const record::DatabaseLocks& d, std::int64_t ms)
{
    Json processes = Json::array();
    for (const auto& p : d.processes) {
        Json wal = Json::array(), waiting = Json::array();
        for (const auto& [r, l] : p.wal)
            wal.push_back({{"lock", lockResourceName(r)}, {"level", lockLevelName(l)}});
        for (const auto& [r, l] : p.waiting)
            waiting.push_back({{"lock", lockResourceName(r)}, {"level", lockLevelName(l)}});
        processes.push_back({{"pid", p.pid},
                             {"command", jsonText(p.command)},
                             {"database_lock", lockLevelName(p.database)},
                             {"wal_locks", std::move(wal)},
                             {"waiting", std::move(waiting)},
                             {"has_open", p.opened}});
    }
    Json index = nullptr;
    if (d.index) {
        Json marks = Json::array();
        for (const auto& m : d.index->readMarks)
            marks.push_back(m ? Json(*m) : Json(nullptr));
        index = {{"frames", d.index->mxFrame},
                 {"backfilled", d.index->nBackfill},
                 {"page_size", d.index->pageSize},
                 {"read_marks", std::move(marks)}};
    }
    return {{"time_ms", ms},
            {"database", jsonText(d.database)},
            {"wal_bytes", d.walBytes},
            {"wal_index", std::move(index)},
            {"wal_index_error", jsonText(d.indexError)},
            {"processes", std::move(processes)}};
}

std::string snapshotText(const record::DatabaseLocks& d, std::int64_t ms, bool watching)
{
    std::string t;
    if (watching) t += "-- " + std::to_string(ms) + " ms\n";
    if (d.processes.empty()) t += "no process holds a lock on " + d.database + "\n";
    for (const auto& p : d.processes) {
        t += "pid " + std::to_string(p.pid) + " (" + (p.command.empty() ? "?" : p.command) +
             "): " + lockLevelName(p.database);
        for (const auto& [r, l] : p.wal)
            t += ", " + lockName(r, l);
        for (const auto& [r, l] : p.waiting)
            t += ", waiting for " + lockName(r, l);
        if (!p.opened && p.database == LockLevel::None && p.wal.empty()) t += " (only its locks are visible)";
        t += "\n";
    }
    if (d.walBytes >= 0) t += "WAL: " + std::to_string(d.walBytes) + " bytes";
    if (d.index) {
        t += ", " + std::to_string(d.index->mxFrame) + " frames, " + std::to_string(d.index->nBackfill) +
             " backfilled; read marks:";
        for (std::size_t i = 0; i < d.index->readMarks.size(); ++i)
            if (d.index->readMarks[i])
                t += " READ" + std::to_string(i) + "=" + std::to_string(*d.index->readMarks[i]);
    } else if (!d.indexError.empty()) {
        t += "; WAL index unreadable: " + d.indexError;
    }
    if (d.walBytes >= 0) t += "\n";
    return t;
}

} // namespace

int locksCommand(const LocksCommandOptions& o)
{
    const auto start = std::chrono::steady_clock::now();
    auto sample = [&](bool watching) -> bool {
        const auto d = record::databaseLocks(o.database, record::readProcLocks(), true);
        if (!d.error.empty()) {
            std::fprintf(stderr, "txscope-cli locks: %s\n", d.error.c_str());
            return false;
        }
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
                .count();
        const std::string out =
            o.json ? (watching ? snapshotJson(d, ms).dump() + "\n" : dumpJson(snapshotJson(d, ms)))
                   : snapshotText(d, ms, watching);
        std::fputs(out.c_str(), stdout);
        std::fflush(stdout);
        return true;
    };
    if (!o.watchMs) return sample(false) ? ExitOk : ExitBadInput;

    // --watch: one sample every MS until Ctrl-C (one JSON object a line with --json).
    std::mutex mutex;
    std::condition_variable wake;
    bool stop = false;
    StopOnSignal signals([&] {
        std::lock_guard lock(mutex);
        stop = true;
        wake.notify_all();
    });
    for (;;) {
        if (!sample(true)) return ExitBadInput;
        std::unique_lock lock(mutex);
        if (wake.wait_for(lock, std::chrono::milliseconds(*o.watchMs), [&] { return stop; })) break;
    }
    return ExitOk;
}

} // namespace txs::cli
