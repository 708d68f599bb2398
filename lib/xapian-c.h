/* xapian-c.h - the C binding over libxapian: opaque handles, status codes.
 *
 * The only C++ in newsarc is xapian-c.cc, which implements this header.
 * Every exported function catches Xapian::Error, std::bad_alloc and any
 * other exception and turns it into an na_status_t plus a message in the
 * na_error_t (which may be NULL); no exception ever crosses into C.
 * Functions without a status have no error to report except running out
 * of memory, on which they abort as util.h's allocators do; getters that
 * meet a Xapian error there (say, a remote shard gone) return 0.
 *
 * Memory: handles returned through an out parameter are owned by the
 * caller and freed with the matching _free or _close function, all of which
 * accept NULL.  Strings returned through char ** are malloc()ed copies the
 * caller frees with free().  Pointers passed in are borrowed for the call
 * only unless a function says otherwise.
 *
 * Threads: a handle, and every handle made from it (a database's parsers,
 * enquires, result sets), is used by one thread at a time, since Xapian's
 * reference counts are not atomic.  Handles that share nothing may be used
 * by several threads at once: the binding keeps no Xapian object of its
 * own that two of them could both touch.
 *
 * Status codes used here: NA_OK; NA_ERR_NOT_FOUND (no such database, term,
 * document or metadata key); NA_ERR_LOCKED (another writer holds the
 * database); NA_ERR_QUERY (the query string does not parse, or a field
 * handler rejected its value); NA_ERR_CORRUPT (Xapian reports corruption);
 * NA_ERR_INVALID (an unknown language, a malformed database spec, an empty
 * metadata key, an index out of range); NA_ERR_DATABASE (any other Xapian
 * error, including network errors from remote shards; the message starts
 * with Xapian's error type, except for a full disk or quota, whose message
 * is na_strerror()'s alone: "no space left on device"); NA_ERR_NOMEM; NA_ERR_INTERNAL (an exception of
 * unknown type).
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

/* Whether LANGUAGE names a stemmer Xapian has ("english", "en") or is
 * "none" or empty (no stemming): what a configuration may say. */
bool na_x_language_known(const char *language);

/* Returns a malloc()ed copy of the LEN bytes of UTF-8 at S, lower-cased
 * with Xapian's Unicode tables (caller frees; never NULL).  Bytes that are
 * not valid UTF-8 are copied as they are. */
char *na_x_utf8_lower(const char *s, size_t len);

/* ---- writable database ---- */

/* Flags of na_xwdb_open; 0 opens an existing database.  NA_XWDB_CREATE
 * is 1, so a bool "create" passed by older callers means the same. */
enum {
    NA_XWDB_CREATE = 1u << 0,    /* create it (and its directory, not missing parents) as glass */
    NA_XWDB_WAIT_LOCK = 1u << 1  /* block until another writer lets go (no time limit: Xapian's
                                  * DB_RETRY_LOCK; the indexer polls instead, to bound the wait) */
};
/* Opens the database at PATH for writing as FLAGS say.  NA_ERR_LOCKED
 * when another writer, in this process or another, has it open (never
 * with NA_XWDB_WAIT_LOCK); NA_ERR_NOT_FOUND when it does not exist and
 * NA_XWDB_CREATE is not set. */
na_status_t na_xwdb_open(const char *path, unsigned flags, na_xwdb_t **out, na_error_t *err);
/* Commits pending changes and closes; NULL is ignored.  A failed final
 * commit is reported through ERR (may be NULL). */
na_status_t na_xwdb_close(na_xwdb_t *db, na_error_t *err);
/* Makes every change since the last commit durable, atomically. */
na_status_t na_xwdb_commit(na_xwdb_t *db, na_error_t *err);
/* Adds DOC, replacing any document indexed by UNIQUE_TERM. DOC stays
 * owned by the caller and may be freed or reused afterwards. */
na_status_t na_xwdb_replace(na_xwdb_t *db, const char *unique_term, const na_xdoc_t *doc, na_error_t *err);
/* Adds DOC as a new document, without looking for one to replace: for a
 * database known to hold none of the run's ids.  DOC stays the caller's. */
