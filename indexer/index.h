/* index.h - turning articles into documents of a writable database.
 *
 * One indexer owns the writable database for the whole run (Xapian's own
 * lock keeps other writers out).  Each article becomes one document whose
 * terms, values and data (metadata plus the compressed original) are
 * added in one replace_document call, so any commit holds whole articles
 * only.  Commits happen every commit_every articles or commit_bytes bytes,
 * or as soon as the documents written since the last would take more than
 * index_memory in Xapian's in-memory build (whichever comes first), and
 * on close, so memory stays bounded and a crash loses at most one batch.
 *
 * A new database is a stub directory (see below) whose stub is written
 * when its first build closes, so that, like a rebuild, it is seen only
 * whole: the build holds the lock on an empty gen-0 and writes gen-1.  A
 * first build and a rebuild write the new generation's documents as
 * partial databases (bulk.h) in gen-N-parts, merged at the end into one
 * compacted database at gen-N; what an interrupted one left is removed by
 * the next run.
 *
 * Ids and sources (the model notmuch uses for mail): an article's id is
 * its source's own, else "d-" and the 16 hex digits of na_hash64() of its
 * raw bytes alone, so the same bytes are one article whatever file or
 * feed they came from.  Each article keeps the list of its sources
 * (record.h) in its metadata and one XFILE term per file.  When the run
 * ends, the sources of every file read whole (na_indexer_file_done())
 * become exactly what the run read there: an article the file no longer
 * holds loses that source, and one left with no source is deleted.
 * Standard input is never read "whole" in that sense, so its articles
 * stay.
 *
 * Files: the size and mtime of each file read are stored when the run
 * ends (na_indexer_file_check(), na_indexer_file_read()), so that a later
 * run need not open a file that is as it was.  With the prune option,
 * files stored under the roots walked completely (na_indexer_prune_root())
 * and not met in the run are gone: their sources are removed as when a
 * file read whole no longer holds an article.
 *
 * Settings: each document carries the digest of the alias tables,
 * gazetteer, model and layout it was indexed with (NA_PREFIX_CONF), and
 * the digests are kept in the metadata, so that the indexer can say how
 * many articles are out of date and the refresh option can reindex them.
 *
 * The layout version is kept in the database (NA_META_LAYOUT).  An
 * archive of another layout is rebuilt: every stored original is indexed
 * again, with its format and sources, into a new database.  When the
 * path is a stub directory (a folder holding XAPIANDB that names the
 * current generation gen-N), the new one is gen-N+1 beside it and the
 * switch is a new stub renamed over the old one; a plain database is
 * rebuilt into such a directory, DB.rebuild-PID, which replaces it by
 * two renames.  Archives of more than 2,000 articles are rebuilt only
 * when asked (the rebuild option).
 */
#ifndef NA_INDEX_INDEX_H
#define NA_INDEX_INDEX_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "article.h"
#include "config.h"
#include "extract.h"
#include "normalise.h"
#include "status.h"
#include "xapian-c.h"

typedef struct na_indexer na_indexer_t;

typedef struct {
    const char *db_path;           /* borrowed */
    const na_config_t *config;     /* borrowed; must outlive the indexer */
    const na_normaliser_t *norm;   /* borrowed; must outlive the indexer */
    bool force;                    /* reindex unchanged articles */
    const na_extractor_t *extractor;  /* borrowed; NULL: no extraction */
    na_extract_mode_t extract[NA_EXTRACT_KINDS];
    /* Called (on the thread that calls the indexer) for an article whose
     * document could not be built: it is not indexed and the run goes on.
     * PATH is the input set by na_indexer_set_input() when the article
     * was added, LINE the article's, ID its id; all borrowed for the
     * call.  May be NULL. */
    void (*reject)(const char *path, size_t line, const char *id, const char *reason, void *ud);
    void *reject_ud;
    bool rebuild;                  /* rebuild the archive whatever its layout */
    /* Prune (see na_indexer_prune_root()): remove sources whose file is
     * gone under the roots walked completely, and articles left with
     * none, unless that would remove more than PRUNE_MAX percent of the
     * archive's articles and PRUNE_FORCE is not set. */
    bool prune;
    unsigned prune_max;
    bool prune_force;
    /* Called for each source a prune removes: ID is the article's, FILE
     * the gone file, DELETED true when the article had no source left and
     * was removed; all borrowed for the call.  UD is reject_ud.  May be
     * NULL. */
    void (*pruned)(const char *id, const char *file, bool deleted, void *ud);
    /* Seconds to wait in all for another writer's lock (0: none), polling
     * (Xapian's own waiting has no time limit). */
    int lock_wait;
    /* Set (by a signal handler) to ask the run to stop: the wait for the
     * lock, dictionary training and the writer give up at the next
     * article.  May be NULL. */
    volatile sig_atomic_t *stop;
    /* Reindex, in place, the stored articles not indexed with the current
     * alias tables, gazetteer, model and extraction modes, from their
     * stored originals, when the indexer opens. */
    bool refresh;
    /* Rebuilding or refreshing (time shards): asked, when not NULL, of
     * each article carried from its stored original, before it is
     * indexed here (it still is); when it returns true, CARRY_TAKE is
     * given a copy of the article (taking ownership) and the SOURCE it is
     * carried under (borrowed for the call; NULL: none), so that the
     * caller can index it where it now belongs.  UD is carry_ud. */
    bool (*carry_elsewhere)(const na_article_t *article, void *ud);
    void (*carry_take)(na_article_t *article, const char *source, void *ud);
    void *carry_ud;
} na_indexer_options_t;

