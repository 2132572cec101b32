#pragma once
// How long a worker waits before it restarts its body after a retryable error: the `backoff`
// option of a workers block's retry clause.

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace txs {

struct BackoffDelay
{
    std::chrono::microseconds sleep{0};
    bool yield = false; // give the CPU away (std::this_thread::yield) instead of sleeping
    bool operator==(const BackoffDelay&) const = default;
};

struct Backoff
{
    enum class Kind {
        None,        // `backoff none`: restart at once
        Yield,       // `backoff yield`: yield the thread, then restart (the seed example's loop)
        Fixed,       // `backoff fixed 5ms`: always the same sleep
        Exponential, // `backoff exponential 1ms..50ms`: doubling ceiling with full jitter
    };

    Kind kind = Kind::Yield;
    std::chrono::microseconds base{0}; // Fixed: the sleep; Exponential: the first ceiling
    std::chrono::microseconds cap{0};  // Exponential: the largest ceiling

    // The wait before retry number `attempt` (1 for the first retry). Exponential draws the sleep
    // uniformly from [0, min(cap, base * 2^(attempt-1))] ("full jitter", which spreads retrying
    // workers apart better than a fixed doubling) and is the only kind that consumes `rng`, so the
    // same seed gives the same delays.
    BackoffDelay delay(int attempt, std::mt19937_64& rng) const;

    // How it is written in a .txs file: "backoff exponential 1ms..50ms".
    std::string describe() const;

    bool operator==(const Backoff&) const = default;
};

// Parses the part after the word `backoff`: "none", "yield", "fixed 5ms", "exponential 1ms..50ms".
// On failure returns nullopt and puts the reason into `why`.
std::optional<Backoff> parseBackoff(std::string_view spec, std::string& why);

// The random generator of one worker: seeded from the workload's seed, the workers block's index
// in the file and the worker's number, so runs repeat exactly and no two workers share a stream.
std::mt19937_64 backoffRandom(std::uint64_t seed, std::size_t blockIndex, int worker);

} // namespace txs
