#include "StopOnSignal.h"

#include <cstdlib>
#include <ctime>
#include <pthread.h>

namespace txs::cli {

StopOnSignal::StopOnSignal(std::function<void()> stop) : stop_(std::move(stop))
{
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &previous_);
    thread_ = std::thread([this] { loop(); });
}

StopOnSignal::~StopOnSignal()
{
    done_ = true;
    thread_.join();
    // A signal that came after the run ended stays pending; unblocking would deliver it with
    // its default action and kill us before the exit status is returned.
    if (signal_.load() == 0) pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

void StopOnSignal::loop()
{
    // Polls with a short timeout so the destructor needs no signal of its own to end the wait.
    const timespec tick{0, 20'000'000};
    while (!done_.load()) {
        const int got = sigtimedwait(&set_, nullptr, &tick);
        if (got <= 0) continue;
        if (signal_.load() != 0) std::_Exit(128 + got); // the second one: no more waiting
        signal_ = got;
        stop_();
    }
}

const char* StopOnSignal::name(int signal)
{
    return signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "a signal";
}

} // namespace txs::cli
