#include "widgets/record/LiveRecorder.h"

#include "engine/record/TracedCommand.h"

namespace txs::record_view {

LiveRecorder::LiveRecorder(QObject* parent) : QObject(parent)
{
    timer_.setInterval(100);
    connect(&timer_, &QTimer::timeout, this, &LiveRecorder::tick);
    killTimer_.setSingleShot(true);
    connect(&killTimer_, &QTimer::timeout, this, [this] {
        if (isRunning()) record::stopTraced(pid_, true, true);
    });
}

LiveRecorder::~LiveRecorder()
{
    if (pid_ > 0) {
        // Everything it started too: the group outlives its leader.
        record::stopTraced(pid_, true, true);
        if (!exitStatus_) exitStatus_ = record::waitTraced(pid_);
    }
    cleanUp();
}

bool LiveRecorder::start(const QStringList& command, const QString& workingDirectory, QString* error)
{
    auto fail = [error](const QString& why) {
        if (error) *error = why;
        return false;
    };
    if (pid_ > 0) return fail("a program is being recorded already");
    if (command.isEmpty()) return fail("no command to record");
    record::TraceOptions options;
    options.probe = record::findProbe();
    if (options.probe.empty())
        return fail("libtxscope-probe.so was not found beside txscope nor in ../lib/txscope "
                    "(set TXSCOPE_PROBE to its path)");
    std::string why;
    directory_ = record::makeRecordDirectory(why);
    if (directory_.empty()) return fail(QString::fromStdString(why));
    options.directory = directory_;
    options.workingDirectory = workingDirectory.toStdString();
    options.ownProcessGroup = true;
    std::vector<std::string> argv;
    for (const auto& word : command)
        argv.push_back(word.toStdString());
    record::RecordingOptions recordingOptions;
    recordingOptions.command = record::joinedCommand(argv);
    live_ = std::make_unique<record::LiveRecording>(directory_, recordingOptions);
    const auto pid = record::startTraced(argv, options, why);
    if (!pid) {
        cleanUp();
        return fail(QString::fromStdString(why));
    }
    pid_ = *pid;
    command_ = command;
    exitStatus_.reset();
    stopped_ = false;
    delivered_.clear();
    pacer_.reset();
    unbuilt_ = false;
    clock_.start();
    log_ = std::make_shared<TraceLog>();
    emit logReplaced(log_);
    timer_.start();
    return true;
}

void LiveRecorder::stop(int graceMs)
{
    if (!isRunning()) return;
    stopped_ = true;
    record::stopTraced(pid_, true, false);
    killTimer_.start(graceMs);
}

void LiveRecorder::tick()
{
    if (!live_) return;
    if (const auto status = record::tracedExitStatus(pid_)) {
        timer_.stop();
        killTimer_.stop();
        // Processes it left behind in its group are not waited for (docs/recording.md).
        exitStatus_ = status;
        deliver(live_->finish(record::monotonicNowNs(), *status));
        cleanUp();
        emit finished(*exitStatus_);
        return;
    }
    if (live_->poll(record::monotonicNowNs())) unbuilt_ = true;
    if (unbuilt_ && pacer_.due(clock_.elapsed())) {
        const std::int64_t start = clock_.elapsed();
        unbuilt_ = false;
        deliver(live_->build());
        pacer_.rebuilt(start, clock_.elapsed());
    }
}

void LiveRecorder::deliver(record::Recording recording)
{
    auto& next = recording.session.events;
    const auto delta = record::eventDelta(delivered_, next);
    if (delta.replace) {
        log_ = std::make_shared<TraceLog>();
        for (const auto& e : next)
            log_->append(e);
        delivered_ = next;
        recording_ = std::move(recording);
        emit logReplaced(log_);
    } else {
        for (std::size_t i = delta.from; i < next.size(); ++i)
            log_->append(next[i]);
        delivered_ = next;
        recording_ = std::move(recording);
    }
    emit updated();
}

void LiveRecorder::cleanUp()
{
    live_.reset();
    if (!directory_.empty()) record::removeRecordDirectory(directory_);
    directory_.clear();
}

} // namespace txs::record_view
