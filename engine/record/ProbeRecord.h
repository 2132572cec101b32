/* The record the probe (libtxscope-probe.so, engine/record/probe) writes and the recorder reads.
 * Plain C: the probe is C so that nothing of C++ (exceptions, static constructors, allocation)
 * runs inside the programs it is preloaded into.
 *
 * Transport: one file per process, <TXSCOPE_RECORD_DIR>/p<pid>-<ns>.rec, written with one
 * write() of one fixed-size record per event (O_APPEND). Why files and not a shared-memory ring:
 * - never blocks on the recorder, and needs none running: a program started elsewhere can write
 *   into the directory and a recorder reads it afterwards; if the recorder dies the program goes
 *   on (a full disk only drops records, counted);
 * - a fixed-size O_APPEND write to a regular file lands whole, so threads of one process need no
 *   lock between them and a reader never sees half a record except a torn last one;
 * - costs one system call per event, and the events are themselves system calls (fcntl) or
 *   statements (tier 2): the measured overhead is in docs/performance.md.
 * Records of one file are in write order; `seq` is taken before the write, so two threads may
 * land in swapped order (the recorder sorts by time) and a missing seq is a lost record.
 * Native byte order: the recorder reads them on the machine that wrote them. */
#ifndef TXSCOPE_PROBE_RECORD_H
#define TXSCOPE_PROBE_RECORD_H

#include <stdint.h>

#define TXSCOPE_PROBE_MAGIC 0x52505854u /* "TXPR" */
#define TXSCOPE_PROBE_VERSION 1
#define TXSCOPE_PROBE_RECORD_SIZE 512
/* Environment: where records go (the probe records nothing without it). */
#define TXSCOPE_PROBE_DIR_ENV "TXSCOPE_RECORD_DIR"

enum txscope_probe_op {
    TXP_HELLO = 1,         /* first record of a process; a: parent pid; text: command line */
    TXP_FILE = 2,          /* fd identified as a SQLite file; file_kind; text: absolute path */
    TXP_LOCK = 3,          /* fcntl lock call: cmd, lock_type, start, len (absolute), result, err,
                              waited_ns (F_SETLKW); for F_GETLK lock_type is the answer's type */
    TXP_CLOSE = 4,         /* close() of a SQLite file's descriptor (drops the process's locks) */
    TXP_DUP = 5,           /* a: the new descriptor of the same file */
    TXP_OPEN_DB = 10,      /* tier 2: sqlite3_open*: conn, result; text: filename */
    TXP_CLOSE_DB = 11,     /* conn, result */
    TXP_PREPARE = 12,      /* conn, stmt, result; text: the statement's SQL */
    TXP_STEP = 13,         /* conn, stmt, result (extended code); a: begin time (ns);
                              b: sqlite3_get_autocommit after */
    TXP_EXEC = 14,         /* conn, result (extended); a: begin time; b: autocommit; text: SQL */
    TXP_FINALIZE = 15,     /* conn, stmt */
    TXP_BUSY_TIMEOUT = 16, /* conn; a: ms */
    TXP_BUSY_HANDLER = 17, /* conn; a: 1 when a handler was installed, 0 when removed */
    TXP_BUSY_CALL = 18,    /* an application's busy handler ran: conn; a: count; b: its answer */
    TXP_SLEEP = 19,        /* SQLite slept (its default busy handler) inside a call: conn; a: µs */
    TXP_EXIT = 20          /* the process exits normally; dropped: final count */
};

enum txscope_probe_file_kind {
    TXP_KIND_UNKNOWN = 0,
    TXP_KIND_IGNORED = 1,
    TXP_KIND_DB = 2,
    TXP_KIND_JOURNAL = 3,
    TXP_KIND_WAL = 4,
    TXP_KIND_SHM = 5
};

/* lock_type: 0 unlock, 1 read, 2 write (txs::record::ByteLock). cmd: */
enum txscope_probe_lock_cmd { TXP_SETLK = 1, TXP_SETLKW = 2, TXP_GETLK = 3, TXP_OFD = 8 /* | OFD variant */ };

struct txscope_probe_record
{
    uint32_t magic;
    uint16_t version;
    uint16_t op;
    uint64_t seq;    /* per process, from 0 */
    int64_t time_ns; /* CLOCK_MONOTONIC */
    int32_t pid, tid;
    int32_t fd;
    uint16_t file_kind;
    uint8_t lock_type;
    uint8_t truncated; /* text was cut to fit */
    int32_t cmd;
    int32_t result; /* the call's return value */
    int32_t err;    /* errno when it failed */
    int32_t text_len;
    int64_t start, len;
    int64_t waited_ns;
    uint64_t dropped;    /* records this process failed to write before this one */
    uint64_t conn, stmt; /* tier 2: sqlite3* and sqlite3_stmt* of the call (0 = none) */
    int64_t a, b;
    char text[TXSCOPE_PROBE_RECORD_SIZE - 120];
};

#ifdef __cplusplus
static_assert(sizeof(txscope_probe_record) == TXSCOPE_PROBE_RECORD_SIZE, "fixed-size records");
#else
_Static_assert(sizeof(struct txscope_probe_record) == TXSCOPE_PROBE_RECORD_SIZE, "fixed-size records");
#endif

#endif
