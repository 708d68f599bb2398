/* display.h - the forms facets print for the folded keys they count.
 *
 * Terms and facet slots hold folded keys (schema.h,
 * na_schema_value_key()), so "DENVER" and "Denver" are one value; what a
 * facet prints for a key is the most frequent spelling the indexer saw
 * for it, which is the canonical name whenever the alias tables know one
 * (the indexer stores normalised values).  The spellings and their
 * article counts are kept in database metadata, one entry per key
 * (schema.h, NA_META_DISPLAY_FMT), so that counting stays Xapian's stock
 * value-count spy, exact through xapian-tcpsrv, and the forms are read
 * after counting, shard by shard.
 *
 * Two parts: a tally of one key's spellings (parsing and writing the
 * metadata value, summing shards, picking the form), and a collection of
 * tallies that the indexer fills during a run and merges into the
 * database at commit.
 */
#ifndef NA_DISPLAY_H
#define NA_DISPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "schema.h"
#include "status.h"
#include "util.h"
#include "xapian-c.h"

/* Spellings kept per key: the rare ones past this are dropped. */
#define NA_DISPLAY_MAX_SPELLINGS 8

typedef struct {
    char *spelling; /* owned */
    unsigned long count;
} na_spelling_t;

/* One key's spellings.  Initialise with NA_DISPLAY_TALLY_INIT; release
 * with na_display_tally_release(). */
typedef struct {
    na_spelling_t *items;
    size_t count, cap;
} na_display_tally_t;

#define NA_DISPLAY_TALLY_INIT { NULL, 0, 0 }

void na_display_tally_release(na_display_tally_t *t);

/* Adds COUNT articles spelling the key SPELLING (copied).  Spellings
 * holding a tab or a newline are ignored: the stored form cannot hold
 * them. */
void na_display_tally_add(na_display_tally_t *t, const char *spelling, unsigned long count);

/* Adds the spellings of the metadata value of LEN bytes at VALUE, as
 * written for KEY.  Returns false, adding nothing, when VALUE is not such
 * a value or is one for another key (two keys whose metadata names share
 * a hash). */
bool na_display_tally_add_stored(na_display_tally_t *t, const char *key, const char *value, size_t len);

/* The spelling to print: the most frequent, ties to the first in byte
 * order; NULL when T is empty.  Borrowed: valid until T changes. */
const char *na_display_tally_best(const na_display_tally_t *t);

/* Writes T as the metadata value for KEY into OUT (replacing what was
 * there): most frequent first, at most NA_DISPLAY_MAX_SPELLINGS. */
void na_display_tally_format(na_display_tally_t *t, const char *key, na_buf_t *out);

/* What one indexing run saw: per field and key, the spellings. */
typedef struct na_display na_display_t;

/* Caller owns; free with na_display_free() (NULL is ignored). */
na_display_t *na_display_new(void);
void na_display_free(na_display_t *d);

/* Counts one article spelling KEY of FIELD as SPELLING (both copied). */
void na_display_add(na_display_t *d, na_field_t field, const char *key, const char *spelling);

/* Merges what D holds into the display entries of DB (read, summed,
 * written back; not committed) and empties D.  Any status of
 * na_xwdb_get_metadata/na_xwdb_set_metadata; D is emptied either way. */
na_status_t na_display_flush(na_display_t *d, na_xwdb_t *db, na_error_t *err);

#endif
