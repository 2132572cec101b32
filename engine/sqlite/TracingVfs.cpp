#include "engine/sqlite/TracingVfs.h"

#include "engine/sqlite/LockTracer.h"
#include "engine/sqlite/TraceRegistry.h"

#include <cstddef>
#include <new>
#include <string>

// The shim follows SQLite's own pattern (ext/misc/vfstrace.c): our sqlite3_file is a header
// followed by the wrapped VFS's file in the same allocation, szOsFile is the sum of both, and
// every io method forwards to the wrapped file. Unlike vfstrace.c it advertises the wrapped
// file's own io-methods version and forwards every method of that version, including xFetch and
// xUnfetch (version 3): a version-3 table with those missing breaks memory-mapped I/O.
namespace txs::sqlite {

namespace {

struct TracedFile
{
    sqlite3_file base;  // base.pMethods is one of our tables
    sqlite3_file* real; // the wrapped file, right after this header
    LockTracer* tracer; // null when the file is not traced
};

// Where the wrapped file starts inside our allocation (aligned for any type).
constexpr std::size_t kRealOffset = (sizeof(TracedFile) + alignof(std::max_align_t) - 1) /
                                    alignof(std::max_align_t) * alignof(std::max_align_t);

TracedFile* traced(sqlite3_file* f)
{
    return reinterpret_cast<TracedFile*>(f);
}
sqlite3_file* real(sqlite3_file* f)
{
    return traced(f)->real;
}
sqlite3_vfs* realVfs(sqlite3_vfs* vfs)
{
    return static_cast<sqlite3_vfs*>(vfs->pAppData);
}

LockLevel heldLevel(sqlite3_file* realFile, LockLevel fallback)
{
    int level = 0;
    if (realFile->pMethods->xFileControl(realFile, SQLITE_FCNTL_LOCKSTATE, &level) != SQLITE_OK)
        return fallback;
    return static_cast<LockLevel>(level);
}

// --- io methods ----------------------------------------------------------------------------

int tvClose(sqlite3_file* f)
{
    TracedFile* p = traced(f);
    if (p->tracer) p->tracer->fileClosed(); // closing drops every lock: recorded first
    const int rc = p->real->pMethods->xClose(p->real);
    if (p->tracer) {
        delete p->tracer;
        p->tracer = nullptr;
    }
    return rc;
}

int tvRead(sqlite3_file* f, void* buf, int amt, sqlite3_int64 ofst)
{
    return real(f)->pMethods->xRead(real(f), buf, amt, ofst);
}
int tvWrite(sqlite3_file* f, const void* buf, int amt, sqlite3_int64 ofst)
{
    return real(f)->pMethods->xWrite(real(f), buf, amt, ofst);
}
int tvTruncate(sqlite3_file* f, sqlite3_int64 size)
{
    return real(f)->pMethods->xTruncate(real(f), size);
}
int tvSync(sqlite3_file* f, int flags)
{
    return real(f)->pMethods->xSync(real(f), flags);
}
int tvFileSize(sqlite3_file* f, sqlite3_int64* size)
{
    return real(f)->pMethods->xFileSize(real(f), size);
}

int tvLock(sqlite3_file* f, int level)
{
    TracedFile* p = traced(f);
    const int rc = p->real->pMethods->xLock(p->real, level);
    if (p->tracer) {
        const LockLevel fallback = rc == SQLITE_OK ? static_cast<LockLevel>(level) : p->tracer->dbLevel();
        p->tracer->lockCalled(static_cast<LockLevel>(level), rc, heldLevel(p->real, fallback));
    }
    return rc;
}

int tvUnlock(sqlite3_file* f, int level)
{
    TracedFile* p = traced(f);
    if (p->tracer) p->tracer->unlocking(static_cast<LockLevel>(level));
    const int rc = p->real->pMethods->xUnlock(p->real, level);
    if (p->tracer) {
        const LockLevel fallback = rc == SQLITE_OK ? static_cast<LockLevel>(level) : p->tracer->dbLevel();
        p->tracer->unlockCalled(heldLevel(p->real, fallback));
    }
    return rc;
}

int tvCheckReservedLock(sqlite3_file* f, int* out)
{
    return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
int tvFileControl(sqlite3_file* f, int op, void* arg)
{
    return real(f)->pMethods->xFileControl(real(f), op, arg);
}
int tvSectorSize(sqlite3_file* f)
{
    return real(f)->pMethods->xSectorSize(real(f));
}
int tvDeviceCharacteristics(sqlite3_file* f)
{
    return real(f)->pMethods->xDeviceCharacteristics(real(f));
}

int tvShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out)
{
    return real(f)->pMethods->xShmMap(real(f), region, size, extend, out);
}

int tvShmLock(sqlite3_file* f, int offset, int n, int flags)
{
    TracedFile* p = traced(f);
    if (p->tracer && (flags & SQLITE_SHM_UNLOCK)) p->tracer->shmUnlocking(offset, n);
    const int rc = p->real->pMethods->xShmLock(p->real, offset, n, flags);
    if (p->tracer && !(flags & SQLITE_SHM_UNLOCK)) p->tracer->shmLockCalled(offset, n, flags, rc);
    return rc;
}

void tvShmBarrier(sqlite3_file* f)
{
    real(f)->pMethods->xShmBarrier(real(f));
}

int tvShmUnmap(sqlite3_file* f, int deleteFlag)
{
    TracedFile* p = traced(f);
    if (p->tracer) p->tracer->shmUnmapped();
    return p->real->pMethods->xShmUnmap(p->real, deleteFlag);
}

int tvFetch(sqlite3_file* f, sqlite3_int64 ofst, int amt, void** out)
{
    return real(f)->pMethods->xFetch(real(f), ofst, amt, out);
}
int tvUnfetch(sqlite3_file* f, sqlite3_int64 ofst, void* ptr)
{
    return real(f)->pMethods->xUnfetch(real(f), ofst, ptr);
}

// One table per io-methods version, so a wrapped file is presented exactly as capable as it is.
constexpr sqlite3_io_methods makeMethods(int version)
{
    sqlite3_io_methods m{};
    m.iVersion = version;
    m.xClose = tvClose;
    m.xRead = tvRead;
    m.xWrite = tvWrite;
    m.xTruncate = tvTruncate;
    m.xSync = tvSync;
    m.xFileSize = tvFileSize;
    m.xLock = tvLock;
    m.xUnlock = tvUnlock;
    m.xCheckReservedLock = tvCheckReservedLock;
    m.xFileControl = tvFileControl;
    m.xSectorSize = tvSectorSize;
    m.xDeviceCharacteristics = tvDeviceCharacteristics;
    if (version >= 2) {
        m.xShmMap = tvShmMap;
        m.xShmLock = tvShmLock;
        m.xShmBarrier = tvShmBarrier;
        m.xShmUnmap = tvShmUnmap;
    }
    if (version >= 3) {
        m.xFetch = tvFetch;
        m.xUnfetch = tvUnfetch;
    }
    return m;
}

const sqlite3_io_methods kMethods[3] = {makeMethods(1), makeMethods(2), makeMethods(3)};

const sqlite3_io_methods* methodsFor(const sqlite3_io_methods* realMethods)
{
    const int version =
        realMethods->iVersion < 1 ? 1 : (realMethods->iVersion > 3 ? 3 : realMethods->iVersion);
    // A wrapped version-2 file may still lack shm support (a VFS without it sets xShmMap to 0);
    // advertise version 1 then, so SQLite refuses WAL instead of calling a null method.
    if (version >= 2 && !realMethods->xShmMap) return &kMethods[0];
    if (version >= 3 && !realMethods->xFetch) return &kMethods[1];
    return &kMethods[version - 1];
}

// A tracer for a main database file whose URI names a registered log; null otherwise.
LockTracer* makeTracer(sqlite3_filename name)
{
    if (!name) return nullptr;
    const char* key = sqlite3_uri_parameter(name, "txlog");
    if (!key) return nullptr;
    std::shared_ptr<TraceLog> log = findTraceLog(key);
    if (!log) return nullptr;
    const auto connection = static_cast<std::uint32_t>(sqlite3_uri_int64(name, "txconn", 0));
    return new (std::nothrow) LockTracer(std::move(log), connection);
}

// --- vfs methods ---------------------------------------------------------------------------

int tvOpen(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* f, int flags, int* outFlags)
{
    sqlite3_vfs* base = realVfs(vfs);
    // Only the main database file's locks are traced; everything else is the wrapped VFS's own
    // file, opened in place (our allocation is larger than it needs).
    if (!(flags & SQLITE_OPEN_MAIN_DB)) return base->xOpen(base, name, f, flags, outFlags);

    TracedFile* p = traced(f);
    p->base.pMethods = nullptr;
    p->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + kRealOffset);
    p->real->pMethods = nullptr;
    p->tracer = nullptr;
    const int rc = base->xOpen(base, name, p->real, flags, outFlags);
    // SQLite calls xClose whenever pMethods is set, even after a failed open: mirror the
    // wrapped file so its xClose is reached.
    if (!p->real->pMethods) return rc;
    p->base.pMethods = methodsFor(p->real->pMethods);
    if (rc == SQLITE_OK) p->tracer = makeTracer(name);
    return rc;
}

int tvDelete(sqlite3_vfs* vfs, const char* name, int syncDir)
{
    return realVfs(vfs)->xDelete(realVfs(vfs), name, syncDir);
}
int tvAccess(sqlite3_vfs* vfs, const char* name, int flags, int* out)
{
    return realVfs(vfs)->xAccess(realVfs(vfs), name, flags, out);
}
int tvFullPathname(sqlite3_vfs* vfs, const char* name, int n, char* out)
{
    return realVfs(vfs)->xFullPathname(realVfs(vfs), name, n, out);
}
void* tvDlOpen(sqlite3_vfs* vfs, const char* path)
{
    return realVfs(vfs)->xDlOpen(realVfs(vfs), path);
}
void tvDlError(sqlite3_vfs* vfs, int n, char* msg)
{
    realVfs(vfs)->xDlError(realVfs(vfs), n, msg);
}
void (*tvDlSym(sqlite3_vfs* vfs, void* lib, const char* sym))(void)
{
    return realVfs(vfs)->xDlSym(realVfs(vfs), lib, sym);
}
void tvDlClose(sqlite3_vfs* vfs, void* lib)
{
    realVfs(vfs)->xDlClose(realVfs(vfs), lib);
}
int tvRandomness(sqlite3_vfs* vfs, int n, char* out)
{
    return realVfs(vfs)->xRandomness(realVfs(vfs), n, out);
}
int tvSleep(sqlite3_vfs* vfs, int us)
{
    return realVfs(vfs)->xSleep(realVfs(vfs), us);
}
int tvCurrentTime(sqlite3_vfs* vfs, double* out)
{
    return realVfs(vfs)->xCurrentTime(realVfs(vfs), out);
}
int tvGetLastError(sqlite3_vfs* vfs, int n, char* out)
{
    return realVfs(vfs)->xGetLastError ? realVfs(vfs)->xGetLastError(realVfs(vfs), n, out) : 0;
}
int tvCurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out)
{
    return realVfs(vfs)->xCurrentTimeInt64(realVfs(vfs), out);
}
int tvSetSystemCall(sqlite3_vfs* vfs, const char* name, sqlite3_syscall_ptr fn)
{
    return realVfs(vfs)->xSetSystemCall(realVfs(vfs), name, fn);
}
sqlite3_syscall_ptr tvGetSystemCall(sqlite3_vfs* vfs, const char* name)
{
    return realVfs(vfs)->xGetSystemCall(realVfs(vfs), name);
}
const char* tvNextSystemCall(sqlite3_vfs* vfs, const char* name)
{
    return realVfs(vfs)->xNextSystemCall(realVfs(vfs), name);
}

} // namespace

