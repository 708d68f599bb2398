/* parse-reuters.c - Reuters-21578 SGML.
 *
 * The files are SGML, not XML (bare '>' and '&#3;' in text, no root
 * element), so this is a hand-written scanner rather than an XML parser.
 * It makes one pass over the buffer, stopping only at '<': each
 * <REUTERS ...>...</REUTERS> element is an article, and the tags inside it
 * only mark where fields start and end.  Field text is decoded once, when
 * the element closes, through one scratch buffer reused for every field,
 * so the cost is linear in the input with a few allocations per article.
 *
 * Tolerated irregularities of the collection: messy DATEs (date.h),
 * control characters written as character references (dropped), one
 * Latin-1 byte (repaired as utf8.h says), TYPE="BRIEF" articles with a
 * title only and TYPE="UNPROC" articles whose TEXT has no inner tags.
 */
#include "parse-internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "utf8.h"

typedef enum {
    T_REUTERS,
    T_DATE,
    T_TOPICS,
    T_PLACES,
    T_PEOPLE,
    T_ORGS,
    T_EXCHANGES,
    T_COMPANIES,
    T_UNKNOWN,
    T_MKNOTE,
    T_TEXT,
    T_TITLE,
    T_DATELINE,
    T_BODY,
    T_AUTHOR,
    T_D,
    T_NONE
} tag_t;

static const struct {
    const char *name;
    size_t len;
} tag_names[T_NONE] = {
#define TAG(s) { s, sizeof s - 1 }
    TAG("REUTERS"), TAG("DATE"), TAG("TOPICS"), TAG("PLACES"), TAG("PEOPLE"), TAG("ORGS"),
    TAG("EXCHANGES"), TAG("COMPANIES"), TAG("UNKNOWN"), TAG("MKNOTE"), TAG("TEXT"), TAG("TITLE"),
    TAG("DATELINE"), TAG("BODY"), TAG("AUTHOR"), TAG("D"),
#undef TAG
};

static tag_t lookup(const char *name, size_t len)
{
    for (int t = 0; t < T_NONE; t++)
        if (tag_names[t].len == len && memcmp(tag_names[t].name, name, len) == 0)
            return (tag_t)t;
    return T_NONE;
}

/* Where a field's content lies: P is NULL until the start tag is seen,
 * E until the end tag is. */
typedef struct {
    const char *p, *e;
} span_t;

typedef struct {
    na_article_t *a;
    const char *start;      /* the '<' of <REUTERS */
    size_t line;
    span_t attrs;           /* inside the <REUTERS ...> tag */
    span_t text_attrs;      /* inside the <TEXT ...> tag */
    span_t field[T_NONE];   /* by tag: DATE, TEXT, TITLE, DATELINE, BODY, AUTHOR */
    na_strlist_t *list;     /* the category field being read, or NULL */
    const char *d;          /* content start of an open <D> */
    tag_t unclosed;         /* the first field closed for it, or T_NONE */
} element_t;

/* Decodes a character reference at P ("&lt;", "&#3;", "&#x41;") into
 * *CP; returns its length, or 0 when P starts none. */
