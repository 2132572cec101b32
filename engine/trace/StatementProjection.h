#pragma once
// Every statement of a session, from its StatementBegin/StatementEnd pair: what ran where,
// in which transaction, with which result, and for how long. Step mode retries a blocked
// statement, so it appears once per try, each try that ended blocked marked by the runner's
// StatementBlocked event.

#include "engine/trace/ChunkedVector.h"
#include "engine/trace/Event.h"
#include "engine/trace/ProjectionTimes.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace txs {

struct StatementRecord
{
    std::uint64_t seq = 0; // of StatementBegin
    std::uint32_t connection = 0;
    std::uint64_t txId = 0; // at its end when it had none at its start (BEGIN), else at its start
    std::string sql;
    std::int64_t beginNs = 0;
    std::int64_t endNs = kNever;
    int code = 0;                // extended result code, 0 ok
    std::int64_t changes = 0;    // rows changed
    std::string message;         // error message, for people
    std::string read;            // what a query read (Result::rowsPreview), when code is 0
    std::uint16_t errorKind = 0; // the error's ErrorKind (Event::detail) when code != 0
    bool blocked = false;        // the try ended blocked: the runner will try it again (StatementBlocked)
    std::int64_t blockedNs = kNever;
    // The database's journal mode this statement changed (the typed Note of JournalSetting.h):
    // from and to as JournalSetting values, 0 (Unknown) when it changed none; journalFileChanged
    // when the file's own mode changed (into or out of WAL).
    std::uint8_t journalFrom = 0, journalTo = 0;
    bool journalFileChanged = false;

    bool runningAt(std::int64_t t) const { return beginNs <= t && t < endNs; }
};

class StatementProjection
{
public:
    void apply(const Event& event);

    const ChunkedVector<StatementRecord>& all() const { return statements_; }
    // Statements begun by t: a prefix of all().
    std::size_t countAt(std::int64_t t) const { return byTime_.countAt(t); }
    // Statements that ended or were noted blocked, for incremental refreshes (see TouchLog).
    const TouchLog& touched() const { return touched_; }

private:
    ChunkedVector<StatementRecord> statements_;
    std::unordered_map<std::uint32_t, std::size_t> open_;   // connection -> its running statement
    std::unordered_map<std::uint32_t, std::size_t> latest_; // connection -> its latest statement
    PrefixByTime byTime_;
    TouchLog touched_;
};

} // namespace txs
