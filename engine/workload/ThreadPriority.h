#pragma once

namespace txs {

// Scheduling of a worker thread, so that a run on a busy machine can leave the cores to the window
// (RunOptions::workerNiceness, RunOptions::workerIdleScheduling). Both act on the calling thread only
// and only ever lower its priority, which needs no privilege; a failure leaves the thread as it was.

// Lowers the calling thread's priority by `niceness` (capped at 19). Does nothing for niceness <= 0.
void lowerThisThreadsPriority(int niceness);

// Moves the calling thread to SCHED_IDLE: it runs only when a core has nothing else to do.
void idleThisThread();

} // namespace txs
