/* tokenize.c - a CoNLL-2003 style tokenizer and sentence splitter.
 *
 * The text is cut at whitespace into chunks; each chunk is cut at "hard"
 * punctuation (brackets, quotes, ";", "!", "?") into pieces; each piece
 * then loses leading and trailing "soft" punctuation (",", ":", "%",
 * apostrophes, dashes, dots that do not end an abbreviation), inner
 * commas and colons that are not between digits, and a final clitic.
 * Everything works on byte offsets and looks at most a few bytes around a
 * position, so the cost is linear and nothing is copied.
 */
#include "tokenize.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void na_tokens_release(na_tokens_t *tokens)
{
    if (!tokens)
        return;
    free(tokens->items);
    tokens->items = NULL;
    tokens->count = tokens->cap = 0;
}

/* ---- characters ---- */

size_t na_tok_decode(const unsigned char *s, size_t len, unsigned *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t n = na_utf8_decode((const char *)s, len, cp);
    if (n)
        return n;
    *cp = NA_TOK_RAW_BYTE + s[0];
    return 1;
}

enum cls { C_WORD, C_SPACE, C_NEWLINE, C_HARD };

/* Class of a non-ASCII code point (raw bytes are letters). */
static enum cls wide_class(unsigned cp)
{
    if (cp >= NA_TOK_RAW_BYTE)
        return C_WORD;
    if (cp == 0x85 || cp == 0x2028 || cp == 0x2029)
        return C_NEWLINE;
    if (cp < 0xa0)
        return C_SPACE; /* C1 controls */
    if (cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200b) || cp == 0x202f ||
        cp == 0x205f || cp == 0x3000 || cp == 0xfeff)
        return C_SPACE;
    switch (cp) {
    case 0xa1: case 0xa6: case 0xa7: case 0xab: case 0xac: case 0xb6: case 0xb7: case 0xbb:
    case 0xbf:
        return C_HARD;
    }
    if (cp >= 0x2012 && cp <= 0x205e && cp != 0x2018 && cp != 0x2019 && cp != 0x2044)
        return C_HARD; /* dashes, quotes, bullets, ellipsis, primes, angle quotes */
    if ((cp >= 0x3001 && cp <= 0x3003) || (cp >= 0x3008 && cp <= 0x3011))
        return C_HARD;
    return C_WORD;
}

static inline enum cls ascii_class(unsigned char c)
{
    switch (c) {
    case ' ': case '\t': case '\v': case '\f':
        return C_SPACE;
    case '\n':
        return C_NEWLINE;
    case '(': case ')': case '[': case ']': case '{': case '}': case '"': case ';':
    case '!': case '?': case '`': case '<': case '>': case '|':
        return C_HARD;
    }
    if (c < 0x20 || c == 0x7f)
        return C_SPACE;
    return C_WORD;
}

static inline bool is_digit(int c) { return c >= '0' && c <= '9'; }
static inline bool is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
/* A byte that belongs to a letter or digit (every non-ASCII byte counts). */
static inline bool is_alnum_byte(int c) { return is_digit(c) || is_alpha(c) || c >= 0x80; }

/* ---- the tokenizer state ---- */

typedef struct {
    const unsigned char *s;
    size_t len;
    na_tokens_t *out;
    bool brk;        /* the next token starts a sentence */
    bool fin;        /* after sentence-final punctuation */
    bool line_start; /* the current chunk is the first of its line */
} tk_t;

static bool starts_upper(const tk_t *t, size_t at, size_t end)
{
    if (at >= end)
        return false;
    unsigned cp;
    na_tok_decode(t->s + at, end - at, &cp);
    return na_utf8_is_upper(cp);
}

