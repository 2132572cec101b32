#pragma once
// Hekaton's visibility rule as Turso implements it: a version is visible to a reader when its
// begin is visible and its end is not.
//
// A writer that is Preparing with an end timestamp below the reader's snapshot may still
// commit or abort; Hekaton would take a speculative commit dependency, we wait instead
// (Preparing is short: validation and the log write), which keeps readers simple and exact.

#include "engine/mvcc/Transaction.h"
#include "engine/mvcc/Version.h"

#include <cstdint>
#include <vector>

namespace txs::mvcc {

enum class Visibility { Visible, Invisible, MustWait };

// `reader` may be null for "the newest committed state" (used by garbage collection checks).
// Call with the version's chain locked.
Visibility visibility(const Version& version, const Transaction& reader);

// Index of the version of `chain` visible to `reader`, -1 when none; sets `mustWait` instead
// when the answer depends on a transaction still preparing.
int visibleVersion(const VersionChain& chain, const Transaction& reader, bool& mustWait);

// The transactions whose writes to `chain` the reader does not see although they are not
// aborted: they wrote after its snapshot (rw anti-dependencies reader -> writer, for SSI).
// `visible` is visibleVersion's answer; call with the chain locked.
void newerWriters(const VersionChain& chain, const Transaction& reader, int visible,
                  std::vector<std::uint64_t>& writers);

} // namespace txs::mvcc
