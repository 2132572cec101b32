#include "CommandLine.h"

#include "engine/api/RunJournalModes.h"

#include <charconv>
#include <string_view>

namespace txs::cli {

namespace {

CommandLine usageError(std::string message)
{
    CommandLine c;
    c.action = CommandLine::Action::UsageError;
    c.error = std::move(message);
    return c;
}

std::optional<std::uint64_t> parseSeed(std::string_view text)
{
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

bool isHelp(std::string_view arg)
{
    return arg == "--help" || arg == "-h";
}

} // namespace

CommandLine parseCommandLine(const std::vector<std::string>& args)
{
    // --help and --version win wherever they are (before `--`), as with most Unix tools, so
    // `txscope-cli run x.txs --help` helps instead of complaining about x.txs.
    for (const std::string& arg : args) {
        if (arg == "--") break;
        if (isHelp(arg)) return CommandLine{CommandLine::Action::Help, {}, {}};
    }
    for (const std::string& arg : args) {
        if (arg == "--") break;
        if (arg == "--version") return CommandLine{CommandLine::Action::Version, {}, {}};
    }

    // record and locks have their own options (RecordCommandLine.cpp).
    if (!args.empty() && args[0] == "record")
        return parseRecordCommandLine(std::vector<std::string>(args.begin() + 1, args.end()));
    if (!args.empty() && args[0] == "locks")
        return parseLocksCommandLine(std::vector<std::string>(args.begin() + 1, args.end()));

    CommandLine result;
    result.action = CommandLine::Action::Run;
    RunCommandOptions& o = result.run;
    std::vector<std::string> positional;
    bool optionsEnded = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (optionsEnded || arg == "-" || !arg.starts_with("-")) {
            positional.push_back(arg);
            continue;
        }
        if (arg == "--") {
            optionsEnded = true;
            continue;
        }
        // "--name=value" or "--name value".
        const std::size_t equals = arg.find('=');
        const std::string name = arg.substr(0, equals);
        std::optional<std::string> inlineValue;
        if (equals != std::string::npos) inlineValue = arg.substr(equals + 1);

        const bool isFlag = name == "--json" || name == "--allow-attach" || name == "--anomalies";
        const bool takesValue = name == "--journal-mode" || name == "--isolation" || name == "--trace" ||
                                name == "--db" || name == "--seed" || name == "--recover" ||
                                name == "--keep-events";
        if (!isFlag && !takesValue) return usageError("unknown option '" + name + "'");
        if (isFlag) {
            if (inlineValue) return usageError("option '" + name + "' takes no value");
            bool& flag = name == "--json" ? o.json : name == "--anomalies" ? o.anomalies : o.allowAttach;
            if (flag) return usageError("option '" + name + "' given twice");
            flag = true;
            continue;
        }
        std::string value;
        if (inlineValue) {
            value = *inlineValue;
        } else if (i + 1 < args.size()) {
            value = args[++i];
        } else {
            return usageError("option '" + name + "' needs a value");
        }
        if (value.empty()) return usageError("option '" + name + "' needs a value");

        auto setOnce = [&](auto& slot, auto parsed) -> std::optional<CommandLine> {
            if (slot) return usageError("option '" + name + "' given twice");
            slot = std::move(parsed);
            return std::nullopt;
        };
        std::optional<CommandLine> failure;
        if (name == "--journal-mode") {
            const auto mode = parseRunJournalMode(value);
            if (!mode)
                return usageError("bad value '" + value + "' for --journal-mode (use " +
                                  runJournalModeChoices() + ")");
            failure = setOnce(o.journalMode, *mode);
        } else if (name == "--isolation") {
            const auto level = parseIsolation(value);
            if (!level)
                return usageError("bad value '" + value + "' for --isolation (use snapshot or serializable)");
            failure = setOnce(o.isolation, *level);
        } else if (name == "--seed") {
            const auto seed = parseSeed(value);
            if (!seed)
                return usageError("bad value '" + value +
                                  "' for --seed (a whole number from 0 to 18446744073709551615)");
            failure = setOnce(o.seed, *seed);
        } else if (name == "--recover") {
            if (value != "truncate")
                return usageError("bad value '" + value + "' for --recover (use truncate)");
            if (o.recoverTruncate) return usageError("option '" + name + "' given twice");
            o.recoverTruncate = true;
        } else if (name == "--keep-events") {
            const auto keep = parseSeed(value);
            if (!keep || *keep < 1000)
                return usageError("bad value '" + value +
                                  "' for --keep-events (a whole number, at least 1000)");
            failure = setOnce(o.keepEvents, *keep);
        } else if (name == "--trace") {
            failure = setOnce(o.tracePath, value);
        } else {
            failure = setOnce(o.databasePath, value);
        }
        if (failure) return *failure;
    }

    if (positional.empty()) return usageError("missing command (the command is: run FILE.txs)");
    if (positional[0] != "run")
        return usageError("unknown command '" + positional[0] + "' (the commands are: run, record, locks, analyze, matrix)");
    if (positional.size() < 2) return usageError("'run' needs a workload file: run FILE.txs");
    if (positional.size() > 2)
        return usageError("unexpected argument '" + positional[2] + "' (one FILE.txs per run)");
    o.file = positional[1];
    return result;
}

} // namespace txs::cli
