/* store.c - the compressed article store: per-article zlib blobs, packed
 * against a preset dictionary trained from the archive's own articles.
 *
 * See store.h for the blob layout.  Three things here are less obvious:
 *
 * - Packing.  Loading a 32 KiB dictionary into a deflate stream hashes
 *   every byte of it, which costs more than compressing a typical article.
 *   A packer therefore loads it once into a "primed" stream and starts each
 *   article from a copy of that stream (deflateCopy); the copy's memory
 *   comes from a small pool, so no article allocates.  The copy is the
 *   same state as a freshly primed stream, so the blobs are the same as
 *   na_store_pack()'s.
 *
 * - Unpacking trusts nothing in the blob: the header is checked against
 *   the blob's size before any memory is set aside, the output never grows
 *   past the recorded length, and zlib checks the dictionary's Adler-32
 *   and the article's Adler-32.  An unpacker resets one inflate stream for
 *   each blob instead of starting a new one, which keeps zlib's 32 KiB
 *   window from being allocated (and its pages faulted in) per article.
 *
 * - Training (at the end of the file) picks the substrings that recur in
 *   the most sample articles.
 */
#include "store.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum { METHOD_STORED = 0, METHOD_ZLIB = 1, METHOD_ZLIB_DICT = 2, METHOD_RAW_DICT = 3 };

/* Method 3 leaves out what method 2's zlib wrapper repeats: its header
 * (compression flags and the dictionary's Adler-32, which the blob's own
 * dictionary id already names) and the one-byte-longer varint of a
 * checksum id.  Its trailer still checks the article, and the dictionary
 * with it: the Adler-32 of the dictionary followed by the article, so
 * that a dictionary with the right id but other bytes is caught. */
#define ID_BYTES 4
#define CHECK_BYTES 4

/* zlib's defaults: the largest window (a dictionary is only as useful as
 * the window is long) and the default hash size, which compresses these
 * articles as well as the largest while being cheaper to copy. */
#define WINDOW_BITS 15
#define MEM_LEVEL 8

/* No deflate stream expands more than 1032 times (a 258-byte match costs
 * at least two bits), so a header claiming more than that for its payload
 * is damaged, and is refused before memory is set aside for it. */
#define MAX_EXPANSION 1032

#define VARINT_MAX 10 /* bytes of a 64-bit LEB128 varint */

/* ---- varints ---- */

static size_t put_varint(unsigned char *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (unsigned char)(0x80 | (v & 0x7f));
        v >>= 7;
    }
    p[n++] = (unsigned char)v;
    return n;
}

/* Reads a varint at P[*POS], advancing *POS.  False when it runs past LEN,
 * overflows 64 bits or is longer than needed (a redundant trailing zero
 * group), so that each value has one encoding. */
static bool get_varint(const unsigned char *p, size_t len, size_t *pos, uint64_t *v)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < VARINT_MAX; i++) {
        if (*pos >= len)
            return false;
        unsigned char c = p[(*pos)++];
        if (i == VARINT_MAX - 1 && c > 1)
            return false;
        r |= (uint64_t)(c & 0x7f) << (7 * i);
        if (!(c & 0x80))
            return i == 0 || c != 0 ? (*v = r, true) : false;
    }
    return false;
}

/* ---- packing ---- */

/* The pool keeps the blocks of a discarded stream for the next copy: a
 * deflate stream makes five allocations, all freed together, and each
 * copy asks for the same sizes again.  A block carries its size in front,
 * in a union that keeps the payload aligned for any type. */
#define POOL_SLOTS 8

typedef union {
    size_t size;
    max_align_t align;
} block_head_t;

typedef struct {
    block_head_t *free[POOL_SLOTS];
    unsigned count;
} pool_t;

static voidpf pool_alloc(voidpf opaque, uInt items, uInt size)
{
    pool_t *pool = opaque;
    size_t want = (size_t)items * size;
    for (unsigned i = 0; i < pool->count; i++)
        if (pool->free[i]->size == want) {
            block_head_t *b = pool->free[i];
            pool->free[i] = pool->free[--pool->count];
            return b + 1;
        }
    /* Out of memory aborts, as everywhere in newsarc (util.h). */
    block_head_t *b = na_xmalloc(sizeof *b + want);
    b->size = want;
    return b + 1;
}