na_status_t na_xwdb_add(na_xwdb_t *db, const na_xdoc_t *doc, na_error_t *err);
/* Merges the COUNT local databases at PATHS, in order (documents
 * renumbered one after the other, metadata of all of them), into a new
 * compacted glass database at OUT, as xapian-compact does.  The sources
 * must not be open for writing.  NA_ERR_DATABASE on failure (OUT may
 * then hold part of a database: the caller removes it). */
na_status_t na_x_compact(const char *const *paths, size_t count, const char *out, na_error_t *err);
/* Deletes the documents indexed by UNIQUE_TERM (none is not an error). */
na_status_t na_xwdb_delete(na_xwdb_t *db, const char *unique_term, na_error_t *err);
/* Finds the first document indexed by TERM; NA_ERR_NOT_FOUND if none. */
na_status_t na_xwdb_find(na_xwdb_t *db, const char *term, na_docid_t *docid, na_error_t *err);
/* Copies the value in SLOT of document DOCID to *OUT (caller frees; an
 * empty value gives "" with *LEN 0). */
na_status_t na_xwdb_get_value(na_xwdb_t *db, na_docid_t docid, na_slot_t slot, char **out, size_t *len, na_error_t *err);
/* Copies the data of document DOCID to *OUT (caller frees).
 * NA_ERR_NOT_FOUND when there is no such document. */
na_status_t na_xwdb_get_data(na_xwdb_t *db, na_docid_t docid, char **out, size_t *len, na_error_t *err);
/* Both of the above from one fetch of document DOCID: its data to *DATA
 * and the value in SLOT to *VALUE (caller frees both; both NULL on
 * failure).  NA_ERR_NOT_FOUND when there is no such document. */
na_status_t na_xwdb_get_data_value(na_xwdb_t *db, na_docid_t docid, na_slot_t slot, char **data, size_t *data_len,
                                   char **value, size_t *value_len, na_error_t *err);
/* Sets *OUT to the documents indexed by TERM, in docid order, and *COUNT
 * to their number (caller frees *OUT, also when *COUNT is 0). */
na_status_t na_xwdb_postings(na_xwdb_t *db, const char *term, na_docid_t **out, size_t *count, na_error_t *err);
/* Calls FN for every term starting with PREFIX and its document
 * frequency, in term order, as they were when the call began (FN may
 * change the database); stops early when FN returns false. */
na_status_t na_xwdb_each_term(na_xwdb_t *db, const char *prefix,
                              bool (*fn)(const char *term, size_t len, unsigned freq, void *ud), void *ud,
                              na_error_t *err);
/* Calls FN for every metadata key starting with PREFIX and its value (LEN
 * bytes, not NUL-terminated), in key order, as they were when the call
 * began (FN may change the database); stops early when FN returns false.
 * KEY and VALUE are borrowed for the call. */
na_status_t na_xwdb_each_metadata(na_xwdb_t *db, const char *prefix,
                                  bool (*fn)(const char *key, const char *value, size_t len, void *ud), void *ud,
                                  na_error_t *err);
/* Rewrites document DOCID in place: removes its terms that start with
 * DROP_PREFIX (NULL or "": none), adds the COUNT boolean TERMS (empty
 * ones and ones over 245 bytes are dropped) and sets its data to the LEN
 * bytes at DATA; other terms and values stay.  NA_ERR_NOT_FOUND when
 * there is no such document. */
na_status_t na_xwdb_update(na_xwdb_t *db, na_docid_t docid, const char *drop_prefix, const char *const *terms,
                           size_t count, const void *data, size_t len, na_error_t *err);
/* Deletes document DOCID (NA_ERR_NOT_FOUND when there is none). */
na_status_t na_xwdb_delete_docid(na_xwdb_t *db, na_docid_t docid, na_error_t *err);
/* Metadata: a missing key reads as NA_ERR_NOT_FOUND (Xapian does not
 * tell an empty value from a missing one); LEN 0 deletes.  An empty KEY is
 * NA_ERR_INVALID.  *OUT as for na_xwdb_get_value. */