static size_t entity(const char *p, const char *end, unsigned *cp)
{
    static const struct { const char *name; size_t len; unsigned cp; } named[] = {
        { "&lt;", 4, '<' }, { "&gt;", 4, '>' }, { "&amp;", 5, '&' }, { "&quot;", 6, '"' }, { "&apos;", 6, '\'' },
    };
    size_t left = (size_t)(end - p);
    if (left >= 4 && p[1] == '#') {
        bool hex = p[2] == 'x' || p[2] == 'X';
        size_t i = hex ? 3 : 2, digits = 0;
        unsigned v = 0;
        /* Seven digits reach past U+10FFFF without overflowing. */
        for (; i < left && digits < 8; i++, digits++) {
            char c = p[i];
            if (c >= '0' && c <= '9')
                v = v * (hex ? 16 : 10) + (unsigned)(c - '0');
            else if (hex && ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'))
                v = v * 16 + (unsigned)((c | 0x20) - 'a' + 10);
            else
                break;
        }
        if (!digits || digits > 7 || i >= left || p[i] != ';')
            return 0;
        *cp = v;
        return i + 1;
    }
    for (size_t k = 0; k < sizeof named / sizeof *named; k++) {
        size_t n = named[k].len;
        if (left >= n && memcmp(p, named[k].name, n) == 0) {
            *cp = named[k].cp;
            return n;
        }
    }
    return 0;
}

/* Control characters (the wire's &#2; start and &#3; end of text, &#5;,
 * &#22; ...) carry no text; line breaks and tabs do. */
static bool keep_char(unsigned cp)
{
    if (cp == '\n' || cp == '\t')
        return true;
    return cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0) && !(cp >= 0xd800 && cp <= 0xdfff) &&
           cp <= 0x10ffff;
}

/* The text of [S, E): references decoded, control characters dropped,
 * then cleaned as na__clean_text() does.  NULL when blank. */
static char *decode(na_buf_t *scratch, const char *s, const char *e, bool one_line)
{
    size_t n = (size_t)(e - s);
    na_buf_reset(scratch);
    /* Every reference is at least as long as its UTF-8, so N bytes do. */
    na_buf_grow(scratch, n);
    char *o = scratch->data;
    const char *run = s, *p = s;
    /* Eight bytes at a time while none is a control character, '&' or
     * DEL (each test finds every such byte, and at worst one more): most
     * of a wire's text is copied as it is. */
    while (p < e) {
        if (e - p >= 8) {
            uint64_t w = na_load8(p);
            if (!(na_has_below(w, 0x20) | na_has_byte(w, '&') | na_has_byte(w, 0x7f))) {
                p += 8;
                continue;
            }
        }
        unsigned char c = (unsigned char)*p;
        if ((c >= 0x20 && c != '&' && c != 0x7f) || c == '\n' || c == '\t') {
            p++;
            continue;
        }
        memcpy(o, run, (size_t)(p - run));
        o += p - run;
        unsigned cp;
        size_t used = c == '&' ? entity(p, e, &cp) : 0;
        if (used) {
            if (keep_char(cp))
                o += na_utf8_encode(cp, o);
            p += used;
        } else {
            if (c == '&')
                *o++ = '&'; /* a bare ampersand is text */
            p++;
        }
        run = p;
    }
    memcpy(o, run, (size_t)(p - run));
    o += p - run;
    scratch->len = (size_t)(o - scratch->data);
    *o = '\0';
    return na__clean_text(scratch->data, scratch->len, one_line);
}

static char *field_text(element_t *el, na_buf_t *scratch, tag_t t, bool one_line)
{
    span_t s = el->field[t];
    return s.p && s.e ? decode(scratch, s.p, s.e, one_line) : NULL;
}

/* Calls FN for each NAME="value" in ATTRS. */
static void each_attribute(span_t attrs, void (*fn)(const char *, size_t, const char *, size_t, void *), void *ud)
{
    const char *p = attrs.p, *e = attrs.e;
    while (p < e) {
        while (p < e && na_is_space((unsigned char)*p))
            p++;
        const char *name = p;
        while (p < e && *p != '=' && !na_is_space((unsigned char)*p))
            p++;
        size_t name_len = (size_t)(p - name);
        if (p >= e || *p != '=') {
            if (p < e)
                p++;
            continue;
        }
        p++;
        const char *value = p;
        if (p < e && *p == '"') {
            value = ++p;
            while (p < e && *p != '"')
                p++;
        } else {
            while (p < e && !na_is_space((unsigned char)*p))
                p++;
        }
        size_t value_len = (size_t)(p - value);
        if (p < e)
            p++;
        if (name_len)
            fn(name, name_len, value, value_len, ud);
    }
}

