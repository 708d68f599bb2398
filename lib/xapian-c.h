/* xapian-c.h - the C binding over libxapian: opaque handles, status codes.
 *
 * The only C++ in newsarc is xapian-c.cc, which implements this header.
 * Every exported function catches Xapian::Error, std::bad_alloc and any
 * other exception and turns it into an na_status_t plus a message in the
 * na_error_t (which may be NULL); no exception ever crosses into C.
 *
 * Memory: handles returned through an out parameter are owned by the
 * caller and freed with the matching _free or _close function, all of which
 * accept NULL.  Strings returned through char ** are malloc()ed copies the
 * caller frees with free().  Pointers passed in are borrowed for the call
 * only unless a function says otherwise.
 *
 * Status codes used here: NA_OK; NA_ERR_NOT_FOUND (no such database, term,
 * document or metadata key); NA_ERR_LOCKED (another writer holds the
 * database); NA_ERR_QUERY (the query string does not parse); NA_ERR_CORRUPT
 * (Xapian reports corruption); NA_ERR_DATABASE (any other Xapian error);
 * NA_ERR_NOMEM; NA_ERR_INTERNAL (an exception of unknown type).
 */
#ifndef NA_XAPIAN_C_H
#define NA_XAPIAN_C_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned na_docid_t;
typedef unsigned na_slot_t;

typedef struct na_xdb na_xdb_t;         /* read-only, one or more shards */
typedef struct na_xwdb na_xwdb_t;       /* writable, one local database */
typedef struct na_xdoc na_xdoc_t;       /* a document being built */
typedef struct na_xindexer na_xindexer_t; /* free text -> terms with positions */
typedef struct na_xqp na_xqp_t;         /* query parser */
typedef struct na_xquery na_xquery_t;   /* an immutable query */
typedef struct na_xenquire na_xenquire_t;
typedef struct na_xmset na_xmset_t;

/* Xapian's version string, e.g. "1.4.22" (static). */
const char *na_x_version(void);

/* Returns a malloc()ed copy of the LEN bytes of UTF-8 at S, lower-cased
 * with Xapian's Unicode tables.  Invalid sequences are kept as they are. */
char *na_x_utf8_lower(const char *s, size_t len);

/* ---- writable database ---- */

/* Opens the database at PATH for writing, creating it (and its directory)
 * when CREATE is true.  NA_ERR_LOCKED when another process writes to it;
 * NA_ERR_NOT_FOUND when it does not exist and CREATE is false. */
na_status_t na_xwdb_open(const char *path, bool create, na_xwdb_t **out, na_error_t *err);
/* Commits pending changes and closes; NULL is ignored.  A failed final
 * commit is reported through ERR (may be NULL). */
na_status_t na_xwdb_close(na_xwdb_t *db, na_error_t *err);
/* Makes every change since the last commit durable, atomically. */
na_status_t na_xwdb_commit(na_xwdb_t *db, na_error_t *err);
/* Adds DOC, replacing any document indexed by UNIQUE_TERM. DOC stays
 * owned by the caller and may be freed or reused afterwards. */
na_status_t na_xwdb_replace(na_xwdb_t *db, const char *unique_term, const na_xdoc_t *doc, na_error_t *err);
/* Deletes the documents indexed by UNIQUE_TERM (none is not an error). */
na_status_t na_xwdb_delete(na_xwdb_t *db, const char *unique_term, na_error_t *err);
/* Finds the first document indexed by TERM; NA_ERR_NOT_FOUND if none. */
na_status_t na_xwdb_find(na_xwdb_t *db, const char *term, na_docid_t *docid, na_error_t *err);
/* Copies the value in SLOT of document DOCID to *OUT (caller frees; an
 * empty value gives "" with *LEN 0). */
na_status_t na_xwdb_get_value(na_xwdb_t *db, na_docid_t docid, na_slot_t slot, char **out, size_t *len, na_error_t *err);
/* Metadata: a missing key reads as NA_ERR_NOT_FOUND; LEN 0 deletes. */
na_status_t na_xwdb_get_metadata(na_xwdb_t *db, const char *key, char **out, size_t *len, na_error_t *err);
na_status_t na_xwdb_set_metadata(na_xwdb_t *db, const char *key, const void *value, size_t len, na_error_t *err);
unsigned na_xwdb_doccount(na_xwdb_t *db);

/* ---- read-only database ---- */

