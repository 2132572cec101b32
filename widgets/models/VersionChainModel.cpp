#include "widgets/models/VersionChainModel.h"

#include "widgets/models/ModelRoles.h"
#include "widgets/models/ModelStyle.h"

#include <QFont>
#include <algorithm>

namespace txs::models {

VersionChainModel::VersionChainModel(SessionLog* session, QObject* parent)
    : QAbstractItemModel(parent), session_(session)
{
    nodes_.emplace_back(); // the root
    instant_ = session_->instant();
    refreshMoved(instant_, true);
    connect(session_, &SessionLog::viewsDue, this, [this] {
        if (session_->isLive()) refreshLive();
    });
    connect(session_, &SessionLog::instantMoved, this, [this] { refreshMoved(instant_, false); });
    connect(session_, &SessionLog::aboutToReset, this, [this] { beginResetModel(); });
    connect(session_, &SessionLog::reset, this, [this] {
        startOver();
        endResetModel();
    });
}

void VersionChainModel::startOver()
{
    nodes_.clear();
    nodes_.emplace_back(); // the root
    tableNodes_.clear();
    chainNodes_.clear();
    versionNodes_.clear();
    tableChains_.clear();
    chainsSeen_ = 0;
    cursor_ = 0;
    instant_ = session_->instant();
    reader_ = projection().transactions.snapshotAt(readerTx_, instant_);
    // The new projection is empty: nothing to show until events arrive.
}

// ---------------------------------------------------------------- nodes

std::uint32_t VersionChainModel::newNode(std::uint32_t parent, NodeKind kind, std::int64_t sortKey,
                                         std::size_t ref)
{
    Node n;
    n.parent = parent;
    n.kind = kind;
    n.sortKey = sortKey;
    n.ref = ref;
    nodes_.push_back(std::move(n));
    return static_cast<std::uint32_t>(nodes_.size() - 1);
}

std::uint32_t VersionChainModel::tableNode(std::uint32_t table)
{
    const auto it = tableNodes_.find(table);
    if (it != tableNodes_.end()) return it->second;
    const std::uint32_t id = newNode(0, NodeKind::Table, table, table);
    tableNodes_[table] = id;
    return id;
}

std::uint32_t VersionChainModel::chainNode(std::size_t chain)
{
    while (chainNodes_.size() <= chain)
        chainNodes_.push_back(0);
    if (!chainNodes_[chain]) {
        const auto& c = versions().chains()[chain];
        const std::uint32_t parent = tableNode(c.table);
        chainNodes_[chain] = newNode(parent, NodeKind::Key, c.key, chain);
    }
    return chainNodes_[chain];
}

std::uint32_t VersionChainModel::versionNode(std::size_t version)
{
    while (versionNodes_.size() <= version)
        versionNodes_.push_back(0);
    if (!versionNodes_[version]) {
        const VersionRecord& v = versions().versions()[version];
        const auto& chain = versions().chains()[v.chain].versions;
        const auto position = std::find(chain.begin(), chain.end(), version) - chain.begin();
        versionNodes_[version] = newNode(chainNode(v.chain), NodeKind::Version, position, version);
    }
    return versionNodes_[version];
}

int VersionChainModel::rowOf(std::uint32_t node) const
{
    const auto& siblings = nodes_[nodes_[node].parent].children;
    const std::int64_t key = nodes_[node].sortKey;
    const auto it = std::lower_bound(siblings.begin(), siblings.end(), key,
                                     [&](std::uint32_t n, std::int64_t k) { return nodes_[n].sortKey < k; });
    return it != siblings.end() && *it == node ? static_cast<int>(it - siblings.begin()) : -1;
}

QModelIndex VersionChainModel::indexOf(std::uint32_t node, int column) const
{
    if (node == 0 || !nodes_[node].shown) return {};
    const int row = rowOf(node);
    return row < 0 ? QModelIndex() : createIndex(row, column, static_cast<quintptr>(node));
}

// ---------------------------------------------------------------- refreshing

void VersionChainModel::absorbNewChains()
{
    const auto& chains = versions().chains();
    for (; chainsSeen_ < chains.size(); ++chainsSeen_) {
        auto& list = tableChains_[chains[chainsSeen_].table];
        const std::int64_t key = chains[chainsSeen_].key;
        // Keys mostly arrive in increasing order: the insert lands at the end.
        const auto at = std::upper_bound(list.begin(), list.end(), key,
                                         [&](std::int64_t k, std::size_t c) { return k < chains[c].key; });
        const std::size_t pos = at.index();
        list.push_back(chainsSeen_);
        std::rotate(list.begin() + static_cast<std::ptrdiff_t>(pos), list.end() - 1, list.end());
    }
}

void VersionChainModel::forget(std::uint32_t node)
{
    Node& n = nodes_[node];
    n.shown = false;
    for (std::uint32_t child : n.children)
        forget(child);
    nodes_[node].children.clear();
}

// Makes `parent`'s shown children equal `wanted` (sorted by sortKey): removes runs of rows
// that go, then inserts runs of rows that come, one signal pair per run.
void VersionChainModel::syncChildren(std::uint32_t parent, const std::vector<std::uint32_t>& wanted)
{
    const QModelIndex parentIndex = indexOf(parent);
    {
        const auto& shown = nodes_[parent].children;
        std::vector<char> keep(shown.size(), 0);
        std::size_t j = 0;
        for (std::size_t i = 0; i < shown.size(); ++i) {
            while (j < wanted.size() && nodes_[wanted[j]].sortKey < nodes_[shown[i]].sortKey)
                ++j;
            keep[i] = j < wanted.size() && wanted[j] == shown[i];
        }
        for (std::size_t i = shown.size(); i-- > 0;) {
            if (keep[i]) continue;
            std::size_t first = i;
            while (first > 0 && !keep[first - 1])
                --first;
            beginRemoveRows(parentIndex, static_cast<int>(first), static_cast<int>(i));
            auto& children = nodes_[parent].children;
            for (std::size_t k = first; k <= i; ++k)
                forget(children[k]);
            children.erase(children.begin() + static_cast<std::ptrdiff_t>(first),
                           children.begin() + static_cast<std::ptrdiff_t>(i) + 1);
            endRemoveRows();
            i = first;
        }
    }
    std::size_t pos = 0;
    for (std::size_t k = 0; k < wanted.size();) {
        auto& children = nodes_[parent].children;
        if (pos < children.size() && children[pos] == wanted[k]) {
            ++pos;
            ++k;
            continue;
        }
        const std::size_t start = k;
        while (k < wanted.size() && !(pos < children.size() && children[pos] == wanted[k]))
            ++k;
        beginInsertRows(parentIndex, static_cast<int>(pos), static_cast<int>(pos + (k - start) - 1));
        children.insert(children.begin() + static_cast<std::ptrdiff_t>(pos),
                        wanted.begin() + static_cast<std::ptrdiff_t>(start),
                        wanted.begin() + static_cast<std::ptrdiff_t>(k));
        for (std::size_t i = start; i < k; ++i)
            nodes_[wanted[i]].shown = true;
        endInsertRows();
        pos += k - start;
    }
}

void VersionChainModel::syncTables()
{
    std::vector<std::uint32_t> wanted;
    for (const auto& [id, table] : versions().tables())
        if (tableShownAt(table, instant_)) wanted.push_back(tableNode(id));
    syncChildren(0, wanted);
}

void VersionChainModel::syncVersions(std::uint32_t keyNode, std::int64_t changedAfter)
{
    std::vector<std::uint32_t> wanted;
    for (std::size_t v : versions().chainAt(nodes_[keyNode].ref, instant_))
        wanted.push_back(versionNode(v));
    syncChildren(keyNode, wanted);
    const auto& children = nodes_[keyNode].children;
    if (children.empty()) return;
    const QModelIndex parent = indexOf(keyNode);
    if (changedAfter < 0) {
        emit dataChanged(index(0, 0, parent),
                         index(static_cast<int>(children.size()) - 1, ColumnCount - 1, parent));
        return;
    }
    // Live: only the versions with a change in (changedAfter, instant_] (usually the newest one
    // or two of a long chain). A view pays for each row a dataChanged covers (QTreeView finds
    // every one), changed or not.
    std::vector<int> rows;
    for (std::size_t row = 0; row < children.size(); ++row)
        if (changedIn(versions().versions()[nodes_[children[row]].ref], changedAfter, instant_))
            rows.push_back(static_cast<int>(row));
    emitRows(keyNode, rows);
}

// Whether anything a version's row shows (its stamps, status, visibility to the reader, which
// is the same reader throughout a live refresh) changed at an instant in (after, upTo].
bool VersionChainModel::changedIn(const VersionRecord& v, std::int64_t after, std::int64_t upTo)
{
    const auto within = [&](std::int64_t t) { return t > after && t <= upTo; };
    if (within(v.createdNs) || within(v.commitNs) || within(v.goneNs) || within(v.reclaimedNs)) return true;
    for (const VersionEndClaim& end : v.ends)
        if (within(end.claimNs) || within(end.commitNs) || within(end.undoneNs)) return true;
    return false;
}

void VersionChainModel::emitRows(std::uint32_t parent, std::vector<int>& rows)
{
    if (rows.empty()) return;
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    const QModelIndex parentIndex = indexOf(parent);
    std::size_t i = 0;
    while (i < rows.size()) {
        std::size_t j = i;
        while (j + 1 < rows.size() && rows[j + 1] == rows[j] + 1)
            ++j;
        emit dataChanged(index(rows[i], 0, parentIndex), index(rows[j], ColumnCount - 1, parentIndex));
        i = j + 1;
    }
}

void VersionChainModel::refreshMoved(std::int64_t from, bool everything)
{
    instant_ = session_->instant();
    const TxSnapshot reader = projection().transactions.snapshotAt(readerTx_, instant_);
    const bool readerChanged =
        reader.valid != reader_.valid || reader.seesUpTo != reader_.seesUpTo || reader.txId != reader_.txId;
    reader_ = reader;
    everything = everything || readerChanged;
    absorbNewChains();
    cursor_ = versions().touched().end();
    syncTables();
    const std::int64_t lo = std::min(from, instant_), hi = std::max(from, instant_);
    const auto& chains = versions().chains();
    std::vector<int> tableRows;
    for (std::uint32_t table : std::vector<std::uint32_t>(nodes_[0].children)) {
        std::vector<std::uint32_t> wanted;
        std::vector<std::uint32_t> revisit;
        for (std::size_t c : tableChains_[static_cast<std::uint32_t>(nodes_[table].ref)]) {
            const auto& chain = chains[c];
            // A chain with no change in (lo, hi] looks the same at both instants.
            const bool changed = everything || (chain.lastNs > lo && chain.firstNs <= hi);
            const std::uint32_t node = chainNode(c);
            const bool show = changed ? versions().chainExistsAt(c, instant_) : nodes_[node].shown;
            if (!show) continue;
            wanted.push_back(node);
            if (changed) revisit.push_back(node);
        }
        syncChildren(table, wanted);
        std::vector<int> keyRows;
        for (std::uint32_t node : revisit) {
            syncVersions(node);
            keyRows.push_back(rowOf(node));
        }
        emitRows(table, keyRows);
        tableRows.push_back(rowOf(table));
    }
    emitRows(0, tableRows);
}

void VersionChainModel::refreshLive()
{
    const std::int64_t from = instant_;
    instant_ = session_->instant();
    const TxSnapshot reader = projection().transactions.snapshotAt(readerTx_, instant_);
    if (reader.valid != reader_.valid || reader.seesUpTo != reader_.seesUpTo) {
        // What the reader sees changed everywhere at once (it began, or its snapshot moved).
        instant_ = from;
        refreshMoved(from, true);
        return;
    }
    absorbNewChains();
    syncTables();
    std::vector<std::size_t> touched;
    versions().touched().forEachSince(cursor_, [&](std::size_t chain) { touched.push_back(chain); });
    cursor_ = versions().touched().end();
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    // Nodes, not rows: a key inserted later in this pass can shift the rows of keys seen
    // earlier, so rows are looked up only when the changes are announced.
    std::map<std::uint32_t, std::vector<std::uint32_t>> keyNodes;  // by table node
    std::map<std::uint32_t, std::vector<std::uint32_t>> appearing; // keys to show, by table node
    for (std::size_t c : touched) {
        const std::uint32_t node = chainNode(c);
        const std::uint32_t table = nodes_[node].parent;
        if (!nodes_[table].shown) continue;
        const bool show = versions().chainExistsAt(c, instant_);
        if (show && !nodes_[node].shown) {
            appearing[table].push_back(node);
            continue;
        }
        if (!show && nodes_[node].shown) {
            // One key out: find its place among the shown keys.
            const int row = rowOf(node);
            beginRemoveRows(indexOf(table), row, row);
            forget(node);
            nodes_[table].children.erase(nodes_[table].children.begin() + row);
            endRemoveRows();
        }
        if (!show) continue;
        syncVersions(node, from);
        keyNodes[table].push_back(node);
    }
    for (auto& [table, nodes] : appearing) {
        insertKeys(table, nodes);
        keyNodes[table]; // its row (the count of keys) changed
    }
    for (const auto& [table, nodes] : keyNodes) {
        std::vector<int> rows;
        for (std::uint32_t node : nodes)
            rows.push_back(rowOf(node));
        emitRows(table, rows);
    }
    std::vector<int> tableRows;
    for (const auto& [table, nodes] : keyNodes)
        tableRows.push_back(rowOf(table));
    emitRows(0, tableRows);
}

// Shows `keys` (not shown yet) under `table`: each key gets its versions before its row
// appears (no signal for rows under a row not in the model yet), and keys that land between the
// same two shown keys come in one beginInsertRows. Live, new keys mostly follow the last one, so
// a refresh inserts one run per table, not one row per key.
void VersionChainModel::insertKeys(std::uint32_t table, std::vector<std::uint32_t>& keys)
{
    for (std::uint32_t key : keys) {
        // versionNode() may grow nodes_: no reference into it is held across the calls.
        std::vector<std::uint32_t> children;
        for (std::size_t v : versions().chainAt(nodes_[key].ref, instant_)) {
            const std::uint32_t version = versionNode(v);
            nodes_[version].shown = true;
            children.push_back(version);
        }
        nodes_[key].children = std::move(children); // it had none: forget() empties a hidden key
    }
    std::sort(keys.begin(), keys.end(),
              [&](std::uint32_t a, std::uint32_t b) { return nodes_[a].sortKey < nodes_[b].sortKey; });
    const QModelIndex parent = indexOf(table);
    std::size_t i = 0;
    while (i < keys.size()) {
        auto& siblings = nodes_[table].children;
        const auto at =
            std::lower_bound(siblings.begin(), siblings.end(), nodes_[keys[i]].sortKey,
                             [&](std::uint32_t n, std::int64_t k) { return nodes_[n].sortKey < k; });
        std::size_t j = i + 1;
        while (j < keys.size() && (at == siblings.end() || nodes_[keys[j]].sortKey < nodes_[*at].sortKey))
            ++j;
        const int row = static_cast<int>(at - siblings.begin());
        beginInsertRows(parent, row, row + static_cast<int>(j - i) - 1);
        siblings.insert(at, keys.begin() + static_cast<std::ptrdiff_t>(i),
                        keys.begin() + static_cast<std::ptrdiff_t>(j));
        for (std::size_t k = i; k < j; ++k)
            nodes_[keys[k]].shown = true;
        endInsertRows();
        i = j;
    }
}

void VersionChainModel::setReaderTransaction(std::uint64_t txId)
{
    if (txId == readerTx_) return;
    readerTx_ = txId;
    refreshMoved(instant_, true);
}

// ---------------------------------------------------------------- QAbstractItemModel

QModelIndex VersionChainModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount || (parent.isValid() && parent.column() != 0))
        return {};
    const std::uint32_t p = parent.isValid() ? static_cast<std::uint32_t>(parent.internalId()) : 0;
    const auto& children = nodes_[p].children;
    if (static_cast<std::size_t>(row) >= children.size()) return {};
    return createIndex(row, column, static_cast<quintptr>(children[static_cast<std::size_t>(row)]));
}

