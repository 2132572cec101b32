#pragma once
// The one background thread that runs a RunController's work: runs to the end, single steps, and
// the ending of retired runs, one job at a time in the order they were posted. One long-lived
// thread instead of a thread per step: each thread that appends to a trace log keeps a buffer
// registered in it for the log's life, so a thread per step grew the log by one buffer a step.
// Jobs in order also mean a retired run is ended before the next run opens its database.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

class RunThread
{
public:
    RunThread();
    // Runs the jobs still queued, then joins.
    ~RunThread();
    RunThread(const RunThread&) = delete;
    RunThread& operator=(const RunThread&) = delete;

    void post(std::function<void()> job);
    // Blocks until every job posted so far has run.
    void waitIdle();

private:
    void loop();

    std::mutex mutex_;
    std::condition_variable changed_; // a job was posted, one finished, or quit_ was set
    std::deque<std::function<void()>> jobs_;
    bool running_ = false; // a job taken from jobs_ is running
    bool quit_ = false;
    std::thread thread_; // last: started once the members above exist
};
