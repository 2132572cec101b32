#include "widgets/timeline/TimelineText.h"

#include "engine/api/AsciiText.h"
#include "engine/api/Connection.h"
#include "engine/api/Error.h"
#include "engine/trace/EventLabels.h"
#include "widgets/timeline/LockGroups.h"

#include <cstdio>

namespace txs::timeline {

namespace {

std::string interval(const Span& s, std::int64_t nowNs)
{
    const std::int64_t end = s.endOr(nowNs);
    std::string out = formatTime(s.startNs) + " → " + (s.open() ? std::string("now") : formatTime(end));
    return out + " (" + formatDuration(end - s.startNs) + ")";
}

std::string shortened(const std::string& text, std::size_t max = 160)
{
    if (text.size() <= max) return text;
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut; // keep UTF-8 whole
    return text.substr(0, cut) + "…";
}

void appendParagraph(std::string& out, const TimelineModel& model, std::uint32_t id)
{
    if (id == 0) return;
    out += "\n" + model.text(id);
}

std::string describeTransaction(const TimelineModel& model, const Lane& lane, const Span& s,
                                std::int64_t nowNs)
{
    std::string out = "Transaction " + std::to_string(s.txId) + " · " + lane.name + "\n";
    out += std::string("BEGIN ") + txModeName(static_cast<TxMode>(s.detail)) + " · ";
    switch (s.state) {
    case SpanState::TxCommitted:
        out += "committed";
        if (s.extra != 0) out += " (commit timestamp " + std::to_string(s.extra) + ")";
        break;
    case SpanState::TxRolledBack:
        out += std::string("rolled back ") + rollbackReasonLabel(s.extra);
        break;
    case SpanState::TxDoomed:
        out += s.open() ? "doomed by a conflict: only ROLLBACK is possible"
                        : "doomed by a conflict, rolled back";
        break;
    default:
        out += s.open() ? "active" : "unfinished (connection closed)";
        break;
    }
    out += "\n" + interval(s, nowNs);
    if (s.error) out += "\n" + shortened(model.text(s.error), 400);
    appendParagraph(out, model, s.explanation);
    return out;
}

std::string describeStatement(const TimelineModel& model, const Lane& lane, const Span& s, std::int64_t nowNs)
{
    std::string out = shortened(model.text(s.text)) + "\n" + lane.name + " · ";
    if (s.state == SpanState::StmtRunning)
        out += "running";
    else if (s.state == SpanState::StmtOk)
        out += "ok" + (s.extra > 0
                           ? " · " + std::to_string(s.extra) + (s.extra == 1 ? " row" : " rows") + " changed"
                           : std::string());
    else
        out += "error " + resultCodeText(s.detail);
    if (s.txId) out += " · transaction " + std::to_string(s.txId);
    out += "\n" + interval(s, nowNs);
    // What a query read, as a teacher says it: "T2 read 100".
    if (s.read) out += "\n" + lane.name + " read " + shortened(model.text(s.read), 200);
    if (s.error) out += "\n" + shortened(model.text(s.error), 400);
    appendParagraph(out, model, s.explanation);
    return out;
}

std::string describeMarker(const TimelineModel& model, const Lane& lane, const Marker& m)
{
    std::string out;
    switch (m.kind) {
    case MarkerKind::Busy:
        out = resultCodeText(m.a);
        break;
    case MarkerKind::Conflict:
        out = "Conflict with transaction " + std::to_string(m.a);
        break;
    case MarkerKind::BusyHandler:
        out = "Busy handler call " + std::to_string(m.a + 1);
        if (m.b > 0) out += ", slept " + formatDuration(m.b * 1000);
        if (m.detail != 0) out += ", gave up";
        break;
    case MarkerKind::LockWait:
        out = std::string("Waits for ") + lockLevelName(static_cast<LockLevel>(m.b)) + " on " +
              lockResourceName(static_cast<LockResource>(m.a));
        break;
    case MarkerKind::Retry:
        out = "Retry, attempt " + std::to_string(m.a);
        if (m.text) out += ", after " + model.text(m.text);
        break;
    }
    out += "\n" + lane.name + " · " + formatTime(m.timeNs);
    if (m.txId) out += " · transaction " + std::to_string(m.txId);
    if ((m.kind == MarkerKind::Busy || m.kind == MarkerKind::Conflict) && m.text)
        out += "\n" + shortened(model.text(m.text), 400);
    appendParagraph(out, model, m.explanation);
    return out;
}

} // namespace

std::string formatDuration(std::int64_t ns)
{
    const double v = static_cast<double>(ns);
    if (ns < 1000) return std::to_string(ns) + " ns";
    if (ns < 1'000'000) return fixed(v / 1e3, ns < 10'000 ? 2 : 1) + " µs";
    if (ns < 1'000'000'000) return fixed(v / 1e6, 3) + " ms";
    return fixed(v / 1e9, 2) + " s";
}

std::string formatTime(std::int64_t ns)
{
    return fixed(static_cast<double>(ns) / 1e6, 3) + " ms";
}

std::string resultCodeText(std::int64_t extendedCode)
{
    const auto code = static_cast<int>(extendedCode);
    return Error::fromSqlite(code, {}).codeName() + " (" + std::to_string(code) + ")";
}

std::string describe(const TimelineModel& model, const ItemRef& ref, std::int64_t nowNs)
{
    const Lane& lane = model.lanes()[ref.lane];
    if (ref.kind == ItemRef::Kind::Marker) return describeMarker(model, lane, model.marker(ref));
    const Span& s = model.span(ref);
    switch (ref.track) {
    case Track::Transaction:
        return describeTransaction(model, lane, s, nowNs);
    case Track::Statement:
        return describeStatement(model, lane, s, nowNs);
    case Track::Wait:
        return std::string("Waiting for ") + lockLevelName(waitLevel(s.detail)) + " on " +
               lockResourceName(waitResource(s.detail)) + "\n" + lane.name + " · " + interval(s, nowNs);
    default:
        return std::string(lockTrackName(ref.track)) + " lock: " + describeLocks(s.detail, ref.track) + "\n" +
               lane.name + " · " + interval(s, nowNs);
    }
}

const char* stateName(SpanState state)
{
    switch (state) {
    case SpanState::TxActive:
        return "active";
    case SpanState::TxCommitted:
        return "committed";
    case SpanState::TxRolledBack:
        return "rolled back";
    case SpanState::TxDoomed:
        return "doomed by conflict";
    case SpanState::StmtRunning:
        return "statement running";
    case SpanState::StmtOk:
        return "statement";
    case SpanState::StmtError:
        return "statement error";
    case SpanState::Waiting:
        return "waiting for a lock";
    case SpanState::LockShared:
        return "SHARED";
    case SpanState::LockReserved:
        return "RESERVED";
    case SpanState::LockPending:
        return "PENDING";
    case SpanState::LockExclusive:
        return "EXCLUSIVE";
    }
    return "";
}

const char* markerName(MarkerKind kind)
{
    switch (kind) {
    case MarkerKind::Busy:
        return "BUSY";
    case MarkerKind::Conflict:
        return "conflict";
    case MarkerKind::BusyHandler:
        return "busy handler";
    case MarkerKind::LockWait:
        return "lock wait";
    case MarkerKind::Retry:
        return "retry";
    }
    return "";
}

} // namespace txs::timeline