typedef struct {
    size_t added;     /* new ids */
    size_t replaced;  /* ids seen before, with changed bytes */
    size_t unchanged; /* ids seen before, same bytes: skipped */
    size_t rejected;  /* documents that could not be built: not indexed */
    size_t removed;   /* deleted when the run ends: no source left */
    size_t carried;   /* rebuilding: stored articles indexed again */
    size_t rebuild_lost; /* rebuilding: stored originals that no longer parse */
    bool rebuilt_other_layout; /* rebuilding because the layout differed */
    size_t files_unchanged; /* files not read: same size and mtime as stored */
    size_t pruned;        /* articles removed by the prune: no source left */
    size_t pruned_files;  /* gone files whose sources the prune removed */
    size_t prune_refused; /* articles a refused prune would have removed (0: not refused) */
    size_t deleted;       /* articles removed by na_indexer_delete() */
    /* When the indexer opened: articles not indexed with the current
     * settings (see the refresh option), and what changed since the last
     * run ("alias tables, model"; "" when not known). */
    size_t out_of_date;
    char out_of_date_why[64];
    size_t refreshed;     /* articles the refresh option reindexed */
    size_t batches;   /* partial databases a first build or rebuild merged */
    size_t moved;     /* time shards: copies removed from a shard the article left (shards.h) */
} na_index_counts_t;

/* Where an article was read; the strings are borrowed for the call. */
typedef struct {
    const char *source; /* "PATH", "PATH#N" or "stdin" (record.h); NULL: none */
    const char *where;  /* "FILE:LINE" for messages about the article */
} na_index_source_t;

/* Opens (creating if needed) the database, removing what an interrupted
 * rebuild left beside it.  When the archive has another layout (or the
 * rebuild option is set) the stored articles are indexed again into a
 * new database first (see above; na_indexer_rebuilding() then says so).
 * NA_ERR_LOCKED when another process writes to it (after waiting up to
 * lock_wait seconds for it to finish, or until the stop flag is set);
 * NA_ERR_INVALID, with
 * a message that says to rebuild, for an archive of another layout too
 * large to rebuild unasked (nothing is written); NA_ERR_DATABASE
 * otherwise. */
na_status_t na_indexer_open(const na_indexer_options_t *opts, na_indexer_t **out, na_error_t *err);

/* The id A is indexed under: its own, or "d-" and a digest of its raw
 * bytes when it has none.  Caller owns; free with free(). */
char *na_index_article_id(const na_article_t *a);

/* Names the input the next articles come from (copied), for the reject
 * callback; NULL for none. */
void na_indexer_set_input(na_indexer_t *ix, const char *path);

/* Takes ownership of ARTICLE and indexes it as read at SRC (may be
 * NULL).  An id met before in this run with the same bytes only gains
 * SRC's source; with other bytes the article is not indexed and *DUP_OF
 * (may be NULL) is set to the first one's SRC->where (borrowed until
 * close), for the caller to report; otherwise *DUP_OF is NULL.  The
 * article may be held back until the compression dictionary is trained,
 * so a database error can surface on a later call or at commit.  Errors
 * are database errors: the run should stop (what was committed stays). */
na_status_t na_indexer_add(na_indexer_t *ix, na_article_t *article, const na_index_source_t *src,
                           const char **dup_of, na_error_t *err);

/* Says that the file at the canonical PATH was read whole in this run
 * (every article it holds was given to na_indexer_add()), so that its
 * sources are settled when the run ends.  Not for a file that could not
 * be read or parsed as a whole, nor for an interrupted one. */
void na_indexer_file_done(na_indexer_t *ix, const char *path);

/* Fast no-change runs: whether the file at the canonical PATH has the
 * SIZE and MTIME_NS (nanoseconds since the epoch) stored when this
 * database last read it, compared for equality (a file restored with an
 * older mtime is read again).  Sets *UNCHANGED; always false with the
 * force option.  Either way PATH counts as present in this run (for the
 * prune) and, when *UNCHANGED, in counts.files_unchanged: the caller
 * should then not open it, and its articles keep their sources.  Errors
 * are database errors. */
na_status_t na_indexer_file_check(na_indexer_t *ix, const char *path, size_t size, long long mtime_ns,
                                  bool *unchanged, na_error_t *err);

