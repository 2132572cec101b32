// DROP VIEW and DROP TRIGGER: a view and a trigger are each a named statement in a list of the
// catalog (views_, triggers_), and dropping one is the same DDL: found by name case-insensitively
// (SQLite's message when it is not there), logged (a frame of its own, or an op of the
// transaction's commit frame), taken out, the catalog version moved.

#include "engine/api/AsciiText.h"
#include "engine/mvcc/MvccStore.h"

#include <mutex>

namespace txs::mvcc {

template <class Named>
std::optional<Error> MvccStore::dropNamed(std::vector<Named>& list, LogOp::Kind kind, const char* what,
                                          const std::string& name, bool ifExists, std::uint32_t connection)
{
    std::unique_lock lock(catalogMutex_);
    const std::string key = toLower(name);
    auto it = list.begin();
    while (it != list.end() && toLower(it->name) != key)
        ++it;
    if (it == list.end())
        return ifExists ? std::nullopt
                        : std::optional<Error>(Error::syntax(std::string("no such ") + what + ": " + name));
    const std::string dropped = it->name;
    std::uint64_t ts = 0;
    LogOp op;
    op.kind = kind;
    op.table = dropped;
    if (auto logError = logDdl(std::move(op), ts, beforeDdl())) return logError;
    list.erase(it); // logDdl copied the catalog (beforeDdl), it did not change the list
    catalogChanged(ts);
    lock.unlock();
    std::string note = "DROP ";
    for (const char* c = what; *c; ++c)
        note += toUpperChar(*c);
    emit(EventKind::Note, connection, 0, 0, 0, 0, 0, note + " " + dropped);
    return std::nullopt;
}

std::optional<Error> MvccStore::dropView(const std::string& name, bool ifExists, std::uint32_t connection)
{
    return dropNamed(views_, LogOp::Kind::DropView, "view", name, ifExists, connection);
}

std::optional<Error> MvccStore::dropTrigger(const std::string& name, bool ifExists, std::uint32_t connection)
{
    return dropNamed(triggers_, LogOp::Kind::DropTrigger, "trigger", name, ifExists, connection);
}

} // namespace txs::mvcc
