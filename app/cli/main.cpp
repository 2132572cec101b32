// txscope-cli: runs a .txs workload headless and reports what happened (DESIGN.md,
// "Command-line contract").

#include "AnalyzeCommand.h"
#include "CommandLine.h"
#include "ExitCode.h"
#include "LocksCommand.h"
#include "RecordCommand.h"
#include "MatrixCommand.h"
#include "RunCommand.h"
#include "Usage.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char** argv)
{
    using namespace txs::cli;
    const std::vector<std::string> args(argv + 1, argv + argc);
    // analyze and matrix have options of their own; `run` keeps its parser.
    const bool help = std::find_if(args.begin(), args.end(), [](const std::string& a) {
                          return a == "--help" || a == "-h" || a == "--version";
                      }) != args.end();
    if (!args.empty() && !help && args[0] == "analyze") return analyzeCommand({args.begin() + 1, args.end()});
    if (!args.empty() && !help && args[0] == "matrix") return matrixCommand({args.begin() + 1, args.end()});
    const CommandLine command = parseCommandLine(args);
    switch (command.action) {
    case CommandLine::Action::Help:
        std::fputs(helpText(), stdout);
        return ExitOk;
    case CommandLine::Action::Version:
        std::printf("txscope-cli %s\n", TXSCOPE_VERSION);
        return ExitOk;
    case CommandLine::Action::UsageError:
        std::fprintf(stderr, "txscope-cli: %s\n%s", command.error.c_str(), usageText());
        return ExitBadInput;
    case CommandLine::Action::Run:
        return runCommand(command.run);
    case CommandLine::Action::Record:
        return recordCommand(command.record);
    case CommandLine::Action::Locks:
        return locksCommand(command.locks);
    }
    return ExitBadInput;
}
