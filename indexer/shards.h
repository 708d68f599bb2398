/* shards.h - an archive split into time shards, written through one
 * indexer (index.h) per shard.
 *
 * Unsharded (shard_by none, and the archive not sharded), the set is one
 * indexer on the path given and every call goes straight to it.
 *
 * Sharded, the path DB is a folder: one sub-archive per period, DB/1987
 * (year) or DB/1987-03 (month) and DB/undated, each an archive exactly as
 * an unsharded one (its stub directory and generations, its own lock,
 * compression dictionary and metadata); DB/XAPIANDB, a Xapian stub
 * listing them ("auto 1987"), so that Xapian's tools read the whole
 * archive; DB/newsarc-shards, the kind of sharding ("year" or "month"),
 * fixed when the archive is made; DB/files, the size and mtime of every
 * file read (one "SIZE MTIME_NS PATH" line each), so that a run over
 * unchanged files opens neither them nor any shard, since a file may feed
 * several shards; DB/shards.lock, an flock() held only while the stub or
 * DB/files is rewritten (temporary file renamed over the old one).
 *
 * Articles are routed by the publication date they get after parsing and
 * extraction (na_extraction_pubdate()); undated ones go to "undated".
 * Writers are opened on first use, so a run locks only the shards it
 * writes; a run waits for a shard's lock only when that shard's name
 * sorts after every shard it holds, else it tries once (NA_ERR_LOCKED,
 * the message naming both), so two runs never wait for each other.  It
 * does not release the later shards to retake them in order: a writer's
 * state for the end of the run would be stale once another run may
 * write the shard meanwhile.  index_memory is the run's: idle writers
 * keep at most an equal share, the one being written the rest.
 *
 * An id stays in one shard: an id not met before in the run is looked up
 * in the other shards (read-only); found there, the article is written
 * to its own shard, and the old copy is removed only once every shard
 * written in the run has committed (a shard losing copies commits, and
 * is settled after), so a crash between leaves a duplicate that the next
 * run reading the article removes the same way.  A rebuild or refresh
 * routes each article by its date as rebuilt: one that now belongs in
 * another shard is added there once every shard is open, and removed
 * from its old shard as a move.  When the run ends, the shards it did
 * not write but that hold sources in the files read whole, or gone files
 * under a pruned root, are opened too and settled.  A prune is weighed
 * against prune_max over the whole archive: every shard it reaches says
 * what it would remove (na_indexer_prune_plan()), and the sum decides
 * for all of them.  The out-of-date count (counts.out_of_date) is of
 * every shard, read when the archive is opened. */
#ifndef NA_INDEX_SHARDS_H
#define NA_INDEX_SHARDS_H

#include "index.h"

typedef struct na_shards na_shards_t;

typedef struct {
    na_indexer_options_t ix; /* for every shard; ix.db_path is the archive's path (borrowed) */
    int shard_by;            /* NA_SHARD_BY_* wanted (config.h) */
    /* Called, when not NULL, for each copy of an article removed from a
     * shard it no longer belongs in (ID, FROM and TO shard names;
     * borrowed for the call); UD is ix.reject_ud. */
    void (*moved)(const char *id, const char *from, const char *to, void *ud);
} na_shards_options_t;

/* Opens the archive.  NA_ERR_INVALID, with a message, when SHARD_BY is
 * not the kind of sharding the existing archive has (nothing is
 * written); otherwise as na_indexer_open() (with rebuild or refresh,
 * every shard is opened, in name order).  Caller owns the set; close
 * with na_shards_close(). */
na_status_t na_shards_open(const na_shards_options_t *opts, na_shards_t **out, na_error_t *err);

/* As the na_indexer_ calls of the same names (index.h), across shards. */
void na_shards_set_input(na_shards_t *s, const char *path);
na_status_t na_shards_add(na_shards_t *s, na_article_t *article, const na_index_source_t *src,
                          const char **dup_of, na_error_t *err);
void na_shards_file_done(na_shards_t *s, const char *path);
na_status_t na_shards_file_check(na_shards_t *s, const char *path, size_t size, long long mtime_ns,
                                 bool *unchanged, na_error_t *err);
void na_shards_file_read(na_shards_t *s, const char *path);
void na_shards_prune_root(na_shards_t *s, const char *root);
/* Removes ID from every shard that holds it. */
na_status_t na_shards_delete(na_shards_t *s, const char *id, bool *found, na_error_t *err);
/* Finishes and closes every shard written, settles the others (see
 * above), then rewrites DB/XAPIANDB and DB/files. */
na_status_t na_shards_finish(na_shards_t *s, na_error_t *err);
bool na_shards_rebuilding(const na_shards_t *s);
void na_shards_cancel(na_shards_t *s);
na_status_t na_shards_close(na_shards_t *s, na_error_t *err);
/* The counts of every shard so far, summed (moved: copies removed from a
 * wrong shard).  Borrowed; valid until the next call on S. */
const na_index_counts_t *na_shards_counts(na_shards_t *s);

/* The kind of sharding of the archive at PATH: NA_SHARD_BY_NONE for an
 * unsharded or missing one. */
int na_shards_kind(const char *path);

/* The shard names of the sharded archive at PATH, in name order, into
 * NAMES (caller clears).  Only complete shards (with their stub) count. */
void na_shards_list(const char *path, na_strlist_t *names);

#endif
