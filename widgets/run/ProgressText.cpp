#include "widgets/run/ProgressText.h"

#include <QLocale>
#include <cmath>

namespace txs::run {

ProgressFraction fractionOf(const RunProgress& p)
{
    if (p.phase == RunPhase::Workers && p.workerTransactionsTotal > 0)
        return {p.workerTransactionsDone, p.workerTransactionsTotal, true};
    return {p.stepsDone, p.stepsTotal, false};
}

std::optional<std::int64_t> estimateRemainingMs(std::uint64_t done, std::uint64_t total,
                                                std::int64_t elapsedMs)
{
    if (total == 0 || done == 0 || elapsedMs < 500 || done * 50 < total) return std::nullopt;
    if (done >= total) return 0;
    const double rate = static_cast<double>(done) / static_cast<double>(elapsedMs);
    return static_cast<std::int64_t>(std::ceil(static_cast<double>(total - done) / rate));
}

QString formatElapsed(std::int64_t ms)
{
    if (ms < 1000) return QString("%1 ms").arg(ms);
    if (ms < 60'000) return QString("%1 s").arg(static_cast<double>(ms) / 1000.0, 0, 'f', 1);
    const std::int64_t s = ms / 1000;
    return QString("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QString describeProgress(const RunProgress& p, std::int64_t elapsedMs)
{
    const ProgressFraction f = fractionOf(p);
    QString text = QString::fromLatin1(runPhaseName(p.phase));
    if (f.total > 0) {
        const QLocale c(QLocale::English, QLocale::UnitedStates); // "128,000" on every machine
        const int percent = static_cast<int>(f.done * 100 / f.total);
        text += QString(": %1 of %2 %3 (%4 %)")
                    .arg(c.toString(static_cast<qulonglong>(f.done)),
                         c.toString(static_cast<qulonglong>(f.total)),
                         f.transactions ? "transactions" : "statements")
                    .arg(percent);
    }
    text += " · " + formatElapsed(elapsedMs);
    if (f.transactions) {
        if (const auto left = estimateRemainingMs(f.done, f.total, elapsedMs))
            text += " · about " + formatElapsed(*left) + " left";
    }
    return text;
}

} // namespace txs::run
