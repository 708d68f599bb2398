/* test-utf8.c - validation, decoding, encoding and repair of UTF-8. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "utf8.h"

/* Validity and repair of byte strings. */
static const struct {
    const char *in;
    size_t len;
    int valid;
    const char *sanitized;
    const char *what;
} cases[] = {
    { "plain ascii", 11, 1, "plain ascii", "ASCII" },
    { "long enough to take the eight-byte path", 39, 1, "long enough to take the eight-byte path",
      "ASCII in words" },
    { "Z\xc3\xbcrich", 7, 1, "Z\xc3\xbcrich", "two-byte sequence" },
    { "\xe2\x82\xac 5", 5, 1, "\xe2\x82\xac 5", "three-byte sequence" },
    { "\xf0\x9f\x93\xb0", 4, 1, "\xf0\x9f\x93\xb0", "four-byte sequence" },
    { "\xed\x9f\xbf\xee\x80\x80", 6, 1, "\xed\x9f\xbf\xee\x80\x80", "U+D7FF and U+E000 around the surrogates" },
    { "\xef\xbf\xbf\xf4\x8f\xbf\xbf", 7, 1, "\xef\xbf\xbf\xf4\x8f\xbf\xbf", "U+FFFF and U+10FFFF" },
    { "caf\xe9", 4, 0, "caf\xc3\xa9", "Latin-1 byte becomes its character" },
    { "twelve bytes\xe9", 13, 0, "twelve bytes\xc3\xa9", "Latin-1 byte after a word of ASCII" },
    { "\x93quoted\x94", 8, 0, "\xe2\x80\x9cquoted\xe2\x80\x9d", "Windows-1252 quotes" },
    { "\x80\x85\x99", 3, 0, "\xe2\x82\xac\xe2\x80\xa6\xe2\x84\xa2", "Windows-1252 euro, ellipsis, trade mark" },
    { "a\x81" "b\x8d\x8f\x90\x9d" "c", 8, 0, "abc", "bytes Windows-1252 leaves undefined are dropped" },
    { "\xc0\xaf", 2, 0, "\xc3\x80\xc2\xaf", "overlong two-byte encoding is not accepted" },
    { "\xe0\x80\xaf", 3, 0, "\xc3\xa0\xe2\x82\xac\xc2\xaf", "overlong three-byte encoding is not accepted" },
    { "\xed\xa0\x80", 3, 0, "\xc3\xad\xc2\xa0\xe2\x82\xac", "surrogate is not accepted" },
    { "\xf4\x90\x80\x80", 4, 0, "\xc3\xb4\xe2\x82\xac\xe2\x82\xac", "above U+10FFFF is not accepted" },
    { "\xf8\x88\x80\x80\x80", 5, 0, "\xc3\xb8\xcb\x86\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac",
      "five-byte form is not accepted" },
    { "\xe2\x82", 2, 0, "\xc3\xa2\xe2\x80\x9a", "truncated sequence" },
    { "\xc3\xa9\xe9\xc3\xa9", 5, 0, "\xc3\xa9\xc3\xa9\xc3\xa9", "mixed UTF-8 and Latin-1" },
    { "a\0b\x01" "c\td\r\n\x7f", 10, 1, "abc\td\r\n\x7f", "NUL and C0 controls dropped; tab, CR, LF, DEL kept" },
    { "", 0, 1, "", "empty" },
};

/* Decoding one code point: the one strict decoder every reader of UTF-8
 * calls (the tokenizer, the date finder, the Xapian shim's word reader),
 * so its edges are all here. */
