/* walk.h - turning the PATH arguments into a list of files to read. */
#ifndef NA_INDEX_WALK_H
#define NA_INDEX_WALK_H

#include <stddef.h>

#include "article.h"
#include "util.h"

typedef struct {
    char *path;    /* as opened: the argument, or argument/child/... */
    char *relpath; /* relative to the argument: its name, for choosing the format */
    size_t size;   /* bytes, for progress; 0 for standard input */
    long long mtime; /* modification time, seconds since the epoch; 0 for standard input */
    na_format_t format; /* NA_FORMAT_AUTO: by extension or content */
} na_input_t;

typedef struct {
    na_input_t *items;
    size_t count;
    size_t total_bytes;
} na_inputs_t;

/* Adds ARG to INPUTS, each file to be read as FORMAT: "-" as standard
 * input, a file as itself, a directory as every regular file below it in
 * name order, skipping names that start with a dot.  Returns 0, or an
 * errno value with *FAILED set to the path that could not be read
 * (borrowed until the next call). */
int na_inputs_add(na_inputs_t *inputs, const char *arg, na_format_t format, const char **failed);

void na_inputs_release(na_inputs_t *inputs);

#endif
