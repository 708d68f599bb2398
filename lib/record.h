/* record.h - the data of one Xapian document: an article's metadata and
 * its stored original bytes.
 *
 * Layout: a varint (unsigned LEB128) length, that many bytes of metadata
 * as a compact JSON object, then the store blob (store.h) of the
 * article's original bytes.  Keeping both in the document data means one
 * Xapian commit covers the index entries, the metadata and the text.
 *
 * The metadata object (the "record schema", version 1):
 *   "id", "title", "date" (ISO, see date.h), "source", "url", "language",
 *   "dateline" (the source's, else the one extraction read), "format"
 *   (input format name), "sources" (array of where the article was read:
 *   a canonical file path, "PATH#N" for the Nth record, 1-based, of a
 *   file of several articles, or "stdin"; see index.h),
 *   "authors", "people", "places", "orgs", "topics", "exchanges" (arrays
 *   of canonical names: supplied ones), "extracted" (object of arrays
 *   "people", "places", "orgs" and "mentioned": what extraction found),
 *   "date_source" (where "date" came from: "source", "dateline",
 *   "mtime" or "source+dateline"), "extra" (object of other source keys), "lead"
 *   and "lead_cut" (the start of the text, see na_record_meta_add_lead();
 *   records written before it lack them).  Keys with no value are left
 *   out.  "extracted" may also hold "names": objects {"type", "name",
 *   "count", "first", "salient"} (na_record_name_t).
 *
 * This module is the one owner of that format: na_record_build() writes
 * it from an na_record_meta_t, na_record_meta_load() reads it back into
 * the same struct, both by one table of keys in record.c.
 */
#ifndef NA_RECORD_H
#define NA_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"
#include "util.h"
#include "xapian-c.h"

typedef struct {
    const char *meta;          /* borrowed from the data; NOT NUL-terminated */
    size_t meta_len;
    const unsigned char *blob; /* borrowed from the data */
    size_t blob_len;
} na_record_view_t;

/* Appends the document data for META (JSON) and BLOB to OUT. */
void na_record_encode(const char *meta, size_t meta_len, const void *blob, size_t blob_len,
                      na_buf_t *out);

/* Splits DATA into its parts; the view borrows DATA.  NA_ERR_CORRUPT when
 * the lengths do not fit. */
na_status_t na_record_decode(const void *data, size_t len, na_record_view_t *view, na_error_t *err);

/* ---- metadata ---- */

/* A list of strings of a record's metadata; borrowed from the
 * na_record_meta_t that holds it. */
typedef struct {
    const char *const *items;
    size_t count;
} na_record_list_t;

/* One of the other keys a source gave ("extra"), its value as text. */
typedef struct {
    const char *key;
    const char *value;
} na_record_pair_t;

/* A person, place or organisation an article names anywhere, as
 * extraction counted it: an item of "extracted"'s "names". */
typedef struct {
    const char *type; /* "person", "place" or "org" */
    const char *name; /* canonical value */
    unsigned count;   /* mentions */
    size_t first;     /* byte offset of the first mention, or NA_RECORD_NO_OFFSET (null) */
    bool salient;     /* also among the article's people, places or orgs */
} na_record_name_t;

#define NA_RECORD_NO_OFFSET ((size_t)-1)

/* The metadata fields a search result shows, read straight from the JSON
 * text: a page of results reads ten records, and building a jansson tree
 * for each costs more than the rest of showing it.  NULL, or an empty
 * list, for a key that is missing or whose value has another type; a list
 * keeps its strings only, in order; of a key given twice the last counts,
 * all as jansson reads the same text.  The strings are NUL-terminated and
 * borrowed until na_record_meta_release(). */
typedef struct {
    const char *id, *title, *date, *source, *url, *language, *dateline, *format;
    const char *date_source; /* "source", "dateline", "mtime" or "source+dateline" */
    na_record_list_t authors, people, places, orgs, topics, exchanges;
    na_record_list_t sources; /* where the article was read, in order */
    /* The "extracted" object: what extraction added to people, places
     * and orgs, and the periods the text mentions. */
    na_record_list_t extracted_people, extracted_places, extracted_orgs, mentioned;
    const char *lead; /* see na_record_meta_add_lead() */
    bool lead_cut;    /* "lead_cut" is true */
    /* na_record_meta_load() with FULL only: the "extra" keys in order,
     * values that are not strings written as compact JSON. */
    const na_record_pair_t *extra;
    size_t extra_count;
    /* na_record_meta_load() with FULL only: "extracted"'s "names". */
    const na_record_name_t *names;
    size_t name_count;
    char *mem_;       /* private: the strings and list arrays */
    struct json_t *json_; /* private: the tree of the jansson fallback */
    void *more_;      /* private: merged lists, extra pairs */
} na_record_meta_t;

