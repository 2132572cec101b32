#pragma once
// A transaction of the MVCC engine, as in Hekaton/Turso: Active -> Preparing -> Committed |
// Aborted. Versions it writes carry a pointer to it until commit rewrites them to its commit
// timestamp, so other transactions can ask its state while deciding visibility.

#include "engine/api/Connection.h"
#include "engine/api/Error.h"
#include "engine/mvcc/LogFormat.h"
#include "engine/mvcc/SsiTracker.h"
#include "engine/mvcc/Version.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace txs::mvcc {

class Table;
struct VersionChain;

enum class TxState : std::uint8_t { Active, Preparing, Committed, Aborted };

// One write, kept so a statement or the whole transaction can be undone and so commit knows
// which versions to rewrite and validate.
struct WriteRecord
{
    enum class Op : std::uint8_t { Insert, Update, Delete };
    Op op;
    std::shared_ptr<Table> table;
    std::int64_t key;
    VersionChain* chain;
    std::uint64_t newVersion = 0; // id of the version this write created (Insert, Update)
    std::uint64_t oldVersion = 0; // id of the version this write ended (Update, Delete)
    bool keyWasFree = false;      // Insert into a key with no version visible: validated at commit
    RowRecord row;                // the version written (Insert, Update), shared: for the logical log
};

struct Transaction
{
    Transaction(std::uint64_t id, std::uint64_t beginTs, TxMode mode, std::uint32_t connection)
        : id(id), beginTs(beginTs), mode(mode), connection(connection)
    {}
    // A tracking the SsiTracker never enrolled is this transaction's to delete (SsiTracker.h).
    ~Transaction()
    {
        if (ssi && !ssi->enrolled) delete ssi;
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    const std::uint64_t id;
    // Fixed once the transaction has read or written; see MvccStore::acquireExclusive.
    std::uint64_t beginTs;
    // The catalog version (MvccStore::schemaVersion) its snapshot saw, read before beginTs was
    // taken: a DDL statement committed since makes a writing transaction's COMMIT fail (Turso's
    // schema conflict). Moves with beginTs.
    std::uint64_t schemaVersion = 0;
    const TxMode mode;
    const std::uint32_t connection;

    // Written by the owning thread, read by others deciding visibility: endTs is stored
    // before state (release), so a reader that sees Preparing/Committed sees the timestamp.
    std::atomic<TxState> state{TxState::Active};
    std::atomic<std::uint64_t> endTs{0};

    // Owned by the connection's thread only.
    bool holdsExclusive = false;
    bool explicitTx = false; // BEGIN ... (false: one autocommit statement)
    // Holds the exclusive slot for a CREATE/DROP only: its lock events carry no transaction id,
    // so the trace shows DDL as a connection's lock, not as a transaction.
    bool ddl = false;
    std::uint64_t traceId() const { return ddl ? 0 : id; }
    // PRAGMA synchronous of the committing connection: 0 off, 1 normal, 2 full, 3 extra.
    std::uint8_t synchronous = 2;
    bool syncInFlight = false; // counted by Durability::writerEntered, not yet left
    int statementsRun = 0;
    std::optional<Error> doomedBy; // set by a conflict: only ROLLBACK is accepted after it
    std::vector<WriteRecord> writes;
    // Its DDL (MvccStore::beginTxDdl), in the order made: the first ops of its commit frame.
    std::vector<LogOp> ddlOps;
    bool ddlPending = false; // its catalog is private (MvccStore::beginTxDdl) until it ends
    // Tracked for Serializable Snapshot Isolation (PRAGMA isolation = 'serializable'), owned by
    // the store's SsiTracker once it enrolls (before that, by this transaction); null for
    // snapshot isolation and once the transaction has ended.
    SsiTracker::Txn* ssi = nullptr;
    bool ssiCommitted = false; // its COMMIT passed the serializable check (ssi is null then)

    TxState loadState() const { return state.load(std::memory_order_acquire); }
};

} // namespace txs::mvcc
