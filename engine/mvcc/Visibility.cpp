#include "engine/mvcc/Visibility.h"

#include <algorithm>

namespace txs::mvcc {

namespace {

Visibility beginVisible(const Stamp& begin, const Transaction& reader)
{
    if (!begin.tx) return reader.beginTs > begin.ts ? Visibility::Visible : Visibility::Invisible;
    const Transaction& writer = *begin.tx;
    if (&writer == &reader) return Visibility::Visible;
    switch (writer.loadState()) {
    case TxState::Active:
        return Visibility::Invisible;
    case TxState::Preparing:
        return reader.beginTs > writer.endTs.load(std::memory_order_relaxed) ? Visibility::MustWait
                                                                             : Visibility::Invisible;
    case TxState::Committed:
        return reader.beginTs > writer.endTs.load(std::memory_order_relaxed) ? Visibility::Visible
                                                                             : Visibility::Invisible;
    case TxState::Aborted:
        return Visibility::Invisible;
    }
    return Visibility::Invisible;
}

// "Visible" here means the end has not happened for this reader.
Visibility endVisible(const Stamp& end, const Transaction& reader)
{
    if (end.isNone()) return Visibility::Visible;
    if (!end.tx) return reader.beginTs < end.ts ? Visibility::Visible : Visibility::Invisible;
    const Transaction& writer = *end.tx;
    if (&writer == &reader) return Visibility::Invisible;
    switch (writer.loadState()) {
    case TxState::Active:
        return Visibility::Visible;
    case TxState::Preparing:
        return reader.beginTs > writer.endTs.load(std::memory_order_relaxed) ? Visibility::MustWait
                                                                             : Visibility::Visible;
    case TxState::Committed:
        return reader.beginTs < writer.endTs.load(std::memory_order_relaxed) ? Visibility::Visible
                                                                             : Visibility::Invisible;
    case TxState::Aborted:
        return Visibility::Visible;
    }
    return Visibility::Visible;
}

} // namespace

Visibility visibility(const Version& version, const Transaction& reader)
{
    const Visibility begin = beginVisible(version.begin, reader);
    if (begin != Visibility::Visible) return begin;
    return endVisible(version.end, reader);
}

int visibleVersion(const VersionChain& chain, const Transaction& reader, bool& mustWait)
{
    mustWait = false;
    for (int i = static_cast<int>(chain.versions.size()) - 1; i >= 0; --i) {
        switch (visibility(chain.versions[i], reader)) {
        case Visibility::Visible:
            return i;
        case Visibility::MustWait:
            mustWait = true;
            return -1;
        case Visibility::Invisible:
            break;
        }
    }
    return -1;
}

void newerWriters(const VersionChain& chain, const Transaction& reader, int visible,
                  std::vector<std::uint64_t>& writers)
{
    writers.clear();
    auto notAborted = [](const Transaction* t) { return !t || t->loadState() != TxState::Aborted; };
    if (visible >= 0) {
        const Version& v = chain.versions[visible];
        // Ended by someone the reader does not see yet (it would not be visible otherwise).
        if (!v.end.isNone() && v.end.tx != &reader && notAborted(v.end.tx) && v.endTxId)
            writers.push_back(v.endTxId);
    }
    // Every version after the visible one is newer; with none visible, a version whose begin the
    // reader does not see was written after its snapshot (older ones ended before it).
    for (int i = visible + 1; i < static_cast<int>(chain.versions.size()); ++i) {
        const Version& v = chain.versions[i];
        if (v.begin.tx == &reader || !notAborted(v.begin.tx)) continue;
        if (beginVisible(v.begin, reader) == Visibility::Visible) continue;
        if (v.beginTxId && std::find(writers.begin(), writers.end(), v.beginTxId) == writers.end())
            writers.push_back(v.beginTxId);
    }
}

} // namespace txs::mvcc
