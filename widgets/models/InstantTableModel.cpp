#include "widgets/models/InstantTableModel.h"

#include <algorithm>

namespace txs::models {

InstantTableModel::InstantTableModel(SessionLog* session, QObject* parent)
    : QAbstractTableModel(parent), session_(session)
{}

void InstantTableModel::attach()
{
    instant_ = session_->instant();
    prepare(instant_);
    setTotal(rowsAt(instant_));
    shown_ = static_cast<int>(total_ - first_);
    if (const TouchLog* log = touchLog()) cursor_ = log->end();
    connect(session_, &SessionLog::viewsDue, this, [this] {
        if (session_->isLive()) refresh(false);
    });
    connect(session_, &SessionLog::instantMoved, this, [this] { refresh(true); });
    connect(session_, &SessionLog::aboutToReset, this, [this] { beginResetModel(); });
    connect(session_, &SessionLog::reset, this, [this] {
        instant_ = session_->instant();
        prepare(instant_);
        setTotal(rowsAt(instant_));
        shown_ = static_cast<int>(total_ - first_);
        cursor_ = touchLog() ? touchLog()->end() : 0;
        endResetModel();
    });
}

int InstantTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : shown_;
}

int InstantTableModel::rowOfRecord(std::size_t record) const
{
    if (record < first_ || record - first_ >= static_cast<std::size_t>(shown_)) return -1;
    return static_cast<int>(record - first_);
}

QString InstantTableModel::windowNote() const
{
    if (first_ == 0) return {};
    return QString("showing the latest %L1 of %L2 — move the cursor back to see earlier ones")
        .arg(static_cast<qulonglong>(total_ - first_))
        .arg(static_cast<qulonglong>(total_));
}

// Only total_ and first_; the rows follow in refresh().
void InstantTableModel::setTotal(std::size_t total)
{
    total_ = total;
    first_ =
        total > static_cast<std::size_t>(windowRows_) ? total - static_cast<std::size_t>(windowRows_) : 0;
}

void InstantTableModel::refresh(bool moved)
{
    instant_ = session_->instant();
    prepare(instant_);
    const std::size_t oldFirst = first_, oldTotal = total_;
    const TouchLog* log = touchLog();
    const std::size_t total = rowsAt(instant_);
    const std::size_t wantedShown = std::min(total, static_cast<std::size_t>(windowRows_));
    const std::size_t wantedFirst = total - wantedShown;
    if (!moved && log && wantedFirst >= first_) {
        // Live: the window slides forward. Rows whose records fell out leave at the top.
        const std::size_t drop = std::min(wantedFirst - first_, static_cast<std::size_t>(shown_));
        if (drop > 0) {
            beginRemoveRows({}, 0, static_cast<int>(drop) - 1);
            first_ += drop;
            shown_ -= static_cast<int>(drop);
            endRemoveRows();
        }
        if (first_ < wantedFirst) first_ = wantedFirst; // every old row left: start at the window
        std::vector<std::size_t> rows;
        log->forEachSince(cursor_, [&](std::size_t record) {
            if (record >= first_ && record - first_ < static_cast<std::size_t>(shown_))
                rows.push_back(record - first_);
        });
        emitChanged(rows);
    } else {
        // The instant moved (or every row may change): the count is set at the end, every row
        // kept is refreshed.
        const int wanted = static_cast<int>(wantedShown);
        if (wanted < shown_) {
            beginRemoveRows({}, wanted, shown_ - 1);
            shown_ = wanted;
            endRemoveRows();
        }
        first_ = wantedFirst;
        if (shown_ > 0 && columnCount() > 0)
            emit dataChanged(index(0, 0), index(shown_ - 1, columnCount() - 1));
    }
    total_ = total;
    if (log) cursor_ = log->end();
    const int wanted = static_cast<int>(wantedShown);
    if (wanted > shown_) {
        beginInsertRows({}, shown_, wanted - 1);
        shown_ = wanted;
        endInsertRows();
    }
    if (first_ != oldFirst || (first_ > 0 && total_ != oldTotal)) emit windowChanged();
}

// One dataChanged per run of adjacent rows; past a few dozen runs, one for the span (views
// repaint only what they show either way).
void InstantTableModel::emitChanged(std::vector<std::size_t>& rows)
{
    if (rows.empty()) return;
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    const int lastColumn = columnCount() - 1;
    std::vector<std::pair<std::size_t, std::size_t>> runs;
    for (std::size_t row : rows) {
        if (!runs.empty() && runs.back().second + 1 == row)
            runs.back().second = row;
        else
            runs.emplace_back(row, row);
    }
    if (runs.size() > 32) runs = {{rows.front(), rows.back()}};
    for (const auto& [first, last] : runs)
        emit dataChanged(index(static_cast<int>(first), 0), index(static_cast<int>(last), lastColumn));
}

} // namespace txs::models
