/* test-store.c - packing and unpacking articles, dictionaries, and damaged
 * blobs that must be reported, never crash. */
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "unit.h"

static const char binary[] = "Caf\xe9 \x00 binary \xff\xfe bytes";
static const char *const texts[] = {
    "",
    "x",
    "<REUTERS NEWID=\"1\"><TITLE>COCOA</TITLE><BODY>Cocoa prices rose on Monday.</BODY></REUTERS>",
    binary,
};

static void round_trip(const char *what, const void *raw, size_t len, const na_zdict_t *dict, int level)
{
    na_buf_t blob = NA_BUF_INIT, back = NA_BUF_INIT;
    CHECK_INT(na_store_pack(raw, len, dict, level, &blob, NULL), NA_OK, what);
    size_t raw_len;
    unsigned id;
    CHECK_INT(na_store_blob_info(blob.data, blob.len, &raw_len, &id, NULL), NA_OK, "header reads");
    CHECK_INT(raw_len, len, "header has the raw length");
    CHECK_INT(na_store_unpack(blob.data, blob.len, dict, &back, NULL), NA_OK, "unpacks");
    CHECK(back.len == len && memcmp(back.data, raw, len) == 0, "byte-exact");
    na_buf_release(&blob);
    na_buf_release(&back);
}

int main(void)
{
    /* Samples for a dictionary: similar articles, as an archive has. */
    na_buf_t samples[40];
    const unsigned char *ptrs[40];
    size_t lens[40];
    for (int i = 0; i < 40; i++) {
        na_buf_init(&samples[i]);
        na_buf_addf(&samples[i],
                    "<REUTERS TOPICS=\"YES\" NEWID=\"%d\">\n<DATE>%d-MAR-1987</DATE>\n<PLACES><D>usa</D></PLACES>\n"
                    "<TEXT><TITLE>STORY %d</TITLE><BODY>The company said its first quarter net profit rose "
                    "%d pct to %d mln dlrs, and revenues were higher.\n Reuter\n</BODY></TEXT></REUTERS>",
                    i, i % 28 + 1, i, i * 3, i * 7);
        ptrs[i] = (const unsigned char *)samples[i].data;
        lens[i] = samples[i].len;
    }
    na_buf_t dict_buf = NA_BUF_INIT, again = NA_BUF_INIT;
    na_store_train(ptrs, lens, 40, NA_ZDICT_MAX, &dict_buf);
    na_store_train(ptrs, lens, 40, NA_ZDICT_MAX, &again);
    CHECK(dict_buf.len > 0 && dict_buf.len <= NA_ZDICT_MAX, "a dictionary is trained");
    CHECK(dict_buf.len == again.len && memcmp(dict_buf.data, again.data, again.len) == 0, "deterministically");
    na_zdict_t dict = { 3, (const unsigned char *)dict_buf.data, dict_buf.len };

    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        size_t len = i == 3 ? sizeof binary - 1 : strlen(texts[i]);
        round_trip("packs without a dictionary", texts[i], len, NULL, 9);
        round_trip("packs with a dictionary", texts[i], len, &dict, 6);
    }

    /* The dictionary makes a new, similar article smaller. */
    const char *fresh = "<REUTERS TOPICS=\"YES\" NEWID=\"99\">\n<DATE>9-MAR-1987</DATE>\n<PLACES><D>usa</D></PLACES>\n"
                        "<TEXT><TITLE>STORY 99</TITLE><BODY>The company said its first quarter net profit rose "
                        "12 pct to 40 mln dlrs, and revenues were higher.\n Reuter\n</BODY></TEXT></REUTERS>";
    na_buf_t plain = NA_BUF_INIT, with = NA_BUF_INIT;
    na_store_pack(fresh, strlen(fresh), NULL, 9, &plain, NULL);
    na_store_pack(fresh, strlen(fresh), &dict, 9, &with, NULL);
    CHECK(with.len * 2 < plain.len, "the dictionary at least halves a similar article");

    unsigned id;
    size_t raw_len;
    na_store_blob_info(with.data, with.len, &raw_len, &id, NULL);
    CHECK_INT(id, 3, "the blob names its dictionary");
    na_buf_t out = NA_BUF_INIT;
    na_error_t err;
    CHECK_INT(na_store_unpack(with.data, with.len, NULL, &out, &err), NA_ERR_CORRUPT, "no dictionary given");
    na_zdict_t other = { 4, dict.data, dict.len };
    CHECK_INT(na_store_unpack(with.data, with.len, &other, &out, &err), NA_ERR_CORRUPT, "the wrong dictionary");
    CHECK_INT(na_store_pack("x", 1, NULL, 0, &out, &err), NA_ERR_INVALID, "level 0 is refused");
    CHECK_INT(na_store_pack("x", 1, NULL, 10, &out, &err), NA_ERR_INVALID, "level 10 is refused");

    /* Damage: every truncation and every single flipped byte is either
     * reported or (for a flip in the stored header that still decodes)
     * gives bytes of the right length; nothing crashes. */
    int reported = 1, truncations = 1;
    for (size_t cut = 0; cut < with.len; cut++) {
        na_buf_reset(&out);
        if (na_store_unpack(with.data, cut, &dict, &out, NULL) != NA_ERR_CORRUPT)
            truncations = 0;
        if (out.len != 0)
            truncations = 0;
    }
    CHECK(truncations, "every truncated blob is corrupt and leaves the output empty");
    for (size_t pos = 0; pos < with.len; pos++) {
        na_buf_t damaged = NA_BUF_INIT;
        na_buf_add(&damaged, with.data, with.len);
        damaged.data[pos] ^= 0x5a;
        na_buf_reset(&out);
        na_status_t st = na_store_unpack(damaged.data, damaged.len, &dict, &out, NULL);
        if (st == NA_OK && (out.len != strlen(fresh) || memcmp(out.data, fresh, out.len) != 0))
            reported = 0;
        na_buf_release(&damaged);
    }
    CHECK(reported, "a flipped byte is never read back as wrong text");

    /* Random bytes do not compress: they are stored as they are. */
    unsigned char noise[300];
    unsigned seed = 12345;
    for (size_t i = 0; i < sizeof noise; i++) {
        seed = seed * 1103515245u + 12345u;
        noise[i] = (unsigned char)(seed >> 16);
    }
    na_buf_t stored = NA_BUF_INIT;
    na_store_pack(noise, sizeof noise, NULL, 9, &stored, NULL);
    CHECK(stored.data[0] == 0 && stored.len <= sizeof noise + 4, "incompressible bytes are stored");
    round_trip("random bytes round-trip", noise, sizeof noise, NULL, 9);

    for (int i = 0; i < 40; i++)
        na_buf_release(&samples[i]);
    na_buf_release(&dict_buf);
    na_buf_release(&again);
    na_buf_release(&plain);
    na_buf_release(&with);
    na_buf_release(&out);
    na_buf_release(&stored);
    return unit_done();
}