static void pool_free(voidpf opaque, voidpf ptr)
{
    pool_t *pool = opaque;
    block_head_t *b = (block_head_t *)ptr - 1;
    if (pool->count < POOL_SLOTS)
        pool->free[pool->count++] = b;
    else
        free(b);
}

static void pool_release(pool_t *pool)
{
    while (pool->count)
        free(pool->free[--pool->count]);
}

static bool level_ok(int level) { return level >= 1 && level <= 9; }

static na_status_t check_args(const na_zdict_t *dict, int level, na_error_t *err)
{
    if (!level_ok(level))
        return na_error_set(err, NA_ERR_INVALID, "compression level %d is not between 1 and 9", level);
    if (dict && dict->len && dict->id == 0)
        return na_error_set(err, NA_ERR_INVALID, "dictionary id 0 is reserved for none");
    if (dict && dict->len > NA_ZDICT_MAX)
        return na_error_set(err, NA_ERR_INVALID, "dictionary of %zu bytes is longer than %d", dict->len,
                            NA_ZDICT_MAX);
    return NA_OK;
}

/* An empty dictionary packs as none: method 1, readable without it. */
static const na_zdict_t *usable_dict(const na_zdict_t *dict) { return dict && dict->len ? dict : NULL; }

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static uint32_t get_be32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Adler-32 continued from ADLER over LEN bytes, in chunks zlib can count. */
static uint32_t adler_more(uLong adler, const unsigned char *p, size_t len)
{
    while (len > 0) {
        uInt n = len > UINT_MAX ? UINT_MAX : (uInt)len;
        adler = adler32(adler, p, n);
        p += n;
        len -= n;
    }
    return (uint32_t)adler;
}

/* The Adler-32 of DICT's bytes, DICT's own when its owner computed it. */
static uint32_t dict_adler(const na_zdict_t *dict)
{
    return dict->adler ? (uint32_t)dict->adler : adler_more(adler32(0L, Z_NULL, 0), dict->data, dict->len);
}

/* Starts Z (zeroed, or with its allocator set) at LEVEL with DICT loaded:
 * a raw deflate stream for method 3 when there is a dictionary, else a
 * zlib stream for method 1. */
static bool deflate_start(z_stream *z, const na_zdict_t *dict, int level)
{
    if (deflateInit2(z, level, Z_DEFLATED, dict ? -WINDOW_BITS : WINDOW_BITS, MEM_LEVEL, Z_DEFAULT_STRATEGY) != Z_OK)
        return false;
    if (dict && deflateSetDictionary(z, dict->data, (uInt)dict->len) != Z_OK) {
        deflateEnd(z);
        return false;
    }
    return true;
}

/* Appends the blob of RAW to OUT, deflating with Z, a stream that has just
 * been started by deflate_start() (and primed with the dictionary whose id
 * is DICT_ID and whose Adler-32 is ADLER; DICT_ID 0 for none).  Z is left
 * spent: the caller resets or discards it. */
static na_status_t pack_with(z_stream *z, unsigned dict_id, uint32_t adler, const void *raw, size_t len,
                             na_buf_t *out, na_error_t *err)
{
    unsigned char head[1 + VARINT_MAX + ID_BYTES];
    head[0] = dict_id ? METHOD_RAW_DICT : METHOD_ZLIB;
    size_t len_bytes = put_varint(head + 1, len);
    size_t hlen = 1 + len_bytes;
    if (dict_id) {
        put_be32(head + hlen, dict_id);
        hlen += ID_BYTES;
    }
    size_t tail = dict_id ? CHECK_BYTES : 0;

    /* The stored form costs its header (no dictionary id) plus the bytes;
     * the compressed form must come out strictly smaller, so deflate gets
     * no more room than that and stops early on input that does not
     * compress. */
    size_t stored_size = 1 + len_bytes + len;
    size_t room = stored_size > hlen + tail + 1 ? stored_size - hlen - tail - 1 : 0;

    size_t start = out->len;
    bool fits = false;
    if (room > 0) {
        na_buf_grow(out, hlen + room);
        unsigned char *dst = (unsigned char *)out->data + start;
        memcpy(dst, head, hlen);
        const unsigned char *in = raw;
        size_t in_left = len, out_left = room;
        z->next_out = dst + hlen;
        z->avail_out = 0;
        z->avail_in = 0;
        /* Chunks, because zlib counts in uInt and an article is size_t. */
        for (;;) {
            if (z->avail_in == 0 && in_left > 0) {
                uInt n = in_left > UINT_MAX ? UINT_MAX : (uInt)in_left;
                z->next_in = (Bytef *)(uintptr_t)in;
                z->avail_in = n;
                in += n;
                in_left -= n;
            }
            if (z->avail_out == 0) {
                if (out_left == 0)
                    break; /* does not fit: store instead */
                uInt n = out_left > UINT_MAX ? UINT_MAX : (uInt)out_left;
                z->avail_out = n;
                out_left -= n;
            }
            int rc = deflate(z, in_left > 0 ? Z_NO_FLUSH : Z_FINISH);
            if (rc == Z_STREAM_END) {
                fits = true;
                break;
            }
            if (rc != Z_OK) {
                out->data[start] = '\0';
                return na_error_set(err, NA_ERR_INTERNAL, "zlib: compression failed (%d)", rc);
            }
        }
        if (fits) {
            out->len = (size_t)((char *)z->next_out - out->data);
            if (tail) {
                unsigned char check[CHECK_BYTES];
                put_be32(check, adler_more(adler, raw, len));
                na_buf_add(out, check, sizeof check);
            }
            out->data[out->len] = '\0';
            return NA_OK;
        }
    }

    /* Compression did not pay: keep the bytes as they are. */
    unsigned char shead[1 + VARINT_MAX];
    shead[0] = METHOD_STORED;
    size_t slen = 1 + put_varint(shead + 1, len);
    na_buf_add(out, shead, slen);
    na_buf_add(out, raw, len);
    return NA_OK;
}

