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
 *   "dateline", "format" (input format name), "file" (path it came from),
 *   "authors", "people", "places", "orgs", "topics", "exchanges" (arrays
 *   of canonical names), "extra" (object of other source keys).  Keys with
 *   no value are left out.
 */
#ifndef NA_RECORD_H
#define NA_RECORD_H

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

/* Reads stored articles back: loads (and caches) the dictionaries that
 * blobs name from the database's metadata. */
typedef struct na_record_reader na_record_reader_t;

/* DB is borrowed and must outlive the reader. */
na_record_reader_t *na_record_reader_new(na_xdb_t *db);
void na_record_reader_free(na_record_reader_t *reader);
/* Appends the original bytes of the article in VIEW to OUT.
 * NA_ERR_CORRUPT if the blob is damaged or its dictionary is missing. */
na_status_t na_record_reader_raw(na_record_reader_t *reader, const na_record_view_t *view,
                                 na_buf_t *out, na_error_t *err);

#endif