static void emit(tk_t *t, size_t start, size_t end)
{
    if (start >= end)
        return;
    const unsigned char *s = t->s;
    unsigned flags = 0;
    unsigned char c = s[start];
    size_t n = end - start;
    bool single = n == 1;
    bool curly_open = n == 3 && c == 0xe2 && s[start + 1] == 0x80 &&
                      (s[start + 2] == 0x9c || s[start + 2] == 0x98);
    if (t->brk) {
        flags |= NA_TOKEN_SENT_START;
        t->brk = t->fin = false;
    } else if (t->fin) {
        bool glued = end < t->len && is_alnum_byte(s[end]);
        bool ambiguous = single && (c == '"' || c == '\'');
        bool opening = (single && (c == '(' || c == '[' || c == '`')) || curly_open ||
                       (ambiguous && glued);
        bool closing = (single && (c == ')' || c == ']')) || (ambiguous && !glued) ||
                       (n == 3 && c == 0xe2 && s[start + 1] == 0x80 &&
                        (s[start + 2] == 0x9d || s[start + 2] == 0x99));
        if (opening) {
            /* "(The" or '"The' opens the next sentence */
            if (starts_upper(t, end, t->len))
                flags |= NA_TOKEN_SENT_START;
            t->fin = false;
        } else if (!closing) {
            if (starts_upper(t, start, end))
                flags |= NA_TOKEN_SENT_START;
            t->fin = false;
        }
    }
    if ((c == '.' && single) || c == '!' || c == '?') {
        bool all = true;
        for (size_t i = start; i < end; i++)
            if (s[i] != '!' && s[i] != '?' && !(single && s[i] == '.'))
                all = false;
        if (all)
            t->fin = true;
    }
    na_tokens_t *o = t->out;
    if (o->count == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 256;
        o->items = na_xrealloc(o->items, o->cap * sizeof *o->items);
    }
    o->items[o->count++] = (na_token_t){ start, end, flags };
}

/* Abbreviations that keep their final dot.  Title-case entries match in
 * any case as long as the word starts with a capital ("Corp.", "CORP."),
 * so that "said no." still ends a sentence. */
static const char *const abbrev_cap[] = {
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Sr", "Jr", "St", "Mt", "Ft", "Gen", "Lt", "Col", "Maj",
    "Capt", "Cmdr", "Sgt", "Adm", "Gov", "Sen", "Rep", "Rev", "Hon", "Pres", "Supt", "Insp",
    "Inc", "Corp", "Co", "Ltd", "Bros", "Assn", "Dept", "Univ", "No", "Nos", "Vol", "Fig",
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    "Mon", "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat",
    "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill", "Ind", "Kan",
    "Kans", "Ky", "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nev",
    "Okla", "Ore", "Pa", "Tenn", "Tex", "Va", "Vt", "Wash", "Wis", "Wyo", "Ave", "Blvd",
    "Rd", "Messrs", "Mme", "Mlle", "Gov't", "Dist", "Cie", "Pty", "Esq",
};
static const char *const abbrev_any[] = {
    "vs", "etc", "approx", "cf", "al", "viz", "ca", "incl", "Vs", "Etc",
};

static bool in_list(const char *const *list, size_t n, const unsigned char *w, size_t len)
{
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(list[i]);
        if (l != len)
            continue;
        size_t j = 0;
        while (j < l && na_ascii_lower(w[j]) == na_ascii_lower((unsigned char)list[i][j]))
            j++;
        if (j == l)
            return true;
    }
    return false;
}

/* True when nothing but closing quotes or brackets and spaces follow AT
 * before the end of the line. */
