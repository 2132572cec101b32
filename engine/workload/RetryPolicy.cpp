#include "engine/workload/RetryPolicy.h"

#include "engine/workload/TextUtil.h"

#include <climits>
#include <vector>

namespace txs {

namespace {
std::vector<std::string_view> split(std::string_view s, char separator)
{
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || s[i] == separator) {
            parts.push_back(trim(s.substr(start, i - start)));
            start = i + 1;
        }
    }
    return parts;
}
} // namespace

bool RetryPolicy::retries(const Error& error) const
{
    if (!enabled()) return false;
    if (error.kind == ErrorKind::BusySnapshot) return busy || busySnapshot;
    if (error.kind == ErrorKind::Busy) return busy;
    // A conflict: the Conflict kind, or Schema (Turso's schema conflict), as isRetryable() says.
    return conflict && isRetryable(error);
}

std::string RetryPolicy::describe() const
{
    if (!enabled()) return {};
    std::string kinds;
    auto add = [&](bool on, const char* name) {
        if (!on) return;
        if (!kinds.empty()) kinds += ", ";
        kinds += name;
    };
    add(conflict, "conflict");
    add(busy, "busy");
    add(busySnapshot, "busy_snapshot");
    return "retry(" + kinds + "; max " + std::to_string(maxRetries) + ", " + backoff.describe() + ")";
}

std::optional<RetryPolicy> parseRetryClause(std::string_view inside, std::string& why)
{
    auto fail = [&](std::string message) -> std::optional<RetryPolicy> {
        why = "bad retry clause: " + std::move(message);
        return std::nullopt;
    };
    const auto semicolon = inside.find(';');
    if (semicolon == std::string_view::npos)
        return fail("write retry(KINDS; max N), e.g. retry(conflict, busy; max 100)");

    RetryPolicy policy;
    for (std::string_view kind : split(inside.substr(0, semicolon), ',')) {
        const std::string k = toLower(kind);
        bool* flag = nullptr;
        if (k == "conflict")
            flag = &policy.conflict;
        else if (k == "busy")
            flag = &policy.busy;
        else if (k == "busy_snapshot")
            flag = &policy.busySnapshot;
        else if (k == "any") {
            policy.conflict = policy.busy = policy.busySnapshot = true;
            continue;
        } else if (k.empty())
            return fail("missing error kind (use conflict, busy, busy_snapshot or any)");
        else
            return fail("unknown error kind '" + std::string(kind) +
                        "' (use conflict, busy, busy_snapshot or any)");
        if (*flag) return fail("error kind '" + k + "' given twice");
        *flag = true;
    }

    bool haveMax = false, haveBackoff = false;
    for (std::string_view option : split(inside.substr(semicolon + 1), ',')) {
        if (startsWithWord(option, "max")) {
            if (haveMax) return fail("'max' given twice");
            unsigned long long n = 0;
            const std::string_view value = trim(option.substr(3));
            if (!parseUnsigned(value, INT_MAX, n) || n == 0)
                return fail("max needs a whole number from 1 to " + std::to_string(INT_MAX) + ", got '" +
                            std::string(value) + "'");
            policy.maxRetries = static_cast<int>(n);
            haveMax = true;
        } else if (startsWithWord(option, "backoff")) {
            if (haveBackoff) return fail("'backoff' given twice");
            std::string reason;
            auto backoff = parseBackoff(option.substr(7), reason);
            if (!backoff) return fail(reason);
            policy.backoff = *backoff;
            haveBackoff = true;
        } else if (option.empty()) {
            return fail("missing option after ';' or ',' (write max N and optionally backoff SPEC)");
        } else {
            return fail("unknown option '" + std::string(option) + "' (use max N and backoff SPEC)");
        }
    }
    if (!haveMax) return fail("'max N' is required: how many times a worker may restart its body");
    return policy;
}

} // namespace txs