int registerTracingVfs()
{
    sqlite3_vfs* base = sqlite3_vfs_find(nullptr);
    if (!base) return SQLITE_ERROR;
    // Lives for the whole process: SQLite keeps a pointer to it.
    static sqlite3_vfs vfs{};
    vfs.iVersion = base->iVersion < 3 ? base->iVersion : 3;
    vfs.szOsFile = static_cast<int>(kRealOffset) + base->szOsFile;
    vfs.mxPathname = base->mxPathname;
    vfs.zName = kTracingVfsName;
    vfs.pAppData = base;
    vfs.xOpen = tvOpen;
    vfs.xDelete = tvDelete;
    vfs.xAccess = tvAccess;
    vfs.xFullPathname = tvFullPathname;
    vfs.xDlOpen = base->xDlOpen ? tvDlOpen : nullptr;
    vfs.xDlError = base->xDlError ? tvDlError : nullptr;
    vfs.xDlSym = base->xDlSym ? tvDlSym : nullptr;
    vfs.xDlClose = base->xDlClose ? tvDlClose : nullptr;
    vfs.xRandomness = tvRandomness;
    vfs.xSleep = tvSleep;
    vfs.xCurrentTime = tvCurrentTime;
    vfs.xGetLastError = tvGetLastError;
    if (vfs.iVersion >= 2) vfs.xCurrentTimeInt64 = base->xCurrentTimeInt64 ? tvCurrentTimeInt64 : nullptr;
    if (vfs.iVersion >= 3) {
        vfs.xSetSystemCall = base->xSetSystemCall ? tvSetSystemCall : nullptr;
        vfs.xGetSystemCall = base->xGetSystemCall ? tvGetSystemCall : nullptr;
        vfs.xNextSystemCall = base->xNextSystemCall ? tvNextSystemCall : nullptr;
    }
    return sqlite3_vfs_register(&vfs, 0);
}

LockTracer* lockTracerOf(sqlite3* db)
{
    sqlite3_file* file = nullptr;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK || !file)
        return nullptr;
    const sqlite3_io_methods* methods = file->pMethods;
    if (methods != &kMethods[0] && methods != &kMethods[1] && methods != &kMethods[2]) return nullptr;
    return traced(file)->tracer;
}

} // namespace txs::sqlite