/* Says that PATH, given to na_indexer_file_check() in this run, was read
 * (whether or not its records were accepted: its diagnostics need not be
 * repeated while it stays the same), so that its size and mtime are
 * stored when the run ends.  Not for a file that could not be read, nor
 * after a database error or an interruption while reading it. */
void na_indexer_file_read(na_indexer_t *ix, const char *path);

/* Says that ROOT (a canonical path: a folder or a file) was walked
 * completely in this run, so that with the prune option the files stored
 * under it and not met in the run are gone.  Nothing outside such roots
 * is ever pruned, nor are articles from standard input. */
void na_indexer_prune_root(na_indexer_t *ix, const char *root);

/* Whether PATH is ROOTS[i] or lies under it, for some i (the roots as
 * given to na_indexer_prune_root()); shards.c asks it of the roots it
 * keeps for the whole archive. */
bool na_index_under_roots(const na_strlist_t *roots, const char *path);

/* Time shards (shards.h), where prune_max weighs the whole archive:
 * works out, without changing anything, how many articles the prune
 * would remove from this database with the files and roots given so far,
 * into *DELETES (0 without the prune option).  Errors are database
 * errors. */
na_status_t na_indexer_prune_plan(na_indexer_t *ix, size_t *deletes, na_error_t *err);

/* Decides the prune for the caller: with APPLY it runs whatever it
 * removes, without, it is refused (counts.prune_refused set to what it
 * would remove, nothing changes); prune_max and prune_force are then not
 * looked at. */
void na_indexer_prune_verdict(na_indexer_t *ix, bool apply);

/* Removes the article ID whatever its sources (a takedown), setting
 * *FOUND (false: there is none, nothing changes).  Its files are not read
 * again while they stay unchanged.  Errors are database errors. */
na_status_t na_indexer_delete(na_indexer_t *ix, const char *id, bool *found, na_error_t *err);

/* Writes the batch held in memory out when it costs more than MAX bytes,
 * so that an indexer left idle while others work (time shards) gives its
 * memory back: a first build or a rebuild ends its partial database, an
 * ordinary run commits (not a first build promised one commit).
 * Errors are database errors. */
na_status_t na_indexer_trim(na_indexer_t *ix, size_t max, na_error_t *err);

/* The memory, in bytes, the indexer holds beyond the process's own: its
 * batch not yet written out and the ids seen in the run.  Exact only
 * after na_indexer_trim() (the writer thread is then idle). */
size_t na_indexer_held(const na_indexer_t *ix);

/* Writes everything added so far and commits it. */
na_status_t na_indexer_commit(na_indexer_t *ix, na_error_t *err);

/* Writes everything added, settles the sources (see above) and commits;
 * the counts are then final.  Close does it when it was not done. */
na_status_t na_indexer_finish(na_indexer_t *ix, na_error_t *err);

/* True when this run rebuilds the archive (a first build does not). */
bool na_indexer_rebuilding(const na_indexer_t *ix);

/* Makes close leave the live database as it was when rebuilding (for an
 * interrupted run); a run that is not rebuilding, a first build included,
 * still commits.  NULL is ignored. */
void na_indexer_cancel(na_indexer_t *ix);

/* Settles the sources (see above), commits and closes; a rebuilt
 * database then takes the live one's place (NA_ERR_IO when it cannot be
 * moved there: the live one stays).  NULL is ignored. */
na_status_t na_indexer_close(na_indexer_t *ix, na_error_t *err);

const na_index_counts_t *na_indexer_counts(const na_indexer_t *ix);

typedef struct {
    size_t articles;
    size_t raw_bytes;    /* original article bytes */
    size_t stored_bytes; /* their compressed blobs */
    size_t db_bytes;     /* files of the database directory */
} na_index_stats_t;

/* The digests of what decides a document besides its article (alias
 * tables, gazetteer, model, extraction modes, layout), read from their
 * files once for any number of databases. */
typedef struct na_index_settings na_index_settings_t;

/* Digests the settings of OPTS.  Caller owns; free with
 * na_index_settings_free(). */
na_index_settings_t *na_index_settings_new(const na_indexer_options_t *opts);
/* Frees SET; NULL is ignored. */
void na_index_settings_free(na_index_settings_t *set);

/* Time shards: counts into *COUNT the articles of DB (read-only, not
 * written by an indexer of this run) not indexed with the settings SET,
 * and writes what changed into WHY (WHY_SIZE bytes; as
 * counts.out_of_date_why).  Errors are database errors. */
na_status_t na_index_out_of_date(const na_index_settings_t *set, na_xdb_t *db, size_t *count, char *why,
                                 size_t why_size, na_error_t *err);

/* Reads the figures of the database at PATH by visiting every document. */
na_status_t na_index_stats(const char *path, na_index_stats_t *out, na_error_t *err);

#endif
