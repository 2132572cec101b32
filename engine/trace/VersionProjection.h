#pragma once
// The MVCC engine's version chains at any instant, and which versions a transaction sees.
//
// Built from VersionCreated / VersionEnded / VersionReclaimed and the ends of the writing
// transactions (TxCommit, TxRollback, TxDoomed), in seq order. Each version keeps the times at
// which things happened to it, so the chain at t is read off without replay:
// - begin: "tx N (uncommitted)" until its writer's TxCommit, then that commit timestamp;
// - end: each transaction that ended it (UPDATE/DELETE), as "tx N (uncommitted)" or a commit
//   timestamp; a claim is undone when that transaction rolls back;
// - gone: the engine drops a version whose writer rolled back, whose statement failed
//   (statement-level undo, which emits no event of its own), or that its own writer replaced
//   again before committing (dropped at commit, also without an event);
// - reclaimed: garbage collection removed it (shown, faded, by the views).
// Visibility is Hekaton's rule (DOMAIN.md) evaluated on these projected states.

#include "engine/trace/ChunkedVector.h"
#include "engine/trace/DenseIdIndex.h"
#include "engine/trace/Event.h"
#include "engine/trace/ProjectionTimes.h"
#include "engine/trace/TransactionProjection.h"

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace txs {

enum class VersionGone : std::uint8_t { No, RolledBack, StatementUndone, Replaced };

struct VersionEndClaim
{
    std::uint64_t txId = 0;
    std::int64_t claimNs = 0;
    std::int64_t commitNs = kNever;
    std::uint64_t commitTs = 0;
    std::int64_t undoneNs = kNever; // its transaction rolled back, or the statement failed
};

struct VersionRecord
{
    std::uint64_t id = 0;
    std::uint32_t table = 0;
    std::int64_t key = 0;
    std::size_t chain = 0;      // index into VersionProjection::chains()
    std::uint64_t writerTx = 0; // 0: written before the log began
    std::string value;          // the row as text
    std::uint64_t createdSeq = 0;
    std::int64_t createdNs = 0;
    std::int64_t commitNs = kNever; // when its writer committed
    std::uint64_t beginTs = 0;      // the writer's commit timestamp
    std::int64_t goneNs = kNever;
    VersionGone gone = VersionGone::No;
    std::int64_t reclaimedNs = kNever;
    std::vector<VersionEndClaim> ends; // in claim order; usually none or one

    bool existsAt(std::int64_t t) const { return createdNs <= t && t < goneNs; }
    bool reclaimedAt(std::int64_t t) const { return reclaimedNs <= t; }
    // The claim in force at t, or null (the version is current).
    const VersionEndClaim* endAt(std::int64_t t) const;
};

// A begin or end stamp as the engine stores it at an instant: a commit timestamp, or the id
// of the transaction still writing it (Hekaton's TxID form).
struct VersionStamp
{
    enum class Kind : std::uint8_t { None, Timestamp, Uncommitted } kind = Kind::None;
    std::uint64_t value = 0; // the timestamp, or the transaction id
    bool operator==(const VersionStamp&) const = default;
};
std::string describeStamp(const VersionStamp& stamp); // "", "ts 7", "tx 12 (uncommitted)"

struct VersionChainRecord
{
    std::uint32_t table = 0;
    std::int64_t key = 0;
    std::vector<std::size_t> versions; // indices into VersionProjection::versions(), creation order
    std::int64_t firstNs = kNever;     // earliest change of the chain
    std::int64_t lastNs = 0;           // latest change of the chain
};

struct TableRecord
{
    std::uint32_t id = 0;
    std::string name;
    std::int64_t createdNs = 0; // of a table never seen created: its first version's time
    std::int64_t droppedNs = kNever;
};

class VersionProjection
{
public:
    void apply(const Event& event);

    const ChunkedVector<VersionRecord>& versions() const { return versions_; }
    const ChunkedVector<VersionChainRecord>& chains() const { return chains_; }
    const std::map<std::uint32_t, TableRecord>& tables() const { return tables_; }
    std::string tableName(std::uint32_t table) const;
    // Index of the chain of (table, key), chains().size() when there is none.
    std::size_t chainIndex(std::uint32_t table, std::int64_t key) const;
    const VersionRecord* findVersion(std::uint64_t versionId) const;
    // The index of a version in versions(), or versions().size() when there is none.
    std::size_t versionIndexOf(std::uint64_t versionId) const;

    VersionStamp beginAt(const VersionRecord& v, std::int64_t t) const;
    VersionStamp endAt(const VersionRecord& v, std::int64_t t) const;

    // Whether `reader` sees `v` at t (Hekaton: its begin is visible and its end is not).
    // Versions gone or reclaimed by t are seen by no one.
    bool visibleTo(const VersionRecord& v, const TxSnapshot& reader, std::int64_t t) const;
    // The chain's versions that exist at t (reclaimed ones included), oldest first.
    std::vector<std::size_t> chainAt(std::size_t chain, std::int64_t t) const;
    bool chainExistsAt(std::size_t chain, std::int64_t t) const;

    // Chains changed by events, for incremental refreshes (see TouchLog).
    const TouchLog& touched() const { return touched_; }

private:
    struct Write
    {
        std::size_t version;
        int claim;                   // -1: the version was created; else index into its ends
        std::uint64_t statement = 0; // the connection's statement serial at the write
    };
    struct TxWrites
    {
        std::uint32_t connection = 0;
        std::vector<Write> writes;
    };
    struct ConnectionState
    {
        std::uint64_t statement = 0;        // serial of its current statement
        std::vector<std::uint64_t> openTxs; // transactions of the connection that wrote and are open
    };

    std::size_t ensureChain(std::uint32_t table, std::int64_t key, std::int64_t timeNs);
    std::size_t ensureVersion(const Event& event); // a version ended before the log knew it
    void changed(std::size_t chain, std::int64_t timeNs);
    TxWrites& writesOf(const Event& event);
    void undo(const Write& w, std::int64_t timeNs, VersionGone why);
    void finish(std::uint64_t txId, std::int64_t timeNs, bool committed, std::uint64_t commitTs);
    void undoStatement(std::uint32_t connection, std::int64_t timeNs);

    ChunkedVector<VersionRecord> versions_;
    ChunkedVector<VersionChainRecord> chains_;
    std::map<std::uint32_t, TableRecord> tables_;
    // Indexes that grow a page at a time (DenseIdIndex.h): version ids are handed out in order,
    // and so are the rowids of most tables (a key is its rowid cast, negative ones held apart).
    DenseIdIndex versionIndex_;                        // version id -> position in versions_
    std::map<std::uint32_t, DenseIdIndex> chainIndex_; // table -> key -> position in chains_
    std::unordered_map<std::uint64_t, TxWrites> open_; // transactions with writes, until they end
    std::unordered_map<std::uint32_t, ConnectionState> connections_;
    TouchLog touched_;
};

} // namespace txs