static const struct {
    const char *in;
    size_t len;
    size_t want_len;
    unsigned want_cp;
    const char *what;
} decode[] = {
    { "A", 1, 1, 0x41, "ASCII" },
    { "\x7f", 1, 1, 0x7f, "last one-byte character" },
    { "\xc2\x80", 2, 2, 0x80, "first two-byte character" },
    { "\xc3\xa9", 2, 2, 0xe9, "two bytes" },
    { "\xdf\xbf", 2, 2, 0x7ff, "last two-byte character" },
    { "\xe0\xa0\x80", 3, 3, 0x800, "first three-byte character" },
    { "\xe2\x82\xac", 3, 3, 0x20ac, "three bytes" },
    { "\xed\x9f\xbf", 3, 3, 0xd7ff, "just below the surrogates" },
    { "\xee\x80\x80", 3, 3, 0xe000, "just above the surrogates" },
    { "\xef\xbf\xbf", 3, 3, 0xffff, "last three-byte character" },
    { "\xf0\x90\x80\x80", 4, 4, 0x10000, "first four-byte character" },
    { "\xf0\x9f\x93\xb0", 4, 4, 0x1f4f0, "four bytes" },
    { "\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff, "U+10FFFF, the last code point" },
    { "\xc3\xa9zz", 4, 2, 0xe9, "only the first character is read" },
    { "\xc0\x80", 2, 0, 0, "overlong NUL" },
    { "\xc1\xbf", 2, 0, 0, "overlong two-byte form of U+007F" },
    { "\xe0\x80\xaf", 3, 0, 0, "overlong three-byte form" },
    { "\xe0\x9f\xbf", 3, 0, 0, "overlong three-byte form of U+07FF" },
    { "\xf0\x80\x80\xaf", 4, 0, 0, "overlong four-byte form" },
    { "\xf0\x8f\xbf\xbf", 4, 0, 0, "overlong four-byte form of U+FFFF" },
    { "\xed\xa0\x80", 3, 0, 0, "first surrogate" },
    { "\xed\xbf\xbf", 3, 0, 0, "last surrogate" },
    { "\xed\xa0\xbd\xed\xb2\xa9", 6, 0, 0, "a surrogate pair (CESU-8)" },
    { "\xf4\x90\x80\x80", 4, 0, 0, "above U+10FFFF" },
    { "\xf5\x80\x80\x80", 4, 0, 0, "lead byte 0xf5" },
    { "\xf8\x88\x80\x80\x80", 5, 0, 0, "five-byte form" },
    { "\xff", 1, 0, 0, "byte 0xff" },
    { "\x80", 1, 0, 0, "continuation byte alone" },
    { "\xbf\xbf", 2, 0, 0, "continuation bytes alone" },
    { "\xc3\xa9", 1, 0, 0, "two-byte form cut short by LEN" },
    { "\xc3", 1, 0, 0, "two-byte form truncated" },
    { "\xe2\x82", 2, 0, 0, "three-byte form truncated" },
    { "\xf0\x9f\x93", 3, 0, 0, "four-byte form truncated" },
    { "\xc3" "A", 2, 0, 0, "lead byte without continuation" },
    { "\xe2" "A\xac", 3, 0, 0, "three-byte form broken at its second byte" },
    { "\xe2\x82" "A", 3, 0, 0, "three-byte form broken at its third byte" },
    { "\xf0\x9f\x93" "A", 4, 0, 0, "four-byte form broken at its fourth byte" },
    { "", 0, 0, 0, "no bytes" },
};

/* Encoding, checked by decoding back. */
static const struct {
    unsigned cp;
    const char *bytes;
    size_t len;
} encode[] = {
    { 0x0, "\0", 1 },
    { 0x7f, "\x7f", 1 },
    { 0x80, "\xc2\x80", 2 },
    { 0x7ff, "\xdf\xbf", 2 },
    { 0x800, "\xe0\xa0\x80", 3 },
    { 0xffff, "\xef\xbf\xbf", 3 },
    { 0x10000, "\xf0\x90\x80\x80", 4 },
    { 0x1f4f0, "\xf0\x9f\x93\xb0", 4 },
    { 0x10ffff, "\xf4\x8f\xbf\xbf", 4 },
};

static void test_case(void)
{
    static const struct {
        unsigned upper, lower;
        const char *what;
    } pairs[] = {
        { 'A', 'a', "ASCII" },           { 0xc9, 0xe9, "E acute" },      { 0x130, 'i', "I with dot" },
        { 0x178, 0xff, "Y diaeresis" },  { 0x141, 0x142, "L stroke" },    { 0x3a9, 0x3c9, "omega" },
        { 0x386, 0x3ac, "alpha tonos" }, { 0x414, 0x434, "de" },          { 0x401, 0x451, "io" },
        { 0x1e00, 0x1e01, "A ring below" },
    };
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        CHECK_INT(na_utf8_lower(pairs[i].upper), pairs[i].lower, pairs[i].what);
        CHECK(na_utf8_is_upper(pairs[i].upper) && na_utf8_is_lower(pairs[i].lower), "... upper, then lower");
        char a[4], b[4];
        CHECK_INT(na_utf8_encode(pairs[i].upper, a), na_utf8_encode(pairs[i].lower, b) + (pairs[i].upper == 0x130),
                  "... lengths kept (but for the dotted I)");
    }
    CHECK_INT(na_utf8_lower(0xd7), 0xd7, "the multiplication sign has no case");
    CHECK(!na_utf8_is_upper(0x4e2d) && !na_utf8_is_lower(0x4e2d), "CJK has no case");
    CHECK_INT(na_utf8_lower(0x110041), 0x110041, "beyond Unicode: unchanged");
}