na_status_t na_xwdb_get_metadata(na_xwdb_t *db, const char *key, char **out, size_t *len, na_error_t *err);
na_status_t na_xwdb_set_metadata(na_xwdb_t *db, const char *key, const void *value, size_t len, na_error_t *err);
unsigned na_xwdb_doccount(na_xwdb_t *db);

/* ---- read-only database ---- */

/* Opens COUNT (at least one) databases and searches them as one.  Each
 * spec is a path to a database directory or stub file, or "tcp:HOST:PORT"
 * for a database served by xapian-tcpsrv.  NA_ERR_INVALID for COUNT 0 or
 * a malformed tcp: spec; NA_ERR_NOT_FOUND when a path holds no database;
 * NA_ERR_DATABASE when a server cannot be reached. */
na_status_t na_xdb_open(const char *const *specs, size_t count, na_xdb_t **out, na_error_t *err);
/* How long remote shards may take, in milliseconds; 0: Xapian's default
 * (10,000).  Xapian's stub files carry no timeouts, hence this. */
typedef struct {
    unsigned timeout_ms;         /* each call, once connected */
    unsigned connect_timeout_ms; /* connecting */
} na_xdb_remote_t;
/* As na_xdb_open(), tcp: specs opened with REMOTE's timeouts (may be
 * NULL), which na_xdb_reopen() keeps. */
na_status_t na_xdb_open_with(const char *const *specs, size_t count, const na_xdb_remote_t *remote, na_xdb_t **out,
                             na_error_t *err);
/* Searches the COUNT (at least one) open handles PARTS as one, in order:
 * a new handle sharing their connections (nothing is opened again).
 * PARTS stay the caller's and may be closed before or after *OUT.
 * NA_ERR_INVALID for COUNT 0. */
na_status_t na_xdb_combine(na_xdb_t *const *parts, size_t count, na_xdb_t **out, na_error_t *err);
void na_xdb_close(na_xdb_t *db);
/* Reloads to the latest committed revision.  A path that is a stub
 * directory (a folder holding XAPIANDB, as newsarc-index --rebuild
 * leaves it) whose stub now names another generation is opened anew,
 * which Xapian's own reopen() does not do; a long-running reader calls
 * this when it meets NA_ERR_DATABASE's DatabaseModifiedError and when
 * na_xdb_stub_changed() says so.  Handles made from DB before (result
 * sets) keep the old generation. */
na_status_t na_xdb_reopen(na_xdb_t *db, na_error_t *err);
/* na_xdb_reopen() that also sets *CHANGED (may be NULL) to false when
 * DB definitely still reads the revision it read before (Xapian's
 * reopen() says so), true otherwise (also on failure), for a reader
 * that caches what it read. */
na_status_t na_xdb_refresh(na_xdb_t *db, bool *changed, na_error_t *err);
/* na_xdb_refresh() without reading the stub files, for a caller that has
 * just asked na_xdb_stub_changed() of every handle DB was combined from:
 * only the reopen, so a request costs one stub read, not two. */
na_status_t na_xdb_refresh_revision(na_xdb_t *db, bool *changed, na_error_t *err);
/* Makes DB's enquires, over one local database, sort by a value slot
 * through a table of every document's rank by it, and count facets
 * through a table of every document's value of the slot, each read at
 * its first use in a revision (a value read per document, and a sort or
 * a hash) and kept while the revision lasts: the same order and counts,
 * for less work per match, so worth it for a long-running reader, not
 * for one query.  Remote and several shards read the values themselves. */
void na_xdb_keep_ranks(na_xdb_t *db);
/* True when a stub directory DB was opened through names another
 * generation now (cheap: reads the stub files only). */
bool na_xdb_stub_changed(na_xdb_t *db);
/* If PATH is a stub directory, returns the database directory its stub
 * names (relative names resolved against PATH), malloc()ed (caller
 * frees); NULL otherwise. */
char *na_xdb_stub_target(const char *path);
/* True when every shard of DB is a tcp: spec (a stub file listing
 * remote databases does not count): facets are then counted on the
 * servers alone, exactly also in a run with a page (see
 * na_xenquire_add_facet). */
