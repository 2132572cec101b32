#include "engine/workload/HeaderLine.h"

#include "engine/workload/Duration.h"
#include "engine/workload/TextUtil.h"

#include <climits>
#include <cstdint>

namespace txs {

bool isHeaderKey(std::string_view key)
{
    const std::string k = toLower(key);
    return k == "journal_mode" || k == "busy_timeout" || k == "synchronous" || k == "seed" ||
           k == "allow_attach" || k == "statement_timeout" || k == "isolation";
}

std::optional<std::string> applyHeader(Workload& workload, std::string_view key, std::string_view value)
{
    const std::string k = toLower(key);
    value = trim(value);
    const std::string bad = "bad value '" + std::string(value) + "' for " + k;
    unsigned long long n = 0;
    if (k == "journal_mode") {
        auto mode = parseJournalMode(value);
        if (!mode) return bad + " (use mvcc, wal, delete, truncate or persist)";
        workload.journalMode = *mode;
    } else if (k == "busy_timeout") {
        // SQLite takes the timeout as an int of milliseconds.
        if (!parseUnsigned(value, INT_MAX, n))
            return bad + " (milliseconds: a whole number from 0 to 2147483647)";
        workload.busyTimeout = std::chrono::milliseconds(n);
    } else if (k == "synchronous") {
        const std::string v = toLower(value);
        if (v == "off")
            workload.synchronous = Synchronous::Off;
        else if (v == "normal")
            workload.synchronous = Synchronous::Normal;
        else if (v == "full")
            workload.synchronous = Synchronous::Full;
        else
            return bad + " (use off, normal or full)";
    } else if (k == "seed") {
        if (!parseUnsigned(value, UINT64_MAX, n))
            return bad + " (a whole number from 0 to 18446744073709551615)";
        workload.seed = static_cast<std::uint64_t>(n);
    } else if (k == "allow_attach") {
        const std::string v = toLower(value);
        if (v != "yes" && v != "no") return bad + " (use yes or no)";
        workload.allowAttach = v == "yes";
    } else if (k == "isolation") {
        auto level = parseIsolation(value);
        if (!level) return bad + " (use snapshot or serializable)";
        workload.isolation = *level;
    } else if (k == "statement_timeout") {
        std::string why;
        const auto d = parseDuration(value, &why);
        if (!d || d->count() <= 0)
            return bad + " (" + (d ? std::string("it must be more than 0") : why) + ")";
        workload.statementTimeout = *d;
    } else {
        return "unknown header key '" + std::string(key) + "'";
    }
    return std::nullopt;
}

} // namespace txs