na_status_t na_store_pack(const void *raw, size_t len, const na_zdict_t *dict, int level, na_buf_t *out,
                          na_error_t *err)
{
    na_status_t st = check_args(dict, level, err);
    if (st)
        return st;
    dict = usable_dict(dict);
    z_stream z;
    memset(&z, 0, sizeof z);
    if (!deflate_start(&z, dict, level))
        return na_error_set(err, NA_ERR_INTERNAL, "zlib: cannot start compressing");
    st = pack_with(&z, dict ? dict->id : 0, dict ? dict_adler(dict) : 0, raw, len, out, err);
    deflateEnd(&z);
    return st;
}

struct na_store_packer {
    pool_t pool;       /* memory of work's last copy, for the next */
    z_stream primed;   /* level set, dictionary loaded; only ever copied */
    z_stream work;     /* a copy of primed, spent by each article */
    bool work_live;    /* work holds memory to be freed */
    unsigned dict_id;  /* 0: no dictionary */
    uint32_t adler;    /* the dictionary's Adler-32 */
};

na_store_packer_t *na_store_packer_new(const na_zdict_t *dict, int level)
{
    if (check_args(dict, level, NULL))
        return NULL;
    dict = usable_dict(dict);
    na_store_packer_t *p = na_xcalloc(1, sizeof *p);
    p->primed.zalloc = pool_alloc;
    p->primed.zfree = pool_free;
    p->primed.opaque = &p->pool;
    if (!deflate_start(&p->primed, dict, level)) {
        pool_release(&p->pool);
        free(p);
        return NULL;
    }
    p->dict_id = dict ? dict->id : 0;
    p->adler = dict ? dict_adler(dict) : 0;
    return p;
}

void na_store_packer_free(na_store_packer_t *p)
{
    if (!p)
        return;
    if (p->work_live)
        deflateEnd(&p->work);
    deflateEnd(&p->primed);
    pool_release(&p->pool);
    free(p);
}

na_status_t na_store_packer_pack(na_store_packer_t *p, const void *raw, size_t len, na_buf_t *out,
                                 na_error_t *err)
{
    if (p->work_live) {
        deflateEnd(&p->work);
        p->work_live = false;
    }
    if (deflateCopy(&p->work, &p->primed) != Z_OK)
        return na_error_set(err, NA_ERR_INTERNAL, "zlib: cannot start compressing");
    p->work_live = true;
    return pack_with(&p->work, p->dict_id, p->adler, raw, len, out, err);
}

/* ---- unpacking ---- */

typedef struct {
    int method;
    uint64_t raw_len;
    unsigned dict_id;
    size_t payload; /* offset of the payload in the blob */
} header_t;

