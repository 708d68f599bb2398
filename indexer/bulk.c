/* bulk.c - partial databases for a build nobody sees until it is
 * complete, merged by Xapian's compactor (see bulk.h). */
#include "bulk.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

struct na_bulk {
    char *dir;
    na_xwdb_t *part;  /* the batch being filled, or NULL */
    size_t parts;     /* batches begun: part-1 .. part-N */
    size_t cost;      /* of the current batch */
};

static char *part_path(const na_bulk_t *b, size_t n)
{
    return na_xasprintf("%s/part-%zu", b->dir, n);
}

na_status_t na_bulk_open(const char *dir, na_bulk_t **out, na_error_t *err)
{
    *out = NULL;
    if (mkdir(dir, 0777) != 0)
        return na_error_set(err, NA_ERR_IO, "cannot create '%s': %s", dir, na_strerror(errno));
    na_bulk_t *b = na_xcalloc(1, sizeof *b);
    b->dir = na_xstrdup(dir);
    *out = b;
    return NA_OK;
}

/* Writes the current batch out: closing a database commits it. */
static na_status_t end_part(na_bulk_t *b, na_error_t *err)
{
    na_status_t st = na_xwdb_close(b->part, err);
    b->part = NULL;
    b->cost = 0;
#ifdef __GLIBC__
    /* The batch's postings were freed into this thread's malloc arena,
     * which keeps them resident; handed back, the next batch and the rest
     * of the process share one budget, not one each. */
    malloc_trim(0);
#endif
    return st;
}

na_status_t na_bulk_add(na_bulk_t *b, const na_xdoc_t *doc, size_t cost, size_t budget, na_error_t *err)
{
    na_status_t st = NA_OK;
    if (b->part && b->cost + cost > budget && b->cost > 0)
        st = end_part(b, err);
    if (st == NA_OK && !b->part) {
        char *path = part_path(b, b->parts + 1);
        st = na_xwdb_open(path, true, &b->part, err);
        free(path);
        if (st == NA_OK)
            b->parts++;
    }
    if (st == NA_OK)
        st = na_xwdb_add(b->part, doc, err);
    b->cost += cost;
    return st;
}

na_status_t na_bulk_trim(na_bulk_t *b, size_t max, na_error_t *err)
{
    return b->part && b->cost > max ? end_part(b, err) : NA_OK;
}

size_t na_bulk_cost(const na_bulk_t *b)
{
    return b && b->part ? b->cost : 0;
}

size_t na_bulk_batches(const na_bulk_t *b)
{
    return b ? b->parts : 0;
}

static void remove_parts(na_bulk_t *b)
{
    for (size_t n = 1; n <= b->parts; n++) {
        char *path = part_path(b, n);
        na_remove_tree(path);
        free(path);
    }
    b->parts = 0;
}

na_status_t na_bulk_merge(na_bulk_t *b, const char *first, const char *out, na_error_t *err)
{
    na_status_t st = b->part ? end_part(b, err) : NA_OK;
    if (st == NA_OK) {
        const char **paths = na_xmalloc((b->parts + 1) * sizeof *paths);
        paths[0] = first;
        for (size_t n = 1; n <= b->parts; n++)
            paths[n] = part_path(b, n);
        st = na_x_compact(paths, b->parts + 1, out, err);
        for (size_t n = 1; n <= b->parts; n++)
            free((char *)paths[n]);
        free(paths);
    }
    remove_parts(b);
    return st;
}

void na_bulk_free(na_bulk_t *b)
{
    if (!b)
        return;
    if (b->part)
        na_xwdb_close(b->part, NULL);
    b->part = NULL;
    remove_parts(b);
    na_remove_tree(b->dir);
    free(b->dir);
    free(b);
}
