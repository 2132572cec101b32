// txscope-cli: runs a .txs workload headless and reports what happened (DESIGN.md,
// "Command-line contract").

#include "CommandLine.h"
#include "ExitCode.h"
#include "LocksCommand.h"
#include "RecordCommand.h"
#include "RunCommand.h"
#include "Usage.h"

#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char** argv)
{
    using namespace txs::cli;
    const std::vector<std::string> args(argv + 1, argv + argc);
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
