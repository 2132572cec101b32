#include "Usage.h"

namespace txs::cli {

const char* usageText()
{
    return "usage: txscope-cli run FILE.txs [--journal-mode mvcc|wal|delete] [--json] [--trace OUT.json]\n"
           "                            [--isolation snapshot|serializable]\n"
           "                            [--db PATH] [--seed N] [--recover=truncate]\n"
           "                            [--keep-events N] [--allow-attach] [--anomalies]
           "       txscope-cli record [-o OUT.txsession] [--json] [--only GLOB] -- COMMAND [ARGS...]
           "       txscope-cli locks DATABASE [--watch MS] [--json]
           "       txscope-cli analyze SESSION [--json]
           "       txscope-cli matrix DIR [--journal-mode M ...] [--isolation I ...] [--json]
           "       txscope-cli --help | --version\n"
           "Try 'txscope-cli --help' for more information.\n";
}

const char* helpText()
{
    return "txscope-cli - run a concurrent SQL workload (.txs) and report what happened\n"
           "\n"
           "usage: txscope-cli run FILE.txs [options]\n"
           "       txscope-cli record [-o OUT.txsession] [--json] [--only GLOB] -- COMMAND [ARGS...]\n"
           "       txscope-cli locks DATABASE [--watch MS] [--json]\n"
           "       txscope-cli analyze SESSION [--json]\n"
           "       txscope-cli matrix DIR [--journal-mode M ...] [--isolation I ...] [--json]\n"
           "       txscope-cli --help | --version\n"
           "\n"
           "record runs COMMAND with a probe preloaded, records every SQLite lock and error of it\n"
           "and its children into a session, explains each SQLITE_BUSY and exits with COMMAND's\n"
           "status; locks shows who holds which SQLite lock on DATABASE now (docs/recording.md).\n"
           "\n"
           "Runs FILE.txs: setup, the step lines one at a time, all workers blocks at once,\n"
           "then check. Prints each statement with its result, each error with its explanation,\n"
           "and a summary.\n"
           "\n"
           "options:\n"
           "  --journal-mode M  run on M instead of the file's journal_mode: mvcc (TxScope's MVCC\n"
           "                    engine), wal or delete (real SQLite)\n"
           "  --isolation L     isolation of BEGIN CONCURRENT on the MVCC engine instead of the\n"
           "                    file's isolation: snapshot (Turso's) or serializable (SSI: a COMMIT\n"
           "                    that would close a dangerous structure fails with a conflict);\n"
           "                    SQLite's journal modes are serializable already\n"
           "  --json            print one JSON object with the summary instead of the log\n"
           "  --trace OUT.json  write the run's events as Chrome Trace Event JSON (open it in\n"
           "                    Perfetto or chrome://tracing)\n"
           "  --db PATH         run on the database file PATH in place (created when missing)\n"
           "                    instead of a fresh file in a temporary folder (every journal\n"
           "                    mode); --db :memory: runs in memory\n"
           "  --seed N          seed for the workers' random backoff, instead of the file's seed\n"
           "  --recover=truncate  open an MVCC database whose log is damaged in the middle,\n"
           "                    accepting the loss of the commits after the damage (they are\n"
           "                    saved beside the log as PATH-log.discarded[.N]); without it\n"
           "                    such a database is refused\n"
           "  --keep-events N   keep at most about N recent trace events in memory (default\n"
           "                    1000000); older ones are dropped and counted, the summary stays exact\n"
           "  --allow-attach    allow ATTACH, DETACH and VACUUM INTO, which may create or change\n"
           "                    files outside the run's database (refused by default)\n"
           "  --anomalies       after the run, the anomalies of its dependency graph (G0, G1a,\n"
           "                    G1b, G1c, G-single, G2-item, G2), each with its story; --json\n"
           "                    gains anomalies[{kind, transactions, edges, story}]\n"
           "  -h, --help        show this help and exit\n"
           "  --version         show the version and exit\n"
           "\n"
           "analyze SESSION: the same anomaly check on a saved session (exit 0 serializable,\n"
           "1 anomalies found, 2 bad input). matrix DIR: every .txs of DIR on every engine and\n"
           "isolation level (or those given), printed as Hermitage's table in Markdown or JSON.\n"
           "\n"
           "exit status (run):\n"
           "  0  every expectation held, no worker failed, no statement failed for good\n"
           "  1  an expectation failed, a worker failed, a statement without an expectation\n"
           "     failed with a syntax error or on a read-only, corrupt or unwritable database,\n"
           "     every statement failed with SQLITE_BUSY/SQLITE_READONLY while nothing was\n"
           "     expected, the database is locked, read-only or in use by another engine,\n"
           "     or the trace could not be written\n"
           "  2  bad input: usage, a file that cannot be read or parsed (FILE:LINE: message),\n"
           "     a database that is corrupt or cannot be opened; nothing runs\n"
           "  130 interrupted (SIGINT, Ctrl-C) or 143 terminated (SIGTERM): the run was stopped,\n"
           "     its summary printed and its temporary files removed\n";
}

} // namespace txs::cli
