#pragma once
// The GUI's view of a trace log: drains it on a timer into the session's projections and
// holds the instant every panel shows.
//
// Draining is batched: each tick reads what the writers published since the last one
// (TraceLog::readSince), applies at most batchLimit() events to the projections, and then
// signals once. A backlog (a paused GUI, a burst of 100k+ events/s) is worked off in bounded
// slices with the event loop running between them, so the GUI stays responsive.
//
// The instant: live mode follows the newest event applied (t = now); setInstant() leaves live
// mode and moves t anywhere (time travel); followLive() comes back.

#include "engine/trace/SessionProjection.h"
#include "engine/trace/TraceLog.h"

#include <QObject>
#include <QTimer>
#include <memory>
#include <span>
#include <vector>

namespace txs::models {

class SessionLog : public QObject
{
    Q_OBJECT

public:
    explicit SessionLog(QObject* parent = nullptr);
    explicit SessionLog(std::shared_ptr<TraceLog> log, QObject* parent = nullptr);
    ~SessionLog() override;

    // Starts over on `log` (null: none); models reset.
    void setLog(std::shared_ptr<TraceLog> log);
    const std::shared_ptr<TraceLog>& log() const { return log_; }
    const SessionProjection& projection() const { return *projection_; }

    // Drains every `intervalMs` until stop().
    void start(int intervalMs = 50);
    void stop();
    bool isRunning() const { return timer_.isActive(); }
    void setBatchLimit(std::size_t maxEvents) { batchLimit_ = maxEvents > 0 ? maxEvents : 1; }
    std::size_t batchLimit() const { return batchLimit_; }
    // Events read from the log but not applied yet.
    std::size_t backlog() const { return pending_.size() - pendingPos_; }

    std::int64_t instant() const { return instant_; }
    bool isLive() const { return live_; }
    std::int64_t latestTimeNs() const { return projection_->latestNs(); }
    // The events of the drain being signalled: valid only inside eventsApplied handlers (empty
    // elsewhere). Every view is fed from this one drain.
    std::span<const Event> lastBatch() const { return lastBatch_; }

public slots:
    // Reads the log and applies up to batchLimit() events; returns how many it applied.
    std::size_t drain();
    // Drains until everything published so far is applied (tests, end of a run).
    void drainAll();
    void setInstant(qint64 timeNs);
    void followLive();

signals:
    void aboutToReset();
    void reset();
    // After a drain applied events with seq in [firstSeq, endSeq).
    void eventsApplied(quint64 firstSeq, quint64 endSeq);
    // The user moved the instant (setInstant, followLive): every view projects anew.
    void instantMoved(qint64 timeNs);
    // The instant changed for any reason, live advance included (cursors, labels).
    void instantChanged(qint64 timeNs);
    void liveChanged(bool live);

private:
    void tick();

    std::shared_ptr<TraceLog> log_;
    std::unique_ptr<SessionProjection> projection_;
    std::uint64_t nextSeq_ = 0; // next seq to read from the log
    std::vector<Event> pending_;
    std::size_t pendingPos_ = 0;
    std::span<const Event> lastBatch_;
    std::size_t batchLimit_ = 50'000;
    std::int64_t instant_ = -1;
    bool live_ = true;
    QTimer timer_;
};

} // namespace txs::models
