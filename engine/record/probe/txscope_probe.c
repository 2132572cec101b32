/* libtxscope-probe.so: preloaded (LD_PRELOAD) into an unmodified program, it records the SQLite
 * lock calls the program makes (tier 1: fcntl on database and -shm files, any SQLite, static or
 * shared) and, where the program uses the shared libsqlite3, its connections and statements
 * (tier 2). Records go to TXSCOPE_RECORD_DIR (format and transport: ../ProbeRecord.h).
 *
 * Rules, because it lives in other people's processes:
 * - never change a result: every wrapper calls the real function with the caller's arguments
 *   and returns its result with its errno untouched;
 * - never block, never allocate on the hot path: records are built on the stack and written
 *   with one write(); state is atomics and thread-locals; a failed write is counted, not retried;
 * - fork: the child gets its own file at its first record (pthread_atfork resets the state);
 * - without TXSCOPE_RECORD_DIR everything passes straight through.
 * Plain C, so no exception can cross into libc or the host. */
#define _GNU_SOURCE
#include "../ProbeRecord.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

/* ---- the real functions ---------------------------------------------------------------- */

typedef int (*fcntl_fn)(int, int, ...);
typedef int (*open_fn)(const char*, int, ...);
typedef int (*openat_fn)(int, const char*, int, ...);
typedef int (*close_fn)(int);
typedef int (*dup_fn)(int);
typedef int (*dup2_fn)(int, int);
typedef int (*dup3_fn)(int, int, int);
typedef int (*close_range_fn)(unsigned, unsigned, int);
typedef int (*usleep_fn)(useconds_t);

static fcntl_fn real_fcntl, real_fcntl64;
static open_fn real_open, real_open64;
static openat_fn real_openat, real_openat64;
static close_fn real_close;
static dup_fn real_dup;
static dup2_fn real_dup2;
static dup3_fn real_dup3;
static close_range_fn real_close_range;
static usleep_fn real_usleep;

#define RESOLVE(var, name)                                                                                   \
    do {                                                                                                     \
        if (!var) var = (__typeof__(var))dlsym(RTLD_NEXT, name);                                             \
    } while (0)

/* ---- per-process state ------------------------------------------------------------------ */

static const char* g_dir;          /* TXSCOPE_RECORD_DIR, or NULL: record nothing */
static _Atomic int g_out = -1;     /* the process's record file; -2 = broken, stop writing */
static _Atomic uint64_t g_seq;     /* next record's seq */
static _Atomic uint64_t g_dropped; /* records not written */
static _Atomic int g_pid;          /* the pid the state belongs to (changes after fork) */
static _Atomic int g_hello;        /* the HELLO record was written */

/* What each descriptor is: txscope_probe_file_kind, 0 = not looked at yet. */
#define FD_TRACKED 65536
static _Atomic uint8_t g_fd_kind[FD_TRACKED];

/* Tier 2: the connection the thread is inside (its lock calls belong to it), and the depth of
 * wrapped sqlite3 calls (libsqlite3 calls its own API through the PLT: only the outer is kept). */
static __thread uint64_t t_conn;
static __thread int t_depth;
static __thread int t_in_probe; /* our own open/close/readlink must not be recorded */

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static char* put_uint(char* p, uint64_t v)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = digits[--n];
    return p;
}

static void after_fork_child(void)
{
    const int out = atomic_load(&g_out);
    /* The inherited descriptor is the parent's file: the child writes its own. */
    if (out >= 0 && real_close) real_close(out);
    atomic_store(&g_out, -1);
    atomic_store(&g_seq, 0);
    atomic_store(&g_dropped, 0);
    atomic_store(&g_hello, 0);
    atomic_store(&g_pid, (int)getpid());
    t_conn = 0;
    t_depth = 0;
}

static void resolve_all(void)
{
    RESOLVE(real_fcntl, "fcntl");
    RESOLVE(real_fcntl64, "fcntl64");
    RESOLVE(real_open, "open");
    RESOLVE(real_open64, "open64");
    RESOLVE(real_openat, "openat");
    RESOLVE(real_openat64, "openat64");
    RESOLVE(real_close, "close");
    RESOLVE(real_dup, "dup");
    RESOLVE(real_dup2, "dup2");
    RESOLVE(real_dup3, "dup3");
    RESOLVE(real_close_range, "close_range");
    RESOLVE(real_usleep, "usleep");
}

