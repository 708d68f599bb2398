/* utf8.c - validation and repair of UTF-8 text.
 *
 * Repair reads every byte that does not start a valid sequence as a
 * Windows-1252 character, since that is what stray high bytes in news
 * text almost always are (Latin-1 text, or 1252 "smart quotes" pasted
 * into UTF-8).  Valid runs are copied in bulk, so repairing mostly-valid
 * text costs little more than copying it.
 */
#include "utf8.h"

#include <stdint.h>
#include <string.h>

#include "util.h"

size_t na_utf8_decode(const char *s, size_t len, unsigned *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    if (len == 0)
        return 0;
    unsigned c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    unsigned min;
    /* 0xc0, 0xc1 and 0xf5.. can only start overlong or out-of-range
     * sequences, so they are rejected here and the minimum check below
     * catches the remaining overlongs. */
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        c &= 0x1f;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        c &= 0x0f;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        c &= 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return n;
}

size_t na_utf8_encode(unsigned cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xc0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xe0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (unsigned char)(0xf0 | ((cp >> 18) & 0x07));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

bool na_utf8_valid(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        /* Text is mostly ASCII: test eight bytes at a time. */
        if (len - i >= 8) {
            if (!na_has_high(na_load8(s + i))) {
                i += 8;
                continue;
            }
        }
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        unsigned cp;
        size_t n = na_utf8_decode(s + i, len - i, &cp);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

/* Windows-1252's characters for 0x80..0x9f.  The five bytes it leaves
 * undefined would be C1 controls in Latin-1, which no text means to
 * contain, so they are 0 here and dropped like C0 controls. */
static const unsigned short cp1252_high[32] = {
    0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
    0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
    0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
    0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

static bool keep_ascii(unsigned char c)
{
    return c >= 0x20 || c == '\t' || c == '\n' || c == '\r';
}

char *na_utf8_sanitize(const char *s, size_t len)
{
    na_buf_t out = NA_BUF_INIT;
    na_buf_grow(&out, len + 1);
    size_t i = 0, run = 0; /* s[run..i) is valid and not yet copied */
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (keep_ascii(c)) {
                i++;
                continue;
            }
        } else {
            unsigned cp;
            size_t n = na_utf8_decode(s + i, len - i, &cp);
            if (n) {
                i += n;
                continue;
            }
        }
        /* C is dropped or replaced: flush the valid run before it. */
        na_buf_add(&out, s + run, i - run);
        if (c >= 0x80) {
            unsigned cp = c < 0xa0 ? cp1252_high[c - 0x80] : c;
            if (cp) {
                char enc[4];
                na_buf_add(&out, enc, na_utf8_encode(cp, enc));
            }
        }
        run = ++i;
    }
    na_buf_add(&out, s + run, i - run);
    return na_buf_detach(&out, NULL);
}

char *na_cp1252_decode(const char *s, size_t len)
{
    na_buf_t out = NA_BUF_INIT;
    na_buf_grow(&out, len + len / 2 + 1);
    size_t run = 0; /* s[run..i) is ASCII to keep, not yet copied */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80 && keep_ascii(c))
            continue;
        na_buf_add(&out, s + run, i - run);
        run = i + 1;
        if (c < 0x80)
            continue;
        unsigned cp = c < 0xa0 ? cp1252_high[c - 0x80] : c;
        if (cp) {
            char enc[4];
            na_buf_add(&out, enc, na_utf8_encode(cp, enc));
        }
    }
    na_buf_add(&out, s + run, len - run);
    if (!out.data)
        na_buf_grow(&out, 1);
    return na_buf_detach(&out, NULL);
}

bool na_cp1252_encode(const char *s, size_t len, na_buf_t *out)
{
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t n = na_utf8_decode(s + i, len - i, &cp);
        if (n == 0)
            return false;
        i += n;
        if (cp < 0x80 || (cp >= 0xa0 && cp <= 0xff)) {
            na_buf_addc(out, (char)cp);
            continue;
        }
        size_t k = 0;
        while (k < 32 && cp1252_high[k] != cp)
            k++;
        if (k == 32 || cp == 0)
            return false;
        na_buf_addc(out, (char)(0x80 + k));
    }
    return true;
}

/* ---- case ---- */

bool na_utf8_is_upper(unsigned cp)
{
    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z';
    if (cp >= 0xc0 && cp <= 0xde)
        return cp != 0xd7;
    if (cp >= 0x100 && cp <= 0x17f) {
        if (cp == 0x138 || cp == 0x149 || cp == 0x17f)
            return false;
        if (cp == 0x178)
            return true;
        if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e))
            return cp & 1;
        return !(cp & 1);
    }
    if (cp >= 0x386 && cp <= 0x3ab)
        return cp != 0x387 && cp != 0x38b && cp != 0x38d && cp != 0x390 && cp != 0x3a2;
    if (cp >= 0x400 && cp <= 0x42f)
        return true;
    if (cp >= 0x1e00 && cp <= 0x1eff)
        return !(cp & 1) && !(cp >= 0x1e96 && cp <= 0x1e9f);
    return false;
}

