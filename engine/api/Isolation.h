#pragma once
// The isolation level of BEGIN CONCURRENT transactions on the MVCC engine. Snapshot isolation is
// Turso's (and the default); Serializable is TxScope's own extension (`PRAGMA isolation`, the
// `isolation:` header key, `--isolation`): it aborts a transaction that would close a dangerous
// structure of read-write dependencies. SQLite's journal modes are serializable already (one
// writer at a time), so the level changes nothing there.

#include <cstdint>
#include <optional>
#include <string_view>

namespace txs {

enum class Isolation : std::uint8_t { Snapshot, Serializable };

const char* isolationName(Isolation level); // "snapshot", "serializable"
std::optional<Isolation> parseIsolation(std::string_view name); // case-insensitive, quotes allowed

} // namespace txs
