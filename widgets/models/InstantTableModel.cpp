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
    shown_ = static_cast<int>(rowsAt(instant_));
    if (const TouchLog* log = touchLog()) cursor_ = log->end();
    connect(session_, &SessionLog::eventsApplied, this, [this] {
        if (session_->isLive()) refresh(false);
    });
    connect(session_, &SessionLog::instantMoved, this, [this] { refresh(true); });
    connect(session_, &SessionLog::aboutToReset, this, [this] { beginResetModel(); });
    connect(session_, &SessionLog::reset, this, [this] {
        instant_ = session_->instant();
        prepare(instant_);
        shown_ = static_cast<int>(rowsAt(instant_));
        cursor_ = touchLog() ? touchLog()->end() : 0;
        endResetModel();
    });
}

int InstantTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : shown_;
}

void InstantTableModel::refresh(bool moved)
{
    instant_ = session_->instant();
    prepare(instant_);
    const int wanted = static_cast<int>(rowsAt(instant_));
    const int old = shown_;
    if (wanted < old) {
        beginRemoveRows({}, wanted, old - 1);
        shown_ = wanted;
        endRemoveRows();
    }
    const int kept = std::min(old, wanted);
    const TouchLog* log = touchLog();
    if (kept > 0 && columnCount() > 0) {
        if (moved || !log) {
            emit dataChanged(index(0, 0), index(kept - 1, columnCount() - 1));
        } else {
            std::vector<std::size_t> rows;
            log->forEachSince(cursor_, [&](std::size_t row) {
                if (row < static_cast<std::size_t>(kept)) rows.push_back(row);
            });
            emitChanged(rows);
        }
    }
    if (log) cursor_ = log->end();
    if (wanted > old) {
        beginInsertRows({}, old, wanted - 1);
        shown_ = wanted;
        endInsertRows();
    }
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
