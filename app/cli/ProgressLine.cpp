#include "ProgressLine.h"

#include "engine/workload/Runner.h"

#include <chrono>
#include <cstdio>
#include <unistd.h>

namespace txs::cli {

namespace {
constexpr auto kQuietStart = std::chrono::seconds(1); // short runs never show a progress line
constexpr auto kRefresh = std::chrono::milliseconds(200);
} // namespace

std::string formatProgress(const RunProgress& p, double elapsedSeconds)
{
    char buffer[256];
    if (p.phase == RunPhase::Workers) {
        std::snprintf(
            buffer, sizeof buffer, "workers  %llu/%llu tx  %llu committed  %llu retries  %llu errors  %.1fs",
            static_cast<unsigned long long>(p.workerTransactionsDone),
            static_cast<unsigned long long>(p.workerTransactionsTotal),
            static_cast<unsigned long long>(p.committed), static_cast<unsigned long long>(p.retries),
            static_cast<unsigned long long>(p.errors), elapsedSeconds);
    } else {
        std::snprintf(buffer, sizeof buffer, "%s  step %zu/%zu  line %d  %llu committed  %llu errors  %.1fs",
                      runPhaseName(p.phase), p.stepsDone, p.stepsTotal, p.nextLine,
                      static_cast<unsigned long long>(p.committed), static_cast<unsigned long long>(p.errors),
                      elapsedSeconds);
    }
    return buffer;
}

ProgressLine::ProgressLine(const Runner& runner, Console& console) : runner_(runner), console_(console)
{
    if (isatty(STDERR_FILENO)) thread_ = std::thread([this] { loop(); });
}

ProgressLine::~ProgressLine()
{
    finish();
}

void ProgressLine::finish()
{
    {
        std::lock_guard lock(mutex_);
        if (done_) return;
        done_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    console_.clearProgress();
}

void ProgressLine::loop()
{
    const auto start = std::chrono::steady_clock::now();
    std::unique_lock lock(mutex_);
    if (wake_.wait_until(lock, start + kQuietStart, [this] { return done_; })) return;
    while (!done_) {
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        console_.showProgress(formatProgress(runner_.progress(), seconds));
        wake_.wait_for(lock, kRefresh, [this] { return done_; });
    }
}

} // namespace txs::cli
