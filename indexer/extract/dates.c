/* dates.c - finding the dates a news text mentions and the dateline it
 * opens with (dates.h).
 *
 * The finder reads the text once as a stream of words: runs of ASCII
 * letters and digits, plus non-ASCII letters, which no keyword contains
 * but which keep "Mayé" from reading as "May".  Each word is looked up
 * once in a hash table of keywords; only words that can start a mention
 * (month and weekday names, "today", "last", ordinals, numbers, "Q1")
 * try the patterns, which look at a few following words through a small
 * ring buffer and at the one before for context ("in", "since").  Nothing
 * backtracks further than that, so the time is linear and a regular
 * expression engine is not needed.
 *
 * The dateline parser is a direct left-to-right reading of the first
 * line or two; it never looks past 300 bytes of a paragraph.
 */
#include "dates.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "status.h"
#include "utf8.h"
#include "util.h"

/* ---- calendar arithmetic ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil), and back. */
static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153u * (unsigned)(m > 2 ? m - 3 : m + 9) + 2) / 5 + (unsigned)d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)((long)yoe + era * 400 + (*m <= 2));
}

/* 0 for Monday ... 6 for Sunday; 1970-01-01 was a Thursday. */
static int weekday_of(long days)
{
    long w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

/* ---- characters ---- */

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
    return (unsigned char)((c | 0x20) - 'a') < 26;
}

static bool is_upper(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Byte classes for the word scanner: separator, lowercase and capital
 * ASCII letter, digit, and non-ASCII (decoded to decide). */
enum { S, L, U, D, H };
static const unsigned char byte_class[256] = {
    S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S,
    S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S,
    S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S,
    D, D, D, D, D, D, D, D, D, D, S, S, S, S, S, S,
    S, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    U, U, U, U, U, U, U, U, U, U, U, S, S, S, S, S,
    S, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L,
    L, L, L, L, L, L, L, L, L, L, L, S, S, S, S, S,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
};

/* How a non-ASCII character reads: a letter, upper or lower case when
 * known, or punctuation and space. */
typedef enum { HC_SEP, HC_LETTER, HC_UPPER, HC_LOWER } high_class_t;

/* Classifies the non-ASCII character at S (N > 0 bytes left) and returns
 * its length.  Bytes that are not UTF-8 are read as Latin-1/Windows-1252
 * (as utf8.h does): 0x80-0xBF are punctuation and symbols there, the rest
 * letters. */
static size_t high_char(const unsigned char *s, size_t n, high_class_t *hc)
{
    unsigned cp;
    size_t k = na_utf8_decode((const char *)s, n, &cp);
    if (!k) {
        k = 1;
        cp = s[0];
    }
    if (cp < 0xc0 || cp == 0xd7 || cp == 0xf7 || (cp >= 0x2000 && cp <= 0x206f) ||
        (cp >= 0x3000 && cp <= 0x303f) || cp == 0xfeff || (cp >= 0xff01 && cp <= 0xff0f))
        *hc = HC_SEP;
    else if (cp <= 0xde)
        *hc = HC_UPPER;
    else if (cp <= 0xff)
        *hc = HC_LOWER;
    else if (cp <= 0x17f) {
        /* Latin Extended-A: capital and small letters alternate, the
         * capitals on even code points except in two runs. */
        bool odd_upper = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e);
        if (cp == 0x138 || cp == 0x149 || cp == 0x17f)
            *hc = HC_LOWER;
        else
            *hc = ((cp & 1) != 0) == odd_upper ? HC_UPPER : HC_LOWER;
    }
    else if ((cp >= 0x391 && cp <= 0x3a9) || (cp >= 0x400 && cp <= 0x42f))
        *hc = HC_UPPER;
    else if ((cp >= 0x3b1 && cp <= 0x3c9) || (cp >= 0x430 && cp <= 0x45f))
        *hc = HC_LOWER;
    else
        *hc = HC_LETTER;
    return k;
}

/* ---- keywords ---- */

enum {
    R_MONTH = 1u << 0,    /* full month name; value 1-12 */
    R_MABBR = 1u << 1,    /* abbreviated month name; value 1-12 */
    R_VERBAL = 1u << 2,   /* also an ordinary word (May, March): needs context */
    R_WDAY = 1u << 3,     /* weekday; value 0 (Monday) - 6 */
    R_RELDAY = 1u << 4,   /* today, tomorrow...; value the offset in days */
    R_MOD = 1u << 5,      /* last, this, next; value -1, 0, 1 */
    R_CURRENT = 1u << 6,  /* "current": "this" before a unit only */
    R_EARLIER = 1u << 7,  /* earlier, later (this week/month/year) */
    R_UNIT = 1u << 8,     /* week, month, year, quarter; value U_* */
    R_PART = 1u << 9,     /* morning, afternoon, evening (value 0), night (-1) */
    R_ORD = 1u << 10,     /* first to fourth; value 1-4 */
    R_CTX = 1u << 11,     /* context word before a bare month or year */
    R_CTXDASH = 1u << 12, /* context joined by a hyphen ("mid-May") */
    R_OF = 1u << 13,
    R_FISCAL = 1u << 14,
    R_USA = 1u << 15,
    R_EVENT = 1u << 16,   /* names a day before a weekday ("Black Friday") */
    R_PAPER = 1u << 17    /* names a paper after a weekday ("Sunday Times") */
};

enum { U_WEEK = 1, U_MONTH, U_YEAR, U_QUARTER };

typedef struct {
    const char *name;
    unsigned roles;
    int value;
} keyword_t;