typedef struct {
    na_article_t *a;
    char *newid;
} attr_ctx_t;

/* NEWID is the id; the others (TOPICS="YES|NO|BYPASS", LEWISSPLIT,
 * CGISPLIT, OLDID, CSECS) are kept, named in lower case; TOPICS becomes
 * "topics_status" so it is not taken for the category list. */
static void reuters_attribute(const char *name, size_t name_len, const char *value, size_t value_len, void *ud)
{
    attr_ctx_t *ctx = ud;
    char *v = na__clean_text(value, value_len, true);
    if (name_len == 5 && memcmp(name, "NEWID", 5) == 0) {
        free(ctx->newid);
        ctx->newid = v;
        return;
    }
    char key[40];
    if (name_len == 6 && memcmp(name, "TOPICS", 6) == 0) {
        snprintf(key, sizeof key, "topics_status");
    } else {
        size_t n = name_len < sizeof key - 1 ? name_len : sizeof key - 1;
        for (size_t i = 0; i < n; i++)
            key[i] = (char)na_ascii_lower((unsigned char)name[i]);
        key[n] = '\0';
    }
    na_article_add_extra(ctx->a, key, v ? v : "");
    free(v);
}

static void text_attribute(const char *name, size_t name_len, const char *value, size_t value_len, void *ud)
{
    if (name_len == 4 && strncasecmp(name, "TYPE", 4) == 0) {
        free(*(char **)ud);
        *(char **)ud = na__clean_text(value, value_len, true);
    }
}

static bool strip_prefix(char **s, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncasecmp(*s, prefix, n) != 0)
        return false;
    *s += n;
    return true;
}

/* "    by Jane Doe, Reuters" names Jane Doe. */
static void add_author(na_article_t *a, char *byline)
{
    char *name = byline;
    strip_prefix(&name, "by ");
    size_t n = strlen(name);
    static const char *const agency[] = { ", reuters", ", reuter" };
    for (size_t i = 0; i < 2; i++) {
        size_t k = strlen(agency[i]);
        if (n >= k && strcasecmp(name + n - k, agency[i]) == 0) {
            n -= k;
            break;
        }
    }
    char *clean = na__clean_text(name, n, true);
    if (clean)
        na_strlist_take(&a->authors, clean);
    free(byline);
}

/* Fills the article of a complete element; false with a reason when it
 * cannot be one. */
static bool build(element_t *el, na_buf_t *scratch, char *reason, size_t reason_size)
{
    na_article_t *a = el->a;
    attr_ctx_t ctx = { a, NULL };
    each_attribute(el->attrs, reuters_attribute, &ctx);
    if (!ctx.newid) {
        snprintf(reason, reason_size, "<REUTERS> element without a NEWID attribute");
        return false;
    }
    a->id = na_xasprintf("reuters-%s", ctx.newid);
    free(ctx.newid);
    a->source = na_xstrdup("Reuters");

    span_t ds = el->field[T_DATE];
    if (ds.p && ds.e) {
        char date[64];
        size_t n = (size_t)(ds.e - ds.p) < sizeof date - 1 ? (size_t)(ds.e - ds.p) : sizeof date - 1;
        memcpy(date, ds.p, n);
        date[n] = '\0';
        na_date_t d;
        if (na_date_parse_reuters(date, &d)) {
            char iso[20];
            na_date_format_iso(&d, iso);
            a->date = na_xstrdup(iso);
        } else {
            char *raw = field_text(el, scratch, T_DATE, true);
            if (raw) {
                na_article_add_extra(a, "date_raw", raw);
                a->date_unreadable = true;
            }
            free(raw);
        }
    }

    char *type = NULL;
    if (el->text_attrs.p)
        each_attribute(el->text_attrs, text_attribute, &type);
    if (type)
        na_article_add_extra(a, "text_type", type);

    a->title = field_text(el, scratch, T_TITLE, true);
    char *dl = field_text(el, scratch, T_DATELINE, true);
    if (dl) {
        /* "LONDON, June 9 - " is the dateline "LONDON, June 9". */
        size_t n = strlen(dl);
        while (n && (dl[n - 1] == '-' || dl[n - 1] == ' '))
            dl[--n] = '\0';
        if (n)
            a->dateline = dl;
        else
            free(dl);
    }
    char *byline = field_text(el, scratch, T_AUTHOR, true);
    if (byline)
        add_author(a, byline);

    bool unproc = type && strcasecmp(type, "UNPROC") == 0;
    bool brief = type && strcasecmp(type, "BRIEF") == 0;
    bool inner = el->field[T_TITLE].p || el->field[T_DATELINE].p || el->field[T_BODY].p;
    if (unproc || (!brief && !inner))
        a->body = field_text(el, scratch, T_TEXT, false); /* no inner tags: TEXT is the body */
    else
        a->body = field_text(el, scratch, T_BODY, false);
    free(type);
    return true;
}

