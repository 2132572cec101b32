#include "widgets/run/RunController.h"

#include "engine/trace/TraceLog.h"
#include "engine/workload/WorkloadParser.h"

#include <QMetaObject>

// Called on runner threads (workers run on many): outcomes are copied into queued signals.
class RunController::Observer : public txs::RunObserver
{
public:
    Observer(RunController* controller, std::uint64_t generation)
        : controller_(controller), generation_(generation)
    {}
    void statementFinished(const txs::StatementOutcome& outcome) override
    {
        QMetaObject::invokeMethod(
            controller_,
            [c = controller_, g = generation_, outcome] {
                if (c->generation_ == g) emit c->statementFinished(outcome);
            },
            Qt::QueuedConnection);
    }
    void statementBlocked(const txs::BlockedNotice& notice) override
    {
        QMetaObject::invokeMethod(
            controller_,
            [c = controller_, g = generation_, notice] {
                if (c->generation_ == g) emit c->statementBlocked(notice);
            },
            Qt::QueuedConnection);
    }

private:
    RunController* controller_;
    std::uint64_t generation_; // the run it reports for
};

RunController::RunController(QObject* parent)
    : QObject(parent), observer_(std::make_unique<Observer>(this, 0))
{
    qRegisterMetaType<txs::StatementOutcome>();
    qRegisterMetaType<txs::BlockedNotice>();
}

RunController::~RunController()
{
    if (runner_) runner_->stop();
    thread_.waitIdle(); // its jobs use the runner and post to this object
}

void RunController::retireRun()
{
    ++generation_;
    if (runner_) {
        runner_->stop();
        // Ended on the run thread after the job still running for it (stopped: it returns
        // within milliseconds), so reset() never waits. std::function wants a copyable job.
        std::shared_ptr<txs::Runner> runner(std::move(runner_));
        std::shared_ptr<Observer> observer(std::move(observer_));
        thread_.post([runner, observer]() mutable {
            runner.reset(); // closes its connections and removes its temporary folder
            observer.reset();
        });
    }
    busy_ = false;
    observer_ = std::make_unique<Observer>(this, generation_);
}

void RunController::setState(State state)
{
    if (state_ == state) return;
    const bool wasActive = state_ == State::Running || state_ == State::Stepping;
    const bool active = state == State::Running || state == State::Stepping;
    if (wasActive && !active && clock_.isValid()) {
        elapsedBefore_ += clock_.elapsed();
        clock_.invalidate();
    } else if (!wasActive && active) {
        clock_.start();
    }
    if (state == State::Ready || state == State::Empty || state == State::Invalid) elapsedBefore_ = 0;
    state_ = state;
    emit stateChanged(state);
}

bool RunController::load(const QString& text, const QString& fileName)
{
    retireRun();
    auto parsed = txs::parseWorkload(text.toStdString(), fileName.toStdString());
    if (!parsed.ok()) {
        workload_.reset();
        // The previous run's results belong to another script: the panels must not keep them.
        if (trace_) {
            trace_.reset();
            emit traceReplaced();
        }
        lastError_ = QString::fromStdString(parsed.error().text());
        setState(State::Invalid);
        emit parseFailed(parsed.error().line, QString::fromStdString(parsed.error().message));
        return false;
    }
    workload_ = std::move(parsed.workload());
    lastError_.clear();
    reset();
    return true;
}

void RunController::setJournalModeOverride(std::optional<txs::JournalMode> mode)
{
    modeOverride_ = mode;
    if (workload_) reset();
}

void RunController::setStatementDelayMs(int ms)
{
    delayMs_ = std::max(0, ms);
    if (runner_) runner_->setStatementDelay(std::chrono::milliseconds(delayMs_));
}

void RunController::setDatabasePath(const QString& path)
{
    databasePath_ = path;
    if (workload_) reset();
}

txs::JournalMode RunController::journalMode() const
{
    if (modeOverride_) return *modeOverride_;
    return workload_ ? workload_->journalMode : txs::JournalMode::Mvcc;
}

txs::Database* RunController::database() const
{
    return runner_ ? runner_->database() : nullptr;
}