/* Sorted by name (bytes), for the binary search in keyword_find(). */
static const keyword_t keywords[] = {
    { "after", R_CTX, 0 },
    { "afternoon", R_PART, 0 },
    { "apr", R_MABBR, 4 },
    { "april", R_MONTH, 4 },
    { "ash", R_EVENT, 0 },
    { "aug", R_MABBR, 8 },
    { "august", R_MONTH, 8 },
    { "before", R_CTX, 0 },
    { "black", R_EVENT, 0 },
    { "bloody", R_EVENT, 0 },
    { "blue", R_EVENT, 0 },
    { "by", R_CTX, 0 },
    { "current", R_CURRENT, 0 },
    { "cyber", R_EVENT, 0 },
    { "dec", R_MABBR, 12 },
    { "december", R_MONTH, 12 },
    { "during", R_CTX, 0 },
    { "earlier", R_EARLIER, 0 },
    { "early", R_CTX | R_CTXDASH, 0 },
    { "easter", R_EVENT, 0 },
    { "end", R_CTXDASH, 0 },
    { "evening", R_PART, 0 },
    { "express", R_PAPER, 0 },
    { "fat", R_EVENT, 0 },
    { "feb", R_MABBR, 2 },
    { "february", R_MONTH, 2 },
    { "first", R_ORD, 1 },
    { "fiscal", R_FISCAL, 0 },
    { "fourth", R_ORD, 4 },
    { "friday", R_WDAY, 4 },
    { "from", R_CTX, 0 },
    { "giving", R_EVENT, 0 },
    { "good", R_EVENT, 0 },
    { "herald", R_PAPER, 0 },
    { "holy", R_EVENT, 0 },
    { "in", R_CTX, 0 },
    { "jan", R_MABBR, 1 },
    { "january", R_MONTH, 1 },
    { "jul", R_MABBR, 7 },
    { "july", R_MONTH, 7 },
    { "jun", R_MABBR, 6 },
    { "june", R_MONTH, 6 },
    { "last", R_MOD, -1 },
    { "late", R_CTX | R_CTXDASH, 0 },
    { "later", R_EARLIER, 0 },
    { "mar", R_MABBR | R_VERBAL, 3 },
    { "march", R_MONTH | R_VERBAL, 3 },
    { "maundy", R_EVENT, 0 },
    { "may", R_MONTH | R_VERBAL, 5 },
    { "mid", R_CTX | R_CTXDASH, 0 },
    { "mirror", R_PAPER, 0 },
    { "monday", R_WDAY, 0 },
    { "month", R_UNIT, U_MONTH },
    { "morning", R_PART, 0 },
    { "next", R_MOD, 1 },
    { "night", R_PART | R_PAPER, -1 },
    { "nov", R_MABBR, 11 },
    { "november", R_MONTH, 11 },
    { "oct", R_MABBR, 10 },
    { "october", R_MONTH, 10 },
    { "of", R_CTX | R_OF, 0 },
    { "palm", R_EVENT, 0 },
    { "post", R_PAPER, 0 },
    { "quarter", R_UNIT, U_QUARTER },
    { "saturday", R_WDAY, 5 },
    { "second", R_ORD, 2 },
    { "sep", R_MABBR, 9 },
    { "sept", R_MABBR, 9 },
    { "september", R_MONTH, 9 },
    { "shrove", R_EVENT, 0 },
    { "since", R_CTX, 0 },
    { "sunday", R_WDAY, 6 },
    { "super", R_EVENT, 0 },
    { "telegraph", R_PAPER, 0 },
    { "third", R_ORD, 3 },
    { "this", R_MOD, 0 },
    { "through", R_CTX, 0 },
    { "throughout", R_CTX, 0 },
    { "thursday", R_WDAY, 3 },
    { "till", R_CTX, 0 },
    { "times", R_PAPER, 0 },
    { "today", R_RELDAY, 0 },
    { "tomorrow", R_RELDAY, 1 },
    { "tonight", R_RELDAY, 0 },
    { "tribune", R_PAPER, 0 },
    { "tuesday", R_WDAY, 1 },
    { "until", R_CTX, 0 },
    { "usa", R_USA, 0 },
    { "wednesday", R_WDAY, 2 },
    { "week", R_UNIT, U_WEEK },
    { "whit", R_EVENT, 0 },
    { "year", R_UNIT, U_YEAR },
    { "yesterday", R_RELDAY, -1 },
};

#define NKEYWORDS (sizeof keywords / sizeof keywords[0])
#define KEYWORD_MAX 10 /* "throughout" */

/* Words that may start a mention. */
#define R_TRIGGER (R_MONTH | R_MABBR | R_WDAY | R_RELDAY | R_MOD | R_CURRENT | R_EARLIER | R_ORD)