bool na_utf8_is_lower(unsigned cp)
{
    if (cp < 0x80)
        return cp >= 'a' && cp <= 'z';
    if (cp >= 0xdf && cp <= 0xff)
        return cp != 0xf7;
    if (cp >= 0x100 && cp <= 0x17f)
        return !na_utf8_is_upper(cp);
    if (cp >= 0x3ac && cp <= 0x3ce)
        return true;
    if (cp == 0x390)
        return true;
    if (cp >= 0x430 && cp <= 0x45f)
        return true;
    if (cp >= 0x1e00 && cp <= 0x1eff)
        return !na_utf8_is_upper(cp);
    return false;
}

unsigned na_utf8_lower(unsigned cp)
{
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    if (!na_utf8_is_upper(cp))
        return cp;
    if (cp <= 0xde)
        return cp + 0x20;
    if (cp == 0x178)
        return 0xff;
    if (cp == 0x130) /* capital I with dot: plain i, as in most languages */
        return 'i';
    if (cp <= 0x17f)
        return cp + 1;
    if (cp == 0x386)
        return 0x3ac;
    if (cp >= 0x388 && cp <= 0x38a)
        return cp + 37;
    if (cp == 0x38c)
        return 0x3cc;
    if (cp == 0x38e || cp == 0x38f)
        return cp + 63;
    if (cp >= 0x391 && cp <= 0x3ab)
        return cp + 0x20;
    if (cp >= 0x400 && cp <= 0x40f)
        return cp + 0x50;
    if (cp >= 0x410 && cp <= 0x42f)
        return cp + 0x20;
    if (cp >= 0x1e00 && cp <= 0x1eff)
        return cp + 1;
    return cp;
}

/* ---- accent folding ---- */

/* The letter each Latin character is written with when its marks are
 * left off: its canonical decomposition without combining marks, and for
 * the letters that have none the spelling English text uses for them
 * (ß ss, æ ae, ø o, ł l, đ and ð d, þ th, œ oe, ı i, ħ h).  "" is a
 * character kept as it is.  Every entry is ASCII and no longer than its
 * character's UTF-8 form, so folding never makes text longer. */
static const char fold_latin[0x250 - 0xc0][3] = {
    "A", "A", "A", "A", "A", "A", "AE", "C",
    "E", "E", "E", "E", "I", "I", "I", "I",
    "D", "N", "O", "O", "O", "O", "O", "",
    "O", "U", "U", "U", "U", "Y", "TH", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c",
    "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "",
    "o", "u", "u", "u", "u", "y", "th", "y",
    "A", "a", "A", "a", "A", "a", "C", "c",
    "C", "c", "C", "c", "C", "c", "D", "d",
    "D", "d", "E", "e", "E", "e", "E", "e",
    "E", "e", "E", "e", "G", "g", "G", "g",
    "G", "g", "G", "g", "H", "h", "H", "h",
    "I", "i", "I", "i", "I", "i", "I", "i",
    "I", "i", "IJ", "ij", "J", "j", "K", "k",
    "k", "L", "l", "L", "l", "L", "l", "L",
    "l", "L", "l", "N", "n", "N", "n", "N",
    "n", "n", "", "", "O", "o", "O", "o",
    "O", "o", "OE", "oe", "R", "r", "R", "r",
    "R", "r", "S", "s", "S", "s", "S", "s",
    "S", "s", "T", "t", "T", "t", "T", "t",
    "U", "u", "U", "u", "U", "u", "U", "u",
    "U", "u", "U", "u", "W", "w", "Y", "y",
    "Y", "Z", "z", "Z", "z", "Z", "z", "s",
    "b", "B", "", "", "", "", "", "C",
    "c", "D", "D", "", "", "", "", "",
    "", "F", "f", "", "", "", "", "I",
    "K", "k", "l", "", "", "", "", "",
    "O", "o", "", "", "P", "p", "", "",
    "", "", "", "t", "T", "t", "T", "U",
    "u", "", "V", "Y", "y", "Z", "z", "",
    "", "", "", "", "", "", "", "",
    "", "", "", "", "DZ", "Dz", "dz", "LJ",
    "Lj", "lj", "NJ", "Nj", "nj", "A", "a", "I",
    "i", "O", "o", "U", "u", "U", "u", "U",
    "u", "U", "u", "U", "u", "", "A", "a",
    "A", "a", "AE", "ae", "G", "g", "G", "g",
    "K", "k", "O", "o", "O", "o", "", "",
    "j", "DZ", "Dz", "dz", "G", "g", "", "",
    "N", "n", "A", "a", "AE", "ae", "O", "o",
    "A", "a", "A", "a", "E", "e", "E", "e",
    "I", "i", "I", "i", "O", "o", "O", "o",
    "R", "r", "R", "r", "U", "u", "U", "u",
    "S", "s", "T", "t", "", "", "H", "h",
    "", "d", "", "", "", "", "A", "a",
    "E", "e", "O", "o", "O", "o", "O", "o",
    "O", "o", "Y", "y", "l", "n", "t", "j",
    "db", "qp", "A", "C", "c", "L", "T", "",
    "", "", "", "", "", "", "E", "e",
    "J", "j", "", "", "R", "r", "Y", "y",
};

