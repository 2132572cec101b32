#include "engine/sqlite/TraceRegistry.h"

#include <atomic>
#include <mutex>
#include <unordered_map>

namespace txs::sqlite {

namespace {

struct Registry
{
    std::mutex mutex;
    std::unordered_map<std::string, std::weak_ptr<TraceLog>> logs;
    std::atomic<unsigned long long> nextKey{1};
};

// Never destroyed: files may still be closed by static destructors after main returns.
Registry& registry()
{
    static Registry* instance = new Registry;
    return *instance;
}

} // namespace

TraceRegistration::TraceRegistration(const std::shared_ptr<TraceLog>& log)
{
    if (!log) return;
    Registry& r = registry();
    key_ = "L" + std::to_string(r.nextKey.fetch_add(1, std::memory_order_relaxed));
    std::lock_guard lock(r.mutex);
    r.logs.emplace(key_, log);
}

TraceRegistration::~TraceRegistration()
{
    if (key_.empty()) return;
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    r.logs.erase(key_);
}

std::shared_ptr<TraceLog> findTraceLog(const std::string& key)
{
    if (key.empty()) return nullptr;
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    const auto it = r.logs.find(key);
    return it == r.logs.end() ? nullptr : it->second.lock();
}

} // namespace txs::sqlite