static bool line_ends_after(const tk_t *t, size_t at)
{
    const unsigned char *s = t->s;
    while (at < t->len) {
        unsigned char c = s[at];
        if (c == '"' || c == '\'' || c == ')' || c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\r')
            at++;
        else if (at + 3 <= t->len && c == 0xe2 && s[at + 1] == 0x80 && (s[at + 2] == 0x9d || s[at + 2] == 0x99))
            at += 3;
        else
            return c == '\n';
    }
    return true;
}

/* The first non-blank byte on the same line from AT, or 0. */
static unsigned char next_visible(const tk_t *t, size_t at)
{
    while (at < t->len && (t->s[at] == ' ' || t->s[at] == '\t'))
        at++;
    return at < t->len ? t->s[at] : 0;
}

/* True when the last token emitted is on this line and holds a digit or
 * is a closing bracket, as before the "2." of a results list. */
static bool after_figure(const tk_t *t)
{
    if (t->brk || t->out->count == 0)
        return false;
    const na_token_t *k = &t->out->items[t->out->count - 1];
    for (size_t i = k->start; i < k->end; i++)
        if (is_digit(t->s[i]) || t->s[i] == ')')
            return true;
    return false;
}

enum dot { DOT_SPLIT, DOT_KEEP, DOT_ENUM };

/* Whether the word [p, q), which ends in '.', keeps the dot.  DOT_ENUM: a
 * list number such as "2." inside a line of results, which also starts a
 * sentence. */
static enum dot keep_dot(const tk_t *t, size_t p, size_t q, bool first)
{
    const unsigned char *w = t->s + p;
    size_t n = q - p - 1; /* length without the dot */
    if (n == 0)
        return DOT_SPLIT;
    if (n == 1 && w[0] >= 'A' && w[0] <= 'Z')
        return DOT_KEEP; /* an initial */
    if (n % 2 == 1 && n >= 3) {
        size_t i = 0;
        while (i < n && is_alpha(w[i]) && (i + 1 == n || w[i + 1] == '.'))
            i += 2;
        if (i >= n)
            return DOT_KEEP; /* U.S. a.m. N.J. */
    }
    if (n <= 3) {
        size_t i = 0;
        while (i < n && is_digit(w[i]))
            i++;
        if (i == n) {
            if (first)
                return DOT_KEEP; /* "1." opening a ranked list */
            unsigned char c = next_visible(t, q);
            if (n <= 2 && c >= 'A' && c <= 'Z' && after_figure(t))
                return DOT_ENUM;
            return DOT_SPLIT;
        }
    }
    if (n > 7)
        return DOT_SPLIT;
    bool listed = (w[0] >= 'A' && w[0] <= 'Z' && in_list(abbrev_cap, sizeof abbrev_cap / sizeof *abbrev_cap, w, n)) ||
                  in_list(abbrev_any, sizeof abbrev_any / sizeof *abbrev_any, w, n);
    /* At the end of a line the dot ends the sentence as well: "... Co." is
     * "Co" "." as in the corpus. */
    return listed && !line_ends_after(t, q) ? DOT_KEEP : DOT_SPLIT;
}

static bool is_rsquo(const unsigned char *s, size_t at, size_t end)
{
    return at + 3 <= end && s[at] == 0xe2 && s[at + 1] == 0x80 && s[at + 2] == 0x99;
}

/* Length of the apostrophe at AT ("'", U+2019 or U+2018), else 0. */
static size_t apostrophe_at(const unsigned char *s, size_t at, size_t end)
{
    if (at < end && s[at] == '\'')
        return 1;
    if (at + 3 <= end && s[at] == 0xe2 && s[at + 1] == 0x80 && (s[at + 2] == 0x99 || s[at + 2] == 0x98))
        return 3;
    return 0;
}

/* If [a, b) ends in a clitic, returns where the clitic starts, else B. */
static size_t clitic_start(const unsigned char *s, size_t a, size_t b)
{
    size_t n = b - a;
    /* n't / n’t */
    if (n >= 4 && na_ascii_lower(s[b - 1]) == 't') {
        size_t ap = s[b - 2] == '\'' ? b - 2 : (n >= 6 && is_rsquo(s, b - 4, b)) ? b - 4 : 0;
        if (ap > a + 1 && na_ascii_lower(s[ap - 1]) == 'n')
            return ap - 1;
    }
    for (size_t k = 1; k <= 2; k++) { /* 's 'd 'm, then 're 've 'll */
        if (n < k + 2)
            break;
        size_t tail = b - k;
        for (size_t i = tail; i < b; i++)
            if (!is_alpha(s[i]))
                return b;
        char c1 = (char)na_ascii_lower(s[tail]);
        char c2 = k == 2 ? (char)na_ascii_lower(s[tail + 1]) : 0;
        bool ok = k == 1 ? (c1 == 's' || c1 == 'd' || c1 == 'm')
                         : ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l'));
        if (!ok)
            continue;
        size_t ap = 0;
        if (s[tail - 1] == '\'')
            ap = tail - 1;
        else if (tail >= a + 4 && is_rsquo(s, tail - 3, b))
            ap = tail - 3;
        if (ap > a && is_alnum_byte(s[ap - 1]))
            return ap;
    }
    return b;
}

/* Emits the inside of a piece: splits commas and colons that are not
 * between digits and runs of two or more hyphens, and a final clitic. */
static void emit_middle(tk_t *t, size_t p, size_t q)
{
    const unsigned char *s = t->s;
    size_t a = p;
    size_t i = p;
    while (i < q) {
        unsigned char c = s[i];
        if ((c == ',' || c == ':') && !(i > p && i + 1 < q && is_digit(s[i - 1]) && is_digit(s[i + 1]))) {
            if (i > a)
                emit(t, a, clitic_start(s, a, i)), emit(t, clitic_start(s, a, i), i);
            emit(t, i, i + 1);
            a = ++i;
        } else if (c == '-' && i + 1 < q && s[i + 1] == '-') {
            size_t j = i;
            while (j < q && s[j] == '-')
                j++;
            if (i > a)
                emit(t, a, clitic_start(s, a, i)), emit(t, clitic_start(s, a, i), i);
            emit(t, i, j);
            a = i = j;
        } else {
            i++;
        }
    }
    if (q > a) {
        size_t c = clitic_start(s, a, q);
        emit(t, a, c);
        emit(t, c, q);
    }
}

/* Tokenizes one piece [p, q) holding no whitespace and no hard
 * punctuation.  FIRST: the piece opens a line. */
static void do_piece(tk_t *t, size_t p, size_t q, bool first)
{
    const unsigned char *s = t->s;
    /* One repeated punctuation character ("--", "...", "***") is a token. */
    if (!is_alnum_byte(s[p])) {
        size_t i = p + 1;
        while (i < q && s[i] == s[p])
            i++;
        if (i == q) {
            emit(t, p, q);
            return;
        }
    }
    /* Leading soft punctuation. */
    while (p < q) {
        unsigned char c = s[p];
        size_t ap = apostrophe_at(s, p, q);
        if (ap) {
            if (clitic_start(s, p, q) == p || ap == q - p)
                break; /* the piece is a clitic or a lone apostrophe */
            emit(t, p, p + ap);
            p += ap;
        } else if (c == ',' || c == ':' || c == '%') {
            emit(t, p, p + 1);
            p++;
        } else if ((c == '$' || c == '#') && p + 1 < q && is_digit(s[p + 1])) {
            emit(t, p, p + 1);
            p++;
        } else if ((c == 0xc2 && p + 2 < q && (s[p + 1] == 0xa3 || s[p + 1] == 0xa5) && is_digit(s[p + 2])) ||
                   (c == 0xe2 && p + 3 < q && s[p + 1] == 0x82 && s[p + 2] == 0xac && is_digit(s[p + 3]))) {
            size_t n = c == 0xc2 ? 2 : 3; /* pound, yen, euro */
            emit(t, p, p + n);
            p += n;
        } else if ((c == '-' || c == '.') && p + 1 < q && s[p + 1] == c) {
            size_t j = p;
            while (j < q && s[j] == c)
                j++;
            emit(t, p, j);
            p = j;
        } else {
            break;
        }
    }
    /* Trailing soft punctuation, collected right to left. */
    size_t stack[32][2];
    size_t ns = 0;
    while (q > p && ns < 32) {
        unsigned char c = s[q - 1];
        size_t r = 1;
        if (c == ',' || c == ':' || c == '%' || c == '\'') {
            if (q - p == 1)
                break;
        } else if (q - p > 3 && is_rsquo(s, q - 3, q)) {
            r = 3;
        } else if (c == '-') {
            while (r < q - p && s[q - 1 - r] == '-')
                r++;
            if (r < 2 || r == q - p)
                break;
        } else if (c == '.') {
            while (r < q - p && s[q - 1 - r] == '.')
                r++;
            if (r == q - p)
                break; /* only dots left: one token */
            if (r == 2) {
                r = 1;
            } else if (r == 1) {
                enum dot k = keep_dot(t, p, q, first);
                if (k == DOT_ENUM)
                    t->brk = true;
                if (k != DOT_SPLIT)
                    break;
            }
        } else {
            break;
        }
        stack[ns][0] = q - r;
        stack[ns][1] = q;
        ns++;
        q -= r;
    }
    if (q > p)
        emit_middle(t, p, q);
    while (ns > 0) {
        ns--;
        emit(t, stack[ns][0], stack[ns][1]);
    }
}

/* Tokenizes one whitespace-free chunk [a, b). */
static void do_chunk(tk_t *t, size_t a, size_t b)
{
    const unsigned char *s = t->s;
    size_t piece = a;
    size_t i = a;
    bool first = t->line_start;
    while (i < b) {
        unsigned cp;
        size_t n;
        enum cls k;
        if (s[i] < 0x80) {
            n = 1;
            cp = s[i];
            k = ascii_class(s[i]);
        } else {
            n = na_tok_decode(s + i, b - i, &cp);
            k = wide_class(cp);
        }
        if (k != C_HARD) {
            i += n;
            continue;
        }
        if (i > piece) {
            do_piece(t, piece, i, first && piece == a);
        }
        size_t j = i + n;
        if (cp == '!' || cp == '?')
            while (j < b && (s[j] == '!' || s[j] == '?'))
                j++;
        emit(t, i, j);
        i = piece = j;
    }
    if (b > piece)
        do_piece(t, piece, b, first && piece == a);
}

na_status_t na_tokenize(const char *text, size_t len, unsigned flags, na_tokens_t *out,
                        na_error_t *err)
{
    if (!out)
        return na_error_set(err, NA_ERR_INVALID, "no token array given");
    out->count = 0;
    if (!text && len > 0)
        return na_error_set(err, NA_ERR_INVALID, "no text given");
    tk_t t = { (const unsigned char *)text, len, out, true, false, true };
    const unsigned char *s = t.s;
    bool paragraphs = flags & NA_TOKENIZE_PARAGRAPHS;
    unsigned newlines = 0;
    size_t i = 0;
    while (i < len) {
        unsigned cp;
        size_t n;
        enum cls k;
        if (s[i] < 0x80) {
            n = 1;
            cp = s[i];
            k = ascii_class(s[i]);
            if (s[i] == '\r')
                k = (i + 1 < len && s[i + 1] == '\n') ? C_SPACE : C_NEWLINE;
        } else {
            n = na_tok_decode(s + i, len - i, &cp);
            k = wide_class(cp);
        }
        if (k == C_SPACE) {
            i += n;
            continue;
        }
        if (k == C_NEWLINE) {
            newlines++;
            t.line_start = true;
            if (!paragraphs || newlines >= 2)
                t.brk = true;
            i += n;
            continue;
        }
        /* A chunk runs to the next whitespace. */
        size_t b = i + n;
        while (b < len) {
            if (s[b] < 0x80) {
                enum cls kb = ascii_class(s[b]);
                if (kb == C_SPACE || kb == C_NEWLINE || s[b] == '\r')
                    break;
                b++;
            } else {
                size_t m = na_tok_decode(s + b, len - b, &cp);
                enum cls kb = wide_class(cp);
                if (kb == C_SPACE || kb == C_NEWLINE)
                    break;
                b += m;
            }
        }
        do_chunk(&t, i, b);
        t.line_start = false;
        newlines = 0;
        i = b;
    }
    na_error_clear(err);
    return NA_OK;
}
