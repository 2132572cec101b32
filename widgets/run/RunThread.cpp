#include "widgets/run/RunThread.h"

RunThread::RunThread() : thread_([this] { loop(); }) {}

RunThread::~RunThread()
{
    {
        std::lock_guard lock(mutex_);
        quit_ = true;
    }
    changed_.notify_all();
    thread_.join();
}

void RunThread::post(std::function<void()> job)
{
    {
        std::lock_guard lock(mutex_);
        jobs_.push_back(std::move(job));
    }
    changed_.notify_all();
}

void RunThread::waitIdle()
{
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return jobs_.empty() && !running_; });
}

void RunThread::loop()
{
    std::unique_lock lock(mutex_);
    while (true) {
        changed_.wait(lock, [this] { return quit_ || !jobs_.empty(); });
        if (jobs_.empty()) return; // quit_, and nothing left to run
        auto job = std::move(jobs_.front());
        jobs_.pop_front();
        running_ = true;
        lock.unlock();
        job();
        job = nullptr; // what it captured goes before waitIdle() returns
        lock.lock();
        running_ = false;
        changed_.notify_all();
    }
}