/* The most bytes of an article's text its lead holds. */
#define NA_RECORD_LEAD_MAX 400

/* The length of the lead of the LEN bytes of text at BODY (valid UTF-8):
 * LEN when it is at most NA_RECORD_LEAD_MAX, else the first
 * NA_RECORD_LEAD_MAX bytes cut back to the last blank, or, with no blank
 * there, to the start of a character. */
size_t na_record_lead_len(const char *body, size_t len);

/* Adds the lead of the article text BODY (NUL-terminated valid UTF-8, as
 * parse.h gives it; NULL or "" adds nothing) to the metadata object META
 * (a jansson object): "lead", BODY's first na_record_lead_len() bytes,
 * and "lead_cut": true when that is not all of BODY.  newsarc-search
 * makes a result's snippet from the lead when the query's words are in
 * it (or the query has none), without decompressing and parsing the
 * stored article.  na_record_build() calls it. */
struct json_t;
void na_record_meta_add_lead(struct json_t *meta, const char *body);

/* Appends to OUT the document data of an article: META written as the
 * metadata JSON (every string valid UTF-8; strings NULL or "" and empty
 * lists left out; "extracted" written when one of its lists or names is
 * not empty, "extra" when EXTRA_COUNT is not 0; META's lead and lead_cut
 * are ignored: they are taken from BODY, the article's text, as
 * na_record_meta_add_lead() says), then the BLOB_LEN bytes of the store
 * blob BLOB (store.h).  Nothing of META is kept. */
void na_record_build(const na_record_meta_t *meta, const char *body, const void *blob, size_t blob_len,
                     na_buf_t *out);

/* Returns the COUNT NAMES as a new JSON array of "extracted"'s "names"
 * objects (caller owns; json_decref()): what the record stores and what
 * newsarc-index --extract-only prints. */
struct json_t *na_record_names_json(const na_record_name_t *names, size_t count);

/* Returns the metadata JSON of LEN bytes at JSON with its "sources"
 * replaced by SOURCES (added last when it had none), every other key
 * kept as it was and where it was; NULL when the text is not a JSON
 * object.  Caller owns; free with free(). */
char *na_record_meta_with_sources(const char *json, size_t len, const na_record_list_t *sources);

/* Fills META from the LEN bytes of metadata JSON at JSON, which need not
 * be NUL-terminated.  Returns true when the text is a JSON object that
 * this reader can vouch for: then META holds exactly what jansson would
 * give.  Returns false, with META empty, for text that is not valid JSON
 * or not an object, and also for valid JSON it leaves to a full parser
 * (\u escapes, nesting deeper than 32); the caller then uses one.
 * Numbers are checked and skipped: no key it keeps holds one.
 * Other keys ("extra", "extracted") are checked but not kept.  Release
 * META with na_record_meta_release() either way. */
bool na_record_meta_read(const char *json, size_t len, na_record_meta_t *meta);
/* Fills META from the LEN bytes of metadata JSON at JSON as every front
 * end shows it: read by na_record_meta_read() when it vouches for the
 * text and FULL is false, else by jansson (the one fallback), with the
 * "extra" keys when FULL.  People, places and orgs then hold the
 * supplied values followed by the extracted ones they lack; the
 * extracted_* lists stay as stored.  Returns false when the text is not
 * a JSON object (META is then empty but usable).  Strings are borrowed
 * until na_record_meta_release(), which must be called either way. */
bool na_record_meta_load(const char *json, size_t len, bool full, na_record_meta_t *meta);

/* Frees what META holds and empties it; META may be NULL. */
void na_record_meta_release(na_record_meta_t *meta);

/* ---- stored articles ---- */

/* Reads stored articles back: loads (and caches) the dictionaries that
 * blobs name from the database's metadata, and keeps one inflate stream
 * (store.h's unpacker) for all the articles it reads. */
typedef struct na_record_reader na_record_reader_t;

/* DB is borrowed and must outlive the reader.  Caller owns the reader;
 * free with na_record_reader_free(), which accepts NULL. */
na_record_reader_t *na_record_reader_new(na_xdb_t *db);
void na_record_reader_free(na_record_reader_t *reader);
/* Appends the original bytes of the article in VIEW to OUT.
 * NA_ERR_CORRUPT if the blob is damaged or its dictionary is missing;
 * NA_ERR_NOMEM if zlib runs out of memory; any status of
 * na_xdb_get_metadata() while loading a dictionary.  On failure OUT is
 * left as it was. */
na_status_t na_record_reader_raw(na_record_reader_t *reader, const na_record_view_t *view,
                                 na_buf_t *out, na_error_t *err);

#endif
