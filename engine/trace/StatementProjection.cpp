#include "engine/trace/StatementProjection.h"

#include "engine/trace/JournalSetting.h"

namespace txs {

void StatementProjection::apply(const Event& e)
{
    switch (e.kind) {
    case EventKind::StatementBegin: {
        StatementRecord s;
        s.seq = e.seq;
        s.connection = e.connection;
        s.txId = e.txId;
        s.sql = e.text;
        s.beginNs = e.timeNs;
        open_[e.connection] = latest_[e.connection] = statements_.size();
        byTime_.add(e.timeNs);
        statements_.push_back(std::move(s));
        return;
    }
    case EventKind::StatementEnd: {
        const auto it = open_.find(e.connection);
        if (it == open_.end()) return;
        StatementRecord& s = statements_[it->second];
        s.endNs = e.timeNs;
        s.code = static_cast<int>(e.a);
        s.changes = e.b;
        (s.code == 0 ? s.read : s.message) = e.text;
        s.errorKind = e.detail;
        if (s.txId == 0) s.txId = e.txId;
        touched_.touch(it->second);
        open_.erase(it);
        return;
    }
    case EventKind::Note: {
        if (!isJournalModeChange(e)) return;
        const auto it = open_.find(e.connection);
        if (it == open_.end()) return;
        StatementRecord& s = statements_[it->second];
        s.journalFrom = static_cast<std::uint8_t>(e.a);
        s.journalTo = static_cast<std::uint8_t>(e.b);
        s.journalFileChanged = e.rowid != 0;
        return;
    }
    case EventKind::StatementBlocked: {
        // Emitted after the try that will be repeated has ended: it marks the latest statement.
        const auto it = latest_.find(e.connection);
        if (it == latest_.end()) return;
        StatementRecord& s = statements_[it->second];
        s.blocked = true;
        s.blockedNs = e.timeNs;
        touched_.touch(it->second);
        return;
    }
    default:
        return;
    }
}

} // namespace txs
