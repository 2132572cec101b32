#include "MatrixCommand.h"

#include "Console.h"
#include "ExitCode.h"
#include "Json.h"
#include "engine/analysis/IsolationMatrix.h"
#include "engine/api/RunJournalModes.h"
#include "engine/workload/WorkloadParser.h"

#include <algorithm>
#include <filesystem>

namespace txs::cli {

namespace {

constexpr const char* usage =
    "usage: txscope-cli matrix DIR [--journal-mode M ...] [--isolation I ...] [--json]\n";

struct Scenario
{
    std::string name; // the file's stem
    Workload workload;
};

} // namespace

int matrixCommand(const std::vector<std::string>& args)
{
    Console console;
    auto bad = [&](const std::string& why) {
        console.err("txscope-cli: matrix: " + why + "\n" + usage);
        return ExitBadInput;
    };
    bool json = false;
    std::string dir;
    std::vector<JournalMode> modes;
    std::vector<Isolation> levels;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string arg = args[i];
        std::string value;
        const auto equals = arg.find('=');
        if (arg.starts_with("--") && equals != std::string::npos) {
            value = arg.substr(equals + 1);
            arg = arg.substr(0, equals);
        }
        if (arg == "--json") {
            if (!value.empty()) return bad("option '--json' takes no value");
            json = true;
        } else if (arg == "--journal-mode" || arg == "--isolation") {
            if (value.empty()) {
                if (i + 1 >= args.size()) return bad("option '" + arg + "' needs a value");
                value = args[++i];
            }
            if (arg == "--journal-mode") {
                const auto mode = parseRunJournalMode(value);
                if (!mode)
                    return bad("bad value '" + value + "' for --journal-mode (use " +
                               runJournalModeChoices() + ")");
                if (std::find(modes.begin(), modes.end(), *mode) == modes.end()) modes.push_back(*mode);
            } else {
                const auto level = parseIsolation(value);
                if (!level)
                    return bad("bad value '" + value + "' for --isolation (use snapshot or serializable)");
                if (std::find(levels.begin(), levels.end(), *level) == levels.end()) levels.push_back(*level);
            }
        } else if (arg.starts_with("-")) {
            return bad("unknown option '" + arg + "'");
        } else if (dir.empty()) {
            dir = arg;
        } else {
            return bad("unexpected argument '" + arg + "' (one DIR)");
        }
    }
    if (dir.empty()) return bad("missing DIR, a folder of .txs files");

    // Every file parses before anything runs, as with `run`.
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".txs" && it->is_regular_file()) files.push_back(it->path());
    if (ec) {
        console.err("txscope-cli: matrix: " + dir + ": " + ec.message() + "\n");
        return ExitBadInput;
    }
    if (files.empty()) {
        console.err("txscope-cli: matrix: " + dir + ": no .txs files\n");
        return ExitBadInput;
    }
    std::sort(files.begin(), files.end());
    std::vector<Scenario> scenarios;
    for (const auto& file : files) {
        auto parsed = parseWorkloadFile(file);
        if (!parsed) {
            console.err(parsed.error().text() + "\n");
            return ExitBadInput;
        }
        scenarios.push_back({file.stem().string(), std::move(parsed.workload())});
    }

    const auto columns = analysis::matrixColumns(modes, levels);
    int exitCode = ExitOk;
    Json rows = Json::array();
    std::string table = "| scenario |";
    for (const auto& c : columns)
        table += " " + c.label() + " |";
    table += "\n|---|";
    for (std::size_t i = 0; i < columns.size(); ++i)
        table += "---|";
    table += "\n";
    for (const auto& s : scenarios) {
        Json cells = Json::object();
        table += "| " + s.name + " |";
        for (const auto& c : columns) {
            const auto cell = analysis::runMatrixCell(s.workload, c);
            if (!cell.failure.empty()) {
                console.err("txscope-cli: matrix: " + s.name + " on " + c.label() + ": " + cell.failure +
                            "\n");
                exitCode = ExitFailed;
            }
            table += " " + cell.text() + " |";
            Json kinds = Json::array();
            for (auto k : cell.kinds)
                kinds.push_back(analysis::anomalyKindName(k));
            cells[c.label()] = {{"outcome", cell.text()},
                                {"anomalies", std::move(kinds)},
                                {"errors",
                                 {{"conflict", cell.conflicts},
                                  {"busy", cell.busy},
                                  {"busy_snapshot", cell.busySnapshot},
                                  {"other", cell.otherErrors}}},
                                {"blocked", cell.blocked}};
        }
        table += "\n";
        rows.push_back({{"scenario", jsonText(s.name)}, {"cells", std::move(cells)}});
    }
    if (json) {
        Json labels = Json::array();
        for (const auto& c : columns)
            labels.push_back(c.label());
        console.out(dumpJson({{"columns", std::move(labels)}, {"rows", std::move(rows)}}));
    } else {
        console.out(
            table +
            "\nA cell names the anomaly the dependency graph shows (G0, G1a, G1b, G1c, G-single, G2-item, "
            "G2); otherwise error (a statement was refused: conflict or BUSY), blocked (a statement waited "
            "for a lock) or prevented.\n");
    }
    return exitCode;
}

} // namespace txs::cli
