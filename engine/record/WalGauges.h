#pragma once
// The WAL gauges of a recording: how big each database's WAL is, how many of its frames are
// committed and already backfilled (copied back by a checkpoint), and the read marks — the WAL
// frame each reader slot's snapshot ends at. A WAL that only grows while a read mark stays
// behind is checkpoint starvation (docs/recording.md).
//
// The probe never reads a -shm file (it would cost the program a system call per lock); the
// recorder samples the WAL-index header itself while the program runs (WalSampler) and keeps
// each change as a WalGauge event (engine/trace/Event.h). WalGaugeSeries turns those events back
// into step series for a plot and answers "what was the value at t" — plain C++, tested
// without a screen.

#include "engine/trace/Event.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace txs::record {

enum class WalGaugeKind : std::uint16_t {
    WalBytes = 0,   // size of the -wal file
    Frames = 1,     // mxFrame: frames of committed transactions
    Backfilled = 2, // nBackfill: frames a checkpoint copied into the database
    ReadMark0 = 3,  // ReadMark0 + i: aReadMark[i] (-1 when not in use)
};
constexpr int kWalGaugeKinds = 8;
const char* walGaugeName(WalGaugeKind kind); // "WAL bytes", "frames", "backfilled", "READ0 mark", ...

// One sample of one database: every gauge, -1 where unknown.
struct WalSample
{
    std::int64_t timeNs = 0; // CLOCK_MONOTONIC (the probe's clock)
    std::string database;    // the database's path
    std::int64_t values[kWalGaugeKinds] = {-1, -1, -1, -1, -1, -1, -1, -1};
};

// Samples the WAL index of databases as they become known. A header that cannot be read (no
// -shm yet, a writer mid-update, a hostile file) gives no sample: the previous values stand.
class WalSampler
{
public:
    void addDatabase(const std::string& path); // idempotent
    // Samples every database known; returns those whose values changed since the last sample.
    std::vector<WalSample> sample(std::int64_t timeNs);
    const std::vector<WalSample>& all() const { return all_; }

private:
    std::vector<std::string> databases_;
    std::map<std::string, WalSample> last_;
    std::vector<WalSample> all_;
};

// The WalGauge events of `samples` (only the gauges that changed, per database), timed by
// `toTraceTime` (the recording's ns since its first record).
template <class ToTime>
std::vector<Event> walGaugeEvents(const std::vector<WalSample>& samples, ToTime toTraceTime);

// Step series, one per (database, gauge), from a log's WalGauge events.
class WalGaugeSeries
{
public:
    struct Point
    {
        std::int64_t timeNs;
        std::int64_t value; // -1: not in use / unknown
    };
    struct Series
    {
        std::uint32_t database = 0;
        WalGaugeKind kind = WalGaugeKind::WalBytes;
        std::string databaseName;
        std::vector<Point> points; // in time order; the value holds until the next point
    };

    void apply(const Event& e); // ignores every other kind
    void clear() { series_.clear(); }
    bool empty() const { return series_.empty(); }
    // The series, by database then gauge.
    std::vector<const Series*> all() const;
    const Series* find(std::uint32_t database, WalGaugeKind kind) const;
    // The value at t (the last point at or before t); nullopt before the first point.
    static std::optional<std::int64_t> valueAt(const Series& s, std::int64_t t);
    // The largest value any frame gauge (frames, backfilled, read marks) of `database` reaches:
    // the frame axis's top.
    std::int64_t maxFrames(std::uint32_t database) const;

private:
    std::map<std::pair<std::uint32_t, int>, Series> series_;
};

template <class ToTime>
std::vector<Event> walGaugeEvents(const std::vector<WalSample>& samples, ToTime toTraceTime)
{
    std::vector<Event> out;
    std::map<std::string, std::uint32_t> numbers;
    std::map<std::string, WalSample> last;
    for (const auto& s : samples) {
        const auto number =
            numbers.emplace(s.database, static_cast<std::uint32_t>(numbers.size() + 1)).first->second;
        auto [it, first] = last.emplace(s.database, WalSample{});
        const auto slash = s.database.rfind('/');
        for (int k = 0; k < kWalGaugeKinds; ++k) {
            if (!first && it->second.values[k] == s.values[k]) continue;
            if (first && s.values[k] < 0 && k < static_cast<int>(WalGaugeKind::ReadMark0)) continue;
            Event e;
            e.kind = EventKind::WalGauge;
            e.timeNs = toTraceTime(s.timeNs);
            e.table = number;
            e.detail = static_cast<std::uint16_t>(k);
            e.a = s.values[k];
            e.text = slash == std::string::npos ? s.database : s.database.substr(slash + 1);
            out.push_back(std::move(e));
        }
        it->second = s;
    }
    return out;
}

} // namespace txs::record
