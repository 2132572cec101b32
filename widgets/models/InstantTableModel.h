#pragma once
// Base of the flat session models: rows are the records of one projection that exist at the
// session's instant, which are always a prefix of its records.
//
// Live, each drain appends rows with one beginInsertRows/endInsertRows and refreshes only the
// rows the new events changed (the projection's TouchLog), as contiguous runs of dataChanged.
// Moving the instant inserts or removes rows at the end and refreshes the rest with one
// dataChanged: no reset, so selections and scroll positions survive time travel.

#include "widgets/models/ModelRoles.h"
#include "widgets/models/SessionLog.h"

#include <QAbstractTableModel>

namespace txs::models {

class InstantTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    explicit InstantTableModel(SessionLog* session, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    SessionLog* session() const { return session_; }
    // The instant the rows show (the session's, as of the last refresh).
    std::int64_t instant() const { return instant_; }

protected:
    const SessionProjection& projection() const { return session_->projection(); }
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

    SessionLog* session_;
    int shown_ = 0;
    std::size_t cursor_ = 0;
    std::int64_t instant_ = -1;
};

} // namespace txs::models