static void emit_exit(void);

__attribute__((constructor)) static void probe_init(void)
{
    resolve_all();
    const char* dir = getenv(TXSCOPE_PROBE_DIR_ENV);
    g_dir = dir && *dir ? dir : NULL;
    atomic_store(&g_pid, (int)getpid());
    pthread_atfork(NULL, NULL, after_fork_child);
    if (g_dir) atexit(emit_exit);
}

/* The record file, opened on first use: <dir>/p<pid>-<ns>.rec (a pid may come back in a long
 * recording; the time keeps the names apart). */
static int out_fd(void)
{
    int fd = atomic_load(&g_out);
    if (fd != -1) return fd;
    char path[4096];
    const size_t dl = strlen(g_dir);
    if (dl + 64 > sizeof path) return -2;
    memcpy(path, g_dir, dl);
    char* p = path + dl;
    *p++ = '/';
    *p++ = 'p';
    p = put_uint(p, (uint64_t)getpid());
    *p++ = '-';
    p = put_uint(p, (uint64_t)now_ns());
    memcpy(p, ".rec", 5);
    t_in_probe++;
    RESOLVE(real_open, "open");
    const int opened =
        real_open ? real_open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600) : -1;
    t_in_probe--;
    int expected = -1;
    if (opened < 0) {
        atomic_compare_exchange_strong(&g_out, &expected, -2);
        return atomic_load(&g_out);
    }
    if (!atomic_compare_exchange_strong(&g_out, &expected, opened)) {
        t_in_probe++;
        real_close(opened); /* another thread was first: use its file */
        t_in_probe--;
        unlink(path);
        return expected;
    }
    return opened;
}

static void write_record(struct txscope_probe_record* r)
{
    const int fd = out_fd();
    if (fd < 0) {
        atomic_fetch_add(&g_dropped, 1);
        return;
    }
    r->magic = TXSCOPE_PROBE_MAGIC;
    r->version = TXSCOPE_PROBE_VERSION;
    r->pid = atomic_load(&g_pid);
    r->tid = (int32_t)syscall(SYS_gettid);
    r->dropped = atomic_load(&g_dropped);
    r->seq = atomic_fetch_add(&g_seq, 1);
    ssize_t n;
    do {
        n = write(fd, r, sizeof *r);
    } while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof *r) {
        atomic_fetch_add(&g_dropped, 1);
        /* A short write leaves a torn record: nothing after it could be read in step. */
        if (n > 0) atomic_store(&g_out, -2);
    }
}

static void set_text(struct txscope_probe_record* r, const char* s, size_t n)
{
    if (n > sizeof r->text) {
        n = sizeof r->text;
        r->truncated = 1;
    }
    memcpy(r->text, s, n);
    r->text_len = (int32_t)n;
}

static void hello(void)
{
    if (atomic_exchange(&g_hello, 1)) return;
    struct txscope_probe_record r;
    memset(&r, 0, sizeof r);
    r.op = TXP_HELLO;
    r.time_ns = now_ns();
    r.a = getppid();
    /* /proc/self/cmdline: arguments separated by NUL bytes, shown with spaces. */
    t_in_probe++;
    const int fd = real_open ? real_open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC) : -1;
    if (fd >= 0) {
        ssize_t n = read(fd, r.text, sizeof r.text);
        if (n > 0) {
            for (ssize_t i = 0; i < n; ++i)
                if (r.text[i] == 0) r.text[i] = ' ';
            while (n > 0 && r.text[n - 1] == ' ')
                --n;
            r.text_len = (int32_t)n;
            r.truncated = n == (ssize_t)sizeof r.text;
        }
        real_close(fd);
    }
    t_in_probe--;
    write_record(&r);
}

/* Records one event (the caller filled in op and its fields; errno is the caller's to keep). */
static void emit(struct txscope_probe_record* r)
{
    if (!g_dir) return;
    const int saved = errno;
    /* A child made by vfork (posix_spawn, Python's subprocess) shares our memory until it
     * execs: it must not touch the parent's state, so it records nothing (after exec the probe
     * loads afresh). A fork()ed child has its pid set by the atfork handler. */
    if (atomic_load(&g_pid) != (int)getpid()) {
        errno = saved;
        return;
    }
    hello();
    if (!r->conn) r->conn = t_conn;
    write_record(r);
    errno = saved;
}