static na_status_t read_header(const unsigned char *p, size_t len, header_t *h, na_error_t *err)
{
    size_t pos = 1;
    uint64_t id = 0;
    if (len == 0 || p[0] > METHOD_RAW_DICT || !get_varint(p, len, &pos, &h->raw_len))
        return na_error_set(err, NA_ERR_CORRUPT, "stored article has a malformed header");
    if (p[0] == METHOD_ZLIB_DICT && (!get_varint(p, len, &pos, &id) || id == 0 || id > UINT_MAX))
        return na_error_set(err, NA_ERR_CORRUPT, "stored article names no valid dictionary");
    if (p[0] == METHOD_RAW_DICT) {
        if (len - pos < ID_BYTES + CHECK_BYTES || (id = get_be32(p + pos)) == 0)
            return na_error_set(err, NA_ERR_CORRUPT, "stored article names no valid dictionary");
        pos += ID_BYTES;
    }
    size_t body = len - pos - (p[0] == METHOD_RAW_DICT ? CHECK_BYTES : 0);
    if (h->raw_len > SIZE_MAX || (p[0] == METHOD_STORED && h->raw_len != body) ||
        (p[0] != METHOD_STORED && h->raw_len / MAX_EXPANSION > body))
        return na_error_set(err, NA_ERR_CORRUPT,
                            "stored article claims %llu bytes but holds %zu", (unsigned long long)h->raw_len, body);
    h->method = p[0];
    h->dict_id = (unsigned)id;
    h->payload = pos;
    return NA_OK;
}

na_status_t na_store_blob_info(const void *blob, size_t len, size_t *raw_len, unsigned *dict_id, na_error_t *err)
{
    header_t h;
    na_status_t st = read_header(blob, len, &h, err);
    if (st)
        return st;
    if (raw_len)
        *raw_len = (size_t)h.raw_len;
    if (dict_id)
        *dict_id = h.dict_id;
    return NA_OK;
}

/* Starts Z (zeroed) for inflate_into(), in either mode: a reset picks the
 * mode, and both use the same window size, so zlib keeps the window. */
static int inflate_start(z_stream *z)
{
    return inflateInit2(z, -WINDOW_BITS);
}

static na_status_t inflate_start_error(int rc, na_error_t *err)
{
    return rc == Z_MEM_ERROR ? na_error_set(err, NA_ERR_NOMEM, "zlib: out of memory")
                             : na_error_set(err, NA_ERR_INTERNAL, "zlib: cannot start decompressing");
}

/* Inflates the payload of a method 1, 2 or 3 blob into DST, which has room
 * for exactly RAW_LEN bytes; all of both must be used.  Z is a stream
 * from inflate_start(), reset here; it is left for the next blob. */
