// The Chrome-trace exporter alone (what `txscope-cli run --trace` spends on its exporter thread):
// the events of a typical workers run (bench/compare.sh's MVCC workload, W writers x N
// transactions, $worker/$iter bound) are exported R times through ChromeTraceWriter into a
// reused buffer, and the best round is printed as events/s and ns per event.
//
//   bench_trace_export [WRITERS [TX_PER_WRITER [ROUNDS]]]
//   BENCH_EVENTS_SAVE=F  also writes the run's events to F; BENCH_EVENTS_LOAD=F exports the events
//                        of F instead of running (so two builds export the very same events)
//   BENCH_JSON_OUT=F     writes one export to F (to compare two builds' files byte for byte)
//
// An A/B of two builds of the exporter: run this program of both on one saved event file,
// interleaved, and compare ns per event; the FNV-1a hash printed must be the same.

#include "engine/trace/ChromeTrace.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace txs;

namespace {

[[noreturn]] void fail(const std::string& why)
{
    std::fprintf(stderr, "bench_trace_export: %s\n", why.c_str());
    std::exit(1);
}

std::vector<Event> runWorkload(int writers, long perWriter)
{
    const std::string text = "journal_mode: mvcc\n"
                             "busy_timeout: 10000\n"
                             "setup:\n"
                             "  CREATE TABLE t (id INTEGER PRIMARY KEY, w INT, i INT, payload TEXT);\n"
                             "workers writer x" +
                             std::to_string(writers) + " repeat " + std::to_string(perWriter) +
                             " retry(conflict, busy; max 100000, backoff none):\n"
                             "  BEGIN CONCURRENT;\n"
                             "  INSERT INTO t (w, i, payload) VALUES ($worker, $iter, 'payload of a typical "
                             "small row');\n"
                             "  COMMIT;\n";
    auto parsed = parseWorkload(text, "bench.txs");
    if (!parsed) fail(parsed.error().text());
    RunOptions options;
    options.tracing = true;
    options.traceLimits.maxEvents = 64'000'000; // keep the whole run: the export reads all of it
    Runner runner(std::move(parsed.workload()), options);
    const RunSummary& s = runner.run();
    if (!s.ok()) fail("the run failed");
    return runner.trace()->snapshot();
}

// Events as fixed fields plus text, so that two builds can export the same ones.
template <typename T> void put(std::FILE* f, const T& v)
{
    std::fwrite(&v, sizeof v, 1, f);
}
template <typename T> bool get(std::FILE* f, T& v)
{
    return std::fread(&v, sizeof v, 1, f) == 1;
}

void save(const std::vector<Event>& events, const char* path)
{
    std::FILE* f = std::fopen(path, "wb");
    if (!f) fail(std::string("cannot create ") + path);
    for (const Event& e : events) {
        put(f, e.seq), put(f, e.timeNs), put(f, e.connection), put(f, e.table), put(f, e.txId);
        put(f, e.rowid), put(f, e.a), put(f, e.b), put(f, e.kind), put(f, e.detail);
        put(f, static_cast<std::uint32_t>(e.text.size()));
        std::fwrite(e.text.data(), 1, e.text.size(), f);
    }
    std::fclose(f);
}

std::vector<Event> load(const char* path)
{
    std::FILE* f = std::fopen(path, "rb");
    if (!f) fail(std::string("cannot open ") + path);
    std::vector<Event> events;
    Event e;
    while (get(f, e.seq)) {
        std::uint32_t size = 0;
        if (!(get(f, e.timeNs) && get(f, e.connection) && get(f, e.table) && get(f, e.txId) &&
              get(f, e.rowid) && get(f, e.a) && get(f, e.b) && get(f, e.kind) && get(f, e.detail) &&
              get(f, size)))
            fail(std::string("truncated ") + path);
        e.text.resize(size);
        if (size && std::fread(e.text.data(), 1, size, f) != size) fail(std::string("truncated ") + path);
        events.push_back(e);
    }
    std::fclose(f);
    return events;
}

} // namespace

int main(int argc, char** argv)
{
    const int writers = argc > 1 ? std::atoi(argv[1]) : 4;
    const long perWriter = argc > 2 ? std::atol(argv[2]) : 8000;
    const int rounds = argc > 3 ? std::atoi(argv[3]) : 5;
    if (writers < 1 || perWriter < 1 || rounds < 1) fail("usage: bench_trace_export [WRITERS [TX [ROUNDS]]]");

    const char* loadPath = std::getenv("BENCH_EVENTS_LOAD");
    const std::vector<Event> events = loadPath ? load(loadPath) : runWorkload(writers, perWriter);
    if (const char* savePath = std::getenv("BENCH_EVENTS_SAVE")) save(events, savePath);

    std::string out;
    double best = 1e300;
    std::uint64_t hash = 0;
    for (int round = 0; round < rounds; ++round) {
        out.clear();
        const auto start = std::chrono::steady_clock::now();
        {
            // The sink appends, as OutputFile's buffered write does: the cost measured is the
            // exporter's own.
            ChromeTraceWriter writer([&out](std::string_view text) { out.append(text); });
            for (const Event& e : events)
                writer.add(e);
            writer.finish();
        }
        best =
            std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        hash = 14695981039346656037ull;
        for (unsigned char c : out)
            hash = (hash ^ c) * 1099511628211ull;
    }
    if (const char* jsonPath = std::getenv("BENCH_JSON_OUT")) {
        std::FILE* f = std::fopen(jsonPath, "wb");
        if (!f) fail(std::string("cannot create ") + jsonPath);
        std::fwrite(out.data(), 1, out.size(), f);
        std::fclose(f);
    }
    std::printf(
        "%zu events, %zu bytes of JSON (fnv1a %016llx): best of %d %.3f s, %.0f events/s, %.1f ns/event\n",
        events.size(), out.size(), static_cast<unsigned long long>(hash), rounds, best,
        static_cast<double>(events.size()) / best, best * 1e9 / static_cast<double>(events.size()));
    return 0;
}
