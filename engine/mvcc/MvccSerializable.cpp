// The store's side of Serializable Snapshot Isolation (SsiTracker.h): what a serializable
// transaction reads and writes is reported to the tracker, rw edges become trace events, and a
// COMMIT the tracker refuses dooms the transaction with a retryable conflict naming the other
// transactions and the keys.

#include "engine/mvcc/MvccStore.h"
#include "engine/mvcc/Visibility.h"

namespace txs::mvcc {

namespace {

std::string keyText(const SsiKey& k)
{
    return k.table + " key " + std::to_string(k.key);
}

std::string txText(std::uint64_t id)
{
    return "transaction " + std::to_string(id);
}

} // namespace

void MvccStore::noteScan(const Transaction& tx, const Table& table, std::int64_t lo, std::int64_t hi)
{
    if (tx.ssi) ssi_.noteRange(tx.ssi, table.id(), lo, hi);
}

RowPtr MvccStore::read(const Table& table, std::int64_t key, VersionChain& chain, const Transaction& tx,
                       std::uint64_t* versionId)
{
    if (!tx.ssi) {
        std::uint64_t id = 0;
        RowPtr row = read(chain, tx, id);
        if (versionId) *versionId = id;
        return row;
    }
    std::vector<std::uint64_t> writers;
    RowRecord row; // decoded after the chain lock is released
    for (;;) {
        const std::uint32_t epoch = preparingEpoch();
        chain.lock.lock();
        bool mustWait = false;
        const int index = visibleVersion(chain, tx, mustWait);
        if (!mustWait) {
            if (index >= 0) row = chain.versions[index].row;
            if (versionId) *versionId = index < 0 ? 0 : chain.versions[index].id;
            newerWriters(chain, tx, index, writers);
            chain.lock.unlock();
            break;
        }
        chain.lock.unlock();
        waitPreparingChange(epoch); // a writer is between "preparing" and "committed"
    }
    if (!writers.empty()) {
        std::vector<SsiEdge> edges;
        ssi_.noteNewerWriters(tx.ssi, {table.id(), table.name(), key}, writers, edges);
        emitEdges(edges);
    }
    return row.toRow();
}

void MvccStore::noteSsiWrite(Transaction& tx, const Table& table, std::int64_t key)
{
    // No SIREAD range anywhere (asked after the chain was unlocked): no reader to find.
    if (!tx.ssi || !ssi_.anyRanges()) return;
    std::vector<SsiEdge> edges;
    ssi_.noteWrite(tx.ssi, {table.id(), table.name(), key}, edges);
    emitEdges(edges);
}

void MvccStore::emitEdges(const std::vector<SsiEdge>& edges) const
{
    if (!tracing()) return;
    for (const auto& e : edges)
        emit(EventKind::RwDependency, e.readerConnection, e.reader, e.where.tableId, e.where.key,
             static_cast<std::int64_t>(e.writer));
}

std::optional<Error> MvccStore::ssiCommit(Transaction& tx, bool wrote, std::uint64_t commitTs,
                                          std::uint64_t oldestBegin)
{
    bool wouldFailValidation = false;
    auto structure = ssi_.commit(tx.ssi, wrote, commitTs, oldestBegin, wouldFailValidation);
    if (wouldFailValidation) ssiValidationWouldAbort_.fetch_add(1, std::memory_order_relaxed);
    tx.ssi = nullptr; // the tracker has deleted it (refused) or owns it as committed
    if (!structure) {
        tx.ssiCommitted = true;
        return std::nullopt;
    }
    return serializationFailure(tx, *structure);
}

// The story in the message: who read what before whom wrote it, who committed first, and why
// no serial order is left. Readers of the log get the same facts typed (DangerousStructure).
Error MvccStore::serializationFailure(Transaction& tx, const SsiStructure& s)
{
    const bool skew = s.in == s.out;
    std::string story = "Serialization conflict: " + txText(s.in) + " read " + keyText(s.inToPivot) +
                        " before " + txText(s.pivot) + " wrote it, and " + txText(s.pivot) + " read " +
                        keyText(s.pivotToOut) + " before " + txText(s.out) + " wrote it";
    story += skew ? " (write skew: each wrote what the other read)" : "";
    story += "; " + txText(s.out) + " committed first, so no serial order of " +
             (skew ? "the two" : "the three") + " gives what they read (a dangerous structure of " +
             "two read-write dependencies); transaction " + std::to_string(tx.id) +
             " must roll back and retry";
    Error e = Error::conflict(std::move(story));
    tx.doomedBy = e;
    conflicts_.fetch_add(1, std::memory_order_relaxed);
    ssiAborts_.fetch_add(1, std::memory_order_relaxed);
    const auto refused = static_cast<std::int64_t>(tx.id);
    emit(EventKind::DangerousStructure, tx.connection, s.in, s.inToPivot.tableId, s.inToPivot.key,
         static_cast<std::int64_t>(s.pivot), refused, {}, 0);
    emit(EventKind::DangerousStructure, tx.connection, s.pivot, s.pivotToOut.tableId, s.pivotToOut.key,
         static_cast<std::int64_t>(s.out), refused, {}, 1);
    // The Conflict names the transaction next to this one in the structure, and this one's key.
    using Role = SsiStructure::Role;
    const std::uint64_t other = s.role == Role::Pivot ? s.out : s.pivot;
    const SsiKey& mine = s.role == Role::Out ? s.pivotToOut : s.inToPivot;
    emit(EventKind::Conflict, tx.connection, tx.id, mine.tableId, mine.key, static_cast<std::int64_t>(other),
         2, e.message);
    emit(EventKind::TxDoomed, tx.connection, tx.id, mine.tableId, mine.key, e.extendedCode, 0, e.message,
         kindDetail(e));
    return e;
}

} // namespace txs::mvcc
