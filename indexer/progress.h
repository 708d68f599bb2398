/* progress.h - a one-line progress display for long runs on a terminal. */
#ifndef NA_INDEX_PROGRESS_H
#define NA_INDEX_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    bool enabled;        /* only on a terminal and without -q */
    double start;        /* seconds, monotonic */
    double last_draw;
    size_t total_bytes;  /* of all inputs, for the ETA; 0 if unknown */
    bool drawn;
} na_progress_t;

/* Enables the display when ENABLED and standard error is a terminal. */
void na_progress_init(na_progress_t *p, bool enabled, size_t total_bytes);
/* Redraws at most a few times a second. */
void na_progress_update(na_progress_t *p, size_t articles, size_t bytes_done);
/* Erases the line so that messages and the shell prompt start clean. */
void na_progress_finish(na_progress_t *p);
/* Erases the line before a message is printed; the next update redraws. */
void na_progress_clear(na_progress_t *p);

double na_now(void);

#endif