static na_status_t inflate_into(z_stream *z, const unsigned char *in, size_t in_len, const header_t *h,
                                const na_zdict_t *dict, unsigned char *dst, size_t raw_len, na_error_t *err)
{
    /* With a dictionary, the zlib wrapper (RFC 1950) is read here and the
     * deflate data inflated raw: zlib would otherwise sum the whole 32 KiB
     * dictionary for every article to check it against the header, which
     * is most of the cost of reading one back.  The dictionary's sum comes
     * from DICT when its owner computed it once; the data's own Adler-32
     * in the trailer is checked below. */
    bool raw = h->method == METHOD_ZLIB_DICT || h->method == METHOD_RAW_DICT;
    uint32_t want_adler = 0, seed = 1; /* the Adler-32 of nothing */
    if (h->method == METHOD_RAW_DICT) {
        /* read_header() saw the room for the trailer */
        want_adler = get_be32(in + in_len - CHECK_BYTES);
        seed = dict_adler(dict);
        in_len -= CHECK_BYTES;
    } else if (raw) {
        if (in_len < 10 || (in[0] & 0x0f) != 8 || (in[0] >> 4) > 7 || ((in[0] << 8) | in[1]) % 31 != 0 ||
            !(in[1] & 0x20))
            return na_error_set(err, NA_ERR_CORRUPT, "stored article is damaged (bad zlib header)");
        if (get_be32(in + 2) != dict_adler(dict))
            return na_error_set(err, NA_ERR_CORRUPT, "stored article was packed with a different dictionary");
        want_adler = get_be32(in + in_len - 4);
        in += 6;
        in_len -= 10;
    }
    unsigned char *out_start = dst;
    int rc = inflateReset2(z, raw ? -WINDOW_BITS : WINDOW_BITS);
    if (rc != Z_OK)
        return na_error_set(err, NA_ERR_INTERNAL, "zlib: cannot start decompressing");
    if (raw && inflateSetDictionary(z, dict->data, (uInt)dict->len) != Z_OK)
        return na_error_set(err, NA_ERR_INTERNAL, "zlib: cannot set the dictionary");
    size_t in_left = in_len, out_left = raw_len;
    bool dict_used = raw;
    const char *why = NULL;
    z->next_in = NULL;
    z->avail_in = 0;
    z->next_out = dst;
    z->avail_out = 0;
    for (;;) {
        if (z->avail_in == 0 && in_left > 0) {
            uInt n = in_left > UINT_MAX ? UINT_MAX : (uInt)in_left;
            z->next_in = (Bytef *)(uintptr_t)in;
            z->avail_in = n;
            in += n;
            in_left -= n;
        }
        if (z->avail_out == 0 && out_left > 0) {
            uInt n = out_left > UINT_MAX ? UINT_MAX : (uInt)out_left;
            z->avail_out = n;
            out_left -= n;
        }
        rc = inflate(z, Z_NO_FLUSH);
        if (rc == Z_OK)
            continue;
        if (rc == Z_STREAM_END)
            break;
        if (rc == Z_NEED_DICT) {
            if (h->method != METHOD_ZLIB_DICT || dict_used) {
                why = "asks for a dictionary its header does not name";
                break;
            }
            /* zlib compares the dictionary's Adler-32 with the one the
             * stream recorded. */
            if (inflateSetDictionary(z, dict->data, (uInt)dict->len) != Z_OK) {
                why = "was packed with a different dictionary";
                break;
            }
            dict_used = true;
            continue;
        }
        if (rc == Z_MEM_ERROR)
            return na_error_set(err, NA_ERR_NOMEM, "zlib: out of memory");
        /* Z_DATA_ERROR: bad data or checksum; Z_BUF_ERROR: the payload
         * ended early or holds more than the header says. */
        why = rc == Z_DATA_ERROR ? "is damaged (bad data or checksum)" : "is truncated or has the wrong length";
        break;
    }
    if (!why) {
        if (h->method == METHOD_ZLIB_DICT && !dict_used)
            why = "was not packed with the dictionary its header names";
        else if (out_left > 0 || z->avail_out > 0)
            why = "is shorter than its header says";
        else if (in_left > 0 || z->avail_in > 0)
            why = "has bytes after its end";
        else if (raw && adler_more(seed, out_start, raw_len) != want_adler)
            why = "is damaged (bad data or checksum)";
    }
    /* Nothing of this blob may be left for the next: the stream is reset
     * before each, but not its pointers into memory the caller frees. */
    z->next_in = NULL;
    z->avail_in = 0;
    z->next_out = NULL;
    z->avail_out = 0;
    return why ? na_error_set(err, NA_ERR_CORRUPT, "stored article %s", why) : NA_OK;
}

/* na_store_unpack() with the stream *Z, started on first need (*LIVE
 * says whether it was). */
static na_status_t unpack_with(z_stream *z, bool *live, const void *blob, size_t len, const na_zdict_t *dict,
                               na_buf_t *out, na_error_t *err)
{
    const unsigned char *p = blob;
    header_t h;
    na_status_t st = read_header(p, len, &h, err);
    if (st)
        return st;
    size_t raw_len = (size_t)h.raw_len;
    if (h.method == METHOD_STORED) {
        na_buf_add(out, p + h.payload, raw_len);
        return NA_OK;
    }
    if (h.method == METHOD_ZLIB_DICT || h.method == METHOD_RAW_DICT) {
        if (!dict || !dict->len)
            return na_error_set(err, NA_ERR_CORRUPT, "stored article needs dictionary %u", h.dict_id);
        if (dict->id != h.dict_id)
            return na_error_set(err, NA_ERR_CORRUPT, "stored article needs dictionary %u, not %u", h.dict_id,
                                dict->id);
        if (dict->len > NA_ZDICT_MAX)
            return na_error_set(err, NA_ERR_INVALID, "dictionary of %zu bytes is longer than %d", dict->len,
                                NA_ZDICT_MAX);
    }
    if (!*live) {
        int rc = inflate_start(z);
        if (rc != Z_OK)
            return inflate_start_error(rc, err);
        *live = true;
    }
    size_t start = out->len;
    na_buf_grow(out, raw_len);
    st = inflate_into(z, p + h.payload, len - h.payload, &h, dict, (unsigned char *)out->data + start, raw_len,
                      err);
    out->len = st ? start : start + raw_len;
    out->data[out->len] = '\0';
    return st;
}

