/* store.c - per-article zlib blobs against a preset dictionary trained
 * from the archive (see store.h for the blob layout). */
#include "store.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum { METHOD_STORED = 0, METHOD_ZLIB = 1, METHOD_ZLIB_DICT = 2 };

static void put_varint(na_buf_t *out, uint64_t v)
{
    while (v >= 0x80) {
        na_buf_addc(out, (char)(0x80 | (v & 0x7f)));
        v >>= 7;
    }
    na_buf_addc(out, (char)v);
}

static bool get_varint(const unsigned char *p, size_t len, size_t *pos, uint64_t *v)
{
    uint64_t r = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (*pos >= len)
            return false;
        unsigned char c = p[(*pos)++];
        r |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *v = r;
            return true;
        }
    }
    return false;
}

struct na_store_packer {
    z_stream z;
    const na_zdict_t *dict;
    int level;
};

na_store_packer_t *na_store_packer_new(const na_zdict_t *dict, int level)
{
    if (level < 1 || level > 9)
        return NULL;
    na_store_packer_t *p = na_xcalloc(1, sizeof *p);
    p->dict = dict && dict->len ? dict : NULL;
    p->level = level;
    if (deflateInit2(&p->z, level, Z_DEFLATED, 15, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(p);
        return NULL;
    }
    return p;
}

void na_store_packer_free(na_store_packer_t *p)
{
    if (!p)
        return;
    deflateEnd(&p->z);
    free(p);
}

na_status_t na_store_packer_pack(na_store_packer_t *p, const void *raw, size_t len, na_buf_t *out,
                                 na_error_t *err)
{
    size_t start = out->len;
    na_buf_addc(out, (char)(p->dict ? METHOD_ZLIB_DICT : METHOD_ZLIB));
    put_varint(out, len);
    if (p->dict)
        put_varint(out, p->dict->id);
    size_t header = out->len - start;

    z_stream *z = &p->z;
    if (deflateReset(z) != Z_OK || (p->dict && deflateSetDictionary(z, p->dict->data, (uInt)p->dict->len) != Z_OK)) {
        out->len = start;
        return na_error_set(err, NA_ERR_INTERNAL, "zlib: cannot start compressing");
    }
    size_t bound = deflateBound(z, (uLong)len);
    na_buf_grow(out, bound);
    z->next_in = (Bytef *)(uintptr_t)raw;
    z->avail_in = (uInt)len;
    z->next_out = (Bytef *)out->data + out->len;
    z->avail_out = (uInt)bound;
    int rc = deflate(z, Z_FINISH);
    size_t produced = bound - z->avail_out;
    if (rc != Z_STREAM_END) {
        out->len = start;
        return na_error_set(err, NA_ERR_INTERNAL, "zlib: compression failed");
    }
    if (header + produced >= 1 + 10 + len) {
        /* Compression did not pay: store the bytes as they are. */
        out->len = start;
        na_buf_addc(out, (char)METHOD_STORED);
        put_varint(out, len);
        na_buf_add(out, raw, len);
        return NA_OK;
    }
    out->len += produced;
    out->data[out->len] = '\0';
    return NA_OK;
}

na_status_t na_store_pack(const void *raw, size_t len, const na_zdict_t *dict, int level, na_buf_t *out,
                          na_error_t *err)
{
    na_store_packer_t *p = na_store_packer_new(dict, level);
    if (!p)
        return level < 1 || level > 9
                   ? na_error_set(err, NA_ERR_INVALID, "compression level %d is not between 1 and 9", level)
                   : na_error_set(err, NA_ERR_INTERNAL, "zlib: cannot start compressing");
    na_status_t st = na_store_packer_pack(p, raw, len, out, err);
    na_store_packer_free(p);
    return st;
}

static na_status_t read_header(const unsigned char *p, size_t len, int *method, size_t *raw_len, unsigned *dict_id,
                               size_t *payload, na_error_t *err)
{
    size_t pos = 1;
    uint64_t rl = 0, id = 0;
    if (len < 2 || p[0] > METHOD_ZLIB_DICT || !get_varint(p, len, &pos, &rl) ||
        (p[0] == METHOD_ZLIB_DICT && (!get_varint(p, len, &pos, &id) || id == 0 || id > UINT32_MAX)) ||
        rl > SIZE_MAX / 2)
        return na_error_set(err, NA_ERR_CORRUPT, "stored article has a malformed header");
    *method = p[0];
    *raw_len = (size_t)rl;
    *dict_id = (unsigned)id;
    *payload = pos;
    return NA_OK;
}

na_status_t na_store_blob_info(const void *blob, size_t len, size_t *raw_len, unsigned *dict_id, na_error_t *err)
{
    int method;
    size_t payload;
    return read_header(blob, len, &method, raw_len, dict_id, &payload, err);
}

na_status_t na_store_unpack(const void *blob, size_t len, const na_zdict_t *dict, na_buf_t *out, na_error_t *err)
{
    const unsigned char *p = blob;
    int method;
    size_t raw_len, payload;
    unsigned dict_id;
    na_status_t st = read_header(p, len, &method, &raw_len, &dict_id, &payload, err);
    if (st)
        return st;
    if (method == METHOD_STORED) {
        if (len - payload != raw_len)
            return na_error_set(err, NA_ERR_CORRUPT, "stored article has the wrong length");
        na_buf_add(out, p + payload, raw_len);
        return NA_OK;
    }
    if (method == METHOD_ZLIB_DICT && (!dict || dict->id != dict_id))
        return na_error_set(err, NA_ERR_CORRUPT, "stored article needs dictionary %u", dict_id);

    size_t start = out->len;
    na_buf_grow(out, raw_len);
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit(&z) != Z_OK)
        return na_error_set(err, NA_ERR_INTERNAL, "zlib: cannot start decompressing");
    z.next_in = (Bytef *)(uintptr_t)(p + payload);
    z.avail_in = (uInt)(len - payload);
    z.next_out = (Bytef *)out->data + start;
    z.avail_out = (uInt)raw_len;
    int rc = inflate(&z, Z_FINISH);
    if (rc == Z_NEED_DICT && method == METHOD_ZLIB_DICT) {
        if (inflateSetDictionary(&z, dict->data, (uInt)dict->len) != Z_OK) {
            inflateEnd(&z);
            return na_error_set(err, NA_ERR_CORRUPT, "stored article was packed with another dictionary");
        }
        rc = inflate(&z, Z_FINISH);
    }
    size_t produced = raw_len - z.avail_out;
    bool whole = rc == Z_STREAM_END && produced == raw_len && z.avail_in == 0;
    inflateEnd(&z);
    if (!whole) {
        out->len = start;
        out->data[start] = '\0';
        return na_error_set(err, NA_ERR_CORRUPT, "stored article is damaged (%s)",
                            rc == Z_DATA_ERROR ? "bad data or checksum" : "wrong length");
    }
    out->len = start + raw_len;
    out->data[out->len] = '\0';
    return NA_OK;
}

