#include "engine/trace/EventLabels.h"

#include "engine/api/Connection.h"
#include "engine/trace/Event.h"

namespace txs {

const char* txModeLabel(std::int64_t mode)
{
    return mode >= 0 && mode <= static_cast<std::int64_t>(TxMode::Concurrent)
               ? txModeName(static_cast<TxMode>(mode))
               : "?";
}

const char* rollbackReasonLabel(std::int64_t reason)
{
    switch (static_cast<RollbackReason>(reason)) {
    case RollbackReason::User:
        return "by ROLLBACK";
    case RollbackReason::Conflict:
        return "after a conflict";
    case RollbackReason::StatementError:
        return "by a failed statement";
    case RollbackReason::Busy:
        return "after SQLITE_BUSY";
    case RollbackReason::Close:
        return "when the connection closed";
    }
    return "?";
}

std::string shortSql(std::string_view sql, std::size_t maxCodePoints)
{
    std::string out;
    std::size_t codePoints = 0;
    bool pendingSpace = false;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const auto c = static_cast<unsigned char>(sql[i]);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            pendingSpace = !out.empty();
            continue;
        }
        const bool startsCodePoint = (c & 0xC0) != 0x80;
        if (startsCodePoint) {
            if (codePoints + pendingSpace >= maxCodePoints) {
                out += "\xE2\x80\xA6"; // U+2026 HORIZONTAL ELLIPSIS
                return out;
            }
            if (pendingSpace) {
                out += ' ';
                ++codePoints;
                pendingSpace = false;
            }
            ++codePoints;
        }
        out += static_cast<char>(c);
    }
    return out;
}

} // namespace txs
