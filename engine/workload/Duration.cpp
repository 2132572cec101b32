#include "engine/workload/Duration.h"

#include "engine/workload/TextUtil.h"

#include <cstdint>

namespace txs {

std::optional<std::chrono::microseconds> parseDuration(std::string_view text, std::string* why)
{
    auto fail = [&](std::string message) -> std::optional<std::chrono::microseconds> {
        if (why) *why = std::move(message);
        return std::nullopt;
    };
    const std::string quoted = "'" + std::string(text) + "'";
    std::size_t digits = 0;
    while (digits < text.size() && isDigit(text[digits]))
        ++digits;
    if (digits == 0)
        return fail("bad duration " + quoted + ": write an integer and a unit, e.g. 200ms, 1s, 500us");

    const std::string unit = toLower(text.substr(digits));
    std::int64_t perUnit = 0;
    if (unit == "us")
        perUnit = 1;
    else if (unit == "ms")
        perUnit = 1000;
    else if (unit == "s")
        perUnit = 1000000;
    else if (unit.empty())
        return fail("bad duration " + quoted + ": missing unit (us, ms or s)");
    else
        return fail("bad duration " + quoted + ": unknown unit '" + unit + "' (use us, ms or s)");

    // Accumulate in the target unit and stop as soon as the limit is passed, so that no number of
    // digits can overflow.
    const std::int64_t limit = kMaxDuration.count();
    std::int64_t value = 0;
    for (std::size_t i = 0; i < digits; ++i) {
        value = value * 10 + (text[i] - '0');
        if (value * perUnit > limit) return fail("bad duration " + quoted + ": longer than 1 hour");
    }
    return std::chrono::microseconds(value * perUnit);
}

std::string formatDuration(std::chrono::microseconds duration)
{
    const std::int64_t us = duration.count();
    if (us != 0 && us % 1000000 == 0) return std::to_string(us / 1000000) + "s";
    if (us != 0 && us % 1000 == 0) return std::to_string(us / 1000) + "ms";
    return std::to_string(us) + "us";
}

} // namespace txs
