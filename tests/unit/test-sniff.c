/* test-sniff.c - telling text from files that are not text (sniff.h), and
 * the editor backups a directory walk skips (walk.h). */
#include <stdlib.h>
#include <string.h>

#include "sniff.h"
#include "unit.h"
#include "walk.h"

/* A string literal and its length, NUL bytes inside included. */
#define T(s) s, sizeof s - 1

static const struct {
    const char *in;
    size_t len;
    const char *why; /* NULL: text */
    const char *what;
} cases[] = {
    { T(""), NULL, "an empty buffer is not called binary" },
    { T("Title\n\nBody text.\n"), NULL, "plain ASCII text" },
    { T("Z\xc3\xbcrich \xe2\x80\x94 caf\xc3\xa9\n"), NULL, "UTF-8 text" },
    { T("Caf\xe9 in Z\xfcrich, \x93quoted\x94\n"), NULL, "Latin-1 and Windows-1252 text" },
    { T("page one\fpage two\vend\r\n"), NULL, "page breaks and vertical tabs are text" },
    { T("\xef\xbb\xbf---\ntitle: x\n---\nbody\n"), NULL, "a UTF-8 byte order mark is text" },
    { T("BZh is a word here, not bzip2\n"), NULL, "text starting like a bzip2 header" },
    { T("ID3 tags are metadata\n"), NULL, "text starting like an MP3 header" },
    { T("RIFF raff\n"), NULL, "text starting with RIFF" },
    { T("text\0with a NUL"), "NUL bytes", "a NUL in fifteen bytes" },
    { T("{\"title\": \"A stray NUL\0 in one record of a feed of JSON lines, "
        "among many bytes of ordinary text that make it one in over a hundred\"}\n"), NULL,
      "a stray NUL among text is dropped with its record, not the file" },
    { T("T\0i\0t\0l\0e\0\n\0"), "NUL bytes", "UTF-16 without a byte order mark" },
    { T("\x1f\x8b\x08\x00\x00\x00\x00\x00"), "gzip data", "gzip signature" },
    { T("PK\x03\x04\x14\x00"), "zip archive", "zip signature" },
    { T("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), "PDF document", "PDF signature" },
    { T("\x89PNG\r\n\x1a\n\x00\x00"), "PNG image", "PNG signature" },
    { T("\xff\xd8\xff\xe0\x00\x10JFIF"), "JPEG image", "JPEG signature" },
    { T("GIF89a\x01\x00"), "GIF image", "GIF signature" },
    { T("\x7f" "ELF\x02\x01\x01"), "ELF executable", "ELF signature" },
    { T("BZh91AY&SY\x01\x02"), "bzip2 data", "bzip2 signature with its block magic" },
    { T("\xfd" "7zXZ\0\0"), "xz data", "xz signature" },
    { T("RIFF\x24\x00\x00\x00WEBPVP8 "), "RIFF media", "WebP signature" },
    { T("\xff\xfeT\0i\0"), "a UTF-16 byte order mark", "UTF-16 little-endian" },
    { T("\x01\x02\x03 abc \x04\x05\x06 def \x07\x08"), "too few text characters", "many control characters" },
    { T("\xc2\x80\xc2\x81\xc2\x82 abcdef"), "too few text characters", "C1 controls written as UTF-8" },
    { T("a\x81" "b\x8d" "c\x8f" "d\x90" "e\x9d"), "too few text characters",
      "bytes Windows-1252 leaves undefined" },
    { T("one stray \x1b in a long enough line of otherwise ordinary text\n"), NULL,
      "one escape in a line is still text" },
};

static void test_tar(void)
{
    unsigned char block[512];
    memset(block, 0, sizeof block);
    memcpy(block, "story.txt", 9);
    memcpy(block + 257, "ustar", 5);
    CHECK_STR(na_sniff_binary(block, sizeof block), "tar archive", "tar header (ustar at 257)");
}

static void test_random(void)
{
    /* A fixed pseudo-random buffer without NUL bytes: the character
     * count must catch it. */
    unsigned char buf[4096];
    unsigned x = 12345;
    for (size_t i = 0; i < sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (unsigned char)((x >> 16) % 255 + 1);
    }
    CHECK_STR(na_sniff_binary(buf, sizeof buf), "too few text characters", "random bytes without NULs");
}

static const struct {
    const char *name;
    int backup;
} names[] = {
    { "story.txt~", 1 },   { "#story.txt#", 1 }, { "story.txt.swp", 1 }, { "story.txt.swo", 1 },
    { "story.bak", 1 },    { "story.txt", 0 },   { "#hashtag", 0 },      { "tilde~story", 0 },
    { "swp", 0 },          { "a.swpx", 0 },      { "#", 0 },             { "~", 1 },
};

int main(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        CHECK_STR(na_sniff_binary((const unsigned char *)cases[i].in, cases[i].len), cases[i].why,
                  cases[i].what);
    test_tar();
    test_random();
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        CHECK_INT(na_walk_is_backup(names[i].name), names[i].backup, names[i].name);
    return unit_done();
}