static void emit_exit(void)
{
    struct txscope_probe_record r;
    memset(&r, 0, sizeof r);
    r.op = TXP_EXIT;
    r.time_ns = now_ns();
    if (atomic_load(&g_hello)) emit(&r);
}

/* ---- which files are SQLite's ----------------------------------------------------------- */

static int ends_with(const char* s, size_t n, const char* suffix)
{
    const size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static int kind_of_name(const char* s, size_t n)
{
    if (ends_with(s, n, "-shm")) return TXP_KIND_SHM;
    if (ends_with(s, n, "-wal")) return TXP_KIND_WAL;
    if (ends_with(s, n, "-journal")) return TXP_KIND_JOURNAL;
    return TXP_KIND_UNKNOWN;
}

static uint8_t fd_kind(int fd)
{
    return fd >= 0 && fd < FD_TRACKED ? atomic_load_explicit(&g_fd_kind[fd], memory_order_relaxed) : 0;
}

static void set_fd_kind(int fd, uint8_t kind)
{
    if (fd >= 0 && fd < FD_TRACKED) atomic_store_explicit(&g_fd_kind[fd], kind, memory_order_relaxed);
}

/* Decides what `fd` is from its path (readlink of /proc/self/fd: absolute, whatever directory
 * the program opened it from) and, for a lock on it, the byte range: a database file is one that
 * gets a lock on SQLite's lock bytes. Records the file once. */
static uint8_t identify(int fd, int64_t lockStart)
{
    uint8_t kind = fd_kind(fd);
    if (kind != TXP_KIND_UNKNOWN) return kind;
    char link[32] = "/proc/self/fd/";
    *put_uint(link + 14, (uint64_t)fd) = 0;
    struct txscope_probe_record r;
    memset(&r, 0, sizeof r);
    const ssize_t n = readlink(link, r.text, sizeof r.text);
    if (n <= 0) return TXP_KIND_UNKNOWN;
    kind = (uint8_t)kind_of_name(r.text, (size_t)n);
    /* A file with no SQLite suffix is a database once it is locked on SQLite's bytes; until then
     * it stays unknown (not cached), so an unlock of the whole file first decides nothing. */
    if (kind == TXP_KIND_UNKNOWN && !(lockStart >= 0x40000000 && lockStart < 0x40000000 + 512))
        return TXP_KIND_IGNORED;
    if (kind == TXP_KIND_UNKNOWN) kind = TXP_KIND_DB;
    set_fd_kind(fd, kind);
    r.op = TXP_FILE;
    r.time_ns = now_ns();
    r.fd = fd;
    r.file_kind = kind;
    r.text_len = (int32_t)n;
    r.truncated = n == (ssize_t)sizeof r.text;
    emit(&r);
    return kind;
}

/* ---- tier 1: locks ---------------------------------------------------------------------- */

static int is_lock_cmd(int cmd)
{
    return cmd == F_SETLK || cmd == F_SETLKW || cmd == F_GETLK
#ifdef F_OFD_SETLK
           || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW || cmd == F_OFD_GETLK
#endif
        ;
}

static int probe_cmd(int cmd)
{
    switch (cmd) {
    case F_SETLK:
        return TXP_SETLK;
    case F_SETLKW:
        return TXP_SETLKW;
    case F_GETLK:
        return TXP_GETLK;
#ifdef F_OFD_SETLK
    case F_OFD_SETLK:
        return TXP_SETLK | TXP_OFD;
    case F_OFD_SETLKW:
        return TXP_SETLKW | TXP_OFD;
    case F_OFD_GETLK:
        return TXP_GETLK | TXP_OFD;
#endif
    }
    return 0;
}

static uint8_t lock_type(short t)
{
    return t == F_RDLCK ? 1 : t == F_WRLCK ? 2 : 0;
}

/* The range as absolute offsets (SQLite always uses SEEK_SET; others are resolved read-only). */
static int64_t absolute_start(int fd, const struct flock* l)
{
    if (l->l_whence == SEEK_SET) return (int64_t)l->l_start;
    if (l->l_whence == SEEK_CUR) return (int64_t)lseek(fd, 0, SEEK_CUR) + (int64_t)l->l_start;
    struct stat st;
    if (fstat(fd, &st) != 0) return -1;
    return (int64_t)st.st_size + (int64_t)l->l_start;
}

static int do_fcntl(fcntl_fn real, int fd, int cmd, void* arg)
{
    if (!real) {
        errno = ENOSYS;
        return -1;
    }
    if (!g_dir || t_in_probe || !is_lock_cmd(cmd) || !arg) return real(fd, cmd, arg);
    struct flock* l = (struct flock*)arg;
    const short requested = l->l_type;
    const int64_t start = absolute_start(fd, l);
    const int64_t len = (int64_t)l->l_len;
    /* Identified before the call, so the file's record is older than the lock's. */
    const uint8_t kind = identify(fd, start);
    const int64_t t0 = now_ns();
    const int result = real(fd, cmd, arg);
    const int err = errno;
    const int64_t t1 = now_ns();
    if (kind == TXP_KIND_DB || kind == TXP_KIND_SHM) {
        struct txscope_probe_record r;
        memset(&r, 0, sizeof r);
        r.op = TXP_LOCK;
        r.time_ns = t1;
        r.fd = fd;
        r.file_kind = kind;
        r.cmd = probe_cmd(cmd);
        /* F_GETLK answers in l_type (F_UNLCK: the request would be granted). */
        r.lock_type = lock_type((r.cmd & 3) == TXP_GETLK ? l->l_type : requested);
        r.start = start;
        r.len = len;
        r.result = result;
        r.err = result < 0 ? err : 0;
        r.waited_ns = (r.cmd & 3) == TXP_SETLKW ? t1 - t0 : 0;
        r.a = t0;
        emit(&r);
    }
    errno = err;
    return result;
}

EXPORT int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    void* arg = va_arg(ap, void*); /* as glibc's own wrapper: every fcntl argument fits a pointer */
    va_end(ap);
    RESOLVE(real_fcntl, "fcntl");
    return do_fcntl(real_fcntl, fd, cmd, arg);
}

