#pragma once
// A secondary index of an MVCC table: from the indexed columns' values to the keys of the rows
// holding them (CREATE INDEX, UNIQUE constraints, a composite or non-integer PRIMARY KEY).
//
// Design: one entry (tuple, key) for every distinct tuple that some version in the row's chain
// still holds. Entries carry no visibility of their own: a scan reads, for entry (t, k), the
// version of k visible to the transaction — by the same code a table scan uses — and returns it
// only if that version's tuple is t. So an index scan returns row k exactly when the table scan
// returns it and its visible tuple lies in the scan's range, and exactly once (one key's distinct
// tuples are distinct entries and only the visible one matches): "an index scan sees what the
// table scan sees, at every snapshot" holds by construction, with no second copy of the
// visibility rules to keep in step. (One entry per version, stamped like the version, would
// duplicate begin/end and every commit would have to rewrite both.)
// "Distinct" and "is t" are under the index's collations: NOCASE-equal tuples of one row share
// one entry, whose stored text is the first one's.
// An index on expressions or a partial index (IndexKeys.h) is the same with the tuple computed
// from the row, and "holds a tuple" false for a version outside the WHERE: a version that moves a
// row into a partial index adds its entry, one that moves it out adds none, and the old entry
// goes when no version of the chain is in the index with that tuple any more.
//
// Invariant: while a version with tuple t is in k's chain, (t, k) is in the index. A writer adds
// the entry after putting the version in its chain and before anyone else can see the version
// (it is uncommitted); an entry is removed only under the index's lock and the chain's lock, and
// only when no version of the chain has its tuple (garbage collection, undo). A writer racing a
// removal either makes the remover keep the entry or adds it again afterwards.

#include "engine/api/Error.h"
#include "engine/mvcc/IndexKeys.h"
#include "engine/mvcc/TableSchema.h"
#include "engine/mvcc/Version.h"

#include <atomic>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace txs::mvcc {

class MvccStore;
class Table;
struct Transaction;

// SQLite's order of values with BINARY collation: NULL < numbers (integers and reals compared by
// value) < text (bytes) < blobs (bytes). Negative, zero or positive.
int compareValues(const Value& a, const Value& b);
// Lexicographic; a tuple that is a prefix of the other sorts first.
int compareTuples(const Row& a, const Row& b);

// SQLite's order under `collation`: text compared as SQLite's built-in collating functions do
// (NOCASE folds ASCII A-Z only, RTRIM drops trailing spaces); other values as compareViews.
int compareCollated(const ValueView& a, const ValueView& b, Collation collation);
// "BINARY", "NOCASE", "RTRIM".
const char* collationName(Collation collation);
// The built-in collation of that name (any case), or nullopt for another one.
std::optional<Collation> collationNamed(std::string_view name);

struct IndexEntry
{
    Row tuple;
    std::int64_t key;
};

class Index
{
public:
    // An index whose schema is computed() and whose evaluator cannot be made (readIndexSchema
    // made one, so only a schema built by hand) holds no entry at all.
    explicit Index(IndexSchema schema);

    const IndexSchema& schema() const { return schema_; }
    const std::string& name() const { return schema_.name; }
    bool unique() const { return schema_.unique; }
    // False while CREATE INDEX fills it: the planner does not use it yet.
    bool ready() const { return ready_.load(std::memory_order_acquire); }
    void setReady(bool ready) { ready_.store(ready, std::memory_order_release); }

    // A partial index's WHERE as terms the planner can match, or null when it cannot serve a
    // plan: an index on expressions, a WHERE of another form (PartialTerms.h). An index on columns
    // without WHERE has an empty list.
    const std::vector<PartialTerm>* servingTerms() const;

    // The tuple `row` has in this index: the indexed columns' values, or the key parts'
    // (IndexKeys); nullopt when the row is not in the index (a partial index's WHERE not true).
    std::optional<Row> tupleOf(const Row& row) const;
    std::optional<Row> tupleOf(const RowRecord& row) const;
    // NULLs are distinct in a UNIQUE index, as in SQLite: a tuple with one is never a duplicate.
    static bool hasNull(const Row& tuple);
    // Two tuples of this index under its collations: zero when the index holds them as one value
    // (so uniqueness, and whether a version still holds an entry's tuple, go by the collation).
    int compare(const Row& a, const Row& b) const;