/* Reading a whole text as Windows-1252, and finding decoded text again
 * in its bytes. */
static const struct {
    const char *in, *decoded;
    int encodes; /* DECODED encodes back to IN */
    const char *what;
} cp1252[] = {
    { "caf\xe9", "caf\xc3\xa9", 1, "Latin-1 letter" },
    { "\xc3\xa9t\xe9", "\xc3\x83\xc2\xa9t\xc3\xa9", 1, "a byte pair that looks like UTF-8 is two characters" },
    { "\x93q\x94 \x80 \x85", "\xe2\x80\x9cq\xe2\x80\x9d \xe2\x82\xac \xe2\x80\xa6", 1, "1252 quotes, euro, ellipsis" },
    { "a\x81" "b\x8d\x8f\x90\x9d" "c", "abc", 0, "undefined bytes dropped" },
    { "t\tl\r\n\x01\x7f", "t\tl\r\n\x7f", 0, "C0 controls dropped; tab, CR, LF, DEL kept" },
    { "plain", "plain", 1, "ASCII unchanged" },
    { "", "", 1, "empty" },
};

static void test_cp1252(void)
{
    for (size_t i = 0; i < sizeof cp1252 / sizeof *cp1252; i++) {
        char *d = na_cp1252_decode(cp1252[i].in, strlen(cp1252[i].in));
        CHECK_STR(d, cp1252[i].decoded, cp1252[i].what);
        CHECK(na_utf8_valid(d, strlen(d)), cp1252[i].what);
        na_buf_t b = NA_BUF_INIT;
        bool ok = na_cp1252_encode(d, strlen(d), &b);
        CHECK(ok && (cp1252[i].encodes ? b.len == strlen(cp1252[i].in) &&
                                             memcmp(b.data ? b.data : "", cp1252[i].in, b.len) == 0
                                       : 1),
              cp1252[i].what);
        na_buf_release(&b);
        free(d);
    }
    na_buf_t b = NA_BUF_INIT;
    CHECK(!na_cp1252_encode("\xe2\x82\xac\xe4\xb8\xad", 6, &b), "a character 1252 has no byte for");
    na_buf_reset(&b);
    CHECK(!na_cp1252_encode("\xe9", 1, &b), "text that is not UTF-8 is not encoded");
    na_buf_release(&b);
}