/* Where TITLE, DATELINE and the body (BODY, or the whole TEXT when the
 * article has no inner tags) lie in the element's bytes. */
static void place_fields(element_t *el)
{
    static const tag_t tags[3] = { T_TITLE, T_DATELINE, T_BODY };
    na_range_t *ranges[3] = { &el->a->raw_title, &el->a->raw_dateline, &el->a->raw_body };
    for (int i = 0; i < 3; i++) {
        span_t f = el->field[tags[i]];
        if (i == 2 && !f.p)
            f = el->field[T_TEXT];
        if (f.p && f.e && f.e > f.p)
            *ranges[i] = (na_range_t){ (size_t)(f.p - el->start), (size_t)(f.e - el->start) };
    }
    el->a->legacy = !na_utf8_valid((const char *)el->a->raw, el->a->raw_len);
}

static void start_element(element_t *el, const char *lt, size_t line, const char *attrs, const char *gt)
{
    memset(el, 0, sizeof *el);
    el->a = na_article_new();
    el->a->format = NA_FORMAT_REUTERS;
    el->a->line = line;
    el->start = lt;
    el->line = line;
    el->attrs.p = attrs;
    el->attrs.e = gt;
    el->unclosed = T_NONE;
}

/* Ends at LT every open field of EL that does not contain the tag there:
 * a field left open ends where the next field starts, at </TEXT> (for
 * one inside TEXT) or at </REUTERS>, and the element is read with one
 * warning.  T is the tag at LT; CLOSING_REUTERS says it is </REUTERS>. */
static void close_open_fields(element_t *el, tag_t t, bool closing_reuters, const char *lt)
{
    for (int f = T_DATE; f < T_NONE; f++) {
        span_t *s = &el->field[f];
        if (!s->p || s->e || (f == T_TEXT && !closing_reuters) || (f == (int)t && !closing_reuters))
            continue;
        s->e = lt;
        if (el->unclosed == T_NONE)
            el->unclosed = (tag_t)f;
    }
}

