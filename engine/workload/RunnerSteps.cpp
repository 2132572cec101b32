// Setup, steps and check: one statement at a time on named connections, and the blocking
// schedule that lets a statement SQLite wanted to wait on wait in virtual time (StepConnection).
#include "engine/workload/RunnerImpl.h"

#include <algorithm>

namespace txs {

namespace {

std::string statementText(const Statement& s)
{
    if (!s.isSleep()) return s.sql;
    return "sleep " + std::to_string(s.sleep.count() / 1000) + "ms";
}

} // namespace

Connection& Runner::Impl::stepConnection(const std::string& name)
{
    auto& slot = stepConnections[name];
    if (!slot.connection) {
        slot.connection = runner.database_->connect(name);
        nameConnection(*slot.connection, name);
        configure(*slot.connection);
        slot.connection->setBusyHandler([&slot](int) {
            slot.handlerCalled = true;
            return false;
        });
    }
    return *slot.connection;
}

namespace {

// Whether SQLite wanted to wait: it called the busy handler (the step runner's, which declines),
// and then either returned SQLITE_BUSY or finished the statement without what it waited for.
// Only a checkpoint does the latter (FULL, RESTART and TRUNCATE report busy=1 when their wait
// for readers is declined); running it again later is what waiting for it would have done.
bool wantedToWait(const Result& result, bool handlerCalled)
{
    return handlerCalled && (result.ok() || result.error->kind == ErrorKind::Busy);
}

} // namespace

// A step: runs now unless its connection is blocked, in which case it queues behind the
// blocked statement.
void Runner::Impl::runStepStatement(const Action& action)
{
    stepConnection(action.connection);
    StepConnection& sc = stepConnections[action.connection];
    StepConnection::Pending pending{action.statement, action.phase, now(), {}, 0};
    if (!sc.queue.empty()) {
        sc.queue.push_back(pending);
        return;
    }
    executeStep(action.connection, pending);
}

// Runs one statement of connection `name`, whose queue holds only statements after it. A
// statement SQLite wanted to wait on becomes blocked (front of the queue) if the connection's
// own busy_timeout leaves time for a first wait; otherwise it fails at once, as SQLite's does.
// Returns whether it blocked.
bool Runner::Impl::executeStep(const std::string& name, StepConnection::Pending pending)
{
    Connection& connection = stepConnection(name);
    StepConnection& sc = stepConnections[name];
    const Statement& st = *pending.statement;
    StatementOutcome outcome;
    outcome.phase = pending.phase;
    outcome.line = st.line;
    outcome.connection = name;
    outcome.sql = statementText(st);
    outcome.expect = st.expect;
    outcome.startNs = now();
    if (st.isSleep()) {
        sleepUnlessStopped(st.sleep);
    } else {
        sc.handlerCalled = false;
        outcome.result = connection.execute(st.sql);
        if (wantedToWait(outcome.result, sc.handlerCalled)) {
            const int timeout = connection.busyTimeout();
            StepConnection::Pending blocked{&st, pending.phase, outcome.startNs, {}, retryRound};
            if (blocked.wait.call(timeout)) {
                // Right after the try's StatementEnd: the counting rule takes the try for a wait.
                emit(EventKind::StatementBlocked, connection.id(), st.line, st.sql);
                explainBlocked(outcome.result.ok() ? Error::busy("checkpoint waits for readers")
                                                   : *outcome.result.error,
                               connection.id(), {1, 0, timeout, true});
                sc.queue.push_front(blocked);
                blockedOrder.push_back(name);
                if (runner.observer_)
                    runner.observer_->statementBlocked({st.line, name, st.sql, 1, blocked.wait.waitedMs});
                return true;
            }
            // busy_timeout 0: the handler gives up on its first call, the result stands.
            outcome.busyHandlerCalls = blocked.wait.calls;
        }
        auto [why, fix] = account(outcome.result, connection.id());
        outcome.explanation = std::move(why);
        outcome.fix = std::move(fix);
    }
    outcome.endNs = now();
    report(std::move(outcome));
    return false;
}

// The blocked statement of `name` is done (through, failed otherwise, or out of busy_timeout):
// reports it, then runs the statements that waited behind it.
void Runner::Impl::finishBlocked(const std::string& name, Result result, bool timedOut)
{
    StepConnection& sc = stepConnections[name];
    const StepConnection::Pending pending = sc.queue.front();
    sc.queue.pop_front();
    blockedOrder.erase(std::find(blockedOrder.begin(), blockedOrder.end(), name));
    const Statement& st = *pending.statement;
    const BlockedWait waited{pending.wait.calls, pending.wait.waitedMs, sc.connection->busyTimeout(), false};
    auto [explanation, fix] = account(result, sc.connection->id(), timedOut ? &waited : nullptr);
    StatementOutcome outcome;
    outcome.phase = pending.phase;
    outcome.line = st.line;
    outcome.connection = name;
    outcome.sql = st.sql;
    outcome.result = std::move(result);
    outcome.blocked = true;
    outcome.busyHandlerCalls = pending.wait.calls;
    outcome.virtualWaitMs = pending.wait.waitedMs;
    outcome.expect = st.expect;
    outcome.startNs = pending.startNs;
    outcome.endNs = now();
    outcome.explanation = std::move(explanation);
    outcome.fix = std::move(fix);
    report(std::move(outcome));
    drainQueue(name);
}

// The statements that waited behind a blocked one run now, in file order, as SQLite runs a
// connection's statements one after the other, until one of them blocks in its turn.
void Runner::Impl::drainQueue(const std::string& name)
{
    StepConnection& sc = stepConnections[name];
    while (!sc.queue.empty()) {
        const StepConnection::Pending next = sc.queue.front();
        sc.queue.pop_front();
        if (executeStep(name, next)) return;
    }
}

// Tries each blocked statement again, oldest block first, except those that blocked in this
// very step (nothing has happened since). Each try that still finds the lock taken is one more
// busy-handler call and its sleep in virtual time; past the connection's busy_timeout the
// statement fails with SQLITE_BUSY as SQLite's would. Returns whether any statement finished.
bool Runner::Impl::retryBlocked()
{
    const std::uint64_t round = retryRound;
    bool progress = false;
    const auto order = blockedOrder;
    for (const auto& name : order) {
        StepConnection& sc = stepConnections[name];
        if (sc.queue.empty() || sc.queue.front().blockedIn == round) continue;
        auto& pending = sc.queue.front();
        const Statement& st = *pending.statement;
        const int timeout = sc.connection->busyTimeout();
        sc.handlerCalled = false;
        emit(EventKind::StatementUnblocked, sc.connection->id(), st.line, {});
        Result result = sc.connection->execute(st.sql);
        const bool stillBlocked = wantedToWait(result, sc.handlerCalled);
        if (stillBlocked && pending.wait.call(timeout)) {
            emit(EventKind::StatementBlocked, sc.connection->id(), st.line, st.sql);
            explainBlocked(result.ok() ? Error::busy("checkpoint waits for readers") : *result.error,
                           sc.connection->id(), {pending.wait.calls, pending.wait.waitedMs, timeout, true});
            if (runner.observer_)
                runner.observer_->statementBlocked(
                    {st.line, name, st.sql, pending.wait.calls, pending.wait.waitedMs});
            continue;
        }
        finishBlocked(name, std::move(result), stillBlocked);
        progress = true;
    }
    ++retryRound;
    return progress;
}

// After the last step, blocked statements keep being retried until each gets through or times
// out. When a whole round moves nothing, nothing else can release a lock until a waiter gives
// up: virtual time jumps to the earliest end of a busy_timeout, and that statement fails as
// SQLite's would (which may free what the others wait for). Each pass finishes at least one
// statement, so there are at most as many passes as statements; more means the scheduler is
// stuck, and failStuck() ends it with an error instead of spinning.
void Runner::Impl::finishSteps()
{
    std::size_t passes = 0;
    while (!blockedOrder.empty() && !stopped) {
        if (++passes > actions.size() + 1) return failStuck();
        if (retryBlocked()) continue;
        std::string first;
        std::int64_t least = INT64_MAX;
        for (const auto& name : blockedOrder) {
            const auto& sc = stepConnections[name];
            const std::int64_t left = sc.connection->busyTimeout() - sc.queue.front().wait.waitedMs;
            if (left < least) {
                least = left;
                first = name;
            }
        }
        StepConnection& sc = stepConnections[first];
        auto& pending = sc.queue.front();
        pending.wait.runOut(sc.connection->busyTimeout());
        sc.handlerCalled = false;
        emit(EventKind::StatementUnblocked, sc.connection->id(), pending.statement->line, {});
        Result result = sc.connection->execute(pending.statement->sql); // the try before giving up
        const bool timedOut = wantedToWait(result, sc.handlerCalled);
        finishBlocked(first, std::move(result), timedOut);
    }
}

// The guard against a scheduler that cannot move: every statement still blocked or queued
// fails with an error that names its line, instead of the run spinning for ever.
void Runner::Impl::failStuck()
{
    const auto order = blockedOrder;
    blockedOrder.clear();
    for (const auto& name : order) {
        StepConnection& sc = stepConnections[name];
        const int blockedLine = sc.queue.empty() ? 0 : sc.queue.front().statement->line;
        // The wait ends here, though the statement does not run again.
        if (blockedLine != 0) emit(EventKind::StatementUnblocked, sc.connection->id(), blockedLine, {});
        while (!sc.queue.empty()) {
            const StepConnection::Pending pending = sc.queue.front();
            sc.queue.pop_front();
            const Statement& st = *pending.statement;
            Error error;
            error.kind = ErrorKind::Other;
            error.message = "no progress possible: the step runner could not finish line " +
                            std::to_string(blockedLine) + " (" + name + ")" +
                            (st.line == blockedLine ? "" : ", so this statement never ran");
            Result result = Result::failure(error);
            // The runner's own "no progress possible" failure: not a statement's error, so not
            // counted (CountingRule.h) and not a cause; the verdict reports it.
            ++executed;
            const std::string explanation;
            StatementOutcome outcome;
            outcome.phase = pending.phase;
            outcome.line = st.line;
            outcome.connection = name;
            outcome.sql = statementText(st);
            outcome.result = std::move(result);
            outcome.blocked = st.line == blockedLine;
            outcome.expect = st.expect;
            outcome.startNs = pending.startNs;
            outcome.endNs = now();
            outcome.explanation = std::move(explanation);
            report(std::move(outcome));
        }
    }
}

} // namespace txs
