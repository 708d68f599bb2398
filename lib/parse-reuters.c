/* parse-reuters.c - Reuters-21578 SGML.  A hand-written scanner, since the
 * files are SGML, not XML: each <REUTERS ...>...</REUTERS> element is one
 * article; fields are found by tag inside it, character references are
 * decoded, and the collection's known irregularities (messy DATEs, control
 * characters, a Latin-1 byte) are tolerated. */
#include "parse-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "utf8.h"

typedef struct {
    const char *p;
    size_t len;
} span_t;

static const char *find(const char *hay, size_t len, const char *needle)
{
    return memmem(hay, len, needle, strlen(needle));
}

/* The content of the first <TAG ...>...</TAG> inside EL. */
static bool element(span_t el, const char *tag, span_t *out, span_t *attrs)
{
    char open[32], close[32];
    snprintf(open, sizeof open, "<%s", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    size_t olen = strlen(open);
    const char *p = el.p, *end = el.p + el.len;
    for (;;) {
        const char *s = find(p, (size_t)(end - p), open);
        if (!s)
            return false;
        const char *after = s + olen;
        if (after < end && (*after == '>' || *after == ' ')) {
            const char *gt = memchr(after, '>', (size_t)(end - after));
            if (!gt)
                return false;
            if (attrs) {
                attrs->p = after;
                attrs->len = (size_t)(gt - after);
            }
            const char *c = find(gt + 1, (size_t)(end - gt - 1), close);
            out->p = gt + 1;
            out->len = c ? (size_t)(c - gt - 1) : (size_t)(end - gt - 1);
            return true;
        }
        p = after;
    }
}

/* The value of NAME="..." in an opening tag's attributes. */
static char *attribute(span_t attrs, const char *name)
{
    char pat[32];
    snprintf(pat, sizeof pat, " %s=\"", name);
    const char *s = find(attrs.p, attrs.len, pat);
    if (!s)
        return NULL;
    s += strlen(pat);
    const char *e = memchr(s, '"', attrs.len - (size_t)(s - attrs.p));
    return e ? na_xstrndup(s, (size_t)(e - s)) : NULL;
}

/* Decodes character references, drops control characters other than
 * newline and tab, and makes the result valid UTF-8; NULL when blank. */
static char *decode_text(span_t s)
{
    na_buf_t out = NA_BUF_INIT;
    na_buf_grow(&out, s.len);
    for (size_t i = 0; i < s.len; i++) {
        char c = s.p[i];
        if (c == '&') {
            const char *semi = memchr(s.p + i, ';', s.len - i < 10 ? s.len - i : 10);
            if (semi) {
                size_t n = (size_t)(semi - (s.p + i)) + 1;
                const char *ent = s.p + i;
                long cp = -1;
                if (n > 3 && ent[1] == '#')
                    cp = ent[2] == 'x' || ent[2] == 'X' ? strtol(ent + 3, NULL, 16) : strtol(ent + 2, NULL, 10);
                else if (n == 4 && memcmp(ent, "&lt;", 4) == 0) cp = '<';
                else if (n == 4 && memcmp(ent, "&gt;", 4) == 0) cp = '>';
                else if (n == 5 && memcmp(ent, "&amp;", 5) == 0) cp = '&';
                else if (n == 6 && memcmp(ent, "&quot;", 6) == 0) cp = '"';
                else if (n == 6 && memcmp(ent, "&apos;", 6) == 0) cp = '\'';
                if (cp >= 0) {
                    if (cp == '\n' || cp == '\t' || (cp >= 32 && cp != 127 && cp < 0x110000)) {
                        char enc[4];
                        na_buf_add(&out, enc, na_utf8_encode((unsigned)cp, enc));
                    }
                    i += n - 1;
                    continue;
                }
            }
        }
        if ((unsigned char)c < 32 && c != '\n' && c != '\t')
            continue;
        na_buf_addc(&out, c);
    }
    char *r = na__text_dup(out.data, out.len);
    na_buf_release(&out);
    return r;
}

static void add_codes(na_strlist_t *list, span_t el, const char *tag)
{
    span_t body;
    if (!element(el, tag, &body, NULL))
        return;
    span_t rest = body, d;
    while (element(rest, "D", &d, NULL)) {
        char *code = decode_text(d);
        if (code)
            na_strlist_take(list, code);
        const char *next = d.p + d.len;
        rest.len -= (size_t)(next - rest.p);
        rest.p = next;
    }
}

static void keep_attribute(na_article_t *a, span_t attrs, const char *name, const char *key)
{
    char *v = attribute(attrs, name);
    if (v)
        na_article_add_extra(a, key, v);
    free(v);
}

/* Builds the article of one element; false with REASON if it has none. */
static bool read_article(span_t el, na_article_t *a, char *reason, size_t reason_size)
{
    span_t attrs = { el.p + 8, 0 };
    const char *gt = memchr(el.p, '>', el.len);
    attrs.len = gt ? (size_t)(gt - attrs.p) : 0;
    char *newid = attribute(attrs, "NEWID");
    if (!newid || !*newid) {
        free(newid);
        snprintf(reason, reason_size, "<REUTERS> element without a NEWID attribute");
        return false;
    }
    a->id = na_xasprintf("reuters-%s", newid);
    free(newid);
    a->source = na_xstrdup("Reuters");
    keep_attribute(a, attrs, "TOPICS", "topics_status");
    keep_attribute(a, attrs, "LEWISSPLIT", "lewissplit");
    keep_attribute(a, attrs, "CGISPLIT", "cgisplit");
    keep_attribute(a, attrs, "OLDID", "oldid");

    span_t s;
    if (element(el, "DATE", &s, NULL)) {
        char *raw = na_xstrndup(s.p, s.len);
        na_date_t d;
        if (na_date_parse_reuters(raw, &d)) {
            char iso[20];
            na_date_format_iso(&d, iso);
            a->date = na_xstrdup(iso);
        }
        free(raw);
    }
    add_codes(&a->topics, el, "TOPICS");
    add_codes(&a->places, el, "PLACES");
    add_codes(&a->people, el, "PEOPLE");
    add_codes(&a->orgs, el, "ORGS");
    add_codes(&a->exchanges, el, "EXCHANGES");

    span_t text, text_attrs;
    if (element(el, "TEXT", &text, &text_attrs)) {
        char *type = attribute(text_attrs, "TYPE");
        if (type) {
            na_article_add_extra(a, "text_type", type);
            free(type);
        }
        if (element(text, "TITLE", &s, NULL))
            a->title = decode_text(s);
        if (element(text, "DATELINE", &s, NULL)) {
            char *dl = decode_text(s);
            if (dl) {
                size_t n = strlen(dl);
                while (n && (dl[n - 1] == '-' || dl[n - 1] == ' '))
                    dl[--n] = '\0';
            }
            if (dl && *dl)
                a->dateline = dl;
            else
                free(dl);
        }
        if (element(text, "BODY", &s, NULL))
            a->body = decode_text(s);
        else if (!find(text.p, text.len, "<TITLE>"))
            a->body = decode_text(text); /* TYPE="UNPROC": no inner tags */
    }
    return true;
}

na_status_t na__parse_reuters(const unsigned char *buf, size_t len, const na_parse_sink_t *sink, na_error_t *err)
{
    const char *text = (const char *)buf, *end = text + len, *p = text;
    size_t line = 1, found = 0;
    const char *counted = text; /* lines are counted up to here */
    while (p < end) {
        const char *s = find(p, (size_t)(end - p), "<REUTERS");
        if (!s)
            break;
        line += na__count_lines((const unsigned char *)counted, (size_t)(s - counted));
        counted = s;
        found++;
        const char *next = find(s + 8, (size_t)(end - s - 8), "<REUTERS");
        const char *close = find(s, (size_t)((next ? next : end) - s), "</REUTERS>");
        if (!close) {
            sink->reject(line, "<REUTERS> element is not closed with </REUTERS>", sink->ud);
            p = next ? next : end;
            continue;
        }
        span_t el = { s, (size_t)(close + 10 - s) };
        na_article_t *a = na_article_new();
        a->format = NA_FORMAT_REUTERS;
        a->line = line;
        na_article_set_raw(a, el.p, el.len);
        char reason[128];
        if (!read_article(el, a, reason, sizeof reason)) {
            sink->reject(line, reason, sink->ud);
            na_article_free(a);
        } else if (sink->article(a, sink->ud)) {
            return NA_OK;
        }
        p = close + 10;
    }
    if (!found)
        return na_error_set(err, NA_ERR_PARSE, "no <REUTERS> elements found");
    return NA_OK;
}
