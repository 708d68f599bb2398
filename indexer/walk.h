/* walk.h - turning the PATH arguments into a list of files to read, and
 * reading one of them. */
#ifndef NA_INDEX_WALK_H
#define NA_INDEX_WALK_H

#include <stdbool.h>
#include <stddef.h>

#include "article.h"
#include "util.h"

typedef struct {
    char *path;    /* as opened: the argument, or argument/child/... */
    char *relpath; /* relative to the argument: its name, for choosing the format */
    size_t size;   /* bytes, for progress; 0 for standard input */
    long long mtime; /* modification time, seconds since the epoch; 0 for standard input */
    long long mtime_ns; /* the same in nanoseconds, for telling an unchanged file */
    char *real;    /* canonical path (symbolic links resolved); NULL for standard input
                    * and when it cannot be resolved */
    na_format_t format; /* NA_FORMAT_AUTO: by extension or content */
    bool stream;   /* a pipe or device named as an argument: read to its end */
} na_input_t;

typedef struct {
    na_input_t *items;
    size_t count;
    size_t total_bytes;
} na_inputs_t;

/* Called for each entry the walk does not take: ERROR true for one that
 * cannot be read (a dangling symbolic link, no permission, an unreadable
 * directory, a loop, an entry that vanished), false for one that is not
 * a file and is never opened (a fifo, socket or device in a directory).
 * PATH and REASON are borrowed for the call. */
typedef void (*na_walk_report_fn)(const char *path, bool error, const char *reason, void *ud);

/* Adds ARG to INPUTS, each file to be read as FORMAT: "-" as standard
 * input, a file as itself, a directory as every regular file below it in
 * name order.  Inside directories, names that start with a dot and
 * editor backups ("name~", "#name#", "*.swp", "*.swo", "*.bak") are
 * skipped without a word.  An entry that cannot be read, or is not a
 * regular file or directory, is reported to REPORT (may be NULL) and the
 * walk goes on with the rest.  Returns the number of errors reported
 * (0: ARG was walked completely). */
size_t na_inputs_add(na_inputs_t *inputs, const char *arg, na_format_t format, na_walk_report_fn report,
                     void *ud);

/* True for the names of editor backups and swap files, which hold a copy
 * of an article or none. */
bool na_walk_is_backup(const char *name);

/* Reads INPUT whole into BUF (appending).  A file listed by a walk that is
 * no longer a regular file (replaced by a fifo since) is refused with
 * EINVAL without blocking; standard input and INPUT->stream are read to
 * their end.  A file of more than MAX bytes is refused with EFBIG before
 * a byte is read, and so is a stream (or a growing file) once it passes
 * MAX; BUF may then hold part of it.  Returns 0 or an errno value. */
int na_input_read(const na_input_t *input, size_t max, na_buf_t *buf);

void na_inputs_release(na_inputs_t *inputs);

#endif