bool na_xdb_all_remote(na_xdb_t *db);
unsigned na_xdb_doccount(na_xdb_t *db);
na_status_t na_xdb_find(na_xdb_t *db, const char *term, na_docid_t *docid, na_error_t *err);
/* As na_xwdb_postings, over all shards (docids as this handle numbers them). */
na_status_t na_xdb_postings(na_xdb_t *db, const char *term, na_docid_t **out, size_t *count, na_error_t *err);
na_status_t na_xdb_get_data(na_xdb_t *db, na_docid_t docid, char **out, size_t *len, na_error_t *err);
na_status_t na_xdb_get_value(na_xdb_t *db, na_docid_t docid, na_slot_t slot, char **out, size_t *len, na_error_t *err);
/* With several shards, the first shard that has KEY answers. */
na_status_t na_xdb_get_metadata(na_xdb_t *db, const char *key, char **out, size_t *len, na_error_t *err);
/* From now on DB remembers what na_xdb_get_metadata() reads of KEY (its
 * value, or that no shard has it) until na_xdb_reopen(), na_xdb_refresh()
 * or na_xdb_refresh_revision() moves DB to another revision: for a key a
 * long-running reader reads at every request, each read of which is a
 * round trip to a remote shard.  Xapian reads metadata at the revision
 * DB has open, so the answers are the same.  KEY is copied; "" is ignored. */
void na_xdb_keep_metadata(na_xdb_t *db, const char *key);
/* Tells DB that no document holds two terms made of PREFIX and DIGITS
 * decimal digits (an article's one date: Y1987, M198703, D19870309).  From
 * then on, over one local database, an exact run of a query that is an OR
 * of distinct such terms of one prefix, and has no facets, takes its
 * total from their term frequencies instead of visiting every match (the
 * same number), and matches only for the page.  The declaration is the
 * caller's promise: a database that breaks it gets totals too high.
 * PREFIX is copied; "" or 0 digits are ignored.  Kept across reopens. */
void na_xdb_declare_single_term(na_xdb_t *db, const char *prefix, size_t digits);
/* Calls FN for every term starting with PREFIX and its document
 * frequency, in term order; stops early when FN returns false. */
na_status_t na_xdb_each_term(na_xdb_t *db, const char *prefix,
                             bool (*fn)(const char *term, size_t len, unsigned freq, void *ud),
                             void *ud, na_error_t *err);

/* ---- documents ---- */

/* Caller owns the document; free with na_xdoc_free (NULL is ignored). */
na_xdoc_t *na_xdoc_new(void);
void na_xdoc_free(na_xdoc_t *doc);
/* Empties DOC so that it can be reused for the next article. */
void na_xdoc_clear(na_xdoc_t *doc);
void na_xdoc_set_data(na_xdoc_t *doc, const void *data, size_t len);
/* A term with no position and wdf 0 (an exact filter term).  Empty terms
 * and terms over 245 bytes (Xapian's limit) are dropped. */
void na_xdoc_add_boolean_term(na_xdoc_t *doc, const char *term);
void na_xdoc_add_value(na_xdoc_t *doc, na_slot_t slot, const void *value, size_t len);

/* Sets SLOT to the COUNT strings ITEMS as one value: distinct, non-empty
 * ones only, in byte order, each preceded by its length in bytes (7 bits
 * a byte, least significant first, the top bit set on all but the last),
 * so that documents with the same strings have the same value.  Adds no
 * value when no string is left.  Counted by na_xenquire_add_facet() with
 * PACKED. */
void na_xdoc_add_packed_value(na_xdoc_t *doc, na_slot_t slot, const char *const *items, size_t count);

