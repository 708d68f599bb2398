/* sniff.c - the not-text test of sniff.h.  Signatures come first so that
 * the reason names the kind of file; the character count is the catch-all
 * for formats with no signature listed. */
#include "sniff.h"

#include <stdbool.h>
#include <string.h>

#include "utf8.h"

/* How much of a file the character count reads: enough to judge, and
 * constant time for a 200 MB file. */
#define SNIFF_SAMPLE (64u * 1024u)

static const struct {
    size_t offset;
    const char *magic;
    size_t len;
    const char *what;
} signatures[] = {
    { 0, "\x1f\x8b", 2, "gzip data" },
    { 0, "BZh", 3, NULL }, /* checked with its block magic below */
    { 0, "\xfd" "7zXZ\0", 6, "xz data" },
    { 0, "\x28\xb5\x2f\xfd", 4, "zstd data" },
    { 0, "PK\x03\x04", 4, "zip archive" },
    { 0, "PK\x05\x06", 4, "zip archive" },
    { 0, "7z\xbc\xaf\x27\x1c", 6, "7-Zip archive" },
    { 257, "ustar", 5, "tar archive" },
    { 0, "%PDF-", 5, "PDF document" },
    { 0, "\x89PNG\r\n\x1a\n", 8, "PNG image" },
    { 0, "\xff\xd8\xff", 3, "JPEG image" },
    { 0, "GIF87a", 6, "GIF image" },
    { 0, "GIF89a", 6, "GIF image" },
    { 0, "\x7f" "ELF", 4, "ELF executable" },
    { 0, "\xcf\xfa\xed\xfe", 4, "Mach-O executable" },
    { 0, "\xfe\xed\xfa\xcf", 4, "Mach-O executable" },
    { 0, "SQLite format 3\0", 16, "SQLite database" },
    { 0, "OggS\0", 5, "Ogg media" },
    { 0, "ID3", 3, NULL }, /* checked with its version byte below */
    { 0, "\xff\xfe", 2, "a UTF-16 byte order mark" },
    { 0, "\xfe\xff", 2, "a UTF-16 byte order mark" },
};

static bool at(const unsigned char *buf, size_t len, size_t offset, const char *magic, size_t n)
{
    return len >= offset + n && memcmp(buf + offset, magic, n) == 0;
}

static const char *signature(const unsigned char *buf, size_t len)
{
    if (at(buf, len, 0, "RIFF", 4) && len >= 12 &&
        (at(buf, len, 8, "WEBP", 4) || at(buf, len, 8, "WAVE", 4) || at(buf, len, 8, "AVI ", 4)))
        return "RIFF media";
    for (size_t i = 0; i < sizeof signatures / sizeof *signatures; i++) {
        if (!at(buf, len, signatures[i].offset, signatures[i].magic, signatures[i].len))
            continue;
        if (signatures[i].what)
            return signatures[i].what;
        /* Short signatures that a line of text could start with. */
        if (buf[0] == 'B' && len >= 10 && buf[3] >= '1' && buf[3] <= '9' &&
            memcmp(buf + 4, "\x31\x41\x59\x26\x53\x59", 6) == 0)
            return "bzip2 data";
        if (buf[0] == 'I' && len >= 10 && buf[3] >= 2 && buf[3] <= 4 && buf[4] == 0)
            return "MP3 audio";
    }
    return NULL;
}

/* A character no text means to hold; page breaks and vertical tabs
 * occur in old plain-text files and are allowed. */
static bool odd(unsigned cp)
{
    if (cp < 0x20)
        return cp != '\t' && cp != '\n' && cp != '\r' && cp != '\f' && cp != '\v';
    return cp == 0x7f || (cp >= 0x80 && cp < 0xa0);
}

const char *na_sniff_binary(const unsigned char *buf, size_t len)
{
    if (!buf || len == 0)
        return NULL;
    const char *what = signature(buf, len);
    if (what)
        return what;
    size_t n = len < SNIFF_SAMPLE ? len : SNIFF_SAMPLE;
    size_t chars = 0, bad = 0, nuls = 0;
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t k = na_utf8_decode((const char *)buf + i, n - i, &cp);
        if (k == 0) {
            /* Read as Windows-1252: only its five holes are odd. */
            unsigned char c = buf[i];
            cp = c == 0x81 || c == 0x8d || c == 0x8f || c == 0x90 || c == 0x9d ? 0x80 : 0xa0;
            k = 1;
        }
        chars++;
        bad += odd(cp);
        nuls += cp == 0;
        i += k;
    }
    /* A stray NUL in a feed costs its record, not the file: only a share
     * of them (UTF-16, executables, images) says the file is binary. */
    if (nuls * 100 > chars)
        return "NUL bytes";
    if (bad * 20 > chars)
        return "too few text characters";
    return NULL;
}