na_status_t na_store_unpack(const void *blob, size_t len, const na_zdict_t *dict, na_buf_t *out, na_error_t *err)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    bool live = false;
    na_status_t st = unpack_with(&z, &live, blob, len, dict, out, err);
    if (live)
        inflateEnd(&z);
    return st;
}

struct na_store_unpacker {
    z_stream z;
    bool live; /* z is started: deferred to the first compressed blob */
};

na_store_unpacker_t *na_store_unpacker_new(void)
{
    na_store_unpacker_t *u = na_xcalloc(1, sizeof *u);
    if (inflate_start(&u->z) != Z_OK) {
        free(u);
        return NULL;
    }
    u->live = true;
    return u;
}

void na_store_unpacker_free(na_store_unpacker_t *u)
{
    if (!u)
        return;
    if (u->live)
        inflateEnd(&u->z);
    free(u);
}

na_status_t na_store_unpacker_unpack(na_store_unpacker_t *u, const void *blob, size_t len, const na_zdict_t *dict,
                                     na_buf_t *out, na_error_t *err)
{
    return unpack_with(&u->z, &u->live, blob, len, dict, out, err);
}

/* ---- dictionary training ----
 *
 * A deflate match into the dictionary pays only if the string recurs in
 * many articles, and pays more the nearer the end of the dictionary it is
 * (shorter distance codes; and the end stays inside the 32 KiB window
 * longest while a long article is compressed).  So:
 *
 * 1. Every DMER-byte string ("d-mer") of the samples is scored by the number
 *    of samples it occurs in (hashed; a d-mer found in one sample only
 *    scores nothing, and d-mers spanning two samples are never counted,
 *    since articles are packed alone).
 * 2. Segments of SEGMENT bytes are chosen greedily by the sum of their
 *    d-mers' scores, the best first; the d-mers a chosen segment covers
 *    stop scoring, so later segments bring new material.  This is the
 *    "cover" method (Liao, Petri, Moffat, Wirth, "Effective construction
 *    of relative Lempel-Ziv dictionaries", WWW 2016; zstd's trainer).  To
 *    keep it linear, the samples are cut into EPOCHS_PER_SEGMENT ranges
 *    per segment wanted, each range offers its best segment, and a range
 *    is re-scored only when its offer reaches the top (lazy greedy: scores
 *    only fall).
 * 3. The segments are laid out by score, highest last.
 *
 * On Reuters-21578 (first 2 MiB trained, every article packed alone, zlib
 * -9) this stores 33.4% of the raw bytes (method 3 blobs), against 36.4% for the last 32 KiB
 * of the samples as dictionary and 58.6% without one; tests/bench/
 * store-ratio.c measures it.  D = 6 and SEGMENT = 128 did best there among
 * D 6..16 and SEGMENT 32..256; laying the segments out in the opposite
 * order costs over four points, which is why the order matters. */

#define DMER 6
#define SEGMENT 128
#define EPOCHS_PER_SEGMENT 4
#define TABLE_BITS_MAX 19 /* 512 Ki counters: larger tables did no better */
/* A segment must hold at least this much recurrence, e.g. a 37-byte
 * string found in two samples: below that it would hardly pay its place,
 * and on small samples it may be hash collisions only. */
#define MIN_SCORE 64
#define NO_DMER UINT32_MAX /* position whose d-mer spans two samples */

typedef struct {
    size_t start;
    uint64_t score;
} pick_t;

typedef struct {
    size_t lo, hi;        /* d-mer positions of the range */
    size_t best_start;
    uint64_t best;        /* its best segment's score when last looked at */
} epoch_t;

/* Hashes the DMER bytes at P, byte by byte so that the dictionary does
 * not depend on the machine's byte order. */
static uint32_t dmer_hash(const unsigned char *p, unsigned bits)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < DMER; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return (uint32_t)((v * 0x9E3779B97F4A7C15ULL) >> (64 - bits));
}

static uint64_t dmer_score(const uint32_t *counts, uint32_t h) { return h == NO_DMER ? 0 : counts[h]; }

/* Finds the best segment of epoch E: the window of WIN d-mers whose
 * scores add up highest, the earliest on a tie. */
