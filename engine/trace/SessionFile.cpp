#include "engine/trace/SessionFile.h"

#include "engine/api/Error.h"
#include "engine/trace/JsonText.h"
#include "engine/trace/StatementFold.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace txs {

namespace {

// Version 2 added the `detail` column after the kind; version 1 files still load (see below).
constexpr const char* magic = "TXSCOPE-SESSION 2";
constexpr const char* magicV1 = "TXSCOPE-SESSION 1";
constexpr int lastKind = static_cast<int>(EventKind::WalGauge);

// A field on one line: backslash, tab and line breaks written as JSON writes them.
std::string escape(const std::string& s)
{
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        const bool special = c == '\\' || c == '\t' || c == '\n' || c == '\r';
        if (special)
            out += shortEscape(c);
        else
            out += c;
    }
    return out;
}

bool unescape(const std::string& s, std::string& out)
{
    out.clear();
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\') {
            out += s[i];
            continue;
        }
        if (++i >= s.size()) return false;
        switch (s[i]) {
        case '\\':
            out += '\\';
            break;
        case 't':
            out += '\t';
            break;
        case 'n':
            out += '\n';
            break;
        case 'r':
            out += '\r';
            break;
        default:
            return false;
        }
    }
    return true;
}

std::vector<std::string> splitTabs(const std::string& line)
{
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (;;) {
        const auto tab = line.find('\t', start);
        fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
        if (tab == std::string::npos) return fields;
        start = tab + 1;
    }
}

template <class T> bool toNumber(const std::string& s, T& out)
{
    if (s.empty()) return false;
    errno = 0;
    char* end = nullptr;
    if constexpr (std::is_signed_v<T>)
        out = static_cast<T>(std::strtoll(s.c_str(), &end, 10));
    else
        out = static_cast<T>(std::strtoull(s.c_str(), &end, 10));
    return errno == 0 && end && *end == 0;
}

// Version 1 had no detail column. The ErrorKind of an error event is rebuilt from its result
// code alone (never from its message): a conflict, a plain SQLITE_ERROR, reads as Other. A
// busy-handler call's "gave up" flag is not known (0).
std::uint16_t v1Detail(const Event& e)
{
    const bool error = (e.kind == EventKind::StatementEnd && e.a != 0) || e.kind == EventKind::Busy;
    if (!error) return 0;
    ErrorKind kind = ErrorKind::Other;
    switch (e.a & 0xff) {
    case rc::Busy:
        kind = e.a == rc::BusySnapshot ? ErrorKind::BusySnapshot : ErrorKind::Busy;
        break;
    case rc::Constraint:
        kind = ErrorKind::Constraint;
        break;
    case rc::Misuse:
        kind = ErrorKind::Misuse;
        break;
    case rc::Schema:
        kind = ErrorKind::Schema;
        break;
    case rc::IoErr:
    case rc::Full:
    case rc::CantOpen:
    case rc::ReadOnly:
        kind = ErrorKind::Io;
        break;
    case rc::Corrupt:
    case rc::NotADb:
        kind = ErrorKind::Corrupt;
        break;
    default:
        break;
    }
    Error typed;
    typed.kind = kind;
    return kindDetail(typed);
}

} // namespace

std::optional<EventKind> eventKindFromName(const std::string& name)
{
    for (int k = 0; k <= lastKind; ++k)
        if (name == eventKindName(static_cast<EventKind>(k))) return static_cast<EventKind>(k);
    return std::nullopt;
}

std::string formatSession(const Session& session)
{
    std::ostringstream out;
    out << magic << '\n';
    out << "file\t" << escape(session.workloadFile) << '\n';
    out << "journal_mode\t" << escape(session.journalMode) << '\n';
    out << "workload\t" << escape(session.workloadText) << '\n';
    out << "events\t" << session.events.size() << '\n';
    for (const auto& e : session.events) {
        out << e.seq << '\t' << e.timeNs << '\t' << e.connection << '\t' << e.table << '\t' << e.txId << '\t'
            << e.rowid << '\t' << e.a << '\t' << e.b << '\t' << eventKindName(e.kind) << '\t' << e.detail
            << '\t' << escape(e.text) << '\n';
    }
    return out.str();
}