QModelIndex VersionChainModel::parent(const QModelIndex& child) const
{
    if (!child.isValid()) return {};
    return indexOf(nodes_[static_cast<std::uint32_t>(child.internalId())].parent);
}

int VersionChainModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() && parent.column() != 0) return 0;
    const std::uint32_t p = parent.isValid() ? static_cast<std::uint32_t>(parent.internalId()) : 0;
    return static_cast<int>(nodes_[p].children.size());
}

int VersionChainModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QVariant VersionChainModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* names[] = {"Name", "Value", "Begin", "End", "Writer", "Status"};
    return section >= 0 && section < ColumnCount ? QString(names[section]) : QVariant();
}

QVariant VersionChainModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    const Node& node = nodes_[static_cast<std::uint32_t>(index.internalId())];
    const int column = index.column();
    if (role == NodeKindRole) return static_cast<int>(node.kind);

    if (node.kind == NodeKind::Table) {
        const auto& tables = versions().tables();
        const auto it = tables.find(static_cast<std::uint32_t>(node.ref));
        if (role != Qt::DisplayRole || it == tables.end()) return {};
        if (column == NameColumn)
            return QString::fromStdString(it->second.name) +
                   (it->second.droppedNs <= instant_ ? " (dropped)" : "");
        if (column == StatusColumn) return QString("%1 keys").arg(node.children.size());
        return {};
    }

    if (node.kind == NodeKind::Key) {
        if (role != Qt::DisplayRole) return {};
        if (column == NameColumn) return QString("key %1").arg(node.sortKey);
        if (column == StatusColumn) return QString("%1 versions").arg(node.children.size());
        if (column == ValueColumn) {
            // What the reader sees, or else the newest version's value.
            const VersionRecord* shown = nullptr;
            for (std::uint32_t child : node.children) {
                const VersionRecord& v = versions().versions()[nodes_[child].ref];
                if (readerTx_ ? visible(v) : !v.reclaimedAt(instant_)) shown = &v;
            }
            return shown ? QString::fromStdString(shown->value) : QString();
        }
        return {};
    }

    const VersionRecord& v = versions().versions()[node.ref];
    const VersionStamp begin = versions().beginAt(v, instant_);
    const VersionStamp end = versions().endAt(v, instant_);
    const bool reclaimed = v.reclaimedAt(instant_);
    const bool seen = readerTx_ && visible(v);
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case NameColumn:
            return QString("v%1").arg(v.id);
        case ValueColumn:
            return QString::fromStdString(v.value);
        case BeginColumn:
            return v.writerTx || begin.kind != VersionStamp::Kind::Timestamp
                       ? QString::fromStdString(describeStamp(begin))
                       : QString("before the log");
        case EndColumn:
            return end.kind == VersionStamp::Kind::None ? QString("∞")
                                                        : QString::fromStdString(describeStamp(end));
        case WriterColumn:
            return v.writerTx ? QString("tx %1").arg(v.writerTx) : QString();
        case StatusColumn:
            if (reclaimed) return QString("reclaimed at %1 ms").arg(formatMs(v.reclaimedNs));
            if (seen) return QString("visible to tx %1").arg(readerTx_);
            if (begin.kind == VersionStamp::Kind::Uncommitted) return QString("uncommitted");
            if (end.kind != VersionStamp::Kind::None) return QString("ended");
            return QString("current");
        default:
            return {};
        }
    case Qt::ForegroundRole:
        return reclaimed ? QVariant(mutedForeground()) : QVariant();
    case Qt::BackgroundRole:
        return seen ? outcomeBackground(Outcome::Ok) : QVariant();
    case Qt::FontRole: {
        if (begin.kind != VersionStamp::Kind::Uncommitted && end.kind != VersionStamp::Kind::Uncommitted)
            return {};
        QFont font;
        font.setItalic(true);
        return font;
    }
    case VisibleRole:
        return seen;
    case ReclaimedRole:
        return reclaimed;
    case TxIdRole:
        return QVariant::fromValue<quint64>(v.writerTx);
    case SeqRole:
        return QVariant::fromValue<quint64>(v.createdSeq);
    case TimeRole:
        return QVariant::fromValue<qint64>(v.createdNs);
    default:
        return {};
    }
}

QModelIndex VersionChainModel::tableIndex(std::uint32_t table) const
{
    const auto it = tableNodes_.find(table);
    return it == tableNodes_.end() ? QModelIndex() : indexOf(it->second);
}

QModelIndex VersionChainModel::keyIndex(std::uint32_t table, std::int64_t key) const
{
    const std::size_t chain = versions().chainIndex(table, key);
    return chain < chainNodes_.size() ? indexOf(chainNodes_[chain]) : QModelIndex();
}

QModelIndex VersionChainModel::versionIndex(std::uint64_t versionId) const
{
    const std::size_t i = versions().versionIndexOf(versionId);
    return i < versionNodes_.size() ? indexOf(versionNodes_[i]) : QModelIndex();
}

} // namespace txs::models
