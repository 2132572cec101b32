#include "widgets/database/TableRowsModel.h"

#include "widgets/database/ShortRead.h"

#include <QBrush>
#include <QDateTime>
#include <QFont>
#include <QMetaObject>
#include <QPalette>
#include <QThread>
#include <algorithm>
#include <limits>
#include <memory>

namespace txs::database {

namespace {

QString likePattern(QString text)
{
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    return '%' + text + '%';
}

QString displayText(const QVariant& v)
{
    if (!v.isValid()) return QStringLiteral("NULL");
    if (v.typeId() == QMetaType::QByteArray) {
        const QByteArray b = v.toByteArray();
        return QString("x'%1%2' (%3 bytes)")
            .arg(QString::fromLatin1(b.left(16).toHex()), b.size() > 16 ? "…" : "")
            .arg(b.size());
    }
    QString s = v.toString();
    if (s.size() > 200) s = s.left(200) + "…";
    // One line per cell: a newline in a value would hide the rows below it.
    return s.replace('\n', QChar(0x21B5));
}

} // namespace

TableRowsModel::TableRowsModel(QObject* parent) : QAbstractTableModel(parent) {}

bool TableRowsModel::setSource(const QString& path, const QString& table)
{
    beginResetModel();
    path_ = path;
    table_ = table;
    columns_.clear();
    hasRowid_ = false;
    sortColumn_ = -1;
    sortOrder_ = Qt::AscendingOrder;
    sortedByRowids_ = false;
    filter_.clear();
    filterColumn_ = -1;
    count_ = 0;
    error_.clear();
    matches_.clear();
    filtering_ = false;
    ++generation_; // a filter still running on the old source is dropped
    pages_.clear();
    recent_.clear();
    if (!table.isEmpty()) {
        const QString from = quoteIdentifier(table);
        ++reads_;
        const ReadResult shape = shortRead(path, "SELECT * FROM " + from + " LIMIT 0");
        if (!shape.ok()) {
            error_ = shape.error;
        } else {
            columns_ = shape.columns;
            // Views (whose "rowid" reads as NULL) and WITHOUT ROWID tables (where naming it is an
            // error) have none: they page by OFFSET alone.
            reads_ += 2;
            const ReadResult kind =
                shortRead(path, "SELECT type FROM sqlite_schema WHERE name = ?1 COLLATE NOCASE", {table});
            hasRowid_ = kind.rows.value(0).value(0).toString() == "table" &&
                        shortRead(path, "SELECT rowid FROM " + from + " LIMIT 0").ok();
            recount();
        }
    }
    endResetModel();
    return error_.isEmpty();
}

void TableRowsModel::startFilter(const QString& text, int column)
{
    filter_ = text;
    filterColumn_ = column < columns_.size() ? column : -1;
    matches_.clear();
    pages_.clear();
    recent_.clear();
    ++generation_;
}

void TableRowsModel::setFilter(const QString& text, int column)
{
    background_ = false;
    beginResetModel();
    startFilter(text, column);
    filtering_ = false;
    recount();
    endResetModel();
}

void TableRowsModel::setFilterInBackground(const QString& text, int column)
{
    background_ = true;
    if (table_.isEmpty() || columns_.isEmpty() || (text.isEmpty() && !sortedByRowids_)) {
        setFilter(text, column); // no filter: a count(*), as quick as opening the table
        background_ = true;
        emit filterFinished(count_, 0);
        return;
    }
    background_ = true;
    beginResetModel();
    startFilter(text, column);
    matchInBackground();
    endResetModel();
}

// Starts the one read of the matches, in the current sort order, on a worker thread; call
// between beginResetModel and endResetModel.
void TableRowsModel::matchInBackground()
{
    ++generation_; // a read still running for an earlier filter or order is dropped
    matches_.clear();
    pages_.clear();
    recent_.clear();
    filtering_ = true;
    count_ = 0;
    filterStartedMs_ = QDateTime::currentMSecsSinceEpoch();
    QVariantList params;
    const QString sql = matchQuery(params);
    const QString path = path_;
    const bool byRowid = hasRowid_;
    const quint64 generation = generation_;
    auto result = std::make_shared<Matches>();
    // Unparented: a QThread destroyed while running aborts, so it deletes itself once finished.
    QThread* worker = QThread::create(
        [result, path, sql, params, byRowid] { *result = findMatches(path, sql, params, byRowid); });
    connect(worker, &QThread::finished, worker, &QObject::deleteLater);
    // Queued to this (GUI) thread; dropped when the model is gone or a later filter superseded it.
    connect(worker, &QThread::finished, this, [this, result, generation] {
        if (generation == generation_) takeMatches(std::move(*result));
    });
    ++reads_;
    worker->start();
}

void TableRowsModel::takeMatches(Matches matches)
{
    beginResetModel();
    filtering_ = false;
    pages_.clear();
    recent_.clear();
    if (!matches.error.isEmpty()) {
        error_ = matches.error;
        count_ = 0;
    } else {
        error_.clear();
        matches_ = std::move(matches.rowids);
        count_ = int(std::min<qlonglong>(matches.count, std::numeric_limits<int>::max()));
    }
    endResetModel();
    if (!error_.isEmpty()) emit readFailed(error_);
    emit filterFinished(count_, QDateTime::currentMSecsSinceEpoch() - filterStartedMs_);
}

// The matching rowids in the grid's order (the sort column, then rowid), so that row i of the
// grid is matches_[i] whatever the order; a table without rowids, only their count.
QString TableRowsModel::matchQuery(QVariantList& params) const
{
    const QString from = quoteIdentifier(table_);
    return hasRowid_ ? "SELECT rowid FROM " + from + whereClause(params) + orderClause(false)
                     : "SELECT count(*) FROM " + from + whereClause(params);
}

TableRowsModel::Matches TableRowsModel::findMatches(const QString& path, const QString& sql,
                                                    const QVariantList& params, bool byRowid)
{
    Matches m;
    QVector<qlonglong> values;
    const ReadResult r = shortReadIntegers(path, sql, params, values);
    if (!r.ok()) {
        m.error = r.error;
        return m;
    }
    if (byRowid) {
        m.count = values.size();
        m.rowids = std::move(values);
    } else {
        m.count = values.value(0);
    }
    return m;
}

void TableRowsModel::refresh()
{
    beginResetModel();
    ++generation_; // reads again here: a background filter still running is dropped
    filtering_ = false;
    pages_.clear();
    recent_.clear();
    if (background_ && pagesByMatches())
        matchInBackground();
    else
        recount();
    endResetModel();
}

void TableRowsModel::sort(int column, Qt::SortOrder order)
{
    if (column >= columns_.size()) return;
    beginResetModel();
    sortColumn_ = column;
    sortOrder_ = order;
    // Unfiltered, count_ is the table's row count: keep its rowids when that is affordable.
    sortedByRowids_ = column >= 0 && (!filter_.isEmpty() || count_ <= kMaxSortedRowids);
    pages_.clear();
    recent_.clear();
    // Filtered or sorted: the matches (all rows when unfiltered) are read again in the new order
    // (one read; on the worker thread when reads are in the background), and pages are read by
    // their rowids, never by scanning to an OFFSET. Back to rowid order: a count, as at opening.
    if (pagesByMatches()) {
        if (background_)
            matchInBackground();
        else
            recount();
    } else {
        recount();
    }
    endResetModel();
}

void TableRowsModel::recount()
{
    count_ = 0;
    matches_.clear();
    if (table_.isEmpty() || columns_.isEmpty()) return;
    QVariantList params;
    ++reads_;
    if (pagesByMatches()) {
        Matches m = findMatches(path_, matchQuery(params), params, hasRowid_);
        error_ = m.error;
        matches_ = std::move(m.rowids);
        count_ = int(std::min<qlonglong>(m.count, std::numeric_limits<int>::max()));
        return;
    }
    const ReadResult r =
        shortRead(path_, "SELECT count(*) FROM " + quoteIdentifier(table_) + whereClause(params), params);
    if (!r.ok()) {
        error_ = r.error;
        return;
    }
    error_.clear();
    count_ = int(std::min<qlonglong>(r.rows.value(0).value(0).toLongLong(), std::numeric_limits<int>::max()));
}

QString TableRowsModel::whereClause(QVariantList& params, const QString& extra) const
{
    QStringList terms;
    if (!filter_.isEmpty()) {
        QStringList any;
        for (int c = 0; c < columns_.size(); ++c)
            if (filterColumn_ < 0 || filterColumn_ == c)
                any << QString("CAST(%1 AS TEXT) LIKE ?1 ESCAPE '\\'").arg(quoteIdentifier(columns_[c]));
        terms << '(' + any.join(" OR ") + ')';
        params << likePattern(filter_);
    }
    if (!extra.isEmpty()) terms << extra;
    return terms.isEmpty() ? QString() : " WHERE " + terms.join(" AND ");
}

QString TableRowsModel::orderClause(bool reversed) const
{
    const bool ascending = (sortOrder_ == Qt::AscendingOrder) != reversed;
    const QString dir = ascending ? " ASC" : " DESC";
    QStringList keys;
    if (sortColumn_ >= 0) keys << quoteIdentifier(columns_[sortColumn_]) + dir;
    if (hasRowid_) keys << "rowid" + (sortColumn_ >= 0 ? dir : QString(reversed ? " DESC" : " ASC"));
    return keys.isEmpty() ? QString() : " ORDER BY " + keys.join(", ");
}

bool TableRowsModel::readPage(int number, Page& out) const
{
    const int first = number * PageRows;
    const int wanted = std::min(PageRows, count_ - first);
    if (wanted <= 0) return true;
    const QString select =
        QString("SELECT %1* FROM %2").arg(hasRowid_ ? "rowid, " : "", quoteIdentifier(table_));
    QVariantList params;
    QString sql;
    bool reversed = false;
    bool byMatches = false;
    // Keyset paging next to a cached page (default rowid order only: with a sort column, NULLs
    // and ties make the key condition more than one comparison; those pages use OFFSET).
    const Page* before =
        hasRowid_ && sortColumn_ < 0 && pages_.contains(number - 1) ? &pages_[number - 1] : nullptr;
    const Page* after =
        hasRowid_ && sortColumn_ < 0 && pages_.contains(number + 1) ? &pages_[number + 1] : nullptr;
    if (pagesByMatches() && first + wanted <= matches_.size()) {
        // The page's matches by their rowids (integers this model read itself, written into the
        // SQL): one lookup each, however far apart they lie. The filter is applied again, as the
        // file may have changed since the matches were found.
        QStringList ids;
        for (int i = first; i < first + wanted; ++i)
            ids << QString::number(matches_[i]);
        // Unordered: the rows come back in rowid order, put in the matches' order below.
        sql = select + whereClause(params, "rowid IN (" + ids.join(',') + ")");
        byMatches = true;
    } else if (before && !before->rowids.isEmpty() && before->rows.size() == PageRows) {
        params.clear();
        QString where = whereClause(params, QString("rowid > ?%1").arg(filter_.isEmpty() ? 1 : 2));
        params << before->rowids.last();
        sql = select + where + orderClause(false) + QString(" LIMIT %1").arg(wanted);
    } else if (after && !after->rowids.isEmpty()) {
        params.clear();
        QString where = whereClause(params, QString("rowid < ?%1").arg(filter_.isEmpty() ? 1 : 2));
        params << after->rowids.first();
        sql = select + where + orderClause(true) + QString(" LIMIT %1").arg(wanted);
        reversed = true;
    } else {
        // OFFSET from the nearer end; a table without a total order can only be read forwards.
        const bool fromEnd = (hasRowid_ || sortColumn_ >= 0) && first > count_ / 2;
        const int offset = fromEnd ? count_ - first - wanted : first;
        sql = select + whereClause(params) + orderClause(fromEnd) +
              QString(" LIMIT %1 OFFSET %2").arg(wanted).arg(offset);
        reversed = fromEnd;
    }
    ++reads_;
    ReadResult r = shortRead(path_, sql, params);
    if (!r.ok()) {
        QMetaObject::invokeMethod(const_cast<TableRowsModel*>(this), "readFailed", Qt::QueuedConnection,
                                  Q_ARG(QString, r.error));
        return false;
    }
    if (reversed) std::reverse(r.rows.begin(), r.rows.end());
    if (byMatches && hasRowid_) {
        // A row that no longer matches (the file changed) is left out; the rest keep their order.
        QHash<qlonglong, int> position;
        for (int i = first; i < first + wanted; ++i)
            position.insert(matches_[i], i);
        std::stable_sort(r.rows.begin(), r.rows.end(), [&](const auto& a, const auto& b) {
            return position.value(a.value(0).toLongLong()) < position.value(b.value(0).toLongLong());
        });
    }
    out.rows.reserve(r.rows.size());
    for (auto& row : r.rows) {
        if (hasRowid_) {
            out.rowids.push_back(row.value(0).toLongLong());
            row.removeFirst();
        }
        out.rows.push_back(std::move(row));
    }
    return true;
}

const TableRowsModel::Page* TableRowsModel::page(int number) const
{
    auto it = pages_.find(number);
    if (it != pages_.end()) {
        recent_.removeOne(number);
        recent_.push_back(number);
        return &*it;
    }
    Page fresh;
    if (!readPage(number, fresh)) return nullptr;
    while (pages_.size() >= MaxCachedPages && !recent_.isEmpty())
        pages_.remove(recent_.takeFirst());
    recent_.push_back(number);
    return &*pages_.insert(number, std::move(fresh));
}

int TableRowsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : count_;
}

int TableRowsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(columns_.size());
}

QVariant TableRowsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= count_ || index.column() >= columns_.size()) return {};
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole && role != NullRole && role != ValueRole &&
        role != Qt::ForegroundRole && role != Qt::TextAlignmentRole)
        return {};
    const Page* p = page(index.row() / PageRows);
    const int inPage = index.row() % PageRows;
    if (!p || inPage >= p->rows.size()) {
        // The read failed or the table shrank since it was counted.
        return role == Qt::DisplayRole ? QVariant(QStringLiteral("…")) : QVariant();
    }
    const QVariant& v = p->rows[inPage].value(index.column());
    switch (role) {
    case Qt::DisplayRole:
        return displayText(v);
    case Qt::ToolTipRole:
        return v.typeId() == QMetaType::QString && v.toString().size() > 200 ? v : QVariant();
    case NullRole:
        return !v.isValid();
    case ValueRole:
        return v;
    case Qt::ForegroundRole:
        return v.isValid() ? QVariant() : QVariant(QPalette().brush(QPalette::Disabled, QPalette::Text));
    case Qt::TextAlignmentRole: {
        const bool number = v.typeId() == QMetaType::LongLong || v.typeId() == QMetaType::Double;
        return number ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    }
    }
    return {};
}

QVariant TableRowsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole) return {};
    if (orientation == Qt::Horizontal)
        return section < columns_.size() ? QVariant(columns_[section]) : QVariant();
    return section + 1;
}

} // namespace txs::database
