#pragma once
// The MVCC version chains at the session's instant, as a tree: table -> key -> versions
// (oldest first). A version shows its value, its begin and end (a commit timestamp or
// "tx N (uncommitted)"), its writer, and whether it is visible to the reader transaction
// (setReaderTransaction; VisibleRole, highlighted) or was reclaimed by garbage collection
// (ReclaimedRole, faded).
//
// Nodes have stable ids (a node's internalId), so persistent indexes survive keys being
// inserted before them. Live, a drain only revisits the chains its events changed; moving the
// instant revisits the chains with changes between the old and the new instant. Both insert
// and remove rows where keys or versions appear or disappear and emit dataChanged for the
// rest: there is no reset except when the session starts over.

#include "engine/trace/ChunkedVector.h"
#include "widgets/models/SessionLog.h"

#include <QAbstractItemModel>
#include <map>
#include <unordered_map>
#include <vector>

namespace txs::models {

class VersionChainModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum class NodeKind { Root, Table, Key, Version };
    enum Column { NameColumn, ValueColumn, BeginColumn, EndColumn, WriterColumn, StatusColumn, ColumnCount };

    explicit VersionChainModel(SessionLog* session, QObject* parent = nullptr);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Highlights the versions `txId` sees at the instant; 0 highlights none.
    void setReaderTransaction(std::uint64_t txId);
    std::uint64_t readerTransaction() const { return readerTx_; }
    std::int64_t instant() const { return instant_; }

    // Where a table, key or version is shown (invalid when it is not), to expand or select it.
    QModelIndex tableIndex(std::uint32_t table) const;
    QModelIndex keyIndex(std::uint32_t table, std::int64_t key) const;
    QModelIndex versionIndex(std::uint64_t versionId) const;

private:
    struct Node
    {
        std::uint32_t parent = 0;
        NodeKind kind = NodeKind::Root;
        std::int64_t sortKey = 0; // table id, key, or position in the chain
        std::size_t ref = 0;      // table id, chain index, or version index
        bool shown = false;
        std::vector<std::uint32_t> children; // shown children, by sortKey
    };

    const SessionProjection& projection() const { return session_->projection(); }
    const VersionProjection& versions() const { return session_->projection().versions; }

    std::uint32_t newNode(std::uint32_t parent, NodeKind kind, std::int64_t sortKey, std::size_t ref);
    std::uint32_t tableNode(std::uint32_t table);
    std::uint32_t chainNode(std::size_t chain);
    std::uint32_t versionNode(std::size_t version);
    QModelIndex indexOf(std::uint32_t node, int column = 0) const;
    int rowOf(std::uint32_t node) const;

    void absorbNewChains();
    void syncChildren(std::uint32_t parent, const std::vector<std::uint32_t>& wanted);
    void forget(std::uint32_t node); // after its row was removed: it and its children are not shown
    void syncTables();
    // Every version row is announced changed, or (changedAfter >= 0, live) only those with a
    // change after that instant.
    void syncVersions(std::uint32_t keyNode, std::int64_t changedAfter = -1);
    static bool changedIn(const VersionRecord& v, std::int64_t after, std::int64_t upTo);
    void refreshLive();
    void insertKeys(std::uint32_t table, std::vector<std::uint32_t>& keys);
    // Revisits the chains that changed between `from` and the new instant (all when `everything`).
    void refreshMoved(std::int64_t from, bool everything);
    void emitRows(std::uint32_t parent, std::vector<int>& rows);
    void startOver();

    bool tableShownAt(const TableRecord& table, std::int64_t t) const { return table.createdNs <= t; }
    bool visible(const VersionRecord& v) const { return versions().visibleTo(v, reader_, instant_); }

    SessionLog* session_;
    // A node per key and per version shown (6.4M at 16 x 200,000): stores that never move, so a
    // live refresh costs what it adds (a std::vector's doubling copied them all in one turn).
    ChunkedVector<Node> nodes_; // nodes_[0] is the root
    std::unordered_map<std::uint32_t, std::uint32_t> tableNodes_;
    ChunkedVector<std::uint32_t> chainNodes_;                         // by chain index; 0 = none yet
    ChunkedVector<std::uint32_t> versionNodes_;                       // by version index; 0 = none yet
    std::map<std::uint32_t, ChunkedVector<std::size_t>> tableChains_; // chains of each table, by key
    std::size_t chainsSeen_ = 0;
    std::size_t cursor_ = 0; // into the version projection's touch log
    std::int64_t instant_ = -1;
    std::uint64_t readerTx_ = 0;
    TxSnapshot reader_;
};

} // namespace txs::models
