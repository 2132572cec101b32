#include "Usage.h"

namespace txs::cli {

const char* usageText()
{
    return "usage: txscope-cli run FILE.txs [--journal-mode mvcc|wal|delete] [--json] [--trace OUT.json]\n"
           "                            [--db PATH] [--seed N] [--allow-attach]\n"
           "       txscope-cli --help | --version\n"
           "Try 'txscope-cli --help' for more information.\n";
}

const char* helpText()
{
    return "txscope-cli - run a concurrent SQL workload (.txs) and report what happened\n"
           "\n"
           "usage: txscope-cli run FILE.txs [options]\n"
           "       txscope-cli --help | --version\n"
           "\n"
           "Runs FILE.txs: setup, the step lines one at a time, all workers blocks at once,\n"
           "then check. Prints each statement with its result, each error with its explanation,\n"
           "and a summary.\n"
           "\n"
           "options:\n"
           "  --journal-mode M  run on M instead of the file's journal_mode: mvcc (TxScope's MVCC\n"
           "                    engine), wal or delete (real SQLite)\n"
           "  --json            print one JSON object with the summary instead of the log\n"
           "  --trace OUT.json  write the run's events as Chrome Trace Event JSON (open it in\n"
           "                    Perfetto or chrome://tracing)\n"
           "  --db PATH         run on the database file PATH in place (created when missing)\n"
           "                    instead of a fresh temporary database\n"
           "  --seed N          seed for the workers' random backoff, instead of the file's seed\n"
           "  --allow-attach    allow ATTACH, DETACH and VACUUM INTO, which may create or change\n"
           "                    files outside the run's database (refused by default)\n"
           "  -h, --help        show this help and exit\n"
           "  --version         show the version and exit\n"
           "\n"
           "exit status:\n"
           "  0  every expectation held and no worker failed\n"
           "  1  an expectation failed, a worker failed, or the trace could not be written\n"
           "  2  bad input: usage, a file that cannot be read or parsed (FILE:LINE: message),\n"
           "     a database that cannot be opened; nothing runs\n"
           "  130 interrupted (SIGINT, Ctrl-C) or 143 terminated (SIGTERM): the run was stopped,\n"
           "     its summary printed and its temporary files removed\n";
}

} // namespace txs::cli