/* Opens COUNT databases and searches them as one.  Each spec is a path to
 * a database directory or stub file, or "tcp:HOST:PORT" for a database
 * served by xapian-tcpsrv. */
na_status_t na_xdb_open(const char *const *specs, size_t count, na_xdb_t **out, na_error_t *err);
void na_xdb_close(na_xdb_t *db);
/* Reloads to the latest committed revision. */
na_status_t na_xdb_reopen(na_xdb_t *db, na_error_t *err);
unsigned na_xdb_doccount(na_xdb_t *db);
na_status_t na_xdb_find(na_xdb_t *db, const char *term, na_docid_t *docid, na_error_t *err);
na_status_t na_xdb_get_data(na_xdb_t *db, na_docid_t docid, char **out, size_t *len, na_error_t *err);
na_status_t na_xdb_get_value(na_xdb_t *db, na_docid_t docid, na_slot_t slot, char **out, size_t *len, na_error_t *err);
/* With several shards, the first shard that has KEY answers. */
na_status_t na_xdb_get_metadata(na_xdb_t *db, const char *key, char **out, size_t *len, na_error_t *err);
/* Calls FN for every term starting with PREFIX and its document
 * frequency, in term order; stops early when FN returns false. */
na_status_t na_xdb_each_term(na_xdb_t *db, const char *prefix,
                             bool (*fn)(const char *term, size_t len, unsigned freq, void *ud),
                             void *ud, na_error_t *err);

/* ---- documents ---- */

na_xdoc_t *na_xdoc_new(void);
void na_xdoc_free(na_xdoc_t *doc);
/* Empties DOC so that it can be reused for the next article. */
void na_xdoc_clear(na_xdoc_t *doc);
void na_xdoc_set_data(na_xdoc_t *doc, const void *data, size_t len);
/* A term with no position and wdf 0 (an exact filter term). */
void na_xdoc_add_boolean_term(na_xdoc_t *doc, const char *term);
void na_xdoc_add_value(na_xdoc_t *doc, na_slot_t slot, const void *value, size_t len);

/* ---- free-text indexing ----
 * Produces the terms Xapian's TermGenerator with STEM_SOME would produce,
 * so that Xapian's QueryParser, quest and omega find them: each word
 * lower-cased with its position ("Zword" stems without positions), a
 * prefix applied to both.  Stems are cached across documents, which is
 * where TermGenerator spends much of its time. */

/* LANGUAGE is a Snowball name or ISO code ("english", "en"), or "none" for
 * no stemming.  NA_ERR_INVALID for an unknown language. */
na_status_t na_xindexer_new(const char *language, na_xindexer_t **out, na_error_t *err);
void na_xindexer_free(na_xindexer_t *ix);
/* Words in STOPWORDS get no stemmed term (they still get their positional
 * term, so phrases with them match), as TermGenerator's STOP_STEMMED. */
void na_xindexer_set_stopwords(na_xindexer_t *ix, const char *const *words, size_t count);
/* Starts a new document: positions restart at 1. */
void na_xindexer_begin(na_xindexer_t *ix, na_xdoc_t *doc);
/* Indexes LEN bytes of UTF-8 TEXT into the current document, each term
 * with PREFIX ("" for none) and WDF_INC added to its wdf. */
void na_xindexer_index(na_xindexer_t *ix, const char *text, size_t len, const char *prefix, unsigned wdf_inc);
/* Leaves a gap of 100 positions so phrases do not span fields. */
void na_xindexer_gap(na_xindexer_t *ix);
/* Lets go of the current document, so that another thread may take it. */
void na_xindexer_end(na_xindexer_t *ix);

/* ---- queries ---- */

enum na_xquery_op { NA_XQ_AND, NA_XQ_OR, NA_XQ_AND_NOT, NA_XQ_FILTER };

na_xquery_t *na_xquery_match_all(void);
na_xquery_t *na_xquery_match_nothing(void);
na_xquery_t *na_xquery_term(const char *term);
/* Matches documents whose value in SLOT lies in [LO, HI] by byte order;
 * a NULL bound is open. */
na_xquery_t *na_xquery_value_range(na_slot_t slot, const char *lo, const char *hi);
/* Combines A and B; takes ownership of both (either may be NULL: the
 * other is returned). */
na_xquery_t *na_xquery_combine(enum na_xquery_op op, na_xquery_t *a, na_xquery_t *b);
na_xquery_t *na_xquery_copy(const na_xquery_t *q);
void na_xquery_free(na_xquery_t *q);
/* Xapian's description of Q, for debugging (caller frees). */
char *na_xquery_describe(const na_xquery_t *q);