    void add(const Row& row, std::int64_t key);
    void add(const RowRecord& row, std::int64_t key);
    // The entries of many rows at once, for an index built while nobody else uses the store
    // (opening a database): sorted first, then appended in order, so each insertion is O(1)
    // where one at a time costs a search of the whole set (a million random inserts took
    // seconds, mostly cache misses).
    void addAll(const std::vector<std::pair<std::int64_t, RowRecord>>& rows);
    // Removes (tuple, key) unless a version of `chain` (key's chain) still has the tuple.
    void removeIfGone(const Row& tuple, std::int64_t key, VersionChain& chain);

    // A bound of a scan: entries whose first prefix.size() values compare equal to prefix are
    // in (inclusive) or out; an absent bound is open.
    struct Bound
    {
        bool present = false;
        Row prefix;
        bool inclusive = true;
    };
    // Up to `max` entries within [low, high] after `after` (exclusive; nullopt = from the start),
    // ascending, or descending from `after`/high.
    void collect(const Bound& low, const Bound& high, const std::optional<IndexEntry>& after, bool descending,
                 std::size_t max, std::vector<IndexEntry>& out) const;
    // The keys of the entries with exactly `tuple`.
    std::vector<std::int64_t> keysWith(const Row& tuple) const;
    std::size_t size() const;

private:
    struct Probe
    {
        const Row* prefix;
        int side; // -1: before every entry starting with prefix, +1: after them
    };
    // An entry as stored: the tuple as a record (RowRecord.h), compared without decoding it into
    // Values. 16 bytes and the record's block, where an IndexEntry's Row cost 64 and more.
    struct Stored
    {
        RowRecord tuple;
        std::int64_t key;
    };
    // Orders entries by the index's collations (one per column, schema_'s), then by key.
    struct Less
    {
        using is_transparent = void;
        const IndexSchema* schema;
        bool operator()(const Stored& a, const Stored& b) const;
        bool operator()(const Stored& e, const Probe& p) const;
        bool operator()(const Probe& p, const Stored& e) const;
        bool operator()(const Stored& e, const IndexEntry& x) const;
        bool operator()(const IndexEntry& x, const Stored& e) const;
    };
    static IndexEntry entryOf(const Stored& stored) { return {stored.tuple.decode(), stored.key}; }

    const IndexSchema schema_;
    const std::shared_ptr<const IndexKeys> keys_; // computed() only
    mutable SharedSpinLock lock_;
    std::set<Stored, Less> entries_{Less{&schema_}};
    std::atomic<bool> ready_{true};
};

// ---- uniqueness, decided like the key's (docs/engine.md, Conflicts)

// A row other than `self` whose version visible to `tx` has `tuple` in the unique index `index`:
// its key, or nullopt. Waits out preparing writers like any read.
// A row not in the index (nullopt) has none.
std::optional<std::int64_t> visibleDuplicate(MvccStore& store, const Table& table, const Index& index,
                                             const std::optional<Row>& tuple, std::int64_t self,
                                             const Transaction& tx);

// SQLite's message and code for a violated unique index: "UNIQUE constraint failed: t.a, t.b",
// or "UNIQUE constraint failed: index 'i'" for an index on expressions.
Error uniqueViolation(const Table& table, const Index& index);

// At COMMIT (tx Preparing, its end timestamp set): first committer wins for unique values as for
// keys. A row tx wrote that is still current and whose tuple in a unique index equals that of a
// current row another transaction committed (or commits before us: waited for) is a clash.
struct UniqueClash
{
    std::shared_ptr<Table> table;
    std::int64_t key;      // the other row
    std::uint64_t otherTx; // the transaction that committed it
};
// `store` gives the preparing epoch to wait on (never a yield-spin through a sync).
std::optional<UniqueClash> uniqueClashAtCommit(const Transaction& tx, const MvccStore& store);

} // namespace txs::mvcc