/* ---- free-text indexing ----
 * Produces exactly the terms Xapian's TermGenerator would produce with its
 * default settings, STEM_SOME and a stopper with STOP_STEMMED, so that
 * Xapian's QueryParser, quest and omega find them: each word of at most 64
 * bytes lower-cased with its position, and for words starting with a
 * letter "Z" + prefix + stem without positions (stopwords get no stem).
 * It is faster than TermGenerator: stems are cached across documents (the
 * Snowball stemmer is where TermGenerator spends much of its time) and
 * terms go straight into the document.  When the environment sets
 * XAPIAN_CJK_NGRAM, as TermGenerator then splits CJK text into n-grams,
 * the indexer hands its text to TermGenerator itself. */

/* LANGUAGE is a Snowball name or ISO code ("english", "en"), or "none"
 * (or NULL or "") for no stemming.  NA_ERR_INVALID for an unknown
 * language.  Caller owns *OUT; free with na_xindexer_free (NULL is
 * ignored). */
na_status_t na_xindexer_new(const char *language, na_xindexer_t **out, na_error_t *err);
void na_xindexer_free(na_xindexer_t *ix);
/* Words in STOPWORDS get no stemmed term (they still get their positional
 * term, so phrases with them match), as TermGenerator's STOP_STEMMED.
 * Replaces any earlier list; the words are copied.  Stopwords match the
 * lower-cased word exactly, so give them in lower case. */
void na_xindexer_set_stopwords(na_xindexer_t *ix, const char *const *words, size_t count);
/* Starts a new document: positions restart at 1.  DOC is borrowed until
 * the next na_xindexer_begin or na_xindexer_free; clearing it with
 * na_xdoc_clear needs a new na_xindexer_begin. */
void na_xindexer_begin(na_xindexer_t *ix, na_xdoc_t *doc);
/* Indexes LEN bytes of UTF-8 TEXT into the current document, each term
 * with PREFIX ("" for none) and WDF_INC added to its wdf.  Invalid UTF-8
 * is read as ISO-8859-1, byte by byte, as Xapian does.  Calling it
 * without a current document is a bug (NA_BUG). */
void na_xindexer_index(na_xindexer_t *ix, const char *text, size_t len, const char *prefix, unsigned wdf_inc);
/* Leaves a gap of 100 positions so phrases do not span fields. */
void na_xindexer_gap(na_xindexer_t *ix);
/* Lets go of the current document, so that another thread may take it;
 * the next na_xindexer_index needs a new na_xindexer_begin. */
void na_xindexer_end(na_xindexer_t *ix);

/* ---- queries ---- */

enum na_xquery_op { NA_XQ_AND, NA_XQ_OR, NA_XQ_AND_NOT, NA_XQ_FILTER };

/* Each constructor returns a query the caller owns; free it with
 * na_xquery_free (NULL is ignored). */
na_xquery_t *na_xquery_match_all(void);
na_xquery_t *na_xquery_match_nothing(void);
/* An empty TERM matches every document, as in Xapian. */
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
/* True when every match of Q weighs 0, whatever the database: Q is made
 * of boolean filters (which the query parser scales by 0) and value
 * ranges only.  A sort by relevance then orders its matches by the tie
 * breaker alone.  False when unsure; NULL (every document) is false. */
bool na_xquery_weightless(const na_xquery_t *q);

/* A field handler turns the text after "field:" into a query.  It returns
 * NA_OK and a query the parser takes ownership of, or an error whose
 * message becomes the query error.  VALUE is the whole value: the text up
 * to the next blank or ')' (so a range "2025-05..2025-06" arrives whole),
 * or the text between double quotes for field:"two words".  The parser
 * may call it more than once for the same value (it retries a query that
 * fails to parse with fewer features), so it must not keep state. */
typedef na_status_t (*na_xfield_fn)(void *ud, const char *value, na_xquery_t **out, na_error_t *err);

/* DB (may be NULL) gives the parser term frequencies for wildcards; it is
 * borrowed and must outlive the parser.  LANGUAGE as for na_xindexer_new
 * (NA_ERR_INVALID when unknown).  Caller owns *OUT; free with na_xqp_free
 * (NULL is ignored). */