na_status_t na__parse_reuters(const unsigned char *buf, size_t len, const na_parse_sink_t *sink, na_error_t *err)
{
    const char *p = (const char *)buf, *end = p + len;
    const char *counted = p; /* newlines are counted up to here */
    size_t line = 1, found = 0;
    bool open = false;
    element_t el;
    na_buf_t scratch = NA_BUF_INIT;
    int stop = 0;

    while (!stop && p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        if (!lt)
            break;
        const char *q = lt + 1;
        bool closing = q < end && *q == '/';
        if (closing)
            q++;
        const char *name = q;
        while (q < end && *q >= 'A' && *q <= 'Z')
            q++;
        tag_t t = lookup(name, (size_t)(q - name));
        p = lt + 1;
        bool start_tag = t == T_REUTERS && !closing;
        if (start_tag && (q >= end || na_is_space((unsigned char)*q))) {
            /* A <REUTERS start tag never closed by '>' cannot give its
             * NEWID: it is an element lost, not text. */
            size_t left = (size_t)(end - q), limit = left < 4096 ? left : 4096;
            if (!memchr(q, '>', limit)) {
                line += na__count_lines((const unsigned char *)counted, (size_t)(lt - counted));
                counted = lt;
                na__reject(sink, line, left < 4096 ? "<REUTERS> start tag cut off by the end of the file"
                                                   : "<REUTERS> start tag is not closed with '>'");
                found++;
                continue;
            }
        }
        if (t == T_NONE || q >= end)
            continue; /* a '<' in text, or a tag this reader has no use for */
        const char *gt = q;
        if (*q != '>') {
            /* Only <REUTERS> and <TEXT> carry attributes; the search is
             * bounded so that junk cannot make the scan quadratic. */
            if (closing || (t != T_REUTERS && t != T_TEXT) || !na_is_space((unsigned char)*q))
                continue;
            size_t limit = (size_t)(end - q) < 4096 ? (size_t)(end - q) : 4096;
            gt = memchr(q, '>', limit);
            if (!gt)
                continue;
        }
        p = gt + 1;

        if (t == T_REUTERS) {
            if (!closing) {
                line += na__count_lines((const unsigned char *)counted, (size_t)(lt - counted));
                counted = lt;
                if (open) {
                    na__reject(sink, el.line, "<REUTERS> element is not closed with </REUTERS>");
                    na_article_free(el.a);
                }
                start_element(&el, lt, line, q, gt);
                open = true;
                found++;
            } else if (open) {
                open = false;
                char reason[128];
                close_open_fields(&el, t, true, lt);
                na_article_set_raw(el.a, el.start, (size_t)(gt + 1 - el.start));
                place_fields(&el);
                if (build(&el, &scratch, reason, sizeof reason)) {
                    if (el.unclosed != T_NONE)
                        na__warn(sink, el.line, "<%s> is not closed with </%s>; read up to the next tag",
                                 tag_names[el.unclosed].name, tag_names[el.unclosed].name);
                    stop = na__emit(sink, el.a);
                } else {
                    na__reject(sink, el.line, "%s", reason);
                    na_article_free(el.a);
                }
            }
            continue;
        }
        if (!open)
            continue;
        switch (t) {
        case T_TOPICS: el.list = closing ? NULL : &el.a->topics; break;
        case T_PLACES: el.list = closing ? NULL : &el.a->places; break;
        case T_PEOPLE: el.list = closing ? NULL : &el.a->people; break;
        case T_ORGS: el.list = closing ? NULL : &el.a->orgs; break;
        case T_EXCHANGES: el.list = closing ? NULL : &el.a->exchanges; break;
        case T_COMPANIES: el.list = NULL; break;
        case T_D:
            if (!closing) {
                el.d = gt + 1;
            } else if (el.d && el.list) {
                char *code = decode(&scratch, el.d, lt, true);
                if (code)
                    na_strlist_take(el.list, code);
                el.d = NULL;
            }
            break;
        default: {
            /* A field: the first occurrence counts. */
            span_t *s = &el.field[t];
            if (t != T_UNKNOWN && t != T_MKNOTE && (!closing || t == T_TEXT))
                close_open_fields(&el, t, false, lt);
            if (!closing && !s->p) {
                s->p = gt + 1;
                if (t == T_TEXT) {
                    el.text_attrs.p = q;
                    el.text_attrs.e = gt;
                }
            } else if (closing && s->p && !s->e) {
                s->e = lt;
            }
            break;
        }
        }
    }
    if (open) {
        na__reject(sink, el.line, "<REUTERS> element is not closed with </REUTERS>");
        na_article_free(el.a);
    }
    na_buf_release(&scratch);
    if (!found)
        return na_error_set(err, NA_ERR_PARSE, "no <REUTERS> elements found");
    return NA_OK;
}
