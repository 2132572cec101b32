// Recovery at open: the log's frames newer than the checkpoint replayed into the store, the log
// streamed through a fixed window (LogWindow), so memory does not grow with the log; what is not
// replayed (a torn tail, accepted damage) is saved beside the log and cut off it.

#include "engine/mvcc/FileDurability.h"
#include "engine/mvcc/LogFormat.h"
#include "engine/mvcc/MvccStore.h"
#include "engine/mvcc/SchemaReader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace txs::mvcc {

// Keeps bytes recovery did not replay beside the log, in a file of their own: x.db-log.discarded,
// then x.db-log.discarded.2, .3 ... (an earlier one is never overwritten).
std::optional<std::string> FileDurability::saveDiscarded(LogWindow& log, std::uint64_t from,
                                                         std::string& savedAs)
{
    const std::string base = path_ + "-log.discarded";
    for (int n = 1; n < 100000; ++n) {
        savedAs = n == 1 ? base : base + "." + std::to_string(n);
        const int fd = ::open(savedAs.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno == EEXIST) continue;
        if (fd < 0) return "cannot create " + savedAs + ": " + std::strerror(errno);
        // A window at a time: the discarded part may be most of a large log.
        bool ok = true;
        for (std::uint64_t at = from; ok && at < log.size();) {
            const std::string_view bytes = log.bytes(at, static_cast<std::size_t>(std::min<std::uint64_t>(
                                                             LogWindow::defaultWindow, log.size() - at)));
            if (bytes.empty()) {
                ::close(fd);
                return "cannot read the MVCC log to save its tail: " + log.readError();
            }
            std::size_t done = 0;
            while (done < bytes.size()) {
                const ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
                if (w < 0 && errno == EINTR) continue;
                if (w <= 0) break;
                done += static_cast<std::size_t>(w);
            }
            ok = done == bytes.size();
            at += bytes.size();
        }
        ok = ok && ::fsync(fd) == 0;
        ::close(fd);
        if (!ok) return "cannot write " + savedAs + ": " + std::strerror(errno);
        return std::nullopt;
    }
    return "cannot create " + base + ".N: too many of them";
}

