#include "engine/record/WalGauges.h"

#include "engine/record/WalIndexHeader.h"

#include <algorithm>
#include <sys/stat.h>

namespace txs::record {

const char* walGaugeName(WalGaugeKind kind)
{
    static const char* names[kWalGaugeKinds] = {"WAL bytes",  "frames",     "backfilled", "READ0 mark",
                                                "READ1 mark", "READ2 mark", "READ3 mark", "READ4 mark"};
    const auto i = static_cast<std::size_t>(kind);
    return i < kWalGaugeKinds ? names[i] : "?";
}

void WalSampler::addDatabase(const std::string& path)
{
    if (std::find(databases_.begin(), databases_.end(), path) == databases_.end()) databases_.push_back(path);
}

std::vector<WalSample> WalSampler::sample(std::int64_t timeNs)
{
    std::vector<WalSample> changed;
    for (const auto& db : databases_) {
        std::string error;
        const auto header = readWalIndexHeader(db + "-shm", error);
        if (!header) continue;
        WalSample s;
        s.timeNs = timeNs;
        s.database = db;
        struct stat st
        {};
        if (::stat((db + "-wal").c_str(), &st) == 0 && S_ISREG(st.st_mode)) s.values[0] = st.st_size;
        s.values[1] = header->mxFrame;
        s.values[2] = header->nBackfill;
        for (std::size_t i = 0; i < header->readMarks.size(); ++i)
            s.values[3 + i] = header->readMarks[i] ? static_cast<std::int64_t>(*header->readMarks[i]) : -1;
        auto [it, first] = last_.emplace(db, s);
        if (!first && std::equal(std::begin(s.values), std::end(s.values), std::begin(it->second.values)))
            continue;
        it->second = s;
        changed.push_back(s);
        all_.push_back(s);
    }
    return changed;
}

void WalGaugeSeries::apply(const Event& e)
{
    if (e.kind != EventKind::WalGauge || e.detail >= kWalGaugeKinds) return;
    auto& s = series_[{e.table, e.detail}];
    if (s.points.empty()) {
        s.database = e.table;
        s.kind = static_cast<WalGaugeKind>(e.detail);
        s.databaseName = e.text;
    }
    // A sample out of time order (a recording is merged from many clocks' files) goes in its place.
    const Point p{e.timeNs, e.a};
    if (s.points.empty() || s.points.back().timeNs <= p.timeNs)
        s.points.push_back(p);
    else
        s.points.insert(std::upper_bound(s.points.begin(), s.points.end(), p,
                                         [](const Point& x, const Point& y) { return x.timeNs < y.timeNs; }),
                        p);
}

std::vector<const WalGaugeSeries::Series*> WalGaugeSeries::all() const
{
    std::vector<const Series*> out;
    for (const auto& [key, s] : series_)
        out.push_back(&s);
    return out;
}

const WalGaugeSeries::Series* WalGaugeSeries::find(std::uint32_t database, WalGaugeKind kind) const
{
    auto it = series_.find({database, static_cast<int>(kind)});
    return it == series_.end() ? nullptr : &it->second;
}

std::optional<std::int64_t> WalGaugeSeries::valueAt(const Series& s, std::int64_t t)
{
    auto it = std::upper_bound(s.points.begin(), s.points.end(), t,
                               [](std::int64_t time, const Point& p) { return time < p.timeNs; });
    if (it == s.points.begin()) return std::nullopt;
    return std::prev(it)->value;
}

std::int64_t WalGaugeSeries::maxFrames(std::uint32_t database) const
{
    std::int64_t top = 0;
    for (const auto& [key, s] : series_)
        if (key.first == database && s.kind != WalGaugeKind::WalBytes)
            for (const auto& p : s.points)
                top = std::max(top, p.value);
    return top;
}

} // namespace txs::record
