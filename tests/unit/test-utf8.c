/* test-utf8.c - validation, decoding and repair of UTF-8. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "utf8.h"

static const struct {
    const char *in;
    size_t len;
    int valid;
    const char *sanitized;
    const char *what;
} cases[] = {
    { "plain ascii", 11, 1, "plain ascii", "ASCII" },
    { "Z\xc3\xbcrich", 7, 1, "Z\xc3\xbcrich", "two-byte sequence" },
    { "\xe2\x82\xac 5", 5, 1, "\xe2\x82\xac 5", "three-byte sequence" },
    { "\xf0\x9f\x93\xb0", 4, 1, "\xf0\x9f\x93\xb0", "four-byte sequence" },
    { "caf\xe9", 4, 0, "caf\xc3\xa9", "Latin-1 byte becomes its character" },
    { "\x93quoted\x94", 8, 0, "\xe2\x80\x9cquoted\xe2\x80\x9d", "Windows-1252 quotes" },
    { "\xc0\xaf", 2, 0, "\xc3\x80\xc2\xaf", "overlong encoding is not accepted" },
    { "\xed\xa0\x80", 3, 0, "\xc3\xad\xc2\xa0\xe2\x82\xac", "surrogate is not accepted" },
    { "\xe2\x82", 2, 0, "\xc3\xa2\xe2\x80\x9a", "truncated sequence" },
    { "a\0b\x01" "c\td\n", 8, 1, "abc\td\n", "NUL and controls dropped, tab and newline kept" },
    { "", 0, 1, "", "empty" },
};

int main(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        CHECK_INT(na_utf8_valid(cases[i].in, cases[i].len), cases[i].valid, cases[i].what);
        char *s = na_utf8_sanitize(cases[i].in, cases[i].len);
        CHECK_STR(s, cases[i].sanitized, cases[i].what);
        CHECK(na_utf8_valid(s, strlen(s)), "sanitized text is valid");
        free(s);
    }
    unsigned cp;
    CHECK_INT(na_utf8_decode("\xc3\xa9", 2, &cp), 2, "decode length");
    CHECK_INT(cp, 0xe9, "decode value");
    char enc[4];
    CHECK_INT(na_utf8_encode(0x1f4f0, enc), 4, "encode length");
    CHECK(memcmp(enc, "\xf0\x9f\x93\xb0", 4) == 0, "encode bytes");
    /* Every byte string of length 3 over a few tricky bytes sanitizes to
     * valid UTF-8. */
    const unsigned char bytes[] = { 0x00, 0x41, 0x80, 0xbf, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0xff };
    int all_valid = 1;
    for (size_t a = 0; a < sizeof bytes; a++)
        for (size_t b = 0; b < sizeof bytes; b++)
            for (size_t c = 0; c < sizeof bytes; c++) {
                char in[3] = { (char)bytes[a], (char)bytes[b], (char)bytes[c] };
                char *s = na_utf8_sanitize(in, 3);
                all_valid &= na_utf8_valid(s, strlen(s));
                free(s);
            }
    CHECK(all_valid, "any bytes sanitize to valid UTF-8");
    return unit_done();
}
