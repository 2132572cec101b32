#pragma once
// A workers phase's errors, explained from the trace log rather than by the workers that got
// them (Explainer::deferErrors). A worker only appends its error (the statement's StatementEnd)
// and goes on; whoever reads the log next explains it with the lock holders of its moment, so
// no worker waits for the explainer (waiting for its one lock cost 370 us an error with 16
// workers on two cores: docs/performance.md). Each explanation goes into the log as an
// Explanation event naming its error's StatementEnd, and into the run's causes.
//
// Every deferred error is counted once: explained, or, if its events left the trace log's
// window before any reader came (a window smaller than the readers' lag), as unexplained.

#include "engine/api/Error.h"
#include "engine/explain/Explainer.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

namespace txs {

class TraceLog;

class DeferredExplanations
{
public:
    // Counts one error of the phase in the causes: its explanation (empty when lost), the
    // Explanation event that says it, timed at the error, and that event's text (the why).
    using CountCause = std::function<void(const Explanation&, const Event& explanationEvent,
                                          std::string_view why, const Error&)>;

    DeferredExplanations(std::shared_ptr<Explainer> explainer, std::shared_ptr<TraceLog> trace,
                         CountCause countCause);

    // Before the workers start / after every one has ended (then every deferred error has been
    // explained or counted). Not thread-safe against defer().
    void begin();
    void end();

    // Whether `error` is left to the log's readers (an explainable error while deferring).
    bool defers(const Error& error) const;
    // A worker's deferred error. `needed`: the worker shows it in its outcome, so it reads the
    // log up to its error and gets the explanation (rare: an unexpected failure that ends the
    // worker). Otherwise it only catches the log up when a read is due and no one is reading.
    std::optional<Explanation> defer(const Error& error, std::uint32_t connection, bool needed);

private:
    void explained(const WrittenExplanation& x, const Error& error, const Event& statementEnd);
    static std::size_t slot(int extendedCode);

    std::shared_ptr<Explainer> explainer_;
    std::shared_ptr<TraceLog> trace_;
    CountCause countCause_;
    JournalMode mode_ = JournalMode::Wal;
    bool active_ = false;
    // By extended result code (every explainable one is below 1024; others share the last slot).
    static constexpr std::size_t kCodes = 1024;
    std::array<std::atomic<std::uint64_t>, kCodes> deferred_{};
    std::array<std::atomic<std::uint64_t>, kCodes> explained_{};
};

} // namespace txs
