#pragma once
// Base of the flat session models: rows are the records of one projection that exist at the
// session's instant, which are always a prefix of its records.
//
// Live, each drain appends rows with one beginInsertRows/endInsertRows and refreshes only the
// rows the new events changed (the projection's TouchLog), as contiguous runs of dataChanged.
// Moving the instant inserts or removes rows at the end and refreshes the rest with one
// dataChanged: no reset, so selections and scroll positions survive time travel.
//
// Windowed: at most windowRows() rows, the latest records at the instant (a long run has
// millions; a view's cost grows with its rows, not with what it paints). Live, the window
// slides: rows leave at the top (beginRemoveRows), so a selected row keeps its record while it
// is shown. Earlier records are reached by moving the instant back (time travel), and
// windowNote() says how many are not shown. Rows refresh on SessionLog::viewsDue (at most once
// per frame in the window).

#include "widgets/models/ModelRoles.h"
#include "widgets/models/SessionLog.h"

#include <QAbstractTableModel>
#include <algorithm>

namespace txs::models {

class InstantTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    explicit InstantTableModel(SessionLog* session, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    SessionLog* session() const { return session_; }

    static constexpr int kDefaultWindowRows = 10'000;
    // At most `rows` rows (at least 1); takes effect at the next refresh.
    void setWindowRows(int rows) { windowRows_ = std::max(rows, 1); }
    int windowRows() const { return windowRows_; }
    // Records at the instant, shown or not; the first row's record.
    std::size_t totalRows() const { return total_; }
    std::size_t firstRecord() const { return first_; }
    // "showing the latest N of M …" while rows are left out, else empty.
    QString windowNote() const;
    // The instant the rows show (the session's, as of the last refresh).
    std::int64_t instant() const { return instant_; }

signals:
    // windowNote() changed.
    void windowChanged();

protected:
    const SessionProjection& projection() const { return session_->projection(); }
    // The projection's record shown at `row`, and back (-1: not shown).
    std::size_t recordOf(int row) const { return first_ + static_cast<std::size_t>(row); }
    int rowOfRecord(std::size_t record) const;
    // Records that exist at t.
    virtual std::size_t rowsAt(std::int64_t t) const = 0;
    // The projection's log of changed records; null when every row may change at any instant
    // (then every refresh covers all rows).
    virtual const TouchLog* touchLog() const { return nullptr; }
    // Called before any signal of a refresh, to cache what data() needs at the new instant.
    virtual void prepare(std::int64_t t) { Q_UNUSED(t); }
    // Sets everything up for the first time; subclasses call it at the end of their constructor
    // (the virtual functions above are not theirs before).
    void attach();

private:
    void refresh(bool moved);
    void emitChanged(std::vector<std::size_t>& rows);
    void setTotal(std::size_t total);

    SessionLog* session_;
    int windowRows_ = kDefaultWindowRows;
    std::size_t total_ = 0; // records at the instant
    std::size_t first_ = 0; // record of row 0
    int shown_ = 0;
    std::size_t cursor_ = 0;
    std::int64_t instant_ = -1;
};

} // namespace txs::models
