#pragma once
// The dependency graph and anomalies of a session at its instant (engine/analysis), for the
// Dependencies panel: a projection of the typed trace events like every other view.
//
// It keeps its own copy of the events the analysis reads (fed from the session's one drain, so
// the log is never read twice) and runs the analysis again when the instant moves or events
// arrive, at most every `liveIntervalMs` (or ten times what the last analysis took) while the
// session follows a live run (the analysis reads the whole prefix: a burst of events must not run
// it per batch), and only while someone looks
// (setActive): a hidden panel costs only the copy.
//
// The instant maps to the last event at or before it (events are in seq order and their times
// do not decrease); transactions not committed by then are not in the graph.
//
// Bounded: past kMaxKeptEvents (a run of some hundred thousand transactions, a graph no one can
// read) it keeps nothing more and says so (overLimit); the copy and the whole-prefix analysis on
// the window's thread grew with the run (16 x 200,000 inserts: gigabytes, and the window blocked
// for seconds at the end). `txscope-cli run --anomalies` analyzes a run of any length.

#include "engine/analysis/Anomaly.h"
#include "engine/trace/ChunkedVector.h"

#include <QObject>
#include <QTimer>
#include <deque>
#include <span>
#include <vector>

namespace txs::models {
class SessionLog;
}

namespace txs::dependencies {

class DependencySource : public QObject
{
    Q_OBJECT

public:
    explicit DependencySource(models::SessionLog* session, QObject* parent = nullptr);

    // The run's reads and keys are known (TxScope's MVCC engine): only then is there a graph to
    // show. SQLite runs (and sessions recorded from other processes) record no reads.
    void setExact(bool exact);
    bool exact() const { return exact_; }
    void setActive(bool active);
    void setLiveInterval(int ms) { liveIntervalMs_ = ms; }

    const analysis::AnomalyReport& report() const { return report_; }
    static constexpr std::size_t kMaxKeptEvents = 2'000'000;
    // The run passed kMaxKeptEvents: no graph is shown for it.
    bool overLimit() const { return overLimit_; }
    void setMaxKeptEvents(std::size_t n) { maxKept_ = n; } // tests
    // Events of copies let go and not freed yet; each turn frees at most releaseSlice() of them.
    std::size_t eventsToRelease() const;
    static constexpr std::size_t kReleaseSlice = 65'536;                   // ~4 ms of freeing on this machine
    void setReleaseSlice(std::size_t n) { releaseSlice_ = n > 0 ? n : 1; } // tests
    std::size_t releaseSlice() const { return releaseSlice_; }
    // Committed transactions exist at the instant (the graph is not empty).
    bool hasGraph() const { return exact_ && !report_.graph.nodes.empty(); }
    // Runs a pending analysis now (tests, the end of a run).
    void refresh();

signals:
    void reportChanged();

private:
    void keep(std::span<const Event> batch);
    void schedule();
    void clear();
    void letGo(); // events_ handed to retired_, released a slice per turn
    void freeASlice();

    models::SessionLog* session_;
    // The kinds the analysis reads, in seq order, in chunks that never move: a doubling vector
    // copied every event it held in one push_back (2M events: 100 MB and more, on the window's
    // thread, and for that moment twice the memory).
    ChunkedVector<Event> events_;
    // Copies let go, oldest first; the newest is shrunk from its end, a slice per turn.
    std::deque<ChunkedVector<Event>> retired_;
    std::size_t releaseSlice_ = kReleaseSlice;
    QTimer releaseTimer_;
    analysis::AnomalyReport report_;
    bool exact_ = false;
    bool active_ = true;
    bool stale_ = false;
    bool overLimit_ = false;
    std::size_t maxKept_ = kMaxKeptEvents;
    int liveIntervalMs_ = 300;
    qint64 lastCostMs_ = 0; // how long the last analysis took
    QTimer timer_;
};

} // namespace txs::dependencies
