#pragma once
// A program recorded live, for the workbench: started under the probe in its own process group
// (engine/record/TracedCommand), its record files followed on a timer (LiveRecording decodes
// only the whole records written since the last tick) and its WAL gauges sampled; the events go
// into a trace log the window's panels drain like a run's. When the program ends, the last
// records are read and finished() says with which exit status. Records are read at every tick;
// merging them into the shown recording is paced (RebuildPacer) so a long recording never takes
// the window's thread from the user.
//
// Never leaves the program orphaned: stop() asks it (and everything it started) to end and kills
// it after a grace period; destroying the recorder kills what is left and reaps it.

#include "engine/record/LiveRecording.h"
#include "engine/trace/TraceLog.h"
#include "widgets/record/RebuildPacer.h"

#include <QElapsedTimer>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <memory>
#include <optional>

namespace txs::record_view {

class LiveRecorder : public QObject
{
    Q_OBJECT

public:
    explicit LiveRecorder(QObject* parent = nullptr);
    ~LiveRecorder() override;

    // Starts `command` (argv) in `workingDirectory` ("" = ours); false with the reason in `error`.
    bool start(const QStringList& command, const QString& workingDirectory, QString* error);
    bool isRunning() const { return pid_ > 0 && !exitStatus_; }
    // SIGTERM to the program's process group; SIGKILL if it is still there after `graceMs`.
    void stop(int graceMs = 2000);
    void setPollInterval(int ms) { timer_.setInterval(ms); }

    const std::shared_ptr<TraceLog>& log() const { return log_; }
    const record::Recording& recording() const { return recording_; }
    int pid() const { return pid_; }
    std::optional<int> exitStatus() const { return exitStatus_; }
    bool stoppedByUser() const { return stopped_; }
    QString command() const { return command_.join(' '); }

signals:
    // The log to show: at the start, and whenever a late record changed an event already shown.
    void logReplaced(std::shared_ptr<txs::TraceLog> log);
    // New events were appended, or the recording's processes and counts changed.
    void updated();
    void finished(int exitStatus);

private:
    void tick();
    void deliver(record::Recording recording);
    void cleanUp();

    QTimer timer_;
    QTimer killTimer_;
    QElapsedTimer clock_; // for the pacer, started with the recording
    RebuildPacer pacer_;
    bool unbuilt_ = false; // records were read that the shown recording does not hold yet
    std::unique_ptr<record::LiveRecording> live_;
    std::shared_ptr<TraceLog> log_;
    std::vector<Event> delivered_;
    record::Recording recording_;
    QStringList command_;
    std::string directory_;
    int pid_ = -1;
    std::optional<int> exitStatus_;
    bool stopped_ = false;
};

} // namespace txs::record_view
