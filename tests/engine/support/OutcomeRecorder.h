#pragma once
// A RunObserver that keeps every statement outcome and blocked notice of a run, for tests that
// check what the runner reported (the runner's, step workloads' and projections' tests).

#include "engine/workload/Runner.h"

#include <QString>
#include <QStringList>
#include <QtGlobal>
#include <mutex>
#include <vector>

namespace txs::testing {

struct OutcomeRecorder : RunObserver
{
    std::mutex mutex;
    std::vector<StatementOutcome> outcomes;
    std::vector<BlockedNotice> blocked;

    void statementFinished(const StatementOutcome& o) override
    {
        std::lock_guard lock(mutex);
        outcomes.push_back(o);
    }
    void statementBlocked(const BlockedNotice& n) override
    {
        std::lock_guard lock(mutex);
        blocked.push_back(n);
    }
    // The outcome of script line `line` (the first one); stops the test when there is none.
    const StatementOutcome& at(int line) const
    {
        for (const auto& o : outcomes)
            if (o.line == line) return o;
        qFatal("no outcome for line %d", line);
    }
    // "LINE CONNECTION: ACTUAL[ FAILED]" per outcome.
    QStringList lines() const
    {
        QStringList out;
        for (const auto& o : outcomes)
            out << QString("%1 %2: %3%4")
                       .arg(o.line)
                       .arg(QString::fromStdString(o.connection), QString::fromStdString(o.actual),
                            o.passed ? "" : " FAILED");
        return out;
    }
    // lines() with each outcome's explanation, one a line.
    QString story() const
    {
        QStringList out;
        for (const auto& o : outcomes)
            out << QString("%1 %2: %3%4 %5")
                       .arg(o.line)
                       .arg(QString::fromStdString(o.connection), QString::fromStdString(o.actual),
                            o.passed ? "" : " FAILED", QString::fromStdString(o.explanation));
        return out.join("\n");
    }
};

} // namespace txs::testing
