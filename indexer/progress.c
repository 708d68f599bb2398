/* progress.c - articles per second and time left, redrawn in place on
 * standard error; silent when standard error is not a terminal, so cron
 * mail stays empty. */
#include "progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

double na_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void na_progress_init(na_progress_t *p, bool enabled, size_t total_bytes)
{
    p->enabled = enabled && isatty(STDERR_FILENO);
    p->start = p->last_draw = na_now();
    p->total_bytes = total_bytes;
    p->drawn = false;
}

void na_progress_update(na_progress_t *p, size_t articles, size_t bytes_done)
{
    if (!p->enabled)
        return;
    double now = na_now();
    if (now - p->last_draw < 0.25)
        return;
    p->last_draw = now;
    double elapsed = now - p->start;
    double rate = elapsed > 0 ? (double)articles / elapsed : 0;
    fprintf(stderr, "\r\033[K%zu articles, %.0f articles/s", articles, rate);
    if (p->total_bytes && bytes_done > 0 && bytes_done <= p->total_bytes) {
        double left = elapsed * (double)(p->total_bytes - bytes_done) / (double)bytes_done;
        fprintf(stderr, ", %.0f%%, about %.0f s left",
                100.0 * (double)bytes_done / (double)p->total_bytes, left);
    }
    p->drawn = true;
}

void na_progress_clear(na_progress_t *p)
{
    if (p->enabled && p->drawn) {
        fputs("\r\033[K", stderr);
        p->drawn = false;
    }
}

void na_progress_finish(na_progress_t *p)
{
    na_progress_clear(p);
}
