#include "widgets/timeline/LaneGeometry.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <tuple>

namespace txs::timeline {

LaneGeometry::LaneGeometry(std::size_t laneCount, unsigned lockTracksUsed, std::vector<std::size_t> order)
    : laneCount_(laneCount)
{
    if (order.size() == laneCount) {
        order_ = std::move(order);
        slotOfLane_.assign(laneCount, 0);
        for (std::size_t slot = 0; slot < laneCount; ++slot)
            slotOfLane_[order_[slot]] = slot;
    }
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
    const double top = laneHeight_ * static_cast<double>(slotOf(lane));
    return {top, top + laneHeight_};
}

std::optional<Band> LaneGeometry::band(std::size_t lane, Track track) const
{
    if (track == Track::Wait) track = Track::Statement;
    const double top = laneHeight_ * static_cast<double>(slotOf(lane));
    for (std::size_t i = 0; i < rows_.size(); ++i)
        if (rows_[i] == track) return Band{top + rowBands_[i].top, top + rowBands_[i].bottom};
    return std::nullopt;
}

std::optional<std::size_t> LaneGeometry::laneAt(double v) const
{
    if (laneHeight_ <= 0 || v < 0) return std::nullopt;
    const auto slot = static_cast<std::size_t>(std::floor(v / laneHeight_));
    if (slot >= laneCount_) return std::nullopt;
    return laneAtSlot(slot);
}

std::optional<RowHit> LaneGeometry::rowAt(double v) const
{
    const auto lane = laneAt(v);
    if (!lane) return std::nullopt;
    const double local = v - laneHeight_ * static_cast<double>(slotOf(*lane));
    for (std::size_t i = 0; i < rows_.size(); ++i)
        if (rowBands_[i].contains(local)) return RowHit{*lane, rows_[i]};
    return std::nullopt;
}

std::vector<std::size_t> naturalLaneOrder(const std::vector<std::string>& names)
{
    struct Key
    {
        std::size_t group;
        bool numbered;
        std::uint64_t number;
        std::size_t lane;
        bool operator<(const Key& o) const
        {
            return std::tie(group, numbered, number, lane) < std::tie(o.group, o.numbered, o.number, o.lane);
        }
    };
    std::map<std::string, std::size_t> groups; // prefix -> order of first appearance
    std::vector<Key> keys;
    keys.reserve(names.size());
    for (std::size_t lane = 0; lane < names.size(); ++lane) {
        const std::string& name = names[lane];
        std::size_t digits = name.size();
        while (digits > 0 && name[digits - 1] >= '0' && name[digits - 1] <= '9')
            --digits;
        // Up to 18 digits fit; longer numbers keep their order of appearance.
        const bool numbered = digits < name.size() && name.size() - digits <= 18;
        const std::string prefix = numbered ? name.substr(0, digits) : name;
        const std::uint64_t number = numbered ? std::stoull(name.substr(digits)) : 0;
        const std::size_t group = groups.emplace(prefix, groups.size()).first->second;
        keys.push_back({group, numbered, number, lane});
    }
    std::sort(keys.begin(), keys.end());
    std::vector<std::size_t> order;
    order.reserve(keys.size());
    for (const Key& k : keys)
        order.push_back(k.lane);
    return order;
}

} // namespace txs::timeline
