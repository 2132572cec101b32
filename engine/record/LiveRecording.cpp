#include "engine/record/LiveRecording.h"

#include <ctime>
#include <tuple>

namespace txs::record {

std::int64_t monotonicNowNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

LiveRecording::LiveRecording(std::string directory, RecordingOptions options)
    : tail_(std::move(directory)), options_(std::move(options))
{}

void LiveRecording::learnDatabases(std::size_t fromRecord)
{
    for (std::size_t i = fromRecord; i < files_.records.size(); ++i) {
        const auto& r = files_.records[i];
        if (r.op != TXP_FILE || (r.file_kind != TXP_KIND_WAL && r.file_kind != TXP_KIND_SHM)) continue;
        std::string path = recordText(r);
        for (const char* suffix : {"-shm", "-wal"})
            if (path.ends_with(suffix)) path.resize(path.size() - std::string_view(suffix).size());
        sampler_.addDatabase(path);
    }
}

bool LiveRecording::poll(std::int64_t nowNs)
{
    const std::size_t before = files_.records.size();
    const bool records = tail_.readNew(files_) > 0;
    learnDatabases(before);
    const bool gauges = !sampler_.sample(nowNs).empty();
    return records || gauges;
}

Recording LiveRecording::build() const
{
    RecordingOptions o = options_;
    o.walSamples = sampler_.all();
    return buildRecording(files_, o);
}

Recording LiveRecording::finish(std::int64_t nowNs, int exitStatus)
{
    poll(nowNs);
    // What is left at a file's end now is part of a record whose writer is gone.
    files_.torn += tail_.tornTails();
    options_.exitStatus = exitStatus;
    return build();
}

EventDelta eventDelta(const std::vector<Event>& delivered, const std::vector<Event>& next)
{
    auto same = [](const Event& x, const Event& y) {
        return std::tie(x.timeNs, x.connection, x.table, x.txId, x.rowid, x.a, x.b, x.kind, x.detail,
                        x.text) ==
               std::tie(y.timeNs, y.connection, y.table, y.txId, y.rowid, y.a, y.b, y.kind, y.detail, y.text);
    };
    if (next.size() < delivered.size()) return {true, 0};
    for (std::size_t i = 0; i < delivered.size(); ++i)
        if (!same(delivered[i], next[i])) return {true, 0};
    return {false, delivered.size()};
}

} // namespace txs::record
