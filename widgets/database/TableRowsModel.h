#pragma once
// The rows of one table or view, for a grid that opens a table of millions of rows at once.
// Nothing is read up front but the row count; the rows of a page (PageRows of them) are read
// when the view first asks for one, each page with one short read (ShortRead.h: its own
// read-only connection, one statement, closed again), and a bounded number of pages is cached.
//
// How a page is found without scanning from the top:
// - next to a cached page, in the default order of a rowid table: keyset paging
//   (`WHERE rowid > last ORDER BY rowid LIMIT n`), which costs the page alone;
// - elsewhere: LIMIT/OFFSET from whichever end is nearer (the reversed order read backwards), so
//   jumping to the end costs as little as the start, and the middle costs half a scan at most.
// Sorting is `ORDER BY column` (then rowid, so the order is total and can be reversed); the filter
// matches a substring of the text of any column (or of one), as LIKE does (ASCII case-insensitive).
// A filter reads the whole table once, in one short read that keeps the matching rowids in the
// grid's order, sorted or not (a table without rowids, only their count); a page of matches is
// then read by its matches' rowids, which costs the page alone, also at the end of a sort by an
// unindexed column. That one read (again on each sort while filtered) can run on a worker
// thread (setFilterInBackground): the grid shows no rows while filtering() and the window stays
// responsive; between reads TxScope still holds no lock.
// The file may change between two reads (the user's application keeps writing): a page shows the
// file as it was when that page was read; refresh() starts over.

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QVector>

namespace txs::database {

class TableRowsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    static constexpr int PageRows = 256;
    static constexpr int MaxCachedPages = 64;
    static constexpr int NullRole = Qt::UserRole + 1;  // true on a NULL value
    static constexpr int ValueRole = Qt::UserRole + 2; // the value as read (QVariant)

    explicit TableRowsModel(QObject* parent = nullptr);

    // Shows `table` (a table or view) of the database at `path`; empty `table` clears.
    // Returns false (and error() says why) when it cannot be read.
    bool setSource(const QString& path, const QString& table);
    // Shows only rows whose text contains `text` in column `column` (-1: any column), once the
    // matches are found: setFilter waits for them; setFilterInBackground returns at once and emits
    // filterFinished when they are in. A later filter, source or refresh supersedes a filter still
    // running (its result is dropped).
    void setFilter(const QString& text, int column = -1);
    void setFilterInBackground(const QString& text, int column = -1);
    // Sorting (and refreshing a sorted or filtered table) reads the rowids in the new order on a
    // worker thread too, as setFilterInBackground does; without it they are read at once.
    void setReadsInBackground(bool on) { background_ = on; }
    bool filtering() const { return filtering_; }
    QString filter() const { return filter_; }
    void refresh();

    QString table() const { return table_; }
    QString error() const { return error_; }
    int reads() const { return reads_; } // short reads done so far (each one a connection)

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

signals:
    void readFailed(const QString& message);
    // The background filter's matches are in (`elapsedMs` since it was asked for).
    void filterFinished(int matches, qint64 elapsedMs);

private:
    struct Page
    {
        QVector<QVector<QVariant>> rows; // without the leading rowid
        QVector<qlonglong> rowids;       // when the source has rowids
    };
    struct Matches
    {
        QVector<qlonglong> rowids; // in rowid order, when the source has rowids
        qlonglong count = 0;
        QString error;
    };
    // The one read of the whole table a filter needs; thread-safe (its own connection).
    static Matches findMatches(const QString& path, const QString& sql, const QVariantList& params,
                               bool byRowid);
    QString matchQuery(QVariantList& params) const;
    void startFilter(const QString& text, int column);
    void takeMatches(Matches matches);
    void matchInBackground();
    // Pages are read by rowids found beforehand: those of a filter's matches, or all of a sorted
    // table's (sortedByRowids_), so no page of a sort by an unindexed column scans to an OFFSET.
    bool pagesByMatches() const { return hasRowid_ && (!filter_.isEmpty() || sortedByRowids_); }

    const Page* page(int number) const;
    bool readPage(int number, Page& out) const;
    QString whereClause(QVariantList& params, const QString& extra = {}) const;
    QString orderClause(bool reversed) const;
    void recount();

    QString path_, table_;
    QStringList columns_;
    bool hasRowid_ = false;
    int sortColumn_ = -1;
    // Sorted, and the table small enough to keep its rowids (8 bytes each) in the sort's order.
    bool sortedByRowids_ = false;
    static constexpr int kMaxSortedRowids = 16'000'000;
    Qt::SortOrder sortOrder_ = Qt::AscendingOrder;
    QString filter_;
    int filterColumn_ = -1;
    int count_ = 0;
    QString error_;
    QVector<qlonglong> matches_; // the filter's matching rowids (rowid tables)
    bool filtering_ = false;
    bool background_ = false; // filters (and a filter's sort) read their matches on a worker thread
    quint64 generation_ = 0;  // of the filter whose result is awaited
    qint64 filterStartedMs_ = 0;
    mutable QHash<int, Page> pages_;
    mutable QList<int> recent_; // page numbers, most recently used last
    mutable int reads_ = 0;
};

} // namespace txs::database
