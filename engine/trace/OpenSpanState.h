#pragma once
// The open state of SpanProjection, and nothing else: per connection, whether a transaction is
// open (its mode, whether it has ended inside a statement still running), the lock wait open
// (resource and level) and the lock holds (resource and level). It is what the explainer asks
// at every event; a streaming SpanProjection answers the same, but makes a SpanRecord (~300
// bytes, five strings) for every statement and wait, which nobody asks of the explainer's
// projection. Here each connection's state is a few fields reused in place: no record, no
// allocation per event, a lock change is one store (a level per resource).
//
// Invariant: after each event, every query here answers what the same query of a SpanProjection
// fed the same events answers (openTransaction's outcome and mode, openLockWait's resource and
// level, levelNow, openHoldersOf). The transitions below are SpanProjection::apply's, less the
// spans nobody reads here (statement records, sleeps, blocked waits, times, texts);
// tst_open_span_state compares the two after every event of recorded runs and of random ones. A
// change of SpanProjection's boundaries must be made in both.

#include "engine/trace/Event.h"
#include "engine/trace/LastConnection.h"
#include "engine/trace/SpanProjection.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace txs {

class OpenSpanState
{
public:
    struct Transaction
    {
        std::uint64_t txId = 0;
        TxMode mode = TxMode::None;
        TxOutcome outcome = TxOutcome::Open; // ended, but its span closes with its statement
    };
    struct LockWaitOpen
    {
        LockResource resource = LockResource::DbFile;
        LockLevel level = LockLevel::None; // wanted
    };

    void apply(const Event& event);
    // As SpanProjection's: `dropped` events are missing, every open span is cut (forgotten here).
    void gap(std::uint64_t dropped);
    void finish();

    const Transaction* openTransaction(std::uint32_t connection) const;
    const LockWaitOpen* openLockWait(std::uint32_t connection) const;
    bool statementOpen(std::uint32_t connection) const;
    LockLevel levelNow(std::uint32_t connection, LockResource resource) const;
    // Who holds `resource` now and at what level, by connection. `out` is cleared first.
    void openHoldersOf(LockResource resource, std::vector<SpanProjection::HeldBy>& out) const;

private:
    // The lock resources a connection can hold (LockResource::DbFile .. MvccCommit), one level
    // each; any other value (a hostile or newer log) is kept aside, as SpanProjection keeps it.
    static constexpr std::size_t kResources = 11;
    struct Hold
    {
        LockResource resource = LockResource::DbFile;
        LockLevel level = LockLevel::None;
    };
    struct Conn
    {
        Transaction tx;
        LockWaitOpen wait;
        std::array<LockLevel, kResources> levels{}; // by resource, None when not held
        std::vector<Hold> otherHolds;               // resources outside 0..kResources-1
        bool txOpen = false;
        bool waitOpen = false;
        bool statementOpen = false;
        bool txEndsWithStatement = false; // tx ended inside the open statement: closes with it
        bool txBeganInStatement = false;  // tx began inside the open statement
    };
    static LockLevel levelOf(const Conn& c, LockResource resource);

    Conn& connectionState(std::uint32_t id);
    const Conn* find(std::uint32_t id) const;
    void endTransaction(Conn& c, const Event& e);
    static void applyLock(Conn& c, const Event& e);

    std::unordered_map<std::uint32_t, Conn> connections_; // references stay valid until erased
    LastConnection<Conn> last_;
};

} // namespace txs
