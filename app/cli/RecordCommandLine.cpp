// The options of `txscope-cli record` and `txscope-cli locks` (DESIGN.md, "Command-line contract").

#include "CommandLine.h"

#include <charconv>

namespace txs::cli {

namespace {

CommandLine usageError(std::string message)
{
    CommandLine c;
    c.action = CommandLine::Action::UsageError;
    c.error = std::move(message);
    return c;
}

// "--name=value" or "--name value": the value, or nullopt with `error` set.
std::optional<std::string> valueOf(const std::vector<std::string>& args, std::size_t& i,
                                   const std::string& name, std::string& error)
{
    const std::string& arg = args[i];
    if (arg.size() > name.size() && arg[name.size()] == '=') {
        const std::string value = arg.substr(name.size() + 1);
        if (value.empty()) error = "option '" + name + "' needs a value";
        return value.empty() ? std::nullopt : std::optional<std::string>(value);
    }
    if (i + 1 >= args.size() || args[i + 1].empty()) {
        error = "option '" + name + "' needs a value";
        return std::nullopt;
    }
    return args[++i];
}

bool is(const std::string& arg, const std::string& name)
{
    return arg == name || (arg.starts_with(name) && arg.size() > name.size() && arg[name.size()] == '=');
}

} // namespace

CommandLine parseRecordCommandLine(const std::vector<std::string>& args)
{
    CommandLine result;
    result.action = CommandLine::Action::Record;
    RecordCommandOptions& o = result.record;
    bool outputGiven = false, onlyGiven = false;
    std::size_t i = 0;
    for (; i < args.size(); ++i) {
        const std::string& arg = args[i];
        std::string error;
        if (arg == "--") {
            ++i;
            break;
        }
        if (arg == "--json") {
            if (o.json) return usageError("option '--json' given twice");
            o.json = true;
        } else if (arg == "-o" || is(arg, "--output")) {
            if (outputGiven) return usageError("option '-o' given twice");
            auto v = valueOf(args, i, arg == "-o" ? "-o" : "--output", error);
            if (!v) return usageError(error);
            o.output = *v;
            outputGiven = true;
        } else if (is(arg, "--only")) {
            if (onlyGiven) return usageError("option '--only' given twice");
            auto v = valueOf(args, i, "--only", error);
            if (!v) return usageError(error);
            o.onlyGlob = *v;
            onlyGiven = true;
        } else if (arg.starts_with("-")) {
            return usageError("unknown option '" + arg + "' for record");
        } else {
            break; // the command starts (a `--` before it is optional)
        }
    }
    o.command.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
    if (o.command.empty())
        return usageError("'record' needs a command: record [options] -- COMMAND [ARGS...]");
    return result;
}

CommandLine parseLocksCommandLine(const std::vector<std::string>& args)
{
    CommandLine result;
    result.action = CommandLine::Action::Locks;
    LocksCommandOptions& o = result.locks;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        std::string error;
        if (arg == "--json") {
            if (o.json) return usageError("option '--json' given twice");
            o.json = true;
        } else if (is(arg, "--watch")) {
            if (o.watchMs) return usageError("option '--watch' given twice");
            auto v = valueOf(args, i, "--watch", error);
            if (!v) return usageError(error);
            std::uint64_t ms = 0;
            const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), ms);
            if (ec != std::errc() || end != v->data() + v->size() || ms < 10 || ms > 3600000)
                return usageError("bad value '" + *v + "' for --watch (milliseconds, 10 to 3600000)");
            o.watchMs = ms;
        } else if (arg.starts_with("-") && arg != "-") {
            return usageError("unknown option '" + arg + "' for locks");
        } else if (o.database.empty()) {
            o.database = arg;
        } else {
            return usageError("unexpected argument '" + arg + "' (one DATABASE)");
        }
    }
    if (o.database.empty())
        return usageError("'locks' needs a database: locks DATABASE [--watch MS] [--json]");
    return result;
}

} // namespace txs::cli
