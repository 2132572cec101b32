#include "AnalyzeCommand.h"

#include "AnomalyOutput.h"
#include "Console.h"
#include "ExitCode.h"
#include "engine/trace/SessionFile.h"

namespace txs::cli {

int analyzeCommand(const std::vector<std::string>& args)
{
    Console console;
    bool json = false;
    std::string file;
    for (const std::string& arg : args) {
        if (arg == "--json" && !json) {
            json = true;
        } else if (arg.starts_with("-") && arg != "-") {
            console.err("txscope-cli: analyze: unknown option '" + arg +
                        "'\nusage: txscope-cli analyze SESSION [--json]\n");
            return ExitBadInput;
        } else if (file.empty()) {
            file = arg;
        } else {
            console.err("txscope-cli: analyze: unexpected argument '" + arg + "' (one SESSION)\n");
            return ExitBadInput;
        }
    }
    if (file.empty()) {
        console.err("txscope-cli: 'analyze' needs a session file: analyze SESSION\n");
        return ExitBadInput;
    }
    std::string error;
    const auto session = readSession(file, error);
    if (!session) {
        console.err(error + "\n");
        return ExitBadInput;
    }
    const auto report = analysis::analyzeEvents(session->events, session->journalMode == "mvcc");
    if (json) {
        const Json document = {{"file", jsonText(file)},
                               {"journal_mode", jsonText(session->journalMode)},
                               {"dependencies", dependenciesJson(report)},
                               {"anomalies", anomaliesJson(report)}};
        console.out(dumpJson(document));
    } else {
        console.out(file + " (" + session->journalMode + ")\n" + anomaliesText(report));
    }
    return report.anomalies.empty() ? ExitOk : ExitFailed;
}

} // namespace txs::cli
