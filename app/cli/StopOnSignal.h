#pragma once
// Ctrl-C (SIGINT) and SIGTERM stop a run cleanly: the runner is told to stop (running
// statements are interrupted), the summary is printed, the run's temporary folder is removed,
// and txscope-cli exits with 128 + the signal's number (130, 143), as shells expect.
// A second signal ends the process at once.
//
// The signals are blocked in every thread and taken by a thread of its own with sigtimedwait,
// so the reaction (Runner::stop takes a mutex) runs outside a signal handler. Construct it
// before any other thread starts: threads inherit the blocked mask.

#include <atomic>
#include <csignal>
#include <functional>
#include <thread>

namespace txs::cli {

class StopOnSignal
{
public:
    explicit StopOnSignal(std::function<void()> stop);
    ~StopOnSignal();
    StopOnSignal(const StopOnSignal&) = delete;
    StopOnSignal& operator=(const StopOnSignal&) = delete;

    int signal() const { return signal_.load(); } // 0 while none came
    static const char* name(int signal);          // "SIGINT", "SIGTERM"

private:
    void loop();

    std::function<void()> stop_;
    sigset_t set_{};
    sigset_t previous_{};
    std::atomic<int> signal_{0};
    std::atomic<bool> done_{false};
    std::thread thread_;
};

} // namespace txs::cli
