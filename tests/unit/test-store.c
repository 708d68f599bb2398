/* test-store.c - lib/store.c: blobs that round-trip byte for byte with and
 * without a dictionary, the choice of method, the packer giving the same
 * blobs as na_store_pack(), hand-made headers, dictionaries that are
 * missing or wrong, damaged blobs (every truncation, every flipped byte,
 * and a loop of random damage) that must be reported and never crash, one
 * unpacker reading all of these in turn as na_store_unpack() does, and
 * dictionary training.  Needs no corpus: the articles are made up here. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "store.h"
#include "unit.h"

/* ---- made-up material ---- */

static uint32_t rng_state;

static void rng_seed(uint32_t seed) { rng_state = seed ? seed : 1; }

/* xorshift32: the same numbers on every machine. */
static uint32_t rng(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

static const char *const words[] = {
    "the", "company", "said", "its", "first", "quarter", "net", "profit", "rose", "pct", "to", "mln",
    "dlrs", "from", "a", "year", "earlier", "and", "revenues", "were", "higher", "shares", "of", "bank",
    "trade", "oil", "prices", "in", "march", "february", "government", "officials", "expected", "export",
    "wheat", "tonnes", "analysts", "market", "rate", "interest", "billion", "sales", "loss", "vs", "cts",
    "share", "dividend", "record", "april", "agreement", "talks", "minister", "japan", "u.s.", "stake",
};
#define NWORDS (sizeof words / sizeof *words)

static const char *const places[] = { "usa", "uk", "japan", "canada", "west-germany", "france", "brazil" };

/* Appends a Reuters-like article: the same tags and sign-off in every one,
 * a body of words drawn from a small vocabulary, so that they share much
 * as real archives do. */
static void make_article(na_buf_t *b, int id, size_t body_words)
{
    na_buf_addf(b,
                "<REUTERS TOPICS=\"YES\" LEWISSPLIT=\"TRAIN\" CGISPLIT=\"TRAINING-SET\" OLDID=\"%d\" NEWID=\"%d\">\n"
                "<DATE>%2d-MAR-1987 %02d:%02d:%02d.%02d</DATE>\n<TOPICS><D>earn</D></TOPICS>\n"
                "<PLACES><D>%s</D></PLACES>\n<PEOPLE></PEOPLE>\n<ORGS></ORGS>\n<EXCHANGES></EXCHANGES>\n"
                "<COMPANIES></COMPANIES>\n<UNKNOWN> \n&#5;&#5;&#5;F\n&#22;&#22;&#1;f%04d&#31;reute\n</UNKNOWN>\n"
                "<TEXT>&#2;\n<TITLE>STORY NUMBER %d</TITLE>\n<DATELINE>    NEW YORK, March %d - </DATELINE><BODY>",
                5000 + id, id, id % 28 + 1, id % 24, id % 60, (id * 7) % 60, id % 100,
                places[(size_t)id % (sizeof places / sizeof *places)], id, id, id % 28 + 1);
    for (size_t i = 0; i < body_words; i++) {
        if (i && i % 12 == 0)
            na_buf_adds(b, "\n    ");
        uint32_t r = rng();
        if (r % 9 == 0)
            na_buf_addf(b, "%u.%u ", r % 1000, (r >> 10) % 10);
        else
            na_buf_addf(b, "%s ", words[(r >> 4) % NWORDS]);
    }
    na_buf_adds(b, "\n Reuter\n&#3;</BODY></TEXT>\n</REUTERS>");
}

static void random_bytes(unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(rng() >> 24);
}

/* A set of made-up articles, for training and packing. */
typedef struct {
    na_buf_t texts[400];
    const unsigned char *ptrs[400];
    size_t lens[400];
    size_t count;
} samples_t;

static void samples_make(samples_t *s, size_t count, uint32_t seed)
{
    rng_seed(seed);
    s->count = count;
    for (size_t i = 0; i < count; i++) {
        na_buf_init(&s->texts[i]);
        make_article(&s->texts[i], (int)i + 1, 40 + rng() % 200);
        s->ptrs[i] = (const unsigned char *)s->texts[i].data;
        s->lens[i] = s->texts[i].len;
    }
}

static void samples_release(samples_t *s)
{
    for (size_t i = 0; i < s->count; i++)
        na_buf_release(&s->texts[i]);
}

static bool contains(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return true;
    return false;
}

static bool same(const na_buf_t *b, const void *p, size_t len)
{
    return b->len == len && (len == 0 || memcmp(b->data, p, len) == 0) && b->data[b->len] == '\0';
}

/* The dictionary most tests use, trained once. */
static na_buf_t dict_bytes;
static na_zdict_t dict;

/* One unpacker for the whole run: every blob any test unpacks, good or
 * damaged, with or without a dictionary, goes through it as well, and must
 * give what na_store_unpack() gives. */
static na_store_unpacker_t *unpacker;

/* Unpacks BLOB with na_store_unpack() into OUT and with the shared
 * unpacker into a copy of OUT's old contents; returns the status, and
 * clears *SAME when the two calls differ in status or output. */
static na_status_t unpack_both(const void *blob, size_t len, const na_zdict_t *d, na_buf_t *out, int *same_out)
{
    na_buf_t other = NA_BUF_INIT;
    na_buf_add(&other, out->data ? out->data : "", out->len);
    na_error_t e1, e2;
    na_status_t st = na_store_unpack(blob, len, d, out, &e1);
    na_status_t st2 = na_store_unpacker_unpack(unpacker, blob, len, d, &other, &e2);
    if (st != st2 || out->len != other.len || (out->len && memcmp(out->data, other.data, out->len) != 0) ||
        other.data[other.len] != '\0' || (st && strcmp(e1.message, e2.message) != 0))
        *same_out = 0;
    na_buf_release(&other);
    return st;
}

/* ---- levels and arguments ---- */

static void test_arguments(void)
{
    static const struct {
        int level;
        na_status_t want;
    } levels[] = {
        { INT_MIN, NA_ERR_INVALID }, { -1, NA_ERR_INVALID }, { 0, NA_ERR_INVALID }, { 1, NA_OK },
        { 5, NA_OK }, { 9, NA_OK }, { 10, NA_ERR_INVALID }, { INT_MAX, NA_ERR_INVALID },
    };
    for (size_t i = 0; i < sizeof levels / sizeof *levels; i++) {
        na_buf_t out = NA_BUF_INIT;
        na_buf_adds(&out, "keep");
        na_error_t err;
        na_error_clear(&err);
        na_status_t st = na_store_pack("text text text text", 19, NULL, levels[i].level, &out, &err);
        CHECK_INT(st, levels[i].want, "na_store_pack checks the level");
        na_store_packer_t *p = na_store_packer_new(&dict, levels[i].level);
        CHECK((p != NULL) == (levels[i].want == NA_OK), "na_store_packer_new checks the level");
        na_store_packer_free(p);
        if (st != NA_OK) {
            CHECK(same(&out, "keep", 4), "... leaving the output as it was");
            CHECK(err.code == st && err.message[0] != '\0', "... with a message");
        }
        na_buf_release(&out);
    }

    unsigned char bytes[NA_ZDICT_MAX + 1] = { 0 };
    static const struct {
        const char *what;
        unsigned id;
        size_t len;
        na_status_t want;
    } dicts[] = {
        { "a dictionary with id 0 is refused", 0, 100, NA_ERR_INVALID },
        { "a dictionary over NA_ZDICT_MAX is refused", 1, NA_ZDICT_MAX + 1, NA_ERR_INVALID },
        { "a dictionary of NA_ZDICT_MAX bytes is taken", 7, NA_ZDICT_MAX, NA_OK },
        { "an empty dictionary counts as none, whatever its id", 0, 0, NA_OK },
    };
    for (size_t i = 0; i < sizeof dicts / sizeof *dicts; i++) {
        na_zdict_t d = { dicts[i].id, bytes, dicts[i].len, 0 };
        na_buf_t out = NA_BUF_INIT;
        CHECK_INT(na_store_pack("text text text text text", 24, &d, 9, &out, NULL), dicts[i].want, dicts[i].what);
        na_store_packer_t *p = na_store_packer_new(&d, 9);
        CHECK((p != NULL) == (dicts[i].want == NA_OK), "... by the packer too");
        na_store_packer_free(p);
        na_buf_release(&out);
    }
    na_store_packer_free(NULL);
    CHECK(1, "na_store_packer_free(NULL) does nothing");
}

/* ---- round trips ---- */

enum { NO_DICT, WITH_DICT };

static void test_round_trips(void)
{
    samples_t s;
    samples_make(&s, 3, 777); /* not the training samples */
    unsigned char noise[3000];
    rng_seed(99);
    random_bytes(noise, sizeof noise);
    size_t big_len = 1u << 20;
    unsigned char *zeros = calloc(1, big_len);
    na_buf_t long_text = NA_BUF_INIT;
    rng_seed(5);
    while (long_text.len < 200000) /* far longer than the window */
        make_article(&long_text, (int)long_text.len, 300);

    static const char binary[] = "Caf\xe9 \x00 bin\xff\xfe\x00\x00 bytes Caf\xe9 \x00 bin\xff\xfe\x00\x00 bytes";
    const struct {
        const char *what;
        const void *data;
        size_t len;
        int dict;
        int level;
        int method; /* the method byte wanted, -1: either compressed one */
    } cases[] = {
        { "nothing", "", 0, NO_DICT, 9, 0 },
        { "nothing, with a dictionary", "", 0, WITH_DICT, 9, 0 },
        { "one byte", "x", 1, NO_DICT, 9, 0 },
        { "one byte, with a dictionary", "x", 1, WITH_DICT, 1, 0 },
        { "a short line", "Cocoa prices rose.", 18, NO_DICT, 6, 0 },
        { "binary bytes with NULs", binary, sizeof binary - 1, NO_DICT, 9, -1 },
        { "random bytes", noise, sizeof noise, NO_DICT, 9, 0 },
        { "random bytes, with a dictionary", noise, sizeof noise, WITH_DICT, 9, 0 },
        { "an article", s.texts[0].data, s.texts[0].len, NO_DICT, 9, 1 },
        { "an article, with a dictionary", s.texts[0].data, s.texts[0].len, WITH_DICT, 9, 3 },
        { "an article, with a dictionary, level 1", s.texts[1].data, s.texts[1].len, WITH_DICT, 1, 3 },
        { "an article, level 5", s.texts[2].data, s.texts[2].len, NO_DICT, 5, 1 },
        { "200 kB of articles, with a dictionary", long_text.data, long_text.len, WITH_DICT, 9, 3 },
        { "1 MiB of zeros (near zlib's 1032:1)", zeros, big_len, NO_DICT, 9, 1 },
        { "1 MiB of zeros, with a dictionary", zeros, big_len, WITH_DICT, 9, 3 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const na_zdict_t *d = cases[i].dict == WITH_DICT ? &dict : NULL;
        na_buf_t blob = NA_BUF_INIT, back = NA_BUF_INIT, again = NA_BUF_INIT;
        na_buf_adds(&blob, "prefix"); /* blobs are appended */
        na_buf_adds(&back, "before");
        na_error_t err;
        CHECK_INT(na_store_pack(cases[i].data, cases[i].len, d, cases[i].level, &blob, &err), NA_OK, cases[i].what);
        CHECK(memcmp(blob.data, "prefix", 6) == 0, "... appended after what OUT held");
        const char *b = blob.data + 6;
        size_t blen = blob.len - 6;
        int method = (unsigned char)b[0];
        if (cases[i].method >= 0)
            CHECK_INT(method, cases[i].method, "... with the method wanted");
        else
            CHECK(method == 1 || method == 3, "... compressed");
        if (method != 0)
            CHECK(blen < cases[i].len + 2, "... smaller than storing it as is");
        size_t raw_len = 12345;
        unsigned id = 12345;
        CHECK_INT(na_store_blob_info(b, blen, &raw_len, &id, NULL), NA_OK, "... its header reads");
        CHECK_INT(raw_len, cases[i].len, "... with the raw length");
        CHECK_INT(id, method == 3 ? dict.id : 0, "... and the dictionary id");
        CHECK_INT(na_store_unpack(b, blen, d, &back, &err), NA_OK, "... it unpacks");
        CHECK(memcmp(back.data, "before", 6) == 0 && back.len == 6 + cases[i].len &&
                  memcmp(back.data + 6, cases[i].data, cases[i].len) == 0 && back.data[back.len] == '\0',
              "... byte-exact, appended");
        na_buf_reset(&back);
        na_buf_adds(&back, "before");
        CHECK_INT(na_store_unpacker_unpack(unpacker, b, blen, d, &back, &err), NA_OK,
                  "... the unpacker that unpacked the cases before it unpacks it");
        CHECK(memcmp(back.data, "before", 6) == 0 && back.len == 6 + cases[i].len &&
                  memcmp(back.data + 6, cases[i].data, cases[i].len) == 0 && back.data[back.len] == '\0',
              "... byte-exact, appended");
        na_store_packer_t *p = na_store_packer_new(d, cases[i].level);
        CHECK_INT(na_store_packer_pack(p, cases[i].data, cases[i].len, &again, &err), NA_OK, "... the packer packs it");
        CHECK(same(&again, b, blen), "... into the same blob");
        na_store_packer_free(p);
        na_buf_release(&blob);
        na_buf_release(&back);
        na_buf_release(&again);
    }
    free(zeros);
    na_buf_release(&long_text);
    samples_release(&s);
}

/* One packer through many articles, small, large and incompressible,
 * gives what na_store_pack() gives for each. */
static void test_packer(void)
{
    samples_t s;
    samples_make(&s, 60, 4242);
    unsigned char noise[500];
    random_bytes(noise, sizeof noise);
    for (int with = 0; with < 2; with++) {
        const na_zdict_t *d = with ? &dict : NULL;
        na_store_packer_t *p = na_store_packer_new(d, 9);
        CHECK(p != NULL, with ? "a packer with a dictionary starts" : "a packer without a dictionary starts");
        int all_same = 1, all_back = 1;
        na_buf_t a = NA_BUF_INIT, b = NA_BUF_INIT, back = NA_BUF_INIT;
        for (size_t i = 0; i < s.count; i++) {
            const void *raw = i % 7 == 3 ? (const void *)noise : s.ptrs[i];
            size_t len = i % 7 == 3 ? sizeof noise : i % 11 == 5 ? 0 : s.lens[i];
            na_buf_reset(&a);
            na_buf_reset(&b);
            na_buf_reset(&back);
            if (na_store_packer_pack(p, raw, len, &a, NULL) != NA_OK || na_store_pack(raw, len, d, 9, &b, NULL) != NA_OK)
                all_same = 0;
            if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
                all_same = 0;
            if (na_store_unpack(a.data, a.len, d, &back, NULL) != NA_OK || !same(&back, raw, len))
                all_back = 0;
            na_buf_reset(&back);
            if (na_store_unpacker_unpack(unpacker, a.data, a.len, d, &back, NULL) != NA_OK || !same(&back, raw, len))
                all_back = 0;
        }
        CHECK(all_same, "... and packs 60 mixed articles as na_store_pack() does");
        CHECK(all_back, "... all of which unpack, also through one unpacker");
        na_store_packer_free(p);
        na_buf_release(&a);
        na_buf_release(&b);
        na_buf_release(&back);
    }
    samples_release(&s);
}

/* ---- headers ---- */

static void test_headers(void)
{
    static const struct {
        const char *what;
        const char *blob;
        size_t len;
        na_status_t want;
        size_t raw_len;
        unsigned id;
    } cases[] = {
        { "an empty blob", "", 0, NA_ERR_CORRUPT, 0, 0 },
        { "a method byte alone", "\x00", 1, NA_ERR_CORRUPT, 0, 0 },
        { "method 0 of nothing", "\x00\x00", 2, NA_OK, 0, 0 },
        { "method 0 of three bytes", "\x00\x03" "abc", 5, NA_OK, 3, 0 },
        { "method 0 with a byte missing", "\x00\x03" "ab", 4, NA_ERR_CORRUPT, 0, 0 },
        { "method 0 with a byte too many", "\x00\x03" "abcd", 6, NA_ERR_CORRUPT, 0, 0 },
        { "method 0 with a two-byte length", "\x00\x81\x01" "abc", 6, NA_ERR_CORRUPT, 0, 0 },
        { "an unknown method", "\x04\x00", 2, NA_ERR_CORRUPT, 0, 0 },
        { "method 255", "\xff\x00", 2, NA_ERR_CORRUPT, 0, 0 },
        { "a varint cut short", "\x01\x80", 2, NA_ERR_CORRUPT, 0, 0 },
        { "a varint with a redundant zero group", "\x00\x80\x00", 3, NA_ERR_CORRUPT, 0, 0 },
        { "a varint over 64 bits", "\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02xxxxxxxx", 19, NA_ERR_CORRUPT, 0, 0 },
        { "an eleven-byte varint", "\x01\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00xxxx", 16, NA_ERR_CORRUPT, 0, 0 },
        { "method 1 within 1032:1", "\x01\x88\x40" "1234567", 10, NA_OK, 8200, 0 },
        { "method 1 beyond 1032:1", "\x01\xc0\x3e" "12345", 8, NA_ERR_CORRUPT, 0, 0 },
        { "method 1 claiming 2^63 bytes", "\x01\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01x", 12, NA_ERR_CORRUPT, 0, 0 },
        { "method 2 naming dictionary 5", "\x02\x05\x05" "12345678", 11, NA_OK, 5, 5 },
        { "method 2 naming dictionary 300", "\x02\x05\xac\x02" "12345678", 12, NA_OK, 5, 300 },
        { "method 2 naming dictionary 0", "\x02\x05\x00" "12345678", 11, NA_ERR_CORRUPT, 0, 0 },
        { "method 2 naming no dictionary", "\x02\x05", 2, NA_ERR_CORRUPT, 0, 0 },
        { "method 2 naming dictionary 2^32", "\x02\x05\x80\x80\x80\x80\x10" "12345678", 15, NA_ERR_CORRUPT, 0, 0 },
        { "method 3 naming dictionary 5", "\x03\x05\x00\x00\x00\x05" "1234", 10, NA_OK, 5, 5 },
        { "method 3 naming dictionary 0xfedcba98", "\x03\x05\xfe\xdc\xba\x98" "1234", 10, NA_OK, 5, 0xfedcba98u },
        { "method 3 naming dictionary 0", "\x03\x05\x00\x00\x00\x00" "1234", 10, NA_ERR_CORRUPT, 0, 0 },
        { "method 3 with its id cut short", "\x03\x05\x00\x00\x05", 5, NA_ERR_CORRUPT, 0, 0 },
        { "method 3 with no room for its checksum", "\x03\x05\x00\x00\x00\x05" "123", 9, NA_ERR_CORRUPT, 0, 0 },
        { "method 3 within 1032:1, its checksum apart", "\x03\x88\x40\x00\x00\x00\x05" "1234567" "1234", 18, NA_OK, 8200, 5 },
        { "method 3 beyond 1032:1, its checksum apart", "\x03\x88\x40\x00\x00\x00\x05" "123456" "1234", 17, NA_ERR_CORRUPT, 0, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t raw_len = 999;
        unsigned id = 999;
        na_error_t err;
        na_status_t st = na_store_blob_info(cases[i].blob, cases[i].len, &raw_len, &id, &err);
        CHECK_INT(st, cases[i].want, cases[i].what);
        if (st == NA_OK) {
            CHECK_INT(raw_len, cases[i].raw_len, "... its raw length");
            CHECK_INT(id, cases[i].id, "... its dictionary id");
        } else {
            CHECK(err.code == NA_ERR_CORRUPT && err.message[0], "... with a message");
            na_buf_t out = NA_BUF_INIT;
            na_buf_adds(&out, "keep");
            CHECK_INT(na_store_unpack(cases[i].blob, cases[i].len, &dict, &out, NULL), NA_ERR_CORRUPT,
                      "... and does not unpack");
            CHECK(same(&out, "keep", 4), "... leaving the output as it was");
            na_buf_release(&out);
        }
    }
    CHECK_INT(na_store_blob_info("\x00\x01z", 3, NULL, NULL, NULL), NA_OK, "blob_info takes NULL outputs");
    na_buf_t out = NA_BUF_INIT;
    CHECK_INT(na_store_unpack("\x00\x03" "abc", 5, NULL, &out, NULL), NA_OK, "method 0 unpacks");
    CHECK(same(&out, "abc", 3), "... to its bytes");
    na_buf_release(&out);
}

/* ---- dictionaries missing or wrong ---- */

static void test_wrong_dictionary(void)
{
    samples_t s;
    samples_make(&s, 1, 31337);
    na_buf_t with = NA_BUF_INIT, without = NA_BUF_INIT;
    na_store_pack(s.ptrs[0], s.lens[0], &dict, 9, &with, NULL);
    na_store_pack(s.ptrs[0], s.lens[0], NULL, 9, &without, NULL);
    CHECK_INT(with.data[0], 3, "an article packs against the dictionary");

    na_buf_t other_bytes = NA_BUF_INIT;
    na_buf_add(&other_bytes, dict.data, dict.len);
    other_bytes.data[other_bytes.len - 1] ^= 1; /* one bit off, at the end */
    unsigned char long_bytes[NA_ZDICT_MAX + 1] = { 0 };
    const na_zdict_t renamed = { dict.id + 1, dict.data, dict.len, 0 };
    const na_zdict_t altered = { dict.id, (const unsigned char *)other_bytes.data, other_bytes.len, 0 };
    const na_zdict_t empty = { dict.id, dict.data, 0, 0 };
    const na_zdict_t too_long = { dict.id, long_bytes, sizeof long_bytes, 0 };
    const struct {
        const char *what;
        const na_buf_t *blob;
        const na_zdict_t *dict;
        na_status_t want;
    } cases[] = {
        { "no dictionary given", &with, NULL, NA_ERR_CORRUPT },
        { "an empty dictionary given", &with, &empty, NA_ERR_CORRUPT },
        { "a dictionary with another id", &with, &renamed, NA_ERR_CORRUPT },
        { "the right id but other bytes", &with, &altered, NA_ERR_CORRUPT },
        { "a dictionary over NA_ZDICT_MAX", &with, &too_long, NA_ERR_INVALID },
        { "the right dictionary", &with, &dict, NA_OK },
        { "a dictionary given for a blob that needs none", &without, &renamed, NA_OK },
    };
    int agree = 1;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        na_buf_t out = NA_BUF_INIT;
        na_buf_adds(&out, "keep");
        na_error_t err;
        unpack_both(cases[i].blob->data, cases[i].blob->len, cases[i].dict, &out, &agree);
        na_buf_reset(&out);
        na_buf_adds(&out, "keep");
        na_status_t st = na_store_unpack(cases[i].blob->data, cases[i].blob->len, cases[i].dict, &out, &err);
        CHECK_INT(st, cases[i].want, cases[i].what);
        if (st == NA_OK)
            CHECK(out.len == 4 + s.lens[0] && memcmp(out.data + 4, s.ptrs[0], s.lens[0]) == 0, "... unpacks");
        else
            CHECK(same(&out, "keep", 4) && err.code == st && err.message[0], "... reported, output as it was");
        na_buf_release(&out);
    }

    /* Headers that lie about the stream: a raw deflate stream against the
     * dictionary called method 1 (a zlib stream), and a zlib stream
     * called method 3. */
    CHECK(agree, "... the unpacker agreeing on each");
    size_t pos = 1;
    while ((unsigned char)with.data[pos] & 0x80) /* skip the length */
        pos++;
    pos++;
    na_buf_t forged = NA_BUF_INIT;
    na_buf_add(&forged, with.data, pos);
    forged.data[0] = 1;
    na_buf_add(&forged, with.data + pos + 4, with.len - pos - 8); /* no id, no checksum */
    na_buf_t out = NA_BUF_INIT;
    CHECK_INT(unpack_both(forged.data, forged.len, &dict, &out, &agree), NA_ERR_CORRUPT,
              "a dictionary stream under a method 1 header is corrupt");
    na_buf_reset(&forged);
    na_buf_add(&forged, without.data, pos);
    forged.data[0] = 3;
    const char id_bytes[4] = { 0, 0, 0, (char)dict.id };
    na_buf_add(&forged, id_bytes, 4);
    na_buf_add(&forged, without.data + pos, without.len - pos);
    na_buf_reset(&out);
    CHECK_INT(unpack_both(forged.data, forged.len, &dict, &out, &agree), NA_ERR_CORRUPT,
              "a plain stream under a method 3 header is corrupt");
    CHECK(agree, "... the unpacker agreeing on both");

    /* Method 2, what older archives hold: a zlib stream with the
     * dictionary's Adler-32 in its header.  Made here as zlib makes it. */
    na_buf_reset(&forged);
    na_buf_add(&forged, with.data, pos);
    forged.data[0] = 2;
    na_buf_addc(&forged, (char)dict.id); /* a one-byte varint */
    z_stream z;
    memset(&z, 0, sizeof z);
    unsigned char zout[8192];
    CHECK(deflateInit(&z, 9) == Z_OK && deflateSetDictionary(&z, dict.data, (uInt)dict.len) == Z_OK,
          "zlib makes a method 2 stream");
    z.next_in = (Bytef *)(uintptr_t)s.ptrs[0];
    z.avail_in = (uInt)s.lens[0];
    z.next_out = zout;
    z.avail_out = sizeof zout;
    CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END, "... of the article");
    na_buf_add(&forged, zout, sizeof zout - z.avail_out);
    deflateEnd(&z);
    na_buf_reset(&out);
    CHECK_INT(unpack_both(forged.data, forged.len, &dict, &out, &agree), NA_OK, "a method 2 blob unpacks");
    CHECK(same(&out, s.ptrs[0], s.lens[0]), "... byte-exact");
    unsigned id = 0;
    CHECK(na_store_blob_info(forged.data, forged.len, NULL, &id, NULL) == NA_OK && id == dict.id,
          "... naming its dictionary");
    na_buf_reset(&out);
    CHECK_INT(unpack_both(forged.data, forged.len, &altered, &out, &agree), NA_ERR_CORRUPT,
              "... and not with other bytes under the dictionary's id");
    CHECK(agree, "... the unpacker agreeing");

    na_buf_release(&forged);
    na_buf_release(&out);
    na_buf_release(&other_bytes);
    na_buf_release(&with);
    na_buf_release(&without);
    samples_release(&s);
}

/* ---- damage ---- */

/* Unpacks a damaged copy of a blob: fine if reported as corrupt with OUT
 * untouched, or (not expected) if it still gives exactly WANT.  Returns
 * false for anything else. */
static bool damage_handled(const void *blob, size_t len, const na_zdict_t *d, const void *want, size_t want_len,
                           int *reported)
{
    na_buf_t out = NA_BUF_INIT;
    na_buf_adds(&out, "keep");
    int agree = 1;
    na_status_t st = unpack_both(blob, len, d, &out, &agree);
    bool ok;
    if (st == NA_ERR_CORRUPT) {
        ok = same(&out, "keep", 4);
        ++*reported;
    } else
        ok = st == NA_OK && out.len == 4 + want_len && memcmp(out.data + 4, want, want_len) == 0;
    na_buf_release(&out);
    return ok && agree;
}

static void test_damage(void)
{
    samples_t s;
    samples_make(&s, 2, 2024);
    for (int with = 0; with < 2; with++) {
        const na_zdict_t *d = with ? &dict : NULL;
        na_buf_t blob = NA_BUF_INIT;
        na_store_pack(s.ptrs[with], s.lens[with], d, 9, &blob, NULL);
        CHECK_INT(blob.data[0], with ? 3 : 1, with ? "a blob with a dictionary to damage" : "a plain blob to damage");

        /* Copies on the heap, exactly as long as the damaged blob, so
         * that valgrind sees any read past its end. */
        int handled = 1, reported = 0;
        for (size_t cut = 0; cut < blob.len; cut++) {
            unsigned char *copy = malloc(cut ? cut : 1);
            memcpy(copy, blob.data, cut);
            if (!damage_handled(copy, cut, d, s.ptrs[with], s.lens[with], &reported))
                handled = 0;
            free(copy);
        }
        CHECK(handled && reported == (int)blob.len, "... every truncation is reported, the output untouched");

        /* A flip is reported unless it lands in the padding bits after
         * the deflate stream's last code, in its last byte before the
         * Adler-32: zlib reads nothing there, so nothing can notice. */
        handled = 1;
        int unnoticed_elsewhere = 0;
        static const unsigned char masks[] = { 0x01, 0x80, 0xff, 0x5a };
        for (size_t pos = 0; pos < blob.len; pos++)
            for (size_t m = 0; m < sizeof masks; m++) {
                unsigned char *copy = malloc(blob.len);
                memcpy(copy, blob.data, blob.len);
                copy[pos] ^= masks[m];
                reported = 0;
                if (!damage_handled(copy, blob.len, d, s.ptrs[with], s.lens[with], &reported))
                    handled = 0;
                if (!reported && pos != blob.len - 5)
                    unnoticed_elsewhere++;
                free(copy);
            }
        CHECK(handled, "... no flipped byte is read back as other text");
        CHECK_INT(unnoticed_elsewhere, 0, "... every flip is reported, but in the last byte's padding bits");

        unsigned char *longer = malloc(blob.len + 1);
        memcpy(longer, blob.data, blob.len);
        longer[blob.len] = 0;
        reported = 0;
        CHECK(damage_handled(longer, blob.len + 1, d, s.ptrs[with], s.lens[with], &reported) && reported == 1,
              "... a byte after its end is reported");
        free(longer);

        /* Random damage: a few bytes overwritten, a random cut, or both. */
        rng_seed(with ? 11 : 12);
        handled = 1;
        reported = 0;
        for (int round = 0; round < 3000; round++) {
            size_t len = blob.len;
            if (rng() % 3 == 0)
                len = rng() % blob.len;
            unsigned char *copy = malloc(len ? len : 1);
            memcpy(copy, blob.data, len);
            if (len)
                for (uint32_t k = 1 + rng() % 4; k > 0; k--)
                    copy[rng() % len] = (unsigned char)rng();
            if (!damage_handled(copy, len, d, s.ptrs[with], s.lens[with], &reported))
                handled = 0;
            free(copy);
        }
        CHECK(handled, "... 3000 randomly damaged copies never unpack to other text");
        CHECK(reported > 2900, "... and are almost all reported (the rest unchanged by chance)");
        na_buf_release(&blob);
    }

    /* Random blobs: any header, any payload.  Nothing may crash, and what
     * does unpack has the length its header gives. */
    rng_seed(77);
    int consistent = 1;
    for (int round = 0; round < 3000; round++) {
        size_t len = rng() % 40;
        unsigned char *b = malloc(len ? len : 1);
        random_bytes(b, len);
        if (len)
            b[0] %= 4;
        if (len > 2 && b[0] == 2)
            b[2] = (unsigned char)dict.id; /* sometimes reach the inflater with the dictionary */
        if (len > 5 && b[0] == 3) {
            b[2] = b[3] = b[4] = 0;
            b[5] = (unsigned char)dict.id;
        }
        na_buf_t out = NA_BUF_INIT;
        size_t raw_len = 0;
        na_status_t info = na_store_blob_info(b, len, &raw_len, NULL, NULL);
        na_status_t st = unpack_both(b, len, &dict, &out, &consistent);
        if (st == NA_OK && (info != NA_OK || out.len != raw_len))
            consistent = 0;
        if (st != NA_OK && (st != NA_ERR_CORRUPT || out.len != 0))
            consistent = 0;
        na_buf_release(&out);
        free(b);
    }
    CHECK(consistent, "3000 random blobs are reported or unpack to the length they claim, "
                      "the unpacker agreeing");
    samples_release(&s);
}

/* ---- training ---- */

static void test_train(void)
{
    samples_t s;
    samples_make(&s, 300, 1);

    na_buf_t again = NA_BUF_INIT;
    na_store_train(s.ptrs, s.lens, s.count, NA_ZDICT_MAX, &again);
    CHECK(same(&again, dict.data, dict.len), "training is deterministic");
    na_buf_release(&again);

    /* The tags and sign-off every sample shares come last. */
    const char *tail = (const char *)dict.data + dict.len - 2048;
    CHECK(contains(tail, 2048, "</EXCHANGES>\n<COMPANIES></COMPANIES>"),
          "what every sample shares is near the end");
    CHECK(contains(tail, 2048, "Reuter\n&#3;</BODY></TEXT>\n</REUTERS>"), "... the sign-off too");

    /* A new article of the same kind packs far smaller with it. */
    samples_t fresh;
    samples_make(&fresh, 20, 999);
    size_t plain = 0, with = 0;
    na_buf_t blob = NA_BUF_INIT;
    for (size_t i = 0; i < fresh.count; i++) {
        na_buf_reset(&blob);
        na_store_pack(fresh.ptrs[i], fresh.lens[i], NULL, 9, &blob, NULL);
        plain += blob.len;
        na_buf_reset(&blob);
        na_store_pack(fresh.ptrs[i], fresh.lens[i], &dict, 9, &blob, NULL);
        with += blob.len;
    }
    CHECK(with * 10 < plain * 7, "the dictionary packs new articles at least 30% smaller");
    na_buf_release(&blob);
    samples_release(&fresh);

    unsigned char noise[40][64];
    const unsigned char *noise_ptrs[40];
    size_t noise_lens[40];
    rng_seed(3);
    for (int i = 0; i < 40; i++) {
        random_bytes(noise[i], sizeof noise[i]);
        noise_ptrs[i] = noise[i];
        noise_lens[i] = sizeof noise[i];
    }
    const struct {
        const char *what;
        const unsigned char *const *ptrs;
        const size_t *lens;
        size_t count, max_len;
        size_t min, max; /* the dictionary length wanted */
    } cases[] = {
        { "no samples: no dictionary", s.ptrs, s.lens, 0, NA_ZDICT_MAX, 0, 0 },
        { "one sample: no dictionary", s.ptrs, s.lens, 1, NA_ZDICT_MAX, 0, 0 },
        { "max_len 0: no dictionary", s.ptrs, s.lens, s.count, 0, 0, 0 },
        { "nothing shared: no dictionary", noise_ptrs, noise_lens, 40, NA_ZDICT_MAX, 0, 0 },
        { "two samples: a dictionary no longer than they are", s.ptrs, s.lens, 2, NA_ZDICT_MAX, 1,
          s.lens[0] + s.lens[1] },
        { "max_len 1000", s.ptrs, s.lens, s.count, 1000, 1000, 1000 },
        { "max_len 100, under one segment", s.ptrs, s.lens, s.count, 100, 100, 100 },
        { "max_len over NA_ZDICT_MAX is clamped", s.ptrs, s.lens, s.count, 1000000, NA_ZDICT_MAX, NA_ZDICT_MAX },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        na_buf_t d = NA_BUF_INIT;
        na_buf_adds(&d, "pre");
        na_store_train(cases[i].ptrs, cases[i].lens, cases[i].count, cases[i].max_len, &d);
        size_t got = d.len - 3;
        CHECK(memcmp(d.data, "pre", 3) == 0 && got >= cases[i].min && got <= cases[i].max, cases[i].what);
        if (got < cases[i].min || got > cases[i].max)
            printf("#   got %zu bytes\n", got);
        na_buf_release(&d);
    }
    samples_release(&s);
}

int main(void)
{
    /* Most tests use a dictionary trained from made-up articles. */
    samples_t s;
    samples_make(&s, 300, 1);
    na_store_train(s.ptrs, s.lens, s.count, NA_ZDICT_MAX, &dict_bytes);
    samples_release(&s);
    dict = (na_zdict_t){ 3, (const unsigned char *)dict_bytes.data, dict_bytes.len, 0 };
    CHECK(dict.len > NA_ZDICT_MAX / 2 && dict.len <= NA_ZDICT_MAX, "a dictionary is trained from 300 articles");
    unpacker = na_store_unpacker_new();
    CHECK(unpacker != NULL, "an unpacker starts");
    if (!unpacker)
        return unit_done();

    test_arguments();
    test_round_trips();
    test_packer();
    test_headers();
    test_wrong_dictionary();
    test_damage();
    test_train();

    na_store_unpacker_free(unpacker);
    na_store_unpacker_free(NULL);
    na_buf_release(&dict_bytes);
    return unit_done();
}
