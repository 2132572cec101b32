// Where a process's memory is at its peak, for bench/long_run_rss.sh: loaded with LD_PRELOAD, a
// thread samples /proc/self/status (RSS: anonymous, file-backed) and glibc's mallinfo2 (heap in
// use in the arenas and in blocks malloc mapped on its own) every 50 ms, and at exit prints the
// sample taken at the RSS peak to stderr. What is anonymous but neither arena nor malloc-mapped
// is memory the program maps itself (the trace log's event chunks: engine/trace/ChunkMemory.cpp).
//
//   gcc -O2 -shared -fPIC -o /tmp/memory_sampler.so bench/memory_sampler.c -lpthread
//   LD_PRELOAD=/tmp/memory_sampler.so build/default/app/txscope-cli run ...
#define _GNU_SOURCE
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct Sample
{
    long rssKb, anonKb, fileKb;
    size_t arena, mapped, inUse;
    double seconds;
};

static struct Sample peak;
static double started;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sample(struct Sample* s)
{
    memset(s, 0, sizeof *s);
    FILE* status = fopen("/proc/self/status", "r");
    char line[256];
    while (status && fgets(line, sizeof line, status)) {
        if (!strncmp(line, "VmRSS:", 6)) s->rssKb = atol(line + 6);
        if (!strncmp(line, "RssAnon:", 8)) s->anonKb = atol(line + 8);
        if (!strncmp(line, "RssFile:", 8)) s->fileKb = atol(line + 8);
    }
    if (status) fclose(status);
    const struct mallinfo2 m = mallinfo2();
    s->arena = m.arena;
    s->mapped = m.hblkhd;
    s->inUse = m.uordblks + m.hblkhd;
    s->seconds = now() - started;
}

static void* sampler(void* unused)
{
    (void)unused;
    for (;;) {
        struct Sample s;
        sample(&s);
        if (s.rssKb > peak.rssKb) peak = s;
        usleep(50000);
    }
    return NULL;
}

static void report(void)
{
    if (peak.rssKb < 10 * 1024) return; // a launcher (/usr/bin/time), not the program measured
    fprintf(
        stderr,
        "memory at the RSS peak (%.1f s): RSS %ld MB = anonymous %ld + file-backed %ld; heap in use %zu MB "
        "(arenas %zu MB, malloc-mapped blocks %zu MB)\n",
        peak.seconds, peak.rssKb / 1024, peak.anonKb / 1024, peak.fileKb / 1024, peak.inUse >> 20,
        peak.arena >> 20, peak.mapped >> 20);
}

__attribute__((constructor)) static void start(void)
{
    started = now();
    pthread_t thread;
    if (pthread_create(&thread, NULL, sampler, NULL) == 0) pthread_detach(thread);
    atexit(report);
}