na_status_t na_xqp_new(na_xdb_t *db, const char *language, na_xqp_t **out, na_error_t *err);
void na_xqp_free(na_xqp_t *qp);
void na_xqp_set_stopwords(na_xqp_t *qp, const char *const *words, size_t count);
/* FIELD: searches free text indexed with PREFIX.  A field registered both
 * here and with na_xqp_add_field is a mistake Xapian refuses; the next
 * na_xqp_parse reports it as NA_ERR_INVALID. */
void na_xqp_add_prefix(na_xqp_t *qp, const char *field, const char *prefix);
/* FIELD: is a boolean filter whose value FN turns into a query; UD is
 * borrowed and must outlive the parser. */
void na_xqp_add_field(na_xqp_t *qp, const char *field, na_xfield_fn fn, void *ud);
/* Parses QUERY with AND as the default operator, phrases, boolean
 * operators (in any case), love/hate, wildcards and pure NOT, stemming
 * words as na_xindexer_index does.  An empty, NULL or all-blank QUERY
 * gives a query that matches every document.  NA_ERR_QUERY with Xapian's
 * message on a syntax error, or a field handler's message.  Caller owns
 * *OUT. */
na_status_t na_xqp_parse(na_xqp_t *qp, const char *query, na_xquery_t **out, na_error_t *err);
/* Replaces each wildcard Q holds (as na_xqp_parse leaves them) with an OR
 * of the terms of DB that start with its pattern, so that a database and
 * any split of it into shards run the same query (Xapian 1.4 would expand
 * it shard by shard, each with its own statistics).  No matching term:
 * the wildcard matches nothing, as Xapian's does.  NA_ERR_QUERY, Q
 * unchanged, when one matches more than MAX terms (0: no limit); the
 * binding's statuses on a database failure. */
na_status_t na_xquery_expand_wildcards(na_xquery_t *q, na_xdb_t *db, unsigned max, na_error_t *err);

/* ---- searching ---- */

typedef struct {
    char *value; /* owned by the array; see na_xfacet_free */
    unsigned count;
} na_xfacet_count_t;

/* DB is borrowed and must outlive the enquire.  Caller owns *OUT; free
 * with na_xenquire_free (NULL is ignored).  Without a query, every
 * document matches. */
na_status_t na_xenquire_new(na_xdb_t *db, na_xenquire_t **out, na_error_t *err);
void na_xenquire_free(na_xenquire_t *enq);
/* Copies Q (queries are reference counted inside); NULL matches all. */
void na_xenquire_set_query(na_xenquire_t *enq, const na_xquery_t *q);
/* SLOT < 0: by relevance.  Otherwise by the value in SLOT, newest first
 * when DESCENDING, ties broken by relevance. */
void na_xenquire_set_sort(na_xenquire_t *enq, int slot, bool descending);
/* By relevance, equal weights ordered by the value in SLOT (descending
 * when DESCENDING): a stock sort that remote shards apply too. */
void na_xenquire_set_sort_relevance_then(na_xenquire_t *enq, na_slot_t slot, bool descending);
/* Counts the values in SLOT among all matches.  With PACKED, each value
 * is a list written by na_xdoc_add_packed_value(): the stock
 * ValueCountMatchSpy (which xapian-tcpsrv knows) counts each distinct
 * list, and each list's count is then added to every string in it, so a
 * document counts once for each of its strings, at the cost of one value
 * read per match (over one local database by a spy of newsarc's own that
 * reads the slot as a stream, with the same counts).  PREFIX (NULL: none) is a term prefix such that a
 * document has the term PREFIX+S exactly when S is (in) its value in
 * SLOT: a run whose query matches every document then counts from the
 * terms' frequencies, visiting no document.  Returns the facet's index
 * for na_xenquire_facet.  Over shards that are all remote
 * (na_xdb_all_remote) the servers' spies alone count, so a run with a
 * page counts exactly; over local and remote shards mixed, Xapian 1.4
 * counts some remote hits a second time when the run has a page (those
 * that sort below a full page): count such facets in a run with LIMIT 0. */
int na_xenquire_add_facet(na_xenquire_t *enq, na_slot_t slot, bool packed, const char *prefix);