txs::RunProgress RunController::progress() const
{
    if (runner_) return runner_->progress();
    // Not started: the first statement is next.
    txs::RunProgress p;
    if (workload_ && workload_->setup && !workload_->setup->statements.empty())
        p.nextLine = workload_->setup->statements[0].line;
    else if (workload_ && !workload_->steps.empty())
        p.nextLine = workload_->steps[0].statement.line;
    return p;
}

qint64 RunController::elapsedMs() const
{
    return elapsedBefore_ + (clock_.isValid() ? clock_.elapsed() : 0);
}

const txs::RunSummary* RunController::summary() const
{
    return runner_ && state_ == State::Finished ? &runner_->summary() : nullptr;
}

// Back to Ready. The database and the trace log are made when the run starts, so the
// timeline's zero is the start of the run, not the moment the script was loaded.
void RunController::reset()
{
    queuedSteps_ = 0;
    retireRun();
    trace_.reset();
    emit traceReplaced();
    setState(workload_ ? State::Ready : State::Empty);
}

bool RunController::ensureOpen()
{
    if (!workload_) return false;
    if (!runner_) {
        // The retired run's database may be the next one's: it must be closed first. Bounded:
        // a stopped run ends within milliseconds.
        thread_.waitIdle();
        trace_ = std::make_shared<txs::TraceLog>();
        txs::RunOptions options;
        options.journalMode = modeOverride_;
        options.trace = trace_;
        options.databasePath = databasePath_.toStdString();
        // The window first: 16 or 64 workers running flat out on 2 cores left its thread a
        // sixteenth of a core, and input waited for seconds (bench_window_latency).
        options.workerNiceness = workerNiceness_;
        options.workerIdleScheduling = workerIdleScheduling_;
        runner_ = std::make_unique<txs::Runner>(*workload_, options);
        runner_->setObserver(observer_.get());
        runner_->setStatementDelay(std::chrono::milliseconds(delayMs_));
        emit traceReplaced();
    }
    if (auto error = runner_->open()) {
        lastError_ = QString::fromStdString(error->describe());
        emit runFailed(lastError_);
        return false;
    }
    return true;
}

// The run thread does the work; the GUI thread only reads progress().
void RunController::startWorker(bool toTheEnd)
{
    if (busy_) return;
    if (!ensureOpen()) return;
    busy_ = true;
    txs::Runner* runner = runner_.get();
    const std::uint64_t generation = generation_;
    thread_.post([this, runner, toTheEnd, generation] {
        bool more = true;
        if (toTheEnd)
            runner->run();
        else
            more = runner->step();
        const bool done = !more || runner->finished() || runner->progress().phase == txs::RunPhase::Done;
        QMetaObject::invokeMethod(
            this,
            [this, done, toTheEnd, generation] {
                if (generation != generation_) return; // a run retired by reset()
                busy_ = false;
                if (done || toTheEnd) {
                    // run() returns at the end, or early after stop().
                    queuedSteps_ = 0;
                    setState(State::Finished);
                } else if (state_ == State::Running) {
                    setState(State::Paused);
                } else {
                    setState(State::Stepping);
                    if (queuedSteps_ > 0) {
                        --queuedSteps_;
                        startWorker(false);
                    }
                }
            },
            Qt::QueuedConnection);
    });
}

void RunController::run()
{
    if (!workload_ || state_ == State::Finished || state_ == State::Running) return;
    queuedSteps_ = 0; // running to the end covers them
    if (!ensureOpen()) return;
    if (state_ == State::Paused && busy_) {
        runner_->resume();
        setState(State::Running);
        return;
    }
    runner_->resume();
    setState(State::Running);
    startWorker(true);
}

void RunController::step()
{
    if (!workload_ || state_ == State::Finished || state_ == State::Running) return;
    if (busy_) {
        ++queuedSteps_;
        return;
    }
    if (!ensureOpen()) return;
    setState(State::Stepping);
    startWorker(false);
}

void RunController::pause()
{
    if (!runner_ || state_ != State::Running) return;
    runner_->pause();
    setState(State::Paused);
}

void RunController::stop()
{
    if (!runner_) return;
    queuedSteps_ = 0;
    runner_->stop();
    if (!busy_) {
        runner_->step(); // settles the summary
        setState(State::Finished);
    }
}