std::optional<Session> parseSession(const std::string& text, const std::string& fileName, std::string& error)
{
    std::istringstream in(text);
    std::string line;
    int lineNo = 0;
    auto fail = [&](const std::string& what) {
        error = fileName + ":" + std::to_string(lineNo) + ": " + what;
        return std::nullopt;
    };
    ++lineNo;
    if (!std::getline(in, line) || (line != magic && line != magicV1))
        return fail("not a TxScope session (expected \"" + std::string(magic) + "\")");
    const bool v1 = line == magicV1;
    const std::size_t fieldCount = v1 ? 10 : 11;
    Session session;
    std::size_t expected = 0;
    for (const char* key : {"file", "journal_mode", "workload", "events"}) {
        ++lineNo;
        if (!std::getline(in, line)) return fail(std::string("missing the '") + key + "' line");
        const auto fields = splitTabs(line);
        if (fields.size() != 2 || fields[0] != key)
            return fail(std::string("expected '") + key + "<TAB>value'");
        std::string value;
        if (!unescape(fields[1], value)) return fail("bad escape in '" + std::string(key) + "'");
        if (fields[0] == "file")
            session.workloadFile = value;
        else if (fields[0] == "journal_mode")
            session.journalMode = value;
        else if (fields[0] == "workload")
            session.workloadText = value;
        else if (!toNumber(value, expected))
            return fail("bad event count '" + value + "'");
    }
    session.events.reserve(std::min<std::size_t>(expected, 1u << 24));
    while (std::getline(in, line)) {
        ++lineNo;
        const auto f = splitTabs(line);
        if (f.size() != fieldCount)
            return fail("an event has " + std::to_string(fieldCount) +
                        " tab-separated fields, this line has " + std::to_string(f.size()));
        Event e;
        if (!toNumber(f[0], e.seq) || !toNumber(f[1], e.timeNs) || !toNumber(f[2], e.connection) ||
            !toNumber(f[3], e.table) || !toNumber(f[4], e.txId) || !toNumber(f[5], e.rowid) ||
            !toNumber(f[6], e.a) || !toNumber(f[7], e.b))
            return fail("an event field is not a number");
        auto kind = eventKindFromName(f[8]);
        if (!kind) return fail("unknown event kind '" + f[8] + "'");
        e.kind = *kind;
        if (v1) {
            e.detail = v1Detail(e);
        } else {
            std::uint64_t detail = 0;
            if (!toNumber(f[9], detail) || detail > 0xffff)
                return fail("the event's detail is not a number from 0 to 65535");
            e.detail = static_cast<std::uint16_t>(detail);
        }
        if (!unescape(f[fieldCount - 1], e.text)) return fail("bad escape in the event's text");
        // A StatementEnd and the StatementBegin after it share a seq when the log stored them as
        // one event, and so does a TxBegin before them when that event carried it too
        // (engine/trace/StatementFold.h); any other repeat is out of order.
        if (!session.events.empty() && e.seq <= session.events.back().seq) {
            const Event& previous = session.events.back();
            const bool foldedRepeat =
                e.seq == previous.seq && previous.connection == e.connection &&
                ((e.kind == EventKind::StatementBegin && previous.kind == EventKind::StatementEnd) ||
                 (e.kind == EventKind::StatementEnd && previous.kind == EventKind::TxBegin &&
                  previous.txId == e.txId));
            if (!foldedRepeat) return fail("events are not in seq order");
        }
        session.events.push_back(std::move(e));
    }
    if (session.events.size() != expected)
        return fail("the header promises " + std::to_string(expected) + " events, the file has " +
                    std::to_string(session.events.size()) + " (truncated?)");
    unfoldStatementEnds(session.events, 0); // a file written from the raw log: read as a log is
    return session;
}

std::optional<std::string> writeSession(const Session& session, const std::string& path)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return path + ": cannot write: " + std::strerror(errno);
    out << formatSession(session);
    out.flush();
    if (!out) return path + ": write failed: " + std::strerror(errno);
    return std::nullopt;
}

std::optional<Session> readSession(const std::string& path, std::string& error)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = path + ": cannot open: " + std::strerror(errno);
        return std::nullopt;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return parseSession(buffer.str(), path, error);
}

} // namespace txs