/* Accent folding: what "grimsson" finding "Grímsson" rests on. */
static void test_fold(void)
{
    static const struct {
        const char *in, *want, *what;
    } folds[] = {
        { "Z\xc3\xbcrich", "Zurich", "u diaeresis" },
        { "S\xc3\xa3o Tom\xc3\xa9 and Pr\xc3\xadncipe", "Sao Tome and Principe", "a tilde, e and i acute" },
        { "Gr\xc3\xadmsson", "Grimsson", "i acute" },
        { "Stra\xc3\x9f" "e", "Strasse", "sharp s is ss" },
        { "\xe1\xba\x9e", "SS", "capital sharp s is SS" },
        { "K\xc3\xb8" "benhavn", "Kobenhavn", "o stroke" },
        { "\xc3\x86gir \xc3\xa6", "AEgir ae", "ae ligature, both cases" },
        { "\xc5\x81\xc3\xb3" "d\xc5\xba", "Lodz", "L stroke, o acute, z acute" },
        { "\xc5\x92uvre \xc5\x93", "OEuvre oe", "oe ligature" },
        { "\xc3\x9eingvellir \xc3\xb0", "THingvellir d", "thorn and eth" },
        { "\xc4\x90\xc3\xa0 N\xe1\xba\xb5ng", "Da Nang", "D stroke, Vietnamese a with marks" },
        { "\xc8\x98tefan \xc8\x9b", "Stefan t", "s and t with comma below" },
        { "I\xcc\x81sland", "Island", "a combining accent is dropped" },
        { "\xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1", "\xce\x91\xce\xb8\xce\xb7\xce\xbd\xce\xb1",
          "Greek eta with tonos" },
        { "\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0", "\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0",
          "Cyrillic is kept" },
        { "\xe4\xb8\xad \xe2\x82\xac \xc2\xa0", "\xe4\xb8\xad \xe2\x82\xac \xc2\xa0", "CJK, euro, no-break space kept" },
        { "caf\xe9", "caf\xe9", "a byte that is not UTF-8 is kept" },
        { "plain", "plain", "ASCII" },
        { "", "", "empty" },
    };
    for (size_t i = 0; i < sizeof folds / sizeof *folds; i++) {
        size_t len = strlen(folds[i].in);
        char *out = malloc(len + 1);
        size_t n = na_utf8_fold(folds[i].in, len, out);
        CHECK_STR(out, folds[i].want, folds[i].what);
        CHECK_INT(n, strlen(folds[i].want), "... its length");
        CHECK(n <= len, "... never longer");
        CHECK_INT(na_utf8_folds(folds[i].in, len), strcmp(folds[i].in, folds[i].want) != 0,
                  "... na_utf8_folds() says whether it changes");
        /* In place, as the normaliser and the query folding use it. */
        memcpy(out, folds[i].in, len + 1);
        na_utf8_fold(out, len, out);
        CHECK_STR(out, folds[i].want, "... in place too");
        free(out);
    }
    /* Every folded form fits where its character was. */
    for (unsigned cp = 0x80; cp < 0x2000; cp++) {
        char a[4], b[4];
        size_t n = na_utf8_encode(cp, a);
        if (na_utf8_fold_char(cp, b) > n) {
            CHECK(0, "a folded character is never longer");
            break;
        }
    }
}

int main(void)
{
    test_cp1252();
    test_case();
    test_fold();
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        CHECK_INT(na_utf8_valid(cases[i].in, cases[i].len), cases[i].valid, cases[i].what);
        char *s = na_utf8_sanitize(cases[i].in, cases[i].len);
        CHECK_STR(s, cases[i].sanitized, cases[i].what);
        CHECK(na_utf8_valid(s, strlen(s)), "sanitized text is valid");
        free(s);
    }
    for (size_t i = 0; i < sizeof decode / sizeof *decode; i++) {
        unsigned cp = 0xdead;
        size_t n = na_utf8_decode(decode[i].in, decode[i].len, &cp);
        CHECK_INT(n, decode[i].want_len, decode[i].what);
        if (n)
            CHECK_INT(cp, decode[i].want_cp, "... its code point");
        else
            CHECK_INT(cp, 0xdead, "... and *CP is left alone");
        /* The validator and the decoder agree. */
        if (decode[i].len && (n == 0 || n == decode[i].len))
            CHECK_INT(na_utf8_valid(decode[i].in, decode[i].len), n != 0, "... and na_utf8_valid agrees");
    }
    for (size_t i = 0; i < sizeof encode / sizeof *encode; i++) {
        char out[4];
        size_t n = na_utf8_encode(encode[i].cp, out);
        CHECK(n == encode[i].len && memcmp(out, encode[i].bytes, n) == 0, "encode bytes");
        unsigned cp;
        CHECK(na_utf8_decode(out, n, &cp) == n && cp == encode[i].cp, "encode then decode");
    }
    /* Every byte string of length 3 over a few tricky bytes sanitizes to
     * valid UTF-8, and valid input comes back unchanged. */
    const unsigned char bytes[] = { 0x00, 0x0a, 0x41, 0x80, 0x81, 0xbf, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0xff };
    int all_valid = 1, unchanged = 1;
    for (size_t a = 0; a < sizeof bytes; a++)
        for (size_t b = 0; b < sizeof bytes; b++)
            for (size_t c = 0; c < sizeof bytes; c++) {
                char in[3] = { (char)bytes[a], (char)bytes[b], (char)bytes[c] };
                char *s = na_utf8_sanitize(in, 3);
                all_valid &= na_utf8_valid(s, strlen(s));
                if (na_utf8_valid(in, 3) && bytes[a] >= 0x20 && bytes[b] >= 0x20 && bytes[c] >= 0x20)
                    unchanged &= strlen(s) == 3 && memcmp(s, in, 3) == 0;
                free(s);
            }
    CHECK(all_valid, "any bytes sanitize to valid UTF-8");
    CHECK(unchanged, "valid text without controls sanitizes to itself");
    return unit_done();
}
