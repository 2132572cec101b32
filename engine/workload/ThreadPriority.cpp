#include "engine/workload/ThreadPriority.h"

#include <algorithm>
#include <cerrno>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace txs {

// Linux keeps a nice value per thread, addressed by the thread's id (not the process id).
void lowerThisThreadsPriority(int niceness)
{
    if (niceness <= 0) return;
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    errno = 0;
    const int now = ::getpriority(PRIO_PROCESS, tid);
    if (now == -1 && errno != 0) return;
    ::setpriority(PRIO_PROCESS, tid, std::min(now + niceness, 19));
}

// Under SCHED_IDLE the thread's nice value is ignored.
void idleThisThread()
{
    const sched_param none{};
    ::sched_setscheduler(static_cast<pid_t>(::syscall(SYS_gettid)), SCHED_IDLE, &none);
}

} // namespace txs
