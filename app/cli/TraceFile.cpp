#include "TraceFile.h"

#include "engine/trace/ChromeTrace.h"
#include "engine/trace/TraceLog.h"

#include <chrono>
#include <cstdio>
#include <vector>

namespace txs::cli {

namespace {
// Often enough that a fast run's events are read long before they could leave the log's window.
constexpr auto kPoll = std::chrono::milliseconds(20);
constexpr std::size_t kBusyBatch = 4096;
} // namespace

TraceStream::TraceStream(std::shared_ptr<TraceLog> trace, OutputFile file)
    : trace_(std::move(trace)), file_(std::move(file)),
      writer_(std::make_unique<ChromeTraceWriter>([this](std::string_view text) { file_.write(text); }))
{
    trace_->pin(0);
    thread_ = std::thread([this] { loop(); });
}

TraceStream::~TraceStream()
{
    {
        std::lock_guard lock(mutex_);
        done_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    trace_->unpin(); // never leave writers waiting for a reader that is gone
}

// Reads what the log has published since the last read and writes it. Only the stream thread
// calls it until finish() has joined that thread.
std::size_t TraceStream::drain()
{
    std::vector<Event>& batch = batch_;
    batch.clear(); // keeps its capacity: no reallocation per read once it has grown
    std::uint64_t skipped = 0;
    next_ = trace_->readSince(next_, batch, &skipped);
    if (skipped > 0) {
        missed_ += skipped;
        writer_->gap(skipped);
    }
    for (const Event& e : batch)
        writer_->add(e);
    trace_->pin(next_);
    return batch.size();
}

void TraceStream::loop()
{
    std::unique_lock lock(mutex_);
    while (!done_) {
        lock.unlock();
        const std::size_t read = drain();
        lock.lock();
        // While the run produces a lot, read again at once: writers may be waiting for us.
        if (read < kBusyBatch) wake_.wait_for(lock, kPoll, [this] { return done_; });
    }
}

bool TraceStream::finish(std::string& why)
{
    {
        std::lock_guard lock(mutex_);
        done_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    drain(); // the run has ended: this reads up to its last event
    trace_->unpin();
    writer_->finish();
    if (file_.close(why)) return true;
    // A truncated trace would open as a confusing partial timeline, or not at all.
    std::remove(file_.path().c_str());
    return false;
}

} // namespace txs::cli
