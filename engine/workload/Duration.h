#pragma once
// Durations as .txs files write them: an integer and a unit, "500us", "200ms", "1s".

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace txs {

// Longest duration a sleep or a backoff may ask for. Anything longer is a typo (a run that
// hangs for hours helps nobody) and would overflow microseconds long before that.
inline constexpr std::chrono::microseconds kMaxDuration = std::chrono::hours(1);

// Parses "500us", "200ms" or "1s" (unit case-insensitive, no space before it). On failure returns
// nullopt and, when `why` is given, says what is wrong in words fit for an error message.
std::optional<std::chrono::microseconds> parseDuration(std::string_view text, std::string* why = nullptr);

// The shortest exact form: 1000000us -> "1s", 5000us -> "5ms", 1500us -> "1500us".
std::string formatDuration(std::chrono::microseconds duration);

} // namespace txs
