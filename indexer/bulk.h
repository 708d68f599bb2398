/* bulk.h - a first build (or a rebuild) written as partial databases,
 * merged into one compacted database at the end.
 *
 * Xapian keeps the postings of documents not yet flushed in memory and
 * merges them into its B-trees at each flush; the bigger the database,
 * the more of it each flush rewrites, so one database built by many
 * flushes costs more than linear time.  A database nobody sees until it
 * is complete need not be that one: each batch of documents (bounded by
 * a memory budget) becomes a small database of its own, written once,
 * and xapian-compact's merge, linear in the total, joins them in order.
 *
 * Nothing here is durable before na_bulk_merge(): a crash loses the
 * build, which is what "invisible until complete" allows. */
#ifndef NA_INDEX_BULK_H
#define NA_INDEX_BULK_H

#include <stddef.h>

#include "status.h"
#include "xapian-c.h"

typedef struct na_bulk na_bulk_t;

/* Starts a build in the folder DIR (created; it must not exist).
 * NA_ERR_IO when DIR cannot be created.  Caller owns the build; free
 * with na_bulk_free(). */
na_status_t na_bulk_open(const char *dir, na_bulk_t **out, na_error_t *err);

/* Adds DOC (still the caller's) to the current batch, counting COST; a
 * batch whose documents would cost more than BUDGET in all is written out
 * first and a new one begun (the budget may shrink as the run's other
 * memory grows).  Documents keep the order they were added in.
 * NA_ERR_DATABASE and the like from Xapian: the build cannot go on. */
na_status_t na_bulk_add(na_bulk_t *b, const na_xdoc_t *doc, size_t cost, size_t budget, na_error_t *err);

/* Writes the last batch and merges, in order, the database at FIRST
 * (holding metadata and no documents; closed by the caller) and every
 * batch into a new compacted database at OUT.  The batches are removed
 * either way. */
na_status_t na_bulk_merge(na_bulk_t *b, const char *first, const char *out, na_error_t *err);

/* Writes the current batch out now when its documents cost more than
 * MAX (an idle build hands its memory back); not while a na_bulk_add()
 * runs.  Errors as na_bulk_add(). */
na_status_t na_bulk_trim(na_bulk_t *b, size_t max, na_error_t *err);

/* What the current batch's documents cost (0: none), as counted by
 * na_bulk_add(); not while a na_bulk_add() runs. */
size_t na_bulk_cost(const na_bulk_t *b);

/* The batches written so far (for tests and -v). */
size_t na_bulk_batches(const na_bulk_t *b);

/* Removes what the build left in its folder and frees it; NULL is
 * ignored. */
void na_bulk_free(na_bulk_t *b);

#endif
