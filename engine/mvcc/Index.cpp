#include "engine/mvcc/Index.h"

#include "engine/api/AsciiText.h"
#include "engine/mvcc/MvccStore.h"
#include "engine/mvcc/Table.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <shared_mutex>
#include <thread>

namespace txs::mvcc {

namespace {

template <class T> int sign(T a, T b)
{
    return a < b ? -1 : (b < a ? 1 : 0);
}

} // namespace

int compareValues(const Value& a, const Value& b)
{
    return compareViews(viewOf(a), viewOf(b));
}

int compareTuples(const Row& a, const Row& b)
{
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
        if (int c = compareValues(a[i], b[i])) return c;
    return sign(a.size(), b.size());
}

namespace {

unsigned char folded(char c)
{
    return static_cast<unsigned char>(toLowerChar(c));
}

// SQLite's nocaseCollatingFunc: sqlite3StrNICmp over the shorter length (it stops at a NUL byte
// of the first string, as SQLite's does), then the shorter string first.
int compareNocase(std::string_view a, std::string_view b)
{
    const std::size_t n = std::min(a.size(), b.size());
    std::size_t i = 0;
    while (i < n && a[i] != 0 && folded(a[i]) == folded(b[i]))
        ++i;
    if (i < n) {
        const int c = folded(a[i]) - folded(b[i]);
        if (c) return c < 0 ? -1 : 1;
    }
    return sign(a.size(), b.size());
}

// SQLite's rtrimCollFunc: trailing spaces (0x20 only) dropped, then bytewise.
int compareRtrim(std::string_view a, std::string_view b)
{
    while (!a.empty() && a.back() == ' ')
        a.remove_suffix(1);
    while (!b.empty() && b.back() == ' ')
        b.remove_suffix(1);
    const int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

} // namespace

int compareCollated(const ValueView& a, const ValueView& b, Collation collation)
{
    if (collation == Collation::Binary || a.type != Value::Type::Text || b.type != Value::Type::Text)
        return compareViews(a, b);
    return collation == Collation::Nocase ? compareNocase(a.bytes, b.bytes) : compareRtrim(a.bytes, b.bytes);
}

const char* collationName(Collation collation)
{
    switch (collation) {
    case Collation::Nocase:
        return "NOCASE";
    case Collation::Rtrim:
        return "RTRIM";
    case Collation::Binary:
        break;
    }
    return "BINARY";
}

std::optional<Collation> collationNamed(std::string_view name)
{
    for (Collation c : {Collation::Binary, Collation::Nocase, Collation::Rtrim})
        if (equalsIgnoreCase(collationName(c), name)) return c;
    return std::nullopt;
}

namespace {

// A stored tuple against a tuple of Values: lexicographic, a prefix first (as compareTuples).
int compareStored(const IndexSchema& schema, const RowRecord& stored, const Row& tuple)
{
    const std::size_t n = stored.columnCount();
    for (std::size_t i = 0; i < n && i < tuple.size(); ++i)
        if (int c = compareCollated(stored.view(i), viewOf(tuple[i]), schema.collation(i))) return c;
    return sign(n, tuple.size());
}

// The first prefix.size() values of a stored tuple against `prefix`.
int compareStoredPrefix(const IndexSchema& schema, const RowRecord& stored, const Row& prefix)
{
    const std::size_t n = stored.columnCount();
    for (std::size_t i = 0; i < prefix.size() && i < n; ++i)
        if (int c = compareCollated(stored.view(i), viewOf(prefix[i]), schema.collation(i))) return c;
    return 0;
}

} // namespace

bool Index::Less::operator()(const Stored& a, const Stored& b) const
{
    const std::size_t na = a.tuple.columnCount(), nb = b.tuple.columnCount();
    for (std::size_t i = 0; i < na && i < nb; ++i)
        if (int c = compareCollated(a.tuple.view(i), b.tuple.view(i), schema->collation(i))) return c < 0;
    if (na != nb) return na < nb;
    return a.key < b.key;
}

bool Index::Less::operator()(const Stored& e, const Probe& p) const
{
    const int c = compareStoredPrefix(*schema, e.tuple, *p.prefix);
    return c ? c < 0 : p.side > 0;
}

bool Index::Less::operator()(const Probe& p, const Stored& e) const
{
    const int c = compareStoredPrefix(*schema, e.tuple, *p.prefix);
    return c ? c > 0 : p.side < 0;
}

bool Index::Less::operator()(const Stored& e, const IndexEntry& x) const
{
    const int c = compareStored(*schema, e.tuple, x.tuple);
    return c ? c < 0 : e.key < x.key;
}

bool Index::Less::operator()(const IndexEntry& x, const Stored& e) const
{
    const int c = compareStored(*schema, e.tuple, x.tuple);
    return c ? c > 0 : x.key < e.key;
}

int Index::compare(const Row& a, const Row& b) const
{
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
        if (int c = compareCollated(viewOf(a[i]), viewOf(b[i]), schema_.collation(i))) return c;
    return sign(a.size(), b.size());
}

namespace {

// The schema's evaluator when it was made from the schema's SQL (IndexKeys.h: shared, one
// connection per index), else one of its own.
std::shared_ptr<const IndexKeys> keysOf(const IndexSchema& schema)
{
    if (!schema.computed()) return nullptr;
    if (schema.keys && schema.keys->madeFrom(schema)) return schema.keys;
    Error unused;
    return IndexKeys::make(schema, unused);
}

} // namespace

Index::Index(IndexSchema schema) : schema_(std::move(schema)), keys_(keysOf(schema_)) {}

const std::vector<PartialTerm>* Index::servingTerms() const
{
    static const std::vector<PartialTerm> none;
    if (!schema_.computed()) return &none;
    if (schema_.onExpressions || !keys_ || !keys_->partialTerms()) return nullptr;
    return &*keys_->partialTerms();
}

std::optional<Row> Index::tupleOf(const Row& row) const
{
    if (schema_.computed()) return keys_ ? keys_->tupleOf(row) : std::nullopt;
    Row tuple;
    tuple.reserve(schema_.columns.size());
    for (int column : schema_.columns)
        tuple.push_back(column >= 0 && static_cast<std::size_t>(column) < row.size() ? row[column] : Value());
    return tuple;
}

std::optional<Row> Index::tupleOf(const RowRecord& row) const
{
    if (schema_.computed()) return keys_ ? keys_->tupleOf(row.decode()) : std::nullopt;
    Row tuple;
    tuple.reserve(schema_.columns.size());
    for (int column : schema_.columns)
        tuple.push_back(column >= 0 ? row.column(static_cast<std::size_t>(column)) : Value());
    return tuple;
}

bool Index::hasNull(const Row& tuple)
{
    return std::any_of(tuple.begin(), tuple.end(), [](const Value& v) { return v.isNull(); });
}

void Index::add(const Row& row, std::int64_t key)
{
    auto tuple = tupleOf(row);
    if (!tuple) return;
    Stored entry{RowRecord(std::move(*tuple)), key};
    std::unique_lock lock(lock_);
    entries_.insert(std::move(entry));
}

void Index::add(const RowRecord& row, std::int64_t key)
{
    auto tuple = tupleOf(row);
    if (!tuple) return;
    Stored entry{RowRecord(std::move(*tuple)), key};
    std::unique_lock lock(lock_);
    entries_.insert(std::move(entry));
}

void Index::addAll(const std::vector<std::pair<std::int64_t, RowRecord>>& rows)
{
    std::vector<Stored> sorted;
    sorted.reserve(rows.size());
    for (const auto& [key, row] : rows)
        if (row)
            if (auto tuple = tupleOf(row)) sorted.push_back({RowRecord(std::move(*tuple)), key});
    const Less less = entries_.key_comp();
    std::sort(sorted.begin(), sorted.end(), less);
    std::unique_lock lock(lock_);
    for (auto& entry : sorted)
        entries_.insert(entries_.end(), std::move(entry)); // a duplicate is dropped, as by add()
}

void Index::removeIfGone(const Row& tuple, std::int64_t key, VersionChain& chain)
{
    std::unique_lock lock(lock_);
    {
        std::lock_guard chainLock(chain.lock);
        for (const auto& v : chain.versions)
            if (v.row)
                if (auto held = tupleOf(v.row); held && compare(*held, tuple) == 0) return;
    }
    if (auto it = entries_.find(IndexEntry{tuple, key}); it != entries_.end()) entries_.erase(it);
}

void Index::collect(const Bound& low, const Bound& high, const std::optional<IndexEntry>& after,
                    bool descending, std::size_t max, std::vector<IndexEntry>& out) const
{
    out.clear();
    const Less less = entries_.key_comp();
    const Probe lowProbe{&low.prefix, low.inclusive ? -1 : 1};
    const Probe highProbe{&high.prefix, high.inclusive ? 1 : -1};
    auto aboveLow = [&](const Stored& e) { return !low.present || !less(e, lowProbe); };
    auto belowHigh = [&](const Stored& e) { return !high.present || less(e, highProbe); };
    std::shared_lock lock(lock_);
    if (!descending) {
        auto it = after ? entries_.upper_bound(*after)
                        : (low.present ? entries_.lower_bound(lowProbe) : entries_.begin());
        for (; it != entries_.end() && out.size() < max && belowHigh(*it); ++it)
            if (aboveLow(*it)) out.push_back(entryOf(*it));
    } else {
        auto it = after ? entries_.lower_bound(*after)
                        : (high.present ? entries_.lower_bound(highProbe) : entries_.end());
        while (it != entries_.begin() && out.size() < max) {
            --it;
            if (!aboveLow(*it)) break;
            if (belowHigh(*it)) out.push_back(entryOf(*it));
        }
    }
}

std::vector<std::int64_t> Index::keysWith(const Row& tuple) const
{
    std::vector<std::int64_t> keys;
    const Probe from{&tuple, -1}, to{&tuple, 1};
    std::shared_lock lock(lock_);
    for (auto it = entries_.lower_bound(from); it != entries_.end() && entries_.key_comp()(*it, to); ++it)
        if (it->tuple.columnCount() == tuple.size()) keys.push_back(it->key);
    return keys;
}

std::size_t Index::size() const
{
    std::shared_lock lock(lock_);
    return entries_.size();
}

std::optional<std::int64_t> visibleDuplicate(MvccStore& store, const Table& table, const Index& index,
                                             const std::optional<Row>& tuple, std::int64_t self,
                                             const Transaction& tx)
{
    if (!tuple || Index::hasNull(*tuple)) return std::nullopt;
    for (std::int64_t key : index.keysWith(*tuple)) {
        if (key == self) continue;
        VersionChain* chain = table.find(key);
        if (!chain) continue;
        const RowPtr row = store.read(table, key, *chain, tx);
        if (!row) continue;
        if (auto held = index.tupleOf(*row); held && index.compare(*held, *tuple) == 0) return key;
    }
    return std::nullopt;
}

Error uniqueViolation(const Table& table, const Index& index)
{
    if (index.schema().onExpressions)
        return Error::constraint(rc::ConstraintUnique,
                                 "UNIQUE constraint failed: index '" + index.name() + "'");
    std::string columns;
    for (int column : index.schema().columns) {
        if (!columns.empty()) columns += ", ";
        columns += table.name() + "." +
                   (column >= 0 ? table.schema().columns[static_cast<std::size_t>(column)].name : "rowid");
    }
    return Error::constraint(index.schema().primaryKey ? rc::ConstraintPrimaryKey : rc::ConstraintUnique,
                             "UNIQUE constraint failed: " + columns);
}

namespace {

enum class Clash { None, Yes, Wait };

// Is `v` (a version of another row with our tuple) a committed, still current row at the moment
// `tx` commits? Wait when that depends on a transaction preparing before us.
Clash clashWith(const Version& v, const Transaction& tx, std::uint64_t myEnd, std::uint64_t& other)
{
    if (v.begin.tx == &tx) return Clash::None;
    if (v.begin.tx) {
        const Transaction& writer = *v.begin.tx;
        const TxState state = writer.loadState();
        if (state == TxState::Preparing && writer.endTs.load(std::memory_order_relaxed) < myEnd)
            return Clash::Wait;
        if (state != TxState::Committed) return Clash::None; // it validates after us and finds ours
    }
    if (!v.end.isNone()) {
        if (!v.end.tx) return Clash::None; // deleted (or moved) by a commit
        if (v.end.tx == &tx) return Clash::None;
        const Transaction& ender = *v.end.tx;
        const TxState state = ender.loadState();
        if (state == TxState::Committed) return Clash::None;
        if (state == TxState::Preparing && ender.endTs.load(std::memory_order_relaxed) < myEnd)
            return Clash::Wait;
        // Active, Aborted or preparing after us: the row is still there when we commit.
    }
    other = v.beginTxId;
    return Clash::Yes;
}

} // namespace

std::optional<UniqueClash> uniqueClashAtCommit(const Transaction& tx, const MvccStore& store)
{
    const std::uint64_t myEnd = tx.endTs.load(std::memory_order_relaxed);
    for (const auto& record : tx.writes) {
        if (!record.newVersion || !record.table->hasUniqueIndexes()) continue;
        RowRecord mine;
        {
            std::lock_guard lock(record.chain->lock);
            for (const auto& v : record.chain->versions)
                if (v.id == record.newVersion && v.begin.tx == &tx && v.end.isNone()) mine = v.row;
        }
        if (!mine) continue; // replaced or deleted again by tx itself
        const auto indexes = record.table->indexes();
        for (const auto& index : *indexes) {
            if (!index->unique()) continue;
            const auto computed = index->tupleOf(mine);
            if (!computed || Index::hasNull(*computed)) continue; // outside a partial index: no clash
            const Row& tuple = *computed;
            for (std::int64_t key : index->keysWith(tuple)) {
                if (key == record.key) continue;
                VersionChain* chain = record.table->find(key);
                if (!chain) continue;
                for (;;) {
                    Clash found = Clash::None;
                    std::uint64_t other = 0;
                    // Read before looking: a commit that leaves Preparing after the look has
                    // moved the epoch, so the wait below returns at once (no lost wake-up).
                    const std::uint32_t epoch = store.preparingEpoch();
                    {
                        std::lock_guard lock(chain->lock);
                        for (const auto& v : chain->versions) {
                            if (!v.row) continue;
                            const auto held = index->tupleOf(v.row);
                            if (!held || index->compare(*held, tuple) != 0) continue;
                            found = clashWith(v, tx, myEnd, other);
                            if (found != Clash::None) break;
                        }
                    }
                    if (found == Clash::Yes) return UniqueClash{record.table, key, other};
                    if (found == Clash::None) break;
                    store.waitPreparingChange(epoch); // a commit before ours is between preparing and done
                }
            }
        }
    }
    return std::nullopt;
}

} // namespace txs::mvcc