static const char fold_latin_additional[0x100][2] = {
    "A", "a", "B", "b", "B", "b", "B", "b",
    "C", "c", "D", "d", "D", "d", "D", "d",
    "D", "d", "D", "d", "E", "e", "E", "e",
    "E", "e", "E", "e", "E", "e", "F", "f",
    "G", "g", "H", "h", "H", "h", "H", "h",
    "H", "h", "H", "h", "I", "i", "I", "i",
    "K", "k", "K", "k", "K", "k", "L", "l",
    "L", "l", "L", "l", "L", "l", "M", "m",
    "M", "m", "M", "m", "N", "n", "N", "n",
    "N", "n", "N", "n", "O", "o", "O", "o",
    "O", "o", "O", "o", "P", "p", "P", "p",
    "R", "r", "R", "r", "R", "r", "R", "r",
    "S", "s", "S", "s", "S", "s", "S", "s",
    "S", "s", "T", "t", "T", "t", "T", "t",
    "T", "t", "U", "u", "U", "u", "U", "u",
    "U", "u", "U", "u", "V", "v", "V", "v",
    "W", "w", "W", "w", "W", "w", "W", "w",
    "W", "w", "X", "x", "X", "x", "Y", "y",
    "Z", "z", "Z", "z", "Z", "z", "h", "t",
    "w", "y", "", "", "", "", "SS", "",
    "A", "a", "A", "a", "A", "a", "A", "a",
    "A", "a", "A", "a", "A", "a", "A", "a",
    "A", "a", "A", "a", "A", "a", "A", "a",
    "E", "e", "E", "e", "E", "e", "E", "e",
    "E", "e", "E", "e", "E", "e", "E", "e",
    "I", "i", "I", "i", "O", "o", "O", "o",
    "O", "o", "O", "o", "O", "o", "O", "o",
    "O", "o", "O", "o", "O", "o", "O", "o",
    "O", "o", "O", "o", "U", "u", "U", "u",
    "U", "u", "U", "u", "U", "u", "U", "u",
    "U", "u", "Y", "y", "Y", "y", "Y", "y",
    "Y", "y", "", "", "", "", "", "",
};

/* Greek vowels with tonos or dialytika, from U+0386: their bare letter. */
static const unsigned short fold_greek[0x3cf - 0x386] = {
    0x391, 0, 0x395, 0x397, 0x399, 0, 0x39f, 0, 0x3a5, 0x3a9, 0x3b9,
    [0x3aa - 0x386] = 0x399, 0x3a5, 0x3b1, 0x3b5, 0x3b7, 0x3b9, 0x3c5,
    [0x3ca - 0x386] = 0x3b9, 0x3c5, 0x3bf, 0x3c5, 0x3c9,
};

size_t na_utf8_fold_char(unsigned cp, char *out)
{
    const char *ascii = NULL;
    if (cp >= 0x300 && cp <= 0x36f)
        return 0; /* a combining mark, as decomposed text writes accents */
    if (cp >= 0xc0 && cp < 0x250)
        ascii = fold_latin[cp - 0xc0];
    else if (cp >= 0x1e00 && cp <= 0x1eff)
        ascii = fold_latin_additional[cp - 0x1e00];
    else if (cp >= 0x386 && cp < 0x3cf && fold_greek[cp - 0x386])
        cp = fold_greek[cp - 0x386];
    if (ascii && ascii[0]) {
        out[0] = ascii[0];
        if (!ascii[1])
            return 1;
        out[1] = ascii[1];
        return 2;
    }
    return na_utf8_encode(cp, out);
}

size_t na_utf8_fold(const char *s, size_t len, char *out)
{
    size_t i = 0, n = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        unsigned cp;
        size_t k;
        if (c < 0x80 || (k = na_utf8_decode(s + i, len - i, &cp)) == 0) {
            out[n++] = (char)c; /* ASCII, or a byte that is not UTF-8: kept */
            i++;
            continue;
        }
        i += k;
        n += na_utf8_fold_char(cp, out + n);
    }
    out[n] = '\0';
    return n;
}

bool na_utf8_folds(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0xc3)
            continue; /* ASCII, U+0080..U+00BF and continuation bytes stay */
        unsigned cp;
        size_t k = na_utf8_decode(s + i, len - i, &cp);
        if (!k)
            continue;
        char tmp[4];
        size_t m = na_utf8_fold_char(cp, tmp);
        if (m != k || memcmp(tmp, s + i, k) != 0)
            return true;
        i += k - 1;
    }
    return false;
}
