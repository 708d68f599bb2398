/* docbuild.h - one article to one Xapian document, with no database in
 * sight: free text with positions, exact boolean terms, values for
 * sorting and facets, and the metadata plus the compressed original as
 * the document data (see lib/schema.h and lib/record.h).
 *
 * A builder is used by one thread at a time; the indexer runs it on a
 * worker thread while the main thread writes finished documents. */
#ifndef NA_INDEX_DOCBUILD_H
#define NA_INDEX_DOCBUILD_H

#include "article.h"
#include "config.h"
#include "display.h"
#include "extract.h"
#include "normalise.h"
#include "schema.h"
#include "store.h"
#include "xapian-c.h"

typedef struct na_docbuild na_docbuild_t;

/* CFG and EXTRACTOR (NULL: no extraction) are borrowed and must outlive
 * the builder; MODES says per kind when extraction adds to what the
 * source supplied (copied).  NA_ERR_INVALID when the configured language
 * has no stemmer. */
na_status_t na_docbuild_new(const na_config_t *cfg, const na_extractor_t *extractor,
                            const na_extract_mode_t modes[NA_EXTRACT_KINDS], na_docbuild_t **out,
                            na_error_t *err);
void na_docbuild_free(na_docbuild_t *b);

/* Sets the compression dictionary (borrowed; NULL for none) for the
 * documents built from now on. */
void na_docbuild_set_dict(na_docbuild_t *b, const na_zdict_t *dict);

/* Builds the document of A (already normalised, valid UTF-8) under ID,
 * with what extraction finds in it merged into its people, places and
 * organisations (and kept apart in the metadata's "extracted" object, the
 * dateline it read in "dateline" when the source gave none), recording
 * HASH (16 hex digits) to spot unchanged articles later and SOURCES
 * (record.h; borrowed for the call) as the "sources" array and one XFILE
 * term per file.
 * *DOC is the caller's (free with na_xdoc_free). */
na_status_t na_docbuild_run(na_docbuild_t *b, const na_article_t *a, const char *id, const char *hash,
                            const na_strlist_t *sources, na_xdoc_t **doc, na_error_t *err);

/* The spellings of the folded keys the documents built so far stored
 * (display.h), for the indexer to merge into the database at commit.
 * Borrowed: valid while B lives; use it only while no na_docbuild_run()
 * on B is under way. */
na_display_t *na_docbuild_display(na_docbuild_t *b);

/* Preparing an article for na_docbuild_run(), on the indexer's thread.
 * Makes every text field of A valid UTF-8 (in place), whatever the
 * parser left: before its id and hash are taken. */
void na_docbuild_sanitize(na_article_t *a);

/* Replaces A's people, places, organisations, topics and source by their
 * canonical names through NORM (borrowed), dropping empty values and
 * duplicates, in place. */
void na_docbuild_normalise(const na_normaliser_t *norm, na_article_t *a);

#endif