/* A field handler turns the text after "field:" into a query.  It returns
 * NA_OK and a query the parser takes ownership of, or an error whose
 * message becomes the query error. */
typedef na_status_t (*na_xfield_fn)(void *ud, const char *value, na_xquery_t **out, na_error_t *err);

/* DB gives the parser term frequencies for wildcards; it is borrowed and
 * must outlive the parser.  LANGUAGE as for na_xindexer_new. */
na_status_t na_xqp_new(na_xdb_t *db, const char *language, na_xqp_t **out, na_error_t *err);
void na_xqp_free(na_xqp_t *qp);
void na_xqp_set_stopwords(na_xqp_t *qp, const char *const *words, size_t count);
/* FIELD: searches free text indexed with PREFIX. */
void na_xqp_add_prefix(na_xqp_t *qp, const char *field, const char *prefix);
/* FIELD: is a boolean filter whose value FN turns into a query; UD is
 * borrowed and must outlive the parser. */
void na_xqp_add_field(na_xqp_t *qp, const char *field, na_xfield_fn fn, void *ud);
/* Parses QUERY with AND as the default operator, phrases, boolean
 * operators, love/hate, wildcards and pure NOT.  An empty or all-blank
 * QUERY gives a query that matches every document.  NA_ERR_QUERY with
 * Xapian's message on a syntax error. */
na_status_t na_xqp_parse(na_xqp_t *qp, const char *query, na_xquery_t **out, na_error_t *err);

/* ---- searching ---- */

typedef struct {
    char *value; /* owned by the array; see na_xfacet_free */
    unsigned count;
} na_xfacet_count_t;

na_status_t na_xenquire_new(na_xdb_t *db, na_xenquire_t **out, na_error_t *err);
void na_xenquire_free(na_xenquire_t *enq);
/* Copies Q (queries are reference counted inside). */
void na_xenquire_set_query(na_xenquire_t *enq, const na_xquery_t *q);
/* SLOT < 0: by relevance.  Otherwise by the value in SLOT, newest first
 * when DESCENDING, ties broken by relevance. */
void na_xenquire_set_sort(na_xenquire_t *enq, int slot, bool descending);
/* Counts the values in SLOTS among all matches, summing over the slots:
 * a multi-valued field keeps value i of a document in slot base+i, so the
 * stock ValueCountMatchSpy (which xapian-tcpsrv knows) counts each value
 * once per document.  Returns the facet's index for na_xenquire_facet. */
int na_xenquire_add_facet(na_xenquire_t *enq, const na_slot_t *slots, size_t count);
/* Runs the search.  With EXACT, every match is visited so that the total
 * and the facet counts are exact. */
na_status_t na_xenquire_run(na_xenquire_t *enq, unsigned offset, unsigned limit, bool exact,
                            na_xmset_t **out, na_error_t *err);
/* The counts of facet INDEX after the last run, most frequent first, ties
 * by value; at most MAX entries (0: all).  Free with na_xfacet_free. */
na_status_t na_xenquire_facet(na_xenquire_t *enq, int index, size_t max,
                              na_xfacet_count_t **out, size_t *count, na_error_t *err);
void na_xfacet_free(na_xfacet_count_t *counts, size_t count);

void na_xmset_free(na_xmset_t *mset);
/* The number of matches: exact when the search ran with EXACT. */
unsigned na_xmset_total(const na_xmset_t *mset);
size_t na_xmset_size(const na_xmset_t *mset);
na_docid_t na_xmset_docid(const na_xmset_t *mset, size_t i);
double na_xmset_weight(const na_xmset_t *mset, size_t i);
unsigned na_xmset_rank(const na_xmset_t *mset, size_t i);
na_status_t na_xmset_data(const na_xmset_t *mset, size_t i, char **out, size_t *len, na_error_t *err);
na_status_t na_xmset_value(const na_xmset_t *mset, size_t i, na_slot_t slot, char **out, size_t *len, na_error_t *err);
/* Xapian's snippet of TEXT for the query: about LENGTH bytes, matched
 * terms wrapped in HL_START/HL_END, OMIT where text was cut. */
na_status_t na_xmset_snippet(const na_xmset_t *mset, const char *text, size_t len, size_t length,
                             const char *language, const char *hl_start, const char *hl_end,
                             const char *omit, char **out, na_error_t *err);

#ifdef __cplusplus
}
#endif

#endif
