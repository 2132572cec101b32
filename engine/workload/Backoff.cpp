#include "engine/workload/Backoff.h"

#include "engine/workload/Duration.h"
#include "engine/workload/TextUtil.h"

namespace txs {

BackoffDelay Backoff::delay(int attempt, std::mt19937_64& rng) const
{
    switch (kind) {
    case Kind::None:
        return {};
    case Kind::Yield:
        return {std::chrono::microseconds(0), true};
    case Kind::Fixed:
        return {base, false};
    case Kind::Exponential: {
        // Double until the cap; counting the doublings stops the shift long before it overflows.
        std::int64_t ceiling = base.count();
        for (int i = 1; i < attempt && ceiling < cap.count(); ++i)
            ceiling *= 2;
        if (ceiling > cap.count()) ceiling = cap.count();
        // rng() % n rather than std::uniform_int_distribution: the distribution's algorithm differs
        // between standard libraries, and delays must repeat per seed everywhere. The modulo bias
        // is below 2^-20 for any ceiling up to an hour in microseconds.
        const auto draw = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(ceiling + 1));
        return {std::chrono::microseconds(draw), false};
    }
    }
    return {};
}

std::string Backoff::describe() const
{
    switch (kind) {
    case Kind::None:
        return "backoff none";
    case Kind::Yield:
        return "backoff yield";
    case Kind::Fixed:
        return "backoff fixed " + formatDuration(base);
    case Kind::Exponential:
        return "backoff exponential " + formatDuration(base) + ".." + formatDuration(cap);
    }
    return "backoff ?";
}

std::optional<Backoff> parseBackoff(std::string_view spec, std::string& why)
{
    spec = trim(spec);
    std::size_t wordEnd = 0;
    while (wordEnd < spec.size() && !isSpace(spec[wordEnd]))
        ++wordEnd;
    const std::string word = toLower(spec.substr(0, wordEnd));
    const std::string_view arg = trim(spec.substr(wordEnd));

    Backoff b;
    if (word == "none" || word == "yield") {
        if (!arg.empty()) {
            why = "backoff " + word + " takes no argument";
            return std::nullopt;
        }
        b.kind = word == "none" ? Backoff::Kind::None : Backoff::Kind::Yield;
        return b;
    }
    if (word == "fixed") {
        auto d = parseDuration(arg, &why);
        if (!d) {
            why = "backoff fixed: " + why;
            return std::nullopt;
        }
        b.kind = Backoff::Kind::Fixed;
        b.base = *d;
        return b;
    }
    if (word == "exponential") {
        const auto dots = arg.find("..");
        if (dots == std::string_view::npos) {
            why = "backoff exponential needs a range MIN..MAX, e.g. 1ms..50ms";
            return std::nullopt;
        }
        auto lo = parseDuration(trim(arg.substr(0, dots)), &why);
        auto hi = lo ? parseDuration(trim(arg.substr(dots + 2)), &why) : std::nullopt;
        if (!lo || !hi) {
            why = "backoff exponential: " + why;
            return std::nullopt;
        }
        if (lo->count() == 0 || *lo > *hi) {
            why = "backoff exponential needs 0 < MIN <= MAX, got " + formatDuration(*lo) + ".." +
                  formatDuration(*hi);
            return std::nullopt;
        }
        b.kind = Backoff::Kind::Exponential;
        b.base = *lo;
        b.cap = *hi;
        return b;
    }
    why = word.empty()
              ? "backoff needs a kind: none, yield, fixed DURATION or exponential MIN..MAX"
              : "unknown backoff '" + word + "' (use none, yield, fixed DURATION or exponential MIN..MAX)";
    return std::nullopt;
}

std::mt19937_64 backoffRandom(std::uint64_t seed, std::size_t blockIndex, int worker)
{
    // seed_seq mixes all the parts; seeding with e.g. seed + worker would give neighbouring
    // workers of neighbouring seeds the same stream.
    std::seed_seq sequence{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                           static_cast<std::uint32_t>(blockIndex), static_cast<std::uint32_t>(worker)};
    return std::mt19937_64(sequence);
}

} // namespace txs