// Replays the log's frames newer than the checkpoint, in log order. Per key, log order is
// commit order (a later writer of a key can only have seen, or lost to, the earlier commit),
// so the last frame touching a key holds its newest row. The log is read through a fixed
// window, a frame is applied and dropped: memory does not grow with the log.
std::optional<std::string> FileDurability::recover(std::uint64_t logSize, DamagedLog damagedLog)
{
    if (logSize == 0) return std::nullopt;
    const std::string logPath = path_ + "-log";
    LogWindow log = log_->window(logSize);
    // A bad frame followed by valid ones is damage, not a torn append: decided before anything
    // is replayed or changed (this pass checks the frames without decoding them).
    const LogScan probe = scanLog(log, {});
    if (!probe.readError.empty())
        return "the MVCC log " + logPath + " cannot be read (" + probe.readError + "); " + path_ +
               " was not opened and nothing was changed";
    if (!probe.problem.empty() && probe.framesAfter > 0) {
        const std::string what = "the MVCC log " + logPath + " is damaged in the middle: " + probe.problem +
                                 ", and " + std::to_string(probe.framesAfter) +
                                 " valid frame(s) follow it from offset " +
                                 std::to_string(probe.firstFrameAfter) + " (" + std::to_string(probe.frames) +
                                 " frame(s) before it are whole)";
        if (damagedLog == DamagedLog::Refuse) {
            store_.emit(EventKind::Note, 0, 0, 0, 0, 0, 0, what + "; not opened");
            return what +
                   ". Replaying up to the damage would lose every commit after it, so the database was not "
                   "opened and nothing was changed. To accept that loss, open it with recovery 'truncate' "
                   "(txscope-cli --recover=truncate); the bytes not replayed are then saved beside the log.";
        }
        notes_.push_back(what + "; the loss was accepted (recovery 'truncate')");
    }
    std::uint64_t newest = checkpointTs_;
    std::size_t replayed = 0;
    std::string refused;
    const LogScan scan = scanLog(log, [&](LogFrame& frame, std::string_view, std::uint64_t) {
        if (frame.commitTs <= checkpointTs_) return; // already in the SQLite file
        ++replayed;
        newest = std::max(newest, frame.commitTs);
        for (auto& op : frame.ops) {
            if (op.kind == LogOp::Kind::CreateIndex || op.kind == LogOp::Kind::DropIndex) {
                // An index of a table the file no longer has, or has again as a newer table (a
                // checkpoint that stopped between batches wrote later table DDL to x.db): it went
                // with its table, as its rows did.
                const auto table = store_.table(op.table);
                if (!table || table->createdTs() > frame.commitTs) continue;
                if (auto why = replayIndexOp(op); !why.empty()) refused = why;
                replayTable_.reset();
                continue;
            }
            if (op.kind == LogOp::Kind::CreateView || op.kind == LogOp::Kind::DropView) {
                if (auto why = replayViewOp(op); !why.empty()) refused = why;
                continue;
            }
            if (op.kind == LogOp::Kind::CreateTrigger || op.kind == LogOp::Kind::DropTrigger) {
                if (auto why = replayTriggerOp(op); !why.empty()) refused = why;
                continue;
            }
            if (op.kind == LogOp::Kind::CreateTable) {
                Error parseError;
                auto schema = readTableSchema(op.createSql, parseError);
                if (!schema) {
                    // Stored SQL is data: a log whose CREATE TABLE is not one TxScope writes
                    // is refused, not skipped (the checkpoint would later have to write it).
                    refused = "the MVCC log " + path_ +
                              "-log holds a CREATE TABLE that TxScope does not write (" + parseError.message +
                              "); " + path_ + " was not opened";
                    continue;
                }
                store_.restoreDrop(op.table);
                store_.restoreTable(std::move(*schema), frame.commitTs);
                replayTable_.reset();
                continue;
            }
            // Consecutive ops of one table (a bulk load's frame) look the table up once.
            if (!replayTable_ || replayTable_->name() != op.table) replayTable_ = store_.table(op.table);
            const auto& table = replayTable_;
            // A row of an older table of the same name (dropped and created again) is not ours.
            if (!table || table->createdTs() > frame.commitTs) continue;
            if (op.kind == LogOp::Kind::DropTable) {
                store_.restoreDrop(op.table);
                replayTable_.reset();
            } else {
                store_.restoreRow(*table, op.key,
                                  op.kind == LogOp::Kind::Upsert ? RowRecord(op.row) : RowRecord(),
                                  frame.commitTs);
            }
        }
    });
    replayTable_.reset();
    if (!scan.readError.empty())
        return "the MVCC log " + logPath + " cannot be read (" + scan.readError + "); " + path_ +
               " was not opened and nothing was changed";
    if (!refused.empty()) return refused;
    store_.restoreClock(newest);
    if (!scan.problem.empty()) {
        // Keep the bytes we do not replay beside the log, then cut them off so new frames
        // follow the last good one (a reader stops at the first bad frame).
        std::string saved;
        if (auto e = saveDiscarded(log, scan.validEnd, saved)) return e;
        notes_.push_back("recovery of " + logPath + " stopped at " + scan.problem + "; " +
                         std::to_string(replayed) + " frame(s) replayed, the " +
                         std::to_string(logSize - scan.validEnd) + " byte(s) from offset " +
                         std::to_string(scan.validEnd) + " on were not replayed and are saved in " + saved);
        if (auto e = log_->truncate(scan.validEnd)) return e;
        appendedAtCheckpoint_ = std::uint64_t{0} - (scan.validEnd - logHeaderSizeOf(log.bytes(0, 12)));
    }
    for (const auto& note : notes_)
        store_.emit(EventKind::Note, 0, 0, 0, 0, 0, 0, note);
    if (!logReady_.load()) return upgradeLegacyLog();
    return std::nullopt;
}

} // namespace txs::mvcc
