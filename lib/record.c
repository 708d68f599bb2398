/* record.c - packing an article's metadata and stored bytes into one
 * Xapian document data string, and reading stored articles back. */
#include "record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "schema.h"
#include "store.h"

static void put_varint(na_buf_t *out, size_t v)
{
    while (v >= 0x80) {
        na_buf_addc(out, (char)(0x80 | (v & 0x7f)));
        v >>= 7;
    }
    na_buf_addc(out, (char)v);
}

void na_record_encode(const char *meta, size_t meta_len, const void *blob, size_t blob_len,
                      na_buf_t *out)
{
    put_varint(out, meta_len);
    na_buf_add(out, meta, meta_len);
    na_buf_add(out, blob, blob_len);
}

na_status_t na_record_decode(const void *data, size_t len, na_record_view_t *view, na_error_t *err)
{
    const unsigned char *p = data;
    size_t meta_len = 0, i = 0;
    unsigned shift = 0;
    for (;;) {
        if (i >= len || shift > 35)
            return na_error_set(err, NA_ERR_CORRUPT, "document data has a malformed header");
        unsigned char c = p[i++];
        meta_len |= (size_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            break;
        shift += 7;
    }
    if (meta_len > len - i)
        return na_error_set(err, NA_ERR_CORRUPT, "document data is shorter than its metadata");
    view->meta = (const char *)p + i;
    view->meta_len = meta_len;
    view->blob = p + i + meta_len;
    view->blob_len = len - i - meta_len;
    return NA_OK;
}

struct na_record_reader {
    na_xdb_t *db;
    unsigned dict_id; /* the one cached dictionary: blobs of one archive share it */
    char *dict;
    size_t dict_len;
    unsigned long dict_adler; /* computed once per dictionary, not per article */
};

na_record_reader_t *na_record_reader_new(na_xdb_t *db)
{
    na_record_reader_t *r = na_xcalloc(1, sizeof *r);
    r->db = db;
    return r;
}

void na_record_reader_free(na_record_reader_t *r)
{
    if (!r)
        return;
    free(r->dict);
    free(r);
}

na_status_t na_record_reader_raw(na_record_reader_t *r, const na_record_view_t *view,
                                 na_buf_t *out, na_error_t *err)
{
    size_t raw_len;
    unsigned id;
    na_status_t st = na_store_blob_info(view->blob, view->blob_len, &raw_len, &id, err);
    if (st)
        return st;
    na_zdict_t dict = { 0, NULL, 0, 0 };
    if (id) {
        if (r->dict_id != id) {
            char key[64];
            snprintf(key, sizeof key, NA_META_ZDICT_FMT, id);
            free(r->dict);
            r->dict = NULL;
            r->dict_id = 0;
            st = na_xdb_get_metadata(r->db, key, &r->dict, &r->dict_len, err);
            if (st == NA_ERR_NOT_FOUND)
                return na_error_set(err, NA_ERR_CORRUPT,
                                    "stored article needs dictionary %u, which the database lacks", id);
            if (st)
                return st;
            r->dict_id = id;
            r->dict_adler = adler32(adler32(0L, Z_NULL, 0), (const Bytef *)r->dict, (uInt)r->dict_len);
        }
        dict.id = id;
        dict.data = (const unsigned char *)r->dict;
        dict.len = r->dict_len;
        dict.adler = r->dict_adler;
    }
    return na_store_unpack(view->blob, view->blob_len, id ? &dict : NULL, out, err);
}
