#include "widgets/timeline/LaneGeometry.h"

#include <cmath>

namespace txs::timeline {

LaneGeometry::LaneGeometry(std::size_t laneCount, unsigned lockTracksUsed) : laneCount_(laneCount)
{
    double y = kLanePadding;
    auto addRow = [&](Track row, double height) {
        if (!rows_.empty()) y += kRowGap;
        rows_.push_back(row);
        rowBands_.push_back({y, y + height});
        y += height;
    };
    addRow(Track::Transaction, kTxHeight);
    addRow(Track::Statement, kStatementHeight);
    for (int slot = 0; slot < 4; ++slot)
        if (lockTracksUsed & (1u << slot))
            addRow(static_cast<Track>(static_cast<int>(Track::LockDb) + slot), kLockHeight);
    laneHeight_ = y + kLanePadding;
}

Band LaneGeometry::lane(std::size_t lane) const
{
    const double top = laneHeight_ * static_cast<double>(lane);
    return {top, top + laneHeight_};
}

std::optional<Band> LaneGeometry::band(std::size_t lane, Track track) const
{
    if (track == Track::Wait) track = Track::Statement;
    const double top = laneHeight_ * static_cast<double>(lane);
    for (std::size_t i = 0; i < rows_.size(); ++i)
        if (rows_[i] == track) return Band{top + rowBands_[i].top, top + rowBands_[i].bottom};
    return std::nullopt;
}

std::optional<std::size_t> LaneGeometry::laneAt(double v) const
{
    if (laneHeight_ <= 0 || v < 0) return std::nullopt;
    const auto lane = static_cast<std::size_t>(std::floor(v / laneHeight_));
    if (lane >= laneCount_) return std::nullopt;
    return lane;
}

std::optional<RowHit> LaneGeometry::rowAt(double v) const
{
    const auto lane = laneAt(v);
    if (!lane) return std::nullopt;
    const double local = v - laneHeight_ * static_cast<double>(*lane);
    for (std::size_t i = 0; i < rows_.size(); ++i)
        if (rowBands_[i].contains(local)) return RowHit{*lane, rows_[i]};
    return std::nullopt;
}

} // namespace txs::timeline
