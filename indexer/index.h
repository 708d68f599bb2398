/* index.h - turning articles into documents of a writable database.
 *
 * One indexer owns the writable database for the whole run (Xapian's own
 * lock keeps other writers out).  Each article becomes one document whose
 * terms, values and data (metadata plus the compressed original) are
 * added in one replace_document call, so any commit holds whole articles
 * only.  Commits happen every commit_every articles and on close.
 */
#ifndef NA_INDEX_INDEX_H
#define NA_INDEX_INDEX_H

#include <stdbool.h>
#include <stddef.h>

#include "article.h"
#include "config.h"
#include "extract.h"
#include "normalise.h"
#include "status.h"

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
} na_indexer_options_t;

typedef struct {
    size_t added;     /* new ids */
    size_t replaced;  /* ids seen before, with changed bytes */
    size_t unchanged; /* ids seen before, same bytes: skipped */
    size_t rejected;  /* documents that could not be built: not indexed */
} na_index_counts_t;

/* Opens (creating if needed) the database.  NA_ERR_LOCKED when another
 * process writes to it; NA_ERR_DATABASE otherwise. */
na_status_t na_indexer_open(const na_indexer_options_t *opts, na_indexer_t **out, na_error_t *err);

/* Names the input the next articles come from (copied), for the reject
 * callback; NULL for none. */
void na_indexer_set_input(na_indexer_t *ix, const char *path);

/* Takes ownership of ARTICLE and indexes it.  DEFAULT_ID is used when the
 * article has no id of its own.  The article may be held back until the
 * compression dictionary is trained, so a database error can surface on
 * a later call or at commit.  Errors are database errors: the run should
 * stop (what was committed stays).  An article whose document cannot be
 * built is not an error: it goes to the reject callback. */
na_status_t na_indexer_add(na_indexer_t *ix, na_article_t *article, const char *default_id,
                           na_error_t *err);

/* Writes everything added so far and commits it. */
na_status_t na_indexer_commit(na_indexer_t *ix, na_error_t *err);

/* Commits and closes; NULL is ignored. */
na_status_t na_indexer_close(na_indexer_t *ix, na_error_t *err);

const na_index_counts_t *na_indexer_counts(const na_indexer_t *ix);

typedef struct {
    size_t articles;
    size_t raw_bytes;    /* original article bytes */
    size_t stored_bytes; /* their compressed blobs */
    size_t db_bytes;     /* files of the database directory */
} na_index_stats_t;

/* Reads the figures of the database at PATH by visiting every document. */
na_status_t na_index_stats(const char *path, na_index_stats_t *out, na_error_t *err);

#endif
