#pragma once
// Where lanes and their rows sit on the value axis, in lane units (the plot maps units to
// pixels). Every lane has the same rows, top to bottom: transactions (tall), statements (with
// lock waits on it), then one row per lock track that any lane used (db, WAL, READ, MVCC), so
// rows line up across lanes and a glance down a column compares connections.

#include "widgets/timeline/TimelineTypes.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace txs::timeline {

struct Band
{
    double top = 0, bottom = 0; // top < bottom: units grow downwards
    double centre() const { return (top + bottom) / 2; }
    double height() const { return bottom - top; }
    bool contains(double v) const { return v >= top && v < bottom; }
    bool operator==(const Band&) const = default;
};

struct RowHit
{
    std::size_t lane = 0;
    Track row = Track::Transaction; // Transaction, Statement or a lock track
};

class LaneGeometry
{
public:
    static constexpr double kTxHeight = 1.0;
    static constexpr double kStatementHeight = 0.42;
    static constexpr double kLockHeight = 0.36;
    static constexpr double kRowGap = 0.06;
    static constexpr double kLanePadding = 0.22; // above and below the rows of a lane

    LaneGeometry() = default;
    // `lockTracksUsed`: bit (track - Track::LockDb) per lock row to show (TimelineModel::lockTracksUsed()).
    // `order`: the lanes top to bottom (a permutation of 0..laneCount-1); empty: in index order.
    LaneGeometry(std::size_t laneCount, unsigned lockTracksUsed, std::vector<std::size_t> order = {});

    std::size_t laneCount() const { return laneCount_; }
    double laneHeight() const { return laneHeight_; }
    double totalHeight() const { return laneHeight_ * static_cast<double>(laneCount_); }
    Band lane(std::size_t lane) const;
    // The rows each lane shows, top to bottom.
    const std::vector<Track>& rows() const { return rows_; }
    bool hasRow(Track row) const { return band(0, row).has_value(); }
    // The band of `track` in `lane` (Wait shares the Statement row); none for a lock row not shown.
    std::optional<Band> band(std::size_t lane, Track track) const;
    // The lane and row at value `v` (lane units); none between rows or outside all lanes.
    std::optional<RowHit> rowAt(double v) const;
    // The lane at value `v`, including its padding.
    std::optional<std::size_t> laneAt(double v) const;
    // Position of `lane` from the top (0 = first shown), and the lane at a position.
    std::size_t slotOf(std::size_t lane) const { return slotOfLane_.empty() ? lane : slotOfLane_[lane]; }
    std::size_t laneAtSlot(std::size_t slot) const { return order_.empty() ? slot : order_[slot]; }

private:
    std::size_t laneCount_ = 0;
    std::vector<Track> rows_;
    std::vector<Band> rowBands_; // relative to the lane's top, one per rows_ entry
    double laneHeight_ = 0;
    std::vector<std::size_t> order_, slotOfLane_; // empty: identity
};

// Lanes in natural order: names that differ only in a trailing number ("writer-2", "writer-10")
// go together, by that number; the groups keep the order in which they first appeared (setup,
// the steps' connections, the workers, check). `names[i]` is lane i's name.
std::vector<std::size_t> naturalLaneOrder(const std::vector<std::string>& names);

} // namespace txs::timeline