static void epoch_best(epoch_t *e, const uint32_t *hashes, const uint32_t *counts, size_t win)
{
    uint64_t score = 0;
    for (size_t i = e->lo; i < e->lo + win; i++)
        score += dmer_score(counts, hashes[i]);
    e->best = score;
    e->best_start = e->lo;
    for (size_t i = e->lo + 1; i + win <= e->hi; i++) {
        score += dmer_score(counts, hashes[i + win - 1]);
        score -= dmer_score(counts, hashes[i - 1]);
        if (score > e->best) {
            e->best = score;
            e->best_start = i;
        }
    }
}

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
    size_t total = 0;
    for (size_t i = 0; i < count; i++)
        total += lens[i];
    /* Too little to choose from: no dictionary beats a poor one, which
     * would only cost its id in every blob. */
    if (count < 2 || max_len == 0 || total < SEGMENT)
        return;

    /* One text, so that a segment is a plain range of it. */
    unsigned char *text = na_xmalloc(total);
    size_t n = total - DMER + 1; /* d-mer positions */
    uint32_t *hashes = na_xmalloc(n * sizeof *hashes);
    /* Room for four times the d-mers, up to TABLE_BITS_MAX, so that on
     * small samples chance collisions do not pass for recurrences. */
    unsigned bits = 16;
    while (bits < TABLE_BITS_MAX && ((size_t)1 << bits) < 4 * n)
        bits++;
    /* counts[h]: samples containing the d-mers hashing to h; seen[h]: 1 +
     * the last sample counted.  Apart, so that scoring, which reads
     * counts only, touches half the memory. */
    uint32_t *counts = na_xcalloc((size_t)1 << bits, sizeof *counts);
    uint32_t *seen = na_xcalloc((size_t)1 << bits, sizeof *seen);

    size_t at = 0;
    for (size_t s = 0; s < count; s++) {
        if (lens[s])
            memcpy(text + at, samples[s], lens[s]);
        size_t end = at + lens[s];
        for (size_t i = at; i < end && i < n; i++) {
            if (i + DMER > end) {
                hashes[i] = NO_DMER;
                continue;
            }
            uint32_t h = dmer_hash(text + i, bits);
            hashes[i] = h;
            if (seen[h] != s + 1) {
                seen[h] = (uint32_t)(s + 1);
                counts[h]++;
            }
        }
        at = end;
    }
    for (size_t i = 0; i < ((size_t)1 << bits); i++)
        if (counts[i] < 2)
            counts[i] = 0;

    size_t win = SEGMENT - DMER + 1; /* d-mers in a segment */
    size_t wanted = (max_len + SEGMENT - 1) / SEGMENT;
    size_t nepochs = wanted * EPOCHS_PER_SEGMENT;
    if (nepochs > n / win)
        nepochs = n / win;
    size_t epoch_len = n / nepochs;
    epoch_t *epochs = na_xmalloc(nepochs * sizeof *epochs);
    for (size_t e = 0; e < nepochs; e++) {
        epochs[e].lo = e * epoch_len;
        epochs[e].hi = e + 1 == nepochs ? n : (e + 1) * epoch_len;
        epoch_best(&epochs[e], hashes, counts, win);
    }

    pick_t *picks = na_xmalloc(wanted * sizeof *picks);
    size_t picked = 0, used = 0;
    while (used < max_len) {
        epoch_t *top = NULL;
        for (size_t e = 0; e < nepochs; e++)
            if (epochs[e].best >= MIN_SCORE && (!top || epochs[e].best > top->best))
                top = &epochs[e];
        if (!top)
            break; /* nothing left that recurs */
        uint64_t offered = top->best;
        epoch_best(top, hashes, counts, win);
        if (top->best < offered)
            continue; /* stale: look again with its true score */
        for (size_t i = top->best_start; i < top->best_start + win; i++)
            if (hashes[i] != NO_DMER)
                counts[hashes[i]] = 0;
        picks[picked].start = top->best_start;
        picks[picked].score = top->best;
        picked++;
        used += SEGMENT;
        epoch_best(top, hashes, counts, win);
    }

    qsort(picks, picked, sizeof *picks, by_score);
    /* When MAX_LEN is not a multiple of SEGMENT, the least useful
     * segment, the first, gives up its head. */
    size_t skip = used > max_len ? used - max_len : 0;
    for (size_t i = 0; i < picked; i++) {
        na_buf_add(out, text + picks[i].start + skip, SEGMENT - skip);
        skip = 0;
    }

    free(picks);
    free(epochs);
    free(seen);
    free(counts);
    free(hashes);
    free(text);
}