EXPORT int fcntl64(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    void* arg = va_arg(ap, void*);
    va_end(ap);
    RESOLVE(real_fcntl64, "fcntl64");
    return do_fcntl(real_fcntl64 ? real_fcntl64 : real_fcntl, fd, cmd, arg);
}

/* ---- tier 1: descriptors ---------------------------------------------------------------- */

static void opened(int fd, const char* path)
{
    if (fd < 0 || !g_dir || t_in_probe) return;
    set_fd_kind(fd, TXP_KIND_UNKNOWN); /* a new file behind a reused number */
    const size_t n = strlen(path);
    if (kind_of_name(path, n) != TXP_KIND_UNKNOWN) identify(fd, -1);
}

static void closing_recorded(int fd, int result, int err)
{
    const uint8_t kind = fd_kind(fd);
    set_fd_kind(fd, TXP_KIND_UNKNOWN);
    if (kind != TXP_KIND_DB && kind != TXP_KIND_SHM) return;
    struct txscope_probe_record r;
    memset(&r, 0, sizeof r);
    r.op = TXP_CLOSE;
    r.time_ns = now_ns();
    r.fd = fd;
    r.file_kind = kind;
    r.result = result;
    r.err = result < 0 ? err : 0;
    emit(&r);
}

static mode_t mode_arg(int flags, va_list ap)
{
    return (flags & O_CREAT) || (flags & __O_TMPFILE) == __O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

EXPORT int open(const char* path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    const mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    RESOLVE(real_open, "open");
    const int fd = real_open(path, flags, mode);
    const int err = errno;
    opened(fd, path);
    errno = err;
    return fd;
}

EXPORT int open64(const char* path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    const mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    RESOLVE(real_open64, "open64");
    const int fd = (real_open64 ? real_open64 : real_open)(path, flags, mode);
    const int err = errno;
    opened(fd, path);
    errno = err;
    return fd;
}

EXPORT int openat(int dirfd, const char* path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    const mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    RESOLVE(real_openat, "openat");
    const int fd = real_openat(dirfd, path, flags, mode);
    const int err = errno;
    opened(fd, path);
    errno = err;
    return fd;
}

EXPORT int openat64(int dirfd, const char* path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    const mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    RESOLVE(real_openat64, "openat64");
    const int fd = (real_openat64 ? real_openat64 : real_openat)(dirfd, path, flags, mode);
    const int err = errno;
    opened(fd, path);
    errno = err;
    return fd;
}

EXPORT int close(int fd)
{
    RESOLVE(real_close, "close");
    if (t_in_probe) return real_close(fd);
    if (fd == atomic_load(&g_out) && atomic_load(&g_pid) == (int)getpid()) {
        /* The program closes every descriptor (a daemon, a child before exec): let it, and open
         * a new record file at the next event rather than write into whatever gets the number. */
        atomic_store(&g_out, -1);
    }
    const int result = real_close(fd);
    const int err = errno;
    if (g_dir) closing_recorded(fd, result, err);
    errno = err;
    return result;
}

static void duplicated(int oldfd, int newfd)
{
    if (newfd < 0 || !g_dir) return;
    const uint8_t kind = fd_kind(oldfd);
    set_fd_kind(newfd, kind);
    if (kind != TXP_KIND_DB && kind != TXP_KIND_SHM) return;
    struct txscope_probe_record r;
    memset(&r, 0, sizeof r);
    r.op = TXP_DUP;
    r.time_ns = now_ns();
    r.fd = oldfd;
    r.file_kind = kind;
    r.a = newfd;
    emit(&r);
}

EXPORT int dup(int oldfd)
{
    RESOLVE(real_dup, "dup");
    const int fd = real_dup(oldfd);
    const int err = errno;
    duplicated(oldfd, fd);
    errno = err;
    return fd;
}

/* dup2/dup3 onto an open descriptor close it first: that close drops locks like any other. */
EXPORT int dup2(int oldfd, int newfd)
{
    RESOLVE(real_dup2, "dup2");
    if (g_dir && newfd == atomic_load(&g_out) && atomic_load(&g_pid) == (int)getpid())
        atomic_store(&g_out, -1);
    const int fd = real_dup2(oldfd, newfd);
    const int err = errno;
    if (fd >= 0 && g_dir && oldfd != newfd) {
        closing_recorded(newfd, 0, 0);
        duplicated(oldfd, fd);
    }
    errno = err;
    return fd;
}

EXPORT int dup3(int oldfd, int newfd, int flags)
{
    RESOLVE(real_dup3, "dup3");
    if (g_dir && newfd == atomic_load(&g_out) && atomic_load(&g_pid) == (int)getpid())
        atomic_store(&g_out, -1);
    const int fd = real_dup3(oldfd, newfd, flags);
    const int err = errno;
    if (fd >= 0 && g_dir) {
        closing_recorded(newfd, 0, 0);
        duplicated(oldfd, fd);
    }
    errno = err;
    return fd;
}

EXPORT int close_range(unsigned first, unsigned last, int flags)
{
    RESOLVE(real_close_range, "close_range");
    if (!real_close_range) {
        errno = ENOSYS;
        return -1;
    }
    const int out = atomic_load(&g_out);
    if (g_dir && out >= 0 && (unsigned)out >= first && (unsigned)out <= last &&
        atomic_load(&g_pid) == (int)getpid())
        atomic_store(&g_out, -1);
    const int result = real_close_range(first, last, flags);
    const int err = errno;
    if (result == 0 && g_dir && !(flags & CLOSE_RANGE_CLOEXEC)) {
        const unsigned end = last < FD_TRACKED - 1 ? last : FD_TRACKED - 1;
        for (unsigned fd = first; fd <= end; ++fd)
            if (fd_kind((int)fd) != TXP_KIND_UNKNOWN) closing_recorded((int)fd, 0, 0);
    }
    errno = err;
    return result;
}

/* SQLite's default busy handler (sqlite3_busy_timeout) sleeps with usleep: a sleep inside a
 * sqlite3 call is a busy-handler wait. */
EXPORT int usleep(useconds_t us)
{
    RESOLVE(real_usleep, "usleep");
    const int result = real_usleep(us);
    const int err = errno;
    if (g_dir && t_depth > 0 && t_conn) {
        struct txscope_probe_record r;
        memset(&r, 0, sizeof r);
        r.op = TXP_SLEEP;
        r.time_ns = now_ns();
        r.a = (int64_t)us;
        emit(&r);
    }
    errno = err;
    return result;
}

#include "sqlite_tier2.inc"
