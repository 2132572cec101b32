#include "widgets/result/ErrorTally.h"

#include "widgets/models/ModelStyle.h"

#include <QColor>
#include <QStringList>

namespace txs::result {

ErrorTally errorTally(const std::vector<ExplainedError>& rows, std::int64_t t, std::uint64_t countedErrors)
{
    ErrorTally tally;
    for (const ExplainedError& x : rows) {
        if (x.timeNs > t) break; // rows are in time order (the log's)
        switch (x.outcome) {
        case ErrorOutcome::Failed:
            if (x.settledNs <= t) ++tally.errors;
            break;
        case ErrorOutcome::Waiting:
            ++tally.waiting;
            break;
        case ErrorOutcome::WaitedSucceeded:
            ++tally.waitedRan;
            break;
        case ErrorOutcome::WaitedFailed:
            ++tally.waitedFailed;
            break;
        case ErrorOutcome::Open:
            break;
        }
    }
    tally.otherErrors = countedErrors > tally.errors ? countedErrors - tally.errors : 0;
    return tally;
}

QString describeTally(const ErrorTally& tally)
{
    auto plural = [](std::uint64_t n, const char* one, const char* many) {
        return QString("%1 %2").arg(n).arg(n == 1 ? one : many);
    };
    const QColor red = models::outcomeForeground(models::Outcome::Failed).value<QColor>();
    const QColor amber = models::outcomeForeground(models::Outcome::Blocked).value<QColor>();
    QStringList parts;
    parts << QString("<b><span style=\"color:%1\">%2</span></b>")
                 .arg(red.name(), plural(tally.errors, "error", "errors"));
    if (tally.waits() > 0) {
        QStringList fates;
        if (tally.waitedRan) fates << QString("%1 then ran").arg(tally.waitedRan);
        if (tally.waitedFailed) fates << QString("%1 then failed").arg(tally.waitedFailed);
        if (tally.waiting) fates << QString("%1 still waiting").arg(tally.waiting);
        const QString fate = tally.waits() == tally.waitedRan ? QString("then ran") : fates.join(", ");
        parts << QString("<span style=\"color:%1\">%2</span> (tried again, %3): not errors")
                     .arg(amber.name(), plural(tally.waits(), "wait", "waits"), fate);
    }
    if (tally.otherErrors > 0)
        parts << QString("%1 with no lock story (Statement log)")
                     .arg(plural(tally.otherErrors, "other error", "other errors"));
    return parts.join(" · ");
}

} // namespace txs::result