/* The keyword the N ASCII letters at S spell in any case, or -1. */
static int keyword_find(const unsigned char *s, size_t n)
{
    if (n < 2 || n > KEYWORD_MAX)
        return -1;
    char w[KEYWORD_MAX + 1];
    for (size_t i = 0; i < n; i++)
        w[i] = (char)(s[i] | 0x20);
    w[n] = 0;
    size_t lo = 0, hi = NKEYWORDS;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(w, keywords[mid].name);
        if (c == 0)
            return (int)mid;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

/* The finder looks words up in a small open-addressing hash table of
 * the keywords, built on the stack for each call (a few hundred
 * operations) so that no global state needs initialising between
 * threads; the hash is folded while the word is scanned.  (The binary
 * search above serves the dateline parser, which looks up a word or
 * two.) */
#define KW_SLOTS 256
_Static_assert(sizeof keywords / sizeof keywords[0] < KW_SLOTS / 2,
               "the keyword hash table needs room, and slots hold index + 1 in a byte");

/* lib/hash's FNV-1a of the word in lower case, kept to 32 bits: the low
 * bits of its product need only the low bits of the state. */
#define KW_HASH_SEED ((unsigned)NA_HASH_SEED)

static unsigned kw_hash_add(unsigned h, unsigned char c)
{
    return (unsigned)na_hash64_byte(h, (unsigned char)(c | 0x20u));
}

static unsigned kw_slot(unsigned h)
{
    return (h ^ (h >> 8)) & (KW_SLOTS - 1);
}

static void kw_table_build(unsigned char slots[KW_SLOTS])
{
    memset(slots, 0, KW_SLOTS);
    for (size_t i = 0; i < NKEYWORDS; i++) {
        unsigned h = KW_HASH_SEED;
        for (const char *p = keywords[i].name; *p; p++)
            h = kw_hash_add(h, (unsigned char)*p);
        unsigned b = kw_slot(h);
        while (slots[b])
            b = (b + 1) & (KW_SLOTS - 1);
        slots[b] = (unsigned char)(i + 1);
    }
}

/* The keyword the N ASCII letters at S (hash H) spell in any case, or -1. */
static int kw_table_find(const unsigned char slots[KW_SLOTS], const unsigned char *s, size_t n, unsigned h)
{
    for (unsigned b = kw_slot(h); slots[b]; b = (b + 1) & (KW_SLOTS - 1)) {
        const char *name = keywords[slots[b] - 1].name;
        size_t j = 0;
        while (j < n && (unsigned char)name[j] == (s[j] | 0x20))
            j++;
        if (j == n && !name[n])
            return slots[b] - 1;
    }
    return -1;
}

bool na__dates_selfcheck(void)
{
    for (size_t i = 1; i < NKEYWORDS; i++)
        if (strcmp(keywords[i - 1].name, keywords[i].name) >= 0)
            return false;
    unsigned char slots[KW_SLOTS];
    kw_table_build(slots);
    for (size_t i = 0; i < NKEYWORDS; i++) {
        const unsigned char *name = (const unsigned char *)keywords[i].name;
        size_t n = strlen(keywords[i].name);
        unsigned h = KW_HASH_SEED;
        for (size_t j = 0; j < n; j++)
            h = kw_hash_add(h, name[j]);
        if (n > KEYWORD_MAX || keyword_find(name, n) != (int)i || kw_table_find(slots, name, n, h) != (int)i)
            return false;
    }
    return true;
}

/* ---- words ---- */

enum {
    T_ALPHA = 1u << 0,  /* ASCII letters only */
    T_DIGITS = 1u << 1, /* ASCII digits only */
    T_NAME = 1u << 2,   /* ASCII letters, capitalised or in capitals */
    T_CAP = 1u << 3     /* starts with an ASCII capital */
};

typedef struct {
    size_t s, e;    /* bytes [s, e) */
    unsigned flags; /* T_* */
    int kw;         /* index in keywords[], or -1 */
    int num;        /* value of 1 to 4 digits (T_DIGITS), else -1 */
} tok_t;

#define RING 8 /* words a pattern may look at, from the current one */

typedef struct {
    const unsigned char *s;
    size_t len;
    size_t pos;         /* where the next word is looked for */
    tok_t ring[RING];   /* words read ahead, from HEAD */
    unsigned head, n;
    tok_t prev;         /* the word before the current one */
    bool has_prev;
    unsigned char kw_slots[KW_SLOTS];
} lexer_t;

/* Reads the next word from LX->pos into *T; false at the end. */
static bool lex_scan(lexer_t *lx, tok_t *t)
{
    const unsigned char *s = lx->s;
    size_t len = lx->len, i = lx->pos;
    high_class_t hc;
    /* Separators. */
    while (i < len) {
        unsigned cc = byte_class[s[i]];
        if (cc == S) {
            i++;
        } else if (cc != H) {
            break;
        } else {
            size_t k = high_char(s + i, len - i, &hc);
            if (hc != HC_SEP)
                break;
            i += k;
        }
    }
    if (i >= len) {
        lx->pos = len;
        return false;
    }
    size_t start = i;
    unsigned letters = 0, digits = 0, uppers = 0, high = 0, h = KW_HASH_SEED;
    while (i < len) {
        unsigned char c = s[i];
        unsigned cc = byte_class[c];
        if (cc == L || cc == U) {
            letters++;
            uppers += cc == U;
            h = kw_hash_add(h, c);
            i++;
        } else if (cc == D) {
            digits++;
            i++;
        } else if (cc == S) {
            break;
        } else {
            size_t k = high_char(s + i, len - i, &hc);
            if (hc == HC_SEP)
                break;
            high++;
            i += k;
        }
    }
    lx->pos = i;
    size_t n = i - start;
    t->s = start;
    t->e = i;
    t->flags = 0;
    t->kw = -1;
    t->num = -1;
    if (high == 0 && digits == 0) {
        t->flags |= T_ALPHA;
        if (is_upper(s[start])) {
            t->flags |= T_CAP;
            if (uppers == 1 || uppers == letters)
                t->flags |= T_NAME;
        }
        if (n >= 2 && n <= KEYWORD_MAX)
            t->kw = kw_table_find(lx->kw_slots, s + start, n, h);
    } else if (high == 0 && letters == 0) {
        t->flags |= T_DIGITS;
        if (n <= 4) {
            int v = 0;
            for (size_t j = start; j < i; j++)
                v = v * 10 + (s[j] - '0');
            t->num = v;
        }
    }
    return true;
}

/* The K-th word from the current one (K < RING), or NULL past the end.
 * Pointers stay valid until lex_advance(). */
static const tok_t *peek(lexer_t *lx, unsigned k)
{
    if (k >= RING)
        NA_BUG("dates: a pattern looks further ahead than the ring holds");
    while (lx->n <= k) {
        tok_t t;
        if (!lex_scan(lx, &t))
            return NULL;
        lx->ring[(lx->head + lx->n) % RING] = t;
        lx->n++;
    }
    return &lx->ring[(lx->head + k) % RING];
}

/* Moves on by K >= 1 words, all already peeked. */
static void lex_advance(lexer_t *lx, unsigned k)
{
    lx->prev = lx->ring[(lx->head + k - 1) % RING];
    lx->has_prev = true;
    lx->head = (lx->head + k) % RING;
    lx->n -= k;
}

static unsigned roles(const tok_t *t)
{
    return t && t->kw >= 0 ? keywords[t->kw].roles : 0;
}

static int kwvalue(const tok_t *t)
{
    return keywords[t->kw].value;
}

/* What separates words A and B: ' ' for 1 to 16 bytes of blanks
 * (no-break spaces included), the punctuation byte when it is the only
 * other thing there, 0 otherwise. */
static int gap(const lexer_t *lx, const tok_t *a, const tok_t *b)
{
    if (!a || !b || b->s - a->e > 16 || b->s == a->e)
        return 0;
    int punct = 0;
    for (size_t i = a->e; i < b->s; i++) {
        unsigned char c = lx->s[i];
        if (is_blank(c))
            continue;
        if (c == 0xc2 && i + 1 < b->s && lx->s[i + 1] == 0xa0) {
            i++;
            continue;
        }
        if (c >= 0x80 || c == 0 || punct)
            return 0;
        punct = c;
    }
    return punct ? punct : ' ';
}

/* True when A and B are joined by exactly the byte C ("mid-May"). */
static bool joined(const lexer_t *lx, const tok_t *a, const tok_t *b, char c)
{
    return a && b && b->s == a->e + 1 && lx->s[a->e] == (unsigned char)c;
}

/* True when T is a number standing alone: not part of "3.5", "1,000",
 * "10:30", "6/9", "$5" or "5%".  A hyphen and digits after it ("9-10")
 * are allowed when RANGE. */
static bool lone_number(const lexer_t *lx, const tok_t *t, bool range)
{
    const unsigned char *s = lx->s;
    if (t->e < lx->len) {
        unsigned char c = s[t->e];
        bool digit_next = t->e + 1 < lx->len && is_digit(s[t->e + 1]);
        if (c == '%' || ((c == '.' || c == ',' || c == ':' || c == '/') && digit_next) ||
            (c == '-' && digit_next && !range))
            return false;
    }
    if (t->s > 0) {
        unsigned char c = s[t->s - 1];
        bool digit_before = t->s > 1 && is_digit(s[t->s - 2]);
        if (c == '$' || ((c == '.' || c == ',' || c == ':' || c == '/' || c == '-') && digit_before))
            return false;
    }
    return true;
}

/* The day of the month T gives ("9", "09", "9th", "1st"), or 0. */
static int tok_day(const lexer_t *lx, const tok_t *t, bool *ordinal)
{
    if (!t)
        return 0;
    *ordinal = false;
    int d = 0;
    if (t->flags & T_DIGITS) {
        if (t->e - t->s > 2)
            return 0;
        d = t->num;
    } else {
        const unsigned char *s = lx->s + t->s;
        size_t n = t->e - t->s, k = 0;
        while (k < n && is_digit(s[k]))
            d = d * 10 + (s[k++] - '0');
        if (k < 1 || k > 2 || n != k + 2)
            return 0;
        char a = (char)(s[k] | 0x20), b = (char)(s[k + 1] | 0x20);
        if (!((a == 's' && b == 't') || (a == 'n' && b == 'd') || (a == 'r' && b == 'd') ||
              (a == 't' && b == 'h')))
            return 0;
        *ordinal = true;
    }
    if (d < 1 || d > 31 || !lone_number(lx, t, true))
        return 0;
    return d;
}

/* The year T gives as four digits from LO to HI, or 0. */
static int tok_year(const lexer_t *lx, const tok_t *t, int lo, int hi)
{
    if (!t || !(t->flags & T_DIGITS) || t->e - t->s != 4 || t->num < lo || t->num > hi ||
        !lone_number(lx, t, false))
        return 0;
    return t->num;
}

/* The month T names, capitalised or in capitals, or 0; *ABBR tells
 * whether it is abbreviated. */
static int tok_month(const tok_t *t, bool *abbr)
{
    unsigned r = roles(t);
    *abbr = false;
    if (!(r & (R_MONTH | R_MABBR)) || !(t->flags & T_NAME))
        return 0;
    *abbr = (r & R_MABBR) != 0;
    return kwvalue(t);
}

/* The weekday T names (0 for Monday), capitalised or in capitals, or -1. */
static int tok_weekday(const tok_t *t)
{
    return (roles(t) & R_WDAY) && (t->flags & T_NAME) ? kwvalue(t) : -1;
}

/* The quarter an ordinal T gives ("first", "1st"), or 0. */
static int tok_ordinal(const lexer_t *lx, const tok_t *t)
{
    if (!t)
        return 0;
    if (roles(t) & R_ORD)
        return kwvalue(t);
    bool ord;
    int d = tok_day(lx, t, &ord);
    return ord && d <= 4 ? d : 0;
}

/* ---- resolving against the publication date ---- */

typedef struct {
    int year, month, day; /* month and day 0 when unknown */
    long days;            /* days since the epoch, when the day is known */
} pub_t;

typedef struct {
    unsigned used;  /* words the pattern took; 0: no match */
    bool emit;      /* false: the words are taken but give no mention */
    size_t start, end;
    na_period_t p;
} match_t;

static void set_day(match_t *m, long days)
{
    m->p.grain = NA_GRAIN_DAY;
    civil_from_days(days, &m->p.year, &m->p.month, &m->p.day);
    m->p.quarter = (m->p.month - 1) / 3 + 1;
    m->emit = true;
}

static void set_ymd(match_t *m, int y, int mo, int d)
{
    m->p = (na_period_t){ NA_GRAIN_DAY, y, (mo - 1) / 3 + 1, mo, d };
    m->emit = na_date_valid(y, mo, d);
}

static void set_month(match_t *m, int y, int mo)
{
    if (mo < 1) /* month arithmetic */
        mo += 12, y--;
    else if (mo > 12)
        mo -= 12, y++;
    m->p = (na_period_t){ NA_GRAIN_MONTH, y, (mo - 1) / 3 + 1, mo, 0 };
    m->emit = y >= 1 && y <= 9999;
}

static void set_quarter(match_t *m, int y, int q)
{
    if (q < 1)
        q += 4, y--;
    else if (q > 4)
        q -= 4, y++;
    m->p = (na_period_t){ NA_GRAIN_QUARTER, y, q, (q - 1) * 3 + 1, 0 };
    m->emit = y >= 1 && y <= 9999;
}

static void set_year(match_t *m, int y)
{
    m->p = (na_period_t){ NA_GRAIN_YEAR, y, 0, 0, 0 };
    m->emit = y >= 1 && y <= 9999;
}

/* The year of a month and day given without one: of PUB's year and those
 * either side, the one that puts the day nearest PUB (the earlier on a
 * tie); PUB's year when PUB has no month.  0 when the day exists in none. */
static int nearest_year(const pub_t *pub, int mo, int d)
{
    if (!pub->month)
        return na_date_valid(pub->year, mo, d) ? pub->year : 0;
    long ref = days_from_civil(pub->year, pub->month, pub->day ? pub->day : 15);
    int best = 0;
    long best_dist = 0;
    for (int y = pub->year - 1; y <= pub->year + 1; y++) {
        if (!na_date_valid(y, mo, d))
            continue;
        long dist = labs(days_from_civil(y, mo, d) - ref);
        if (!best || dist < best_dist)
            best = y, best_dist = dist;
    }
    return best;
}

/* A bare month up to this many months after PUB's is taken as coming
 * ("talks resume in July", written in June); later ones as past ("sales
 * fell in November", written in June: last November). */
#define NEAR_FUTURE_MONTHS 2

/* The year of a month named alone, MOD -1 last, 0 bare, 1 next, 2 this;
 * 0 when PUB cannot tell. */
static int month_year(const pub_t *pub, int mo, int mod)
{
    if (mod == 2)
        return pub->year;
    if (!pub->month)
        return mod == 0 ? pub->year : 0;
    if (mod < 0)
        return mo < pub->month ? pub->year : pub->year - 1;
    if (mod > 0)
        return mo > pub->month ? pub->year : pub->year + 1;
    return mo <= pub->month + NEAR_FUTURE_MONTHS ? pub->year : pub->year - 1;
}

/* ---- patterns; each reads words from the current one (index K) ---- */

/* "June 9", "June 9th, 2025", "Jun. 9 2025", "June 2025", "May of 2024". */
static bool match_month_first(lexer_t *lx, unsigned k, const pub_t *pub, match_t *m)
{
    const tok_t *t0 = peek(lx, k);
    bool abbr, ord;
    int mo = tok_month(t0, &abbr);
    if (!mo)
        return false;
    const tok_t *t1 = peek(lx, k + 1);
    int g = gap(lx, t0, t1);
    if (!(g == ' ' || (abbr && g == '.')))
        return false;
    int d = tok_day(lx, t1, &ord);
    if (d) {
        const tok_t *t2 = peek(lx, k + 2);
        int g2 = gap(lx, t1, t2);
        int y = (g2 == ' ' || g2 == ',') ? tok_year(lx, t2, 1000, 2999) : 0;
        m->start = t0->s;
        if (y) {
            set_ymd(m, y, mo, d);
            m->end = t2->e;
            m->used = k + 3;
        } else {
            y = nearest_year(pub, mo, d);
            set_ymd(m, y, mo, d);
            m->emit = m->emit && y;
            m->end = t1->e;
            m->used = k + 2;
        }
        return true;
    }
    int y = tok_year(lx, t1, 1000, 2999);
    if (y) {
        set_month(m, y, mo);
        m->start = t0->s, m->end = t1->e, m->used = k + 2;
        return true;
    }
    if ((roles(t1) & R_OF) && g == ' ') {
        const tok_t *t2 = peek(lx, k + 2);
        y = gap(lx, t1, t2) == ' ' ? tok_year(lx, t2, 1000, 2999) : 0;
        if (y) {
            set_month(m, y, mo);
            m->start = t0->s, m->end = t2->e, m->used = k + 3;
            return true;
        }
    }
    return false;
}

/* "9 June", "9th of June 2025", "9 Jun. 2025". */
static bool match_day_first(lexer_t *lx, unsigned k, const pub_t *pub, match_t *m)
{
    const tok_t *t0 = peek(lx, k);
    bool ord, abbr;
    int d = tok_day(lx, t0, &ord);
    if (!d)
        return false;
    unsigned i = k + 1;
    const tok_t *t1 = peek(lx, i);
    if (ord && (roles(t1) & R_OF) && gap(lx, t0, t1) == ' ') {
        t0 = t1;
        t1 = peek(lx, ++i);
    }
    int mo = tok_month(t1, &abbr);
    if (!mo || gap(lx, t0, t1) != ' ')
        return false;
    const tok_t *t2 = peek(lx, i + 1);
    int g2 = gap(lx, t1, t2);
    int y = (g2 == ' ' || g2 == ',' || (abbr && g2 == '.')) ? tok_year(lx, t2, 1000, 2999) : 0;
    m->start = peek(lx, k)->s;
    if (y) {
        set_ymd(m, y, mo, d);
        m->end = t2->e;
        m->used = i + 2;
    } else {
        y = nearest_year(pub, mo, d);
        set_ymd(m, y, mo, d);
        m->emit = m->emit && y;
        m->end = t1->e;
        m->used = i + 1;
    }
    return true;
}

/* An explicit date at word K (either order). */
static bool match_explicit(lexer_t *lx, unsigned k, const pub_t *pub, match_t *m)
{
    return match_month_first(lx, k, pub, m) || match_day_first(lx, k, pub, m);
}

/* True when the word before the current one makes a bare month or year
 * at T a date: "in", "since", ..., or "mid-" and the like. */
static bool has_context(const lexer_t *lx, const tok_t *t)
{
    if (!lx->has_prev)
        return false;
    unsigned r = roles(&lx->prev);
    return ((r & R_CTX) && gap(lx, &lx->prev, t) == ' ') ||
           ((r & R_CTXDASH) && joined(lx, &lx->prev, t, '-'));
}

static bool prev_is_fiscal(const lexer_t *lx, const tok_t *t)
{
    return lx->has_prev && (roles(&lx->prev) & R_FISCAL) && gap(lx, &lx->prev, t) == ' ';
}

/* The year after a quarter at word K: " 2024", " of 2024", " of last
 * year".  Sets *Y (0 when none) and returns the words it took; sets
 * *FISCAL for " of fiscal" (and takes those words). */
static unsigned quarter_year(lexer_t *lx, unsigned k, const pub_t *pub, int *y, bool *fiscal)
{
    const tok_t *t = peek(lx, k), *t1 = peek(lx, k + 1);
    *y = 0;
    *fiscal = false;
    if (gap(lx, t, t1) != ' ')
        return 0;
    if ((*y = tok_year(lx, t1, 1000, 2999)))
        return 1;
    if (!(roles(t1) & R_OF))
        return 0;
    const tok_t *t2 = peek(lx, k + 2);
    if (gap(lx, t1, t2) != ' ')
        return 0;
    if ((*y = tok_year(lx, t2, 1000, 2999)))
        return 2;
    if (roles(t2) & R_FISCAL) {
        *fiscal = true;
        return 2;
    }
    const tok_t *t3 = peek(lx, k + 3);
    if ((roles(t2) & (R_MOD | R_CURRENT)) && (roles(t3) & R_UNIT) && kwvalue(t3) == U_YEAR &&
        gap(lx, t2, t3) == ' ') {
        *y = pub->year + kwvalue(t2);
        return 3;
    }
    return 0;
}

/* A quarter the text names without its year: the most recent that began
 * on or before PUB. */
static void bare_quarter(match_t *m, const pub_t *pub, int q)
{
    if (!pub->month) {
        m->emit = false;
        return;
    }
    set_quarter(m, (q - 1) * 3 + 1 <= pub->month ? pub->year : pub->year - 1, q);
}

/* "Q1", "q3", "1Q", "1Q25", "1Q2025": the quarter (0 when T is none of
 * these) and the year it carries (0 when none). */
static int tok_quarter(const lexer_t *lx, const tok_t *t, int *y)
{
    const unsigned char *s = lx->s + t->s;
    size_t n = t->e - t->s;
    *y = 0;
    if (n == 2 && (s[0] | 0x20) == 'q' && s[1] >= '1' && s[1] <= '4')
        return s[1] - '0';
    if ((n == 2 || n == 4 || n == 6) && s[0] >= '1' && s[0] <= '4' && (s[1] | 0x20) == 'q') {
        for (size_t i = 2; i < n; i++) {
            if (!is_digit(s[i]))
                return 0;
            *y = *y * 10 + (s[i] - '0');
        }
        if (n == 4)
            *y += 2000;
        else if (n == 6 && (*y < 1000 || *y > 2999))
            return 0;
        return s[0] - '0';
    }
    return 0;
}

/* A quarter at word K: "first quarter", "first-quarter", "1st quarter",
 * "Q1", "1Q24", with any year after it. */
static bool match_quarter(lexer_t *lx, unsigned k, const pub_t *pub, match_t *m)
{
    const tok_t *t0 = peek(lx, k);
    int y = 0, q;
    unsigned i;
    bool fiscal = prev_is_fiscal(lx, t0), fiscal_after = false;
    if ((q = tok_ordinal(lx, t0))) {
        const tok_t *t1 = peek(lx, k + 1);
        if (!(roles(t1) & R_UNIT) || kwvalue(t1) != U_QUARTER ||
            !(gap(lx, t0, t1) == ' ' || joined(lx, t0, t1, '-')))
            return false;
        i = k + 1;
    } else if ((q = tok_quarter(lx, t0, &y))) {
        i = k;
    } else {
        return false;
    }
    if (!y)
        i += quarter_year(lx, i, pub, &y, &fiscal_after);
    m->start = t0->s;
    m->end = peek(lx, i)->e;
    m->used = i + 1;
    if (fiscal || fiscal_after)
        m->emit = false;
    else if (y)
        set_quarter(m, y, q);
    else
        bare_quarter(m, pub, q);
    return true;
}

/* "last week", "this month", "next year", "current quarter" at word K
 * (the modifier), for units; DELTA -1, 0 or 1. */
static void resolve_unit(match_t *m, const pub_t *pub, int unit, int delta)
{
    switch (unit) {
    case U_WEEK:
        if (!pub->day) {
            m->emit = false;
            return;
        }
        set_day(m, pub->days - weekday_of(pub->days) + 7L * delta);
        break;
    case U_MONTH:
        if (!pub->month) {
            m->emit = false;
            return;
        }
        set_month(m, pub->year, pub->month + delta);
        break;
    case U_YEAR:
        set_year(m, pub->year + delta);
        break;
    default:
        if (!pub->month) {
            m->emit = false;
            return;
        }
        set_quarter(m, pub->year, (pub->month - 1) / 3 + 1 + delta);
        break;
    }
}

/* A weekday, MOD -1 last, 0 bare, 1 next, 2 this (of PUB's week). */
static void resolve_weekday(match_t *m, const pub_t *pub, int wd, int mod)
{
    if (!pub->day) {
        m->emit = false;
        return;
    }
    int pw = weekday_of(pub->days);
    long back = (pw - wd + 7) % 7, ahead = (wd - pw + 7) % 7;
    if (mod == 0)
        set_day(m, pub->days - back);
    else if (mod < 0)
        set_day(m, pub->days - (back ? back : 7));
    else if (mod == 1)
        set_day(m, pub->days + (ahead ? ahead : 7));
    else
        set_day(m, pub->days - pw + wd);
}

/* "last ...", "this ...", "next ...", "current quarter" at word 0. */
static bool match_modifier(lexer_t *lx, const pub_t *pub, match_t *m)
{
    const tok_t *t0 = peek(lx, 0), *t1 = peek(lx, 1);
    if (gap(lx, t0, t1) != ' ')
        return false;
    unsigned r0 = roles(t0), r1 = roles(t1);
    int delta = r0 & R_CURRENT ? 0 : kwvalue(t0);
    if (r1 & R_UNIT) {
        m->start = t0->s, m->end = t1->e, m->used = 2;
        resolve_unit(m, pub, kwvalue(t1), delta);
        return true;
    }
    if (r0 & R_CURRENT)
        return false;
    int mod = delta == 0 ? 2 : delta; /* resolve_weekday(), month_year() */
    int wd = tok_weekday(t1);
    bool abbr = false;
    int mo = tok_month(t1, &abbr);
    bool part = (r1 & R_PART) && ((delta < 0 && kwvalue(t1) < 0) || (delta == 0 && kwvalue(t1) == 0));
    if (wd < 0 && !mo && !part)
        return false; /* of parts of the day only "last night", "this morning" */
    if (mo && abbr && !(t1->e < lx->len && lx->s[t1->e] == '.'))
        return false;
    /* "last Monday, June 9" and "last May 5": the date wins. */
    match_t ex = { 0 };
    if (mo && match_month_first(lx, 1, pub, &ex))
        return false;
    if (wd >= 0) {
        int g = gap(lx, t1, peek(lx, 2));
        if ((g == ' ' || g == ',') && match_explicit(lx, 2, pub, &ex))
            return false;
    }
    m->start = t0->s, m->end = t1->e, m->used = 2;
    if (wd >= 0) {
        resolve_weekday(m, pub, wd, mod);
    } else if (mo) {
        int y = month_year(pub, mo, mod);
        if (y)
            set_month(m, y, mo);
    } else if (pub->day) {
        set_day(m, pub->days + kwvalue(t1));
    }
    return true;
}

/* "earlier this week", "later this year" at word 0. */
static bool match_earlier(lexer_t *lx, const pub_t *pub, match_t *m)
{
    const tok_t *t0 = peek(lx, 0), *t1 = peek(lx, 1), *t2 = peek(lx, 2);
    if (!t2 || gap(lx, t0, t1) != ' ' || gap(lx, t1, t2) != ' ' || !(roles(t1) & R_MOD) ||
        kwvalue(t1) != 0 || !(roles(t2) & R_UNIT))
        return false;
    m->start = t0->s;
    m->end = t2->e;
    m->used = 3;
    resolve_unit(m, pub, kwvalue(t2), 0);
    return true;
}

/* A month name at word 0 with neither day nor year: "in May", "June". */
static bool match_bare_month(lexer_t *lx, const pub_t *pub, match_t *m)
{
    const tok_t *t0 = peek(lx, 0);
    bool abbr;
    int mo = tok_month(t0, &abbr);
    bool ctx = has_context(lx, t0);
    if (abbr) {
        if (!ctx || !(t0->e < lx->len && lx->s[t0->e] == '.'))
            return false;
    } else if (!ctx) {
        if (roles(t0) & R_VERBAL)
            return false;
        /* "June Carter", "April Ryan": a name. */
        const tok_t *t1 = peek(lx, 1);
        if (t1 && (t1->flags & T_CAP) && gap(lx, t0, t1) == ' ')
            return false;
    }
    int y = month_year(pub, mo, 0);
    m->start = t0->s;
    m->end = t0->e;
    m->used = 1;
    if (y)
        set_month(m, y, mo);
    return true;
}

/* A weekday alone at word 0: "on Friday". */
static bool match_weekday(lexer_t *lx, const pub_t *pub, match_t *m)
{
    const tok_t *t0 = peek(lx, 0), *t1 = peek(lx, 1);
    int wd = tok_weekday(t0);
    int g = gap(lx, t0, t1);
    match_t ex = { 0 };
    /* "Monday, June 9, 2025": the date that follows is the mention. */
    if ((g == ' ' || g == ',') && match_explicit(lx, 1, pub, &ex))
        return false;
    if (lx->has_prev && (roles(&lx->prev) & R_EVENT) && (lx->prev.flags & T_NAME) &&
        gap(lx, &lx->prev, t0) == ' ')
        return false;
    if ((roles(t1) & R_PAPER) && (t1->flags & T_CAP) && g == ' ')
        return false;
    m->start = t0->s;
    m->end = t0->e;
    m->used = 1;
    resolve_weekday(m, pub, wd, 0);
    return true;
}

/* A four-digit number at word 0: "2025-06-09", "2024 Q1", "2024 first
 * quarter", or a year after a context word. */
static bool match_year(lexer_t *lx, match_t *m)
{
    const tok_t *t0 = peek(lx, 0), *t1 = peek(lx, 1), *t2 = peek(lx, 2);
    const unsigned char *s = lx->s;
    /* ISO 8601: the day may run into a time ("09T14:03"). */
    if (t1 && t2 && joined(lx, t0, t1, '-') && joined(lx, t1, t2, '-') && (t1->flags & T_DIGITS) &&
        t1->e - t1->s == 2 && t2->e - t2->s >= 2 && is_digit(s[t2->s]) && is_digit(s[t2->s + 1]) &&
        (t2->e - t2->s == 2 || ((s[t2->s + 2] | 0x20) == 't' && t2->e - t2->s > 3 && is_digit(s[t2->s + 3])))) {
        m->start = t0->s;
        m->end = t2->s + 2;
        m->used = 3;
        set_ymd(m, t0->num, t1->num, (s[t2->s] - '0') * 10 + (s[t2->s + 1] - '0'));
        return true;
    }
    if (!lone_number(lx, t0, false) || t0->num < 1000 || t0->num > 2999)
        return false;
    int y = t0->num;
    /* "2024 Q1", "2024 first quarter". */
    if (t1 && gap(lx, t0, t1) == ' ') {
        int q, qy;
        unsigned used = 0;
        if ((q = tok_quarter(lx, t1, &qy)) && !qy && (lx->s[t1->s] | 0x20) == 'q')
            used = 2;
        else if ((q = tok_ordinal(lx, t1)) && (roles(t2) & R_UNIT) && kwvalue(t2) == U_QUARTER &&
                 (gap(lx, t1, t2) == ' ' || joined(lx, t1, t2, '-')))
            used = 3;
        if (used) {
            m->start = t0->s;
            m->end = peek(lx, used - 1)->e;
            m->used = used;
            if (prev_is_fiscal(lx, t0))
                m->emit = false;
            else
                set_quarter(m, y, q);
            return true;
        }
    }
    if (y < 1900 || y > 2100 || !has_context(lx, t0))
        return false;
    m->start = t0->s;
    m->end = t0->e;
    m->used = 1;
    set_year(m, y);
    return true;
}

/* Tries every pattern that may start at word 0. */
static void match_at(lexer_t *lx, const pub_t *pub, match_t *m)
{
    const tok_t *t0 = peek(lx, 0);
    unsigned r = roles(t0);
    if (t0->flags & T_DIGITS) {
        size_t n = t0->e - t0->s;
        if (n <= 2)
            match_day_first(lx, 0, pub, m);
        else if (n == 4)
            match_year(lx, m);
        return;
    }
    if (!(t0->flags & T_ALPHA)) {
        /* "9th of June", "1st quarter", "1Q24". */
        if (is_digit(lx->s[t0->s]) || (lx->s[t0->s] | 0x20) == 'q')
            (void)(match_day_first(lx, 0, pub, m) || match_quarter(lx, 0, pub, m));
        return;
    }
    if (!(r & R_TRIGGER))
        return;
    if (r & (R_MONTH | R_MABBR)) {
        bool abbr;
        if (tok_month(t0, &abbr))
            (void)(match_month_first(lx, 0, pub, m) || match_bare_month(lx, pub, m));
    } else if (r & R_WDAY) {
        if (tok_weekday(t0) >= 0)
            match_weekday(lx, pub, m);
    } else if (r & R_RELDAY) {
        if (lx->has_prev && (roles(&lx->prev) & R_USA) && gap(lx, &lx->prev, t0) == ' ')
            return; /* "USA Today" */
        m->start = t0->s;
        m->end = t0->e;
        m->used = 1;
        if (pub->day)
            set_day(m, pub->days + kwvalue(t0));
    } else if (r & (R_MOD | R_CURRENT)) {
        match_modifier(lx, pub, m);
    } else if (r & R_EARLIER) {
        match_earlier(lx, pub, m);
    } else if (r & R_ORD) {
        match_quarter(lx, 0, pub, m);
    }
}

void na_date_mentions_release(na_date_mentions_t *mentions)
{
    if (!mentions)
        return;
    free(mentions->items);
    mentions->items = NULL;
    mentions->count = mentions->cap = 0;
}

static void push_mention(na_date_mentions_t *out, const match_t *m)
{
    if (out->count == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 16;
        out->items = na_xrealloc(out->items, out->cap * sizeof *out->items);
    }
    na_date_mention_t *d = &out->items[out->count++];
    d->start = m->start;
    d->end = m->end;
    d->grain = m->p.grain;
    na_period_format(&m->p, d->value);
}

void na_dates_find(const char *text, size_t len, const na_date_t *pub, na_date_mentions_t *out)
{
    if (!out)
        return;
    out->count = 0;
    if (!text || !len || !pub || pub->year < 1 || pub->year > 9999)
        return;
    pub_t p = { pub->year, 0, 0, 0 };
    if (pub->month >= 1 && pub->month <= 12) {
        p.month = pub->month;
        if (na_date_valid(pub->year, pub->month, pub->day)) {
            p.day = pub->day;
            p.days = days_from_civil(p.year, p.month, p.day);
        }
    }
    lexer_t lx = { .s = (const unsigned char *)text, .len = len };
    kw_table_build(lx.kw_slots);
    const tok_t *t;
    while ((t = peek(&lx, 0))) {
        match_t m = { 0 };
        /* Most words start nothing: only look further at those that may. */
        if (t->kw >= 0 || !(t->flags & T_ALPHA))
            match_at(&lx, &p, &m);
        if (m.used) {
            if (m.emit && m.p.year >= 1 && m.p.year <= 9999)
                push_mention(out, &m);
            lex_advance(&lx, m.used);
        } else {
            lex_advance(&lx, 1);
        }
    }
}

/* ---- datelines ---- */

#define DATELINE_MAX 300 /* bytes from a paragraph's start to the dash */
#define TITLE_MAX 200

typedef struct {
    const unsigned char *s;
    size_t len; /* the end of what may be read: the paragraph's window */
} dl_text_t;

/* Reads a letter at I; sets *UPPER / *LOWER for its case and returns its
 * length, or 0 when there is no letter there. */
static size_t dl_letter(const dl_text_t *t, size_t i, bool *upper, bool *lower)
{
    if (i >= t->len)
        return 0;
    unsigned char c = t->s[i];
    *upper = *lower = false;
    if (c < 0x80) {
        if (!is_alpha(c))
            return 0;
        *upper = is_upper(c);
        *lower = !*upper;
        return 1;
    }
    high_class_t hc;
    size_t k = high_char(t->s + i, t->len - i, &hc);
    if (hc == HC_SEP)
        return 0;
    *upper = hc == HC_UPPER;
    *lower = hc == HC_LOWER;
    return k;
}

static bool dl_is_particle(const unsigned char *s, size_t n)
{
    static const char *const particles[] = { "de",  "da", "do", "dos", "das", "del", "della",
                                             "di",  "du", "la", "le",  "el",  "al",  "am",
                                             "an",  "der", "van", "von", "y" };
    for (size_t i = 0; i < sizeof particles / sizeof particles[0]; i++)
        if (strlen(particles[i]) == n && memcmp(particles[i], s, n) == 0)
            return true;
    return false;
}

/* Reads one word of a name at I: letters and ".", with "'", U+2019, "-"
 * and "/" inside it ("DALLAS/FORT WORTH").  Returns its end (I when there is none); sets *CAP when
 * it starts with a capital, *HAS_LOWER when it has a lowercase letter. */
static size_t dl_word(const dl_text_t *t, size_t i, bool *cap, bool *has_lower)
{
    bool up, low;
    size_t start = i;
    *cap = *has_lower = false;
    while (i < t->len) {
        size_t k = dl_letter(t, i, &up, &low);
        if (k) {
            if (i == start)
                *cap = up;
            *has_lower |= low;
            i += k;
            continue;
        }
        if (i == start)
            return start;
        unsigned char c = t->s[i];
        size_t joiner = c == '.' ? 1 : (c == '\'' || c == '-' || c == '/') ? 1
                        : (c == 0xe2 && i + 2 < t->len && t->s[i + 1] == 0x80 && t->s[i + 2] == 0x99) ? 3 : 0;
        if (!joiner)
            break;
        /* A full stop may end a word ("ST."); the others join letters. */
        if (c != '.' && !dl_letter(t, i + joiner, &up, &low))
            break;
        i += joiner;
    }
    return i;
}

static size_t dl_spaces(const dl_text_t *t, size_t i)
{
    while (i < t->len && (t->s[i] == ' ' || t->s[i] == '\t'))
        i++;
    return i;
}

static size_t dl_month(const dl_text_t *t, size_t i, int *month);

/* Reads a name of 1 to 4 capitalised words at I (see dates.h), up to a
 * month name and a number ("RICHMOND, Va. Feb 26").  Returns its end, or
 * I when there is none; *ALL_CAPS when it has no lowercase letter. */
static size_t dl_name(const dl_text_t *t, size_t i, bool *all_caps)
{
    size_t end = i, p = i;
    int words = 0;
    bool cap, lower;
    *all_caps = true;
    while (words < 4) {
        size_t e = dl_word(t, p, &cap, &lower);
        if (e == p)
            break;
        if (!cap) {
            /* A particle needs a capitalised word after it. */
            if (!words || !dl_is_particle(t->s + p, e - p) || e >= t->len || t->s[e] != ' ')
                break;
            size_t e2 = dl_word(t, e + 1, &cap, &lower);
            if (e2 == e + 1 || !cap)
                break;
            *all_caps = false;
            p = e + 1;
            continue;
        }
        int month;
        size_t me = dl_month(t, p, &month);
        if (words && me > p && dl_spaces(t, me) < t->len && is_digit(t->s[dl_spaces(t, me)]))
            break;
        *all_caps &= !lower;
        words++;
        end = e;
        /* One space or tab between words. */
        if (e + 1 < t->len && (t->s[e] == ' ' || t->s[e] == '\t') && t->s[e + 1] != ' ')
            p = e + 1;
        else
            break;
    }
    return end;
}

/* Reads a month name at I, perhaps abbreviated and with a full stop, in
 * any case: where a dateline's date stands, "march" is no verb.  Returns
 * its end and sets *MONTH, or returns I. */
static size_t dl_month(const dl_text_t *t, size_t i, int *month)
{
    size_t e = i;
    while (e < t->len && is_alpha(t->s[e]))
        e++;
    if (e == i)
        return i;
    int kw = keyword_find(t->s + i, e - i);
    if (kw < 0 || !(keywords[kw].roles & (R_MONTH | R_MABBR)))
        return i;
    *month = keywords[kw].value;
    if (e < t->len && t->s[e] == '.')
        e++;
    return e;
}

/* Reads 1 or 2 digits (and an ordinal suffix) at I.  Returns the end and
 * sets *DAY, or returns I. */
static size_t dl_day(const dl_text_t *t, size_t i, int *day)
{
    size_t e = i;
    int d = 0;
    while (e < t->len && is_digit(t->s[e]) && e - i < 3)
        d = d * 10 + (t->s[e++] - '0');
    if (e == i || e - i > 2 || d < 1 || d > 31)
        return i;
    if (e + 1 < t->len && is_alpha(t->s[e]) && is_alpha(t->s[e + 1])) {
        char a = (char)(t->s[e] | 0x20), b = (char)(t->s[e + 1] | 0x20);
        if ((a == 's' && b == 't') || (a == 'n' && b == 'd') || (a == 'r' && b == 'd') ||
            (a == 't' && b == 'h'))
            e += 2;
    }
    if (e < t->len && (is_alpha(t->s[e]) || is_digit(t->s[e])))
        return i;
    *day = d;
    return e;
}

/* Reads a date at I: "June 9", "Oct. 16", "9 June", perhaps with ", 2025"
 * or " 2025".  Returns its end and fills DL's date, or returns I. */
static size_t dl_date(const dl_text_t *t, size_t i, na_dateline_t *dl)
{
    int month = 0, day = 0, year = 0;
    size_t e = dl_month(t, i, &month), j;
    if (e > i) {
        j = dl_spaces(t, e);
        if (j == e && t->s[e - 1] != '.')
            return i;
        e = dl_day(t, j, &day);
        if (e == j)
            return i;
    } else {
        e = dl_day(t, i, &day);
        if (e == i)
            return i;
        j = dl_spaces(t, e);
        if (j == e)
            return i;
        e = dl_month(t, j, &month);
        if (e == j)
            return i;
    }
    if (day > na_date_days_in_month(2000, month)) /* 2000: February 29 exists */
        return i;
    /* A year: ", 2025" or " 2025". */
    j = e < t->len && t->s[e] == ',' ? e + 1 : e;
    j = dl_spaces(t, j);
    if (j > e && j + 4 <= t->len && is_digit(t->s[j]) && is_digit(t->s[j + 1]) &&
        is_digit(t->s[j + 2]) && is_digit(t->s[j + 3]) && (j + 4 == t->len || !is_digit(t->s[j + 4]))) {
        int y = (t->s[j] - '0') * 1000 + (t->s[j + 1] - '0') * 100 + (t->s[j + 2] - '0') * 10 +
                (t->s[j + 3] - '0');
        if (y >= 1000 && y <= 2999 && na_date_valid(y, month, day)) {
            year = y;
            e = j + 4;
        }
    }
    dl->year = year;
    dl->month = month;
    dl->day = day;
    return e;
}

/* Reads the dash that ends a dateline at I (blanks before it included).
 * Returns the offset just past it, or 0. */
static size_t dl_dash(const dl_text_t *t, size_t i)
{
    size_t j = dl_spaces(t, i);
    /* Reuters at times writes "April 1- " */
    bool before = j > i || (i > 0 && is_digit(t->s[i - 1]));
    if (j + 3 <= t->len && t->s[j] == 0xe2 && t->s[j + 1] == 0x80 &&
        (t->s[j + 2] == 0x94 || t->s[j + 2] == 0x93))
        return j + 3;
    size_t k = j;
    while (k < t->len && k - j < 2 && t->s[k] == '-')
        k++;
    /* A hyphen needs blanks around it (or the end of the line after). */
    if (k > j && before && (k == t->len || t->s[k] == ' ' || t->s[k] == '\t' || t->s[k] == '\r' ||
                            t->s[k] == '\n'))
        return k;
    return 0;
}

/* Reads a dateline at the paragraph starting at P. */
static bool dateline_at(const unsigned char *s, size_t len, size_t p, na_dateline_t *out)
{
    dl_text_t t = { s, len - p > DATELINE_MAX ? p + DATELINE_MAX : len };
    na_dateline_t dl = { 0 };
    bool caps, region_caps;
    size_t i = dl_name(&t, p, &caps);
    if (i == p)
        return false;
    /* A weekday or month is not a city ("Monday, June 9 - "). */
    int kw = keyword_find(s + p, i - p);
    if (kw >= 0 && (keywords[kw].roles & (R_WDAY | R_MONTH | R_MABBR)))
        return false;
    dl.city_start = p;
    dl.city_end = i;
    bool agency = false;
    if (i < t.len && t.s[i] == ',') {
        size_t j = dl_spaces(&t, i + 1), e;
        if ((e = dl_date(&t, j, &dl)) > j) {
            i = e;
        } else if ((e = dl_name(&t, j, &region_caps)) > j) {
            dl.region_start = j;
            dl.region_end = i = e;
            /* ", June 9" or, as Reuters writes, " June 9" after a region. */
            size_t k = i < t.len && t.s[i] == ',' ? i + 1 : i;
            j = dl_spaces(&t, k);
            if ((e = dl_date(&t, j, &dl)) > j)
                i = e;
            else if (k > i)
                return false; /* "Paris, France, and Berlin" */
        } else {
            return false;
        }
    }
    size_t j = dl_spaces(&t, i);
    if (dl.month && j < t.len && t.s[j] == ',') {
        /* "WASHINGTON, March 25, Reuter - ": an agency after a comma. */
        bool cap, lower;
        size_t a = dl_spaces(&t, j + 1), e = dl_word(&t, a, &cap, &lower);
        if (e == a || !cap || !dl_dash(&t, e))
            return false;
        agency = true;
        i = j = e;
    }
    if (j < t.len && t.s[j] == '(') {
        size_t k = j + 1;
        bool up, low;
        if (!dl_letter(&t, k, &up, &low))
            return false;
        while (k < t.len && k - j < 40 && t.s[k] != ')' && t.s[k] != '\n' && t.s[k] != '(')
            k++;
        if (k >= t.len || t.s[k] != ')')
            return false;
        agency = true;
        i = k + 1;
    }
    size_t end = dl_dash(&t, i);
    if (!end)
        return false;
    if (!dl.month && !agency && !dl.region_end && !caps)
        return false; /* "Markets Rally - Stocks Up" */
    dl.found = true;
    dl.end = end;
    *out = dl;
    return true;
}

/* Skips blank lines and the blanks that open a paragraph. */
static size_t skip_blank(const unsigned char *s, size_t len, size_t i)
{
    while (i < len && is_blank(s[i]))
        i++;
    return i;
}

bool na_dateline_find(const char *text, size_t len, na_dateline_t *out)
{
    if (!out)
        return false;
    memset(out, 0, sizeof *out);
    if (!text || !len)
        return false;
    const unsigned char *s = (const unsigned char *)text;
    size_t p = 0;
    if (len >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
        p = 3; /* a byte order mark */
    p = skip_blank(s, len, p);
    if (p >= len)
        return false;
    if (dateline_at(s, len, p, out))
        return true;
    /* A title line, a blank line, then the dateline. */
    size_t eol = p;
    while (eol < len && eol - p <= TITLE_MAX && s[eol] != '\n')
        eol++;
    if (eol >= len || eol - p > TITLE_MAX)
        return false;
    size_t q = eol + 1;
    while (q < len && (s[q] == ' ' || s[q] == '\t' || s[q] == '\r'))
        q++;
    if (q >= len || s[q] != '\n')
        return false;
    q = skip_blank(s, len, q);
    return q < len && dateline_at(s, len, q, out);
}

bool na_dateline_date(const na_dateline_t *dl, const na_date_t *ref, na_date_t *out)
{
    if (!dl || !dl->found || !dl->month || !dl->day || !ref || ref->year < 1 || ref->year > 9999 ||
        !out)
        return false;
    int y;
    if (dl->year)
        y = dl->year;
    else if (ref->month < 1 || ref->month > 12)
        y = ref->year;
    else if (dl->month < ref->month || (dl->month == ref->month && (ref->day < 1 || dl->day <= ref->day)))
        y = ref->year;
    else
        y = ref->year - 1;
    if (!na_date_valid(y, dl->month, dl->day))
        return false;
    *out = (na_date_t){ y, dl->month, dl->day, -1, -1, -1 };
    return true;
}