/* Stops an EXACT run's exhaustive counting after SECONDS (0: never), as
 * Xapian's Enquire::set_time_limit: the page is still the best one found,
 * but the total and facet counts may then be lower bounds
 * (na_xmset_exact() tells). */
void na_xenquire_set_time_limit(na_xenquire_t *enq, double seconds);
/* Runs the search.  With EXACT, every match is visited so that the total
 * and the facet counts are exact (also with LIMIT 0, for counting only).
 * Each run counts facets afresh.  Caller owns *OUT; free with
 * na_xmset_free (NULL is ignored), before closing the database; it may
 * outlive the enquire. */
na_status_t na_xenquire_run(na_xenquire_t *enq, unsigned offset, unsigned limit, bool exact,
                            na_xmset_t **out, na_error_t *err);
/* The counts of facet INDEX after the last run, most frequent first, ties
 * by value in byte order; at most MAX entries (0: all).  Empty before the
 * first run.  NA_ERR_INVALID for an unknown INDEX.  Caller owns *OUT;
 * free with na_xfacet_free(*OUT, *COUNT). */
na_status_t na_xenquire_facet(na_xenquire_t *enq, int index, size_t max,
                              na_xfacet_count_t **out, size_t *count, na_error_t *err);
void na_xfacet_free(na_xfacet_count_t *counts, size_t count);

void na_xmset_free(na_xmset_t *mset);
/* The number of matches: exact when the search ran with EXACT. */
unsigned na_xmset_total(const na_xmset_t *mset);
/* Whether the total is exact: Xapian's bounds on it are equal. */
bool na_xmset_exact(const na_xmset_t *mset);
/* The number of hits in this page.  For I out of range, the getters below
 * return 0 and the others NA_ERR_INVALID. */
size_t na_xmset_size(const na_xmset_t *mset);
na_docid_t na_xmset_docid(const na_xmset_t *mset, size_t i);
double na_xmset_weight(const na_xmset_t *mset, size_t i);
unsigned na_xmset_rank(const na_xmset_t *mset, size_t i);
na_status_t na_xmset_data(const na_xmset_t *mset, size_t i, char **out, size_t *len, na_error_t *err);
na_status_t na_xmset_value(const na_xmset_t *mset, size_t i, na_slot_t slot, char **out, size_t *len, na_error_t *err);
/* Xapian's snippet of TEXT for the query: about LENGTH bytes of plain
 * text (Xapian's HTML escapes undone), matched terms (stemmed with
 * LANGUAGE, as na_xindexer_new) wrapped in HL_START/HL_END, OMIT where
 * text was cut; NULL strings count as "".  Xapian picks the passage by
 * the query's terms alone, not by how rare the other words are (its
 * background model would look each distinct word of TEXT up in the
 * database): a caller that knows where to look passes that part of its
 * text, about LENGTH bytes.  With no highlighting and a TEXT of at most
 * LENGTH bytes, the snippet is TEXT unchanged.  The stemmer is made once
 * per MSET and language.  NA_ERR_INVALID for an unknown language.  Caller
 * frees *OUT. */
na_status_t na_xmset_snippet(const na_xmset_t *mset, const char *text, size_t len, size_t length,
                             const char *language, const char *hl_start, const char *hl_end,
                             const char *omit, char **out, na_error_t *err);

/* ---- for tests only: not part of the interface ----
 * They let tests/unit/test-xapian.c compare the indexer with Xapian's own
 * TermGenerator term for term, from C. */

/* Like na_xindexer_new, but the indexer hands every text to a real
 * Xapian::TermGenerator set up as the contract above says. */
na_status_t na_x__indexer_new_reference(const char *language, na_xindexer_t **out, na_error_t *err);
/* Bounds the stem cache at LIMIT words (at least 1), so that a test can
 * make it fill and start again. */
void na_x__indexer_set_cache_limit(na_xindexer_t *ix, size_t limit);
/* Lists DOC's terms in byte order, one line each: "term wdf pos,pos,...\n"
 * (the positions list is "-" when empty).  Caller frees. */
char *na_x__doc_dump(const na_xdoc_t *doc);

#ifdef __cplusplus
}
#endif

#endif
