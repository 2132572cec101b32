#pragma once
// Process-wide map from a short key to a TraceLog, so that the tracing VFS, which only sees a
// file name, can find the log a connection writes to: the backend registers its log and puts
// the key in each connection's URI (txlog=KEY).
//
// The registry holds the log weakly: it never keeps a log alive by itself. A file opened with
// the key takes a strong reference for as long as it is open, so events can be appended until
// the file is closed even if everything else has let the log go.

#include <memory>
#include <string>

namespace txs {
class TraceLog;
}

namespace txs::sqlite {

class TraceRegistration
{
public:
    TraceRegistration() = default;
    explicit TraceRegistration(const std::shared_ptr<TraceLog>& log); // registers; null log = no key
    ~TraceRegistration();
    TraceRegistration(const TraceRegistration&) = delete;
    TraceRegistration& operator=(const TraceRegistration&) = delete;

    const std::string& key() const { return key_; } // empty when not registered

private:
    std::string key_;
};

// The log registered under `key`, or null when there is none (never registered, unregistered,
// or already destroyed). Thread-safe.
std::shared_ptr<TraceLog> findTraceLog(const std::string& key);

} // namespace txs::sqlite