/* ---- dictionary training ----
 *
 * A simplified form of the "cover" method (Liao, Petri, Moffat, Wirth,
 * "Effective construction of relative Lempel-Ziv dictionaries", 2016), as
 * zstd's trainer uses: every 8-byte string ("d-mer") is scored by the
 * number of samples it occurs in; the samples are cut into as many ranges
 * ("epochs") as the dictionary has segments, the segment of each range
 * whose d-mers score highest is taken, and the d-mers it covers stop
 * counting so that later segments bring new material.  Segments from the
 * best-scoring epochs go last, nearest the text zlib compresses. */

#define DMER 8
#define SEGMENT 64
#define TABLE_BITS 20

typedef struct {
    uint32_t count;
    uint32_t last_sample;
} dmer_slot_t;

static uint32_t dmer_hash(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return (uint32_t)((v * 0x9E3779B97F4A7C15ULL) >> (64 - TABLE_BITS));
}

typedef struct {
    size_t start;
    uint64_t score;
} pick_t;

static int by_score(const void *a, const void *b)
{
    const pick_t *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? -1 : 1;
    return x->start < y->start ? -1 : x->start > y->start;
}

void na_store_train(const unsigned char *const *samples, const size_t *lens, size_t count, size_t max_len,
                    na_buf_t *out)
{
    if (max_len > NA_ZDICT_MAX)
        max_len = NA_ZDICT_MAX;
    na_buf_t all = NA_BUF_INIT;
    size_t *owner_end = na_xmalloc((count ? count : 1) * sizeof *owner_end);
    for (size_t i = 0; i < count; i++) {
        na_buf_add(&all, samples[i], lens[i]);
        owner_end[i] = all.len;
    }
    if (all.len < SEGMENT * 4 || max_len < SEGMENT) {
        free(owner_end);
        na_buf_release(&all);
        return;
    }
    const unsigned char *text = (const unsigned char *)all.data;
    size_t n = all.len - DMER + 1;
    dmer_slot_t *table = na_xcalloc((size_t)1 << TABLE_BITS, sizeof *table);
    uint32_t *hashes = na_xmalloc(n * sizeof *hashes);
    size_t sample = 0;
    for (size_t i = 0; i < n; i++) {
        while (sample + 1 < count && i >= owner_end[sample])
            sample++;
        uint32_t h = dmer_hash(text + i);
        hashes[i] = h;
        /* Document frequency: once per sample. */
        if (table[h].last_sample != sample + 1) {
            table[h].last_sample = (uint32_t)(sample + 1);
            table[h].count++;
        }
    }
    /* A d-mer seen in one sample only is no use to other articles. */
    for (size_t i = 0; i < ((size_t)1 << TABLE_BITS); i++)
        if (table[i].count < 2)
            table[i].count = 0;

    size_t segments = max_len / SEGMENT;
    size_t epoch = n / segments;
    if (epoch < SEGMENT) {
        segments = n / SEGMENT;
        epoch = SEGMENT;
    }
    pick_t *picks = na_xmalloc(segments * sizeof *picks);
    size_t picked = 0;
    size_t window = SEGMENT - DMER + 1;
    for (size_t e = 0; e < segments; e++) {
        size_t lo = e * epoch, hi = lo + epoch;
        if (hi > n)
            hi = n;
        if (hi - lo < window)
            continue;
        uint64_t score = 0, best = 0;
        size_t best_start = lo;
        for (size_t i = lo; i < lo + window; i++)
            score += table[hashes[i]].count;
        best = score;
        for (size_t i = lo + 1; i + window <= hi; i++) {
            score += table[hashes[i + window - 1]].count;
            score -= table[hashes[i - 1]].count;
            if (score > best) {
                best = score;
                best_start = i;
            }
        }
        if (best == 0)
            continue;
        for (size_t i = best_start; i < best_start + window; i++)
            table[hashes[i]].count = 0;
        picks[picked].start = best_start;
        picks[picked].score = best;
        picked++;
    }
    qsort(picks, picked, sizeof *picks, by_score);
    for (size_t i = 0; i < picked; i++)
        na_buf_add(out, text + picks[i].start, SEGMENT);

    free(picks);
    free(hashes);
    free(table);
    free(owner_end);
    na_buf_release(&all);
}
