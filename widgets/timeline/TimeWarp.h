#pragma once
// How the timeline's horizontal axis spends its width: on wall-clock time, on steps, or on
// wall-clock time with the idle gaps squeezed. A monotone piecewise-linear map between the trace
// log's clock (ns) and the axis (ns of "shown time"), so everything the timeline draws is fed
// through toAxis() and the cursor comes back through toTime(). Plain math, tested without a
// screen.
//
// - Wall: the identity.
// - Steps: one column of kStepWidthNs per step. A lesson stepped with F10 over two minutes
//   spends most of its wall-clock time waiting for the teacher; on this axis each statement
//   gets the same width, wherever the pauses were.
// - Compressed idle: stretches where nothing runs longer than maxIdleNs shrink to maxIdleNs
//   (setup's fsync then no longer takes 90 % of the width).

#include <cstdint>
#include <utility>
#include <vector>

namespace txs::timeline {

class TimeWarp
{
public:
    enum class Mode { Wall, Steps, CompressedIdle };
    static constexpr std::int64_t kStepWidthNs = 1'000'000'000; // 1000 "ms" per step on the axis

    TimeWarp() = default; // the identity
    static TimeWarp wall() { return {}; }
    // `statements`: the [begin, end] of each statement run (any order). Overlapping ones (a
    // blocked statement waiting across later steps) merge into one stretch. Stretch i is drawn
    // over [i + kGapShare, i + 1] × kStepWidthNs and the wait before it — however long the
    // teacher talked — over [i, i + kGapShare]. Time after the last stretch continues at
    // wall-clock pace.
    static TimeWarp steps(std::vector<std::pair<std::int64_t, std::int64_t>> statements);
    static constexpr double kGapShare = 0.15;
    // `busy`: intervals where something ran (any order, may overlap). Idle gaps between them
    // longer than maxIdleNs are shown maxIdleNs wide; everything else at wall-clock pace.
    static TimeWarp compressedIdle(std::vector<std::pair<std::int64_t, std::int64_t>> busy,
                                   std::int64_t maxIdleNs);

    Mode mode() const { return mode_; }
    bool isIdentity() const { return knots_.size() < 2; }
    std::int64_t toAxis(std::int64_t timeNs) const;
    std::int64_t toTime(std::int64_t axisNs) const;
    // Steps mode: the step (0-based) drawn at axis position x; -1 otherwise.
    // The axis position where step i's statement starts (steps mode).
    static std::int64_t stepStartAxis(int i)
    {
        return static_cast<std::int64_t>((i + kGapShare) * static_cast<double>(kStepWidthNs));
    }
    int stepAt(std::int64_t axisNs) const;
    int stepCount() const { return steps_; }
    bool operator==(const TimeWarp&) const = default;

private:
    // (time, axis) pairs, both strictly increasing; linear between them, slope 1 outside.
    std::vector<std::pair<std::int64_t, std::int64_t>> knots_;
    Mode mode_ = Mode::Wall;
    int steps_ = 0;
};

// The instants between steps, for stepping the cursor back and forth: from the ends of the
// statements in the order given (sorted, duplicates removed).
std::vector<std::int64_t> stepInstants(std::vector<std::int64_t> statementEnds);
// The last step instant strictly before `t` (0 when there is none): Shift+F10.
std::int64_t previousStep(const std::vector<std::int64_t>& instants, std::int64_t t);

} // namespace txs::timeline
