/* printer-json.c - newsarc-search's output for programs: one JSON object
 * per run, written at the end (shapes in printer.h).  Every key is always
 * present, so a consumer need not test for it: absent strings are null,
 * absent lists [].  Searches and their results, what a server prints
 * most, are written straight into a buffer in jansson's own layout
 * (", " and ": " apart, its escapes and its reals), as a jansson tree
 * built and dumped for each cost more than the search itself; counts and
 * articles go through jansson. */
#include "printer.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "util.h"

typedef struct {
    na_printer_t base;
    na_buf_t out;      /* the search object being written */
    bool in_facets;    /* past the results: "facets": { is open */
    size_t values;     /* values written in the open facet */
    na_strlist_t seen; /* facet names written: a name asked twice is one key */
    bool skip;         /* the open facet's name was written before */
} json_printer_t;

/* ---- writing JSON as jansson dumps it ---- */

/* S (LEN bytes) as a JSON string: jansson's escapes (\" \\ \b \f \n
 * \r \t, other control characters as \u00XX), UTF-8 as it is; invalid
 * UTF-8 converted first, as jstrn() does. */
static void w_strn(na_buf_t *b, const char *s, size_t len)
{
    if (!s) {
        na_buf_adds(b, "null");
        return;
    }
    char *clean = na_utf8_valid(s, len) ? NULL : na_utf8_sanitize(s, len);
    if (clean) {
        s = clean;
        len = strlen(clean);
    }
    na_buf_addc(b, '"');
    size_t run = 0; /* bytes at s that need no escape */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        na_buf_add(b, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': na_buf_adds(b, "\\\""); break;
        case '\\': na_buf_adds(b, "\\\\"); break;
        case '\b': na_buf_adds(b, "\\b"); break;
        case '\f': na_buf_adds(b, "\\f"); break;
        case '\n': na_buf_adds(b, "\\n"); break;
        case '\r': na_buf_adds(b, "\\r"); break;
        case '\t': na_buf_adds(b, "\\t"); break;
        default: na_buf_addf(b, "\\u%04X", c);
        }
    }
    na_buf_add(b, s + run, len - run);
    na_buf_addc(b, '"');
    free(clean);
}

static void w_str(na_buf_t *b, const char *s)
{
    w_strn(b, s, s ? strlen(s) : 0);
}

/* What jansson puts between items and after keys: ", " and ": ", or
 * with JSON_COMPACT "," and ":". */
typedef struct {
    const char *comma, *colon;
} sep_t;
static const sep_t spaced = { ", ", ": " }, compact = { ",", ":" };

/* The separator (but before the first member), then "KEY" and the colon. */
static void w_key(na_buf_t *b, const sep_t *sep, const char *key, bool first)
{
    if (!first)
        na_buf_adds(b, sep->comma);
    na_buf_addc(b, '"');
    na_buf_adds(b, key);
    na_buf_addc(b, '"');
    na_buf_adds(b, sep->colon);
}

/* A real as jansson writes it with JSON_REAL_PRECISION(6): "%.6g", ".0"
 * added when that looks like an integer, the exponent without '+' or
 * leading zeros, '.' whatever the locale. */
static void w_real(na_buf_t *b, double v)
{
    char num[64];
    int n = snprintf(num, sizeof num, "%.6g", v);
    if (n < 0 || (size_t)n >= sizeof num - 3)
        return;
    for (char *c = num; *c; c++)
        if (*c == ',')
            *c = '.';
    if (!strchr(num, '.') && !strchr(num, 'e'))
        strcat(num, ".0");
    char *e = strchr(num, 'e');
    if (e) {
        char *start = e + 1, *end = e + 2;
        if (*start == '-')
            start++;
        while (*end == '0')
            end++;
        if (end != start)
            memmove(start, end, strlen(end) + 1);
    }
    na_buf_adds(b, num);
}

/* The member KEY (as w_key()) with LIST as an array of its strings. */
static void w_list(na_buf_t *b, const sep_t *sep, const char *key, const na_pr_list_t *list, bool first)
{
    w_key(b, sep, key, first);
    na_buf_addc(b, '[');
    for (size_t i = 0; i < list->count; i++) {
        if (i)
            na_buf_adds(b, sep->comma);
        w_str(b, list->items[i]);
    }
    na_buf_addc(b, ']');
}

/* A JSON string of the LEN bytes at S, or null for NULL.  jansson refuses
 * invalid UTF-8; stored text is valid, but a damaged record must not lose
 * the key, so such bytes are converted rather than dropped. */
static json_t *jstrn(const char *s, size_t len)
{
    if (!s)
        return json_null();
    json_t *j = json_stringn(s, len);
    if (!j) {
        char *clean = na_utf8_sanitize(s, len);
        j = json_string(clean);
        free(clean);
    }
    return j ? j : json_null();
}

static json_t *jstr(const char *s)
{
    return jstrn(s, s ? strlen(s) : 0);
}

static json_t *jlist(const na_pr_list_t *list)
{
    json_t *a = json_array();
    for (size_t i = 0; i < list->count; i++)
        json_array_append_new(a, jstr(list->items[i]));
    return a;
}

static json_t *new_root(void)
{
    json_t *o = json_object();
    json_object_set_new(o, "format_version", json_integer(NA_PRINTER_FORMAT_VERSION));
    return o;
}

/* Writes O and a newline to P's stream in one write: json_dumpf() writes
 * each token apart, which costs a server's memory stream more than
 * building the text. */
static void dump(na_printer_t *p, json_t *o)
{
    /* jansson's malloc(): free() it */
    char *text = json_dumps(o, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    if (text)
        fputs(text, p->out);
    fputc('\n', p->out);
    free(text);
}

static void json_count(na_printer_t *p, const char *query, unsigned total)
{
    json_t *o = new_root();
    json_object_set_new(o, "query", jstr(query));
    json_object_set_new(o, "total", json_integer(total));
    dump(p, o);
    json_decref(o);
}

static void json_search_begin(na_printer_t *p, const na_pr_search_t *s)
{
    json_printer_t *j = (json_printer_t *)p;
    na_buf_t *b = &j->out;
    na_buf_reset(b);
    na_strlist_clear(&j->seen);
    j->in_facets = false;
    na_buf_addf(b, "{\"format_version\": %d", NA_PRINTER_FORMAT_VERSION);
    w_key(b, &spaced, "query", false);
    w_str(b, s->query);
    na_buf_addf(b, ", \"total\": %u, \"complete\": %s, \"offset\": %u, \"limit\": %u", s->total,
                s->complete ? "true" : "false", s->offset, s->limit);
    if (s->failed_count) {
        na_buf_addf(b, ", \"shards\": {\"total\": %u, \"failed\": [", s->shards);
        for (size_t i = 0; i < s->failed_count; i++) {
            na_buf_adds(b, i ? ", {" : "{");
            w_key(b, &spaced, "shard", true);
            w_str(b, s->failed_shards[i]);
            w_key(b, &spaced, "error", false);
            w_str(b, s->failed_errors[i]);
            na_buf_addc(b, '}');
        }
        na_buf_adds(b, "]}");
    }
    na_buf_adds(b, ", \"results\": [");
    j->values = 0; /* results so far */
}

/* Closes the results and opens the facets, once. */
static void open_facets(json_printer_t *j)
{
    if (j->in_facets)
        return;
    na_buf_adds(&j->out, "], \"facets\": {");
    j->in_facets = true;
}

/* What extraction found, apart from what the source supplied. */
static json_t *jextracted(const na_pr_meta_t *m)
{
    json_t *o = json_object();
    json_object_set_new(o, "people", jlist(&m->extracted_people));
    json_object_set_new(o, "places", jlist(&m->extracted_places));
    json_object_set_new(o, "orgs", jlist(&m->extracted_orgs));
    json_object_set_new(o, "mentioned", jlist(&m->mentioned));
    /* Left out rather than empty for records stored before names were,
     * so that their output stays what it was. */
    if (m->name_count) {
        json_t *names = json_array();
        for (size_t i = 0; i < m->name_count; i++) {
            const na_record_name_t *n = &m->names[i];
            json_t *j = json_object();
            json_object_set_new(j, "type", json_string(n->type));
            json_object_set_new(j, "name", json_string(n->name));
            json_object_set_new(j, "count", json_integer(n->count));
            json_object_set_new(j, "first", n->first == NA_RECORD_NO_OFFSET ? json_null() : json_integer(n->first));
            json_object_set_new(j, "salient", json_boolean(n->salient));
            json_array_append_new(names, j);
        }
        json_object_set_new(o, "names", names);
    }
    return o;
}

/* Writes result R as an object: the keys of printer.h, in that order. */
static void write_result(na_buf_t *b, const sep_t *sep, const na_pr_result_t *r)
{
    const na_pr_meta_t *m = r->meta;
    char day[11];
    na_buf_addc(b, '{');
    w_key(b, sep, "id", true);
    w_str(b, m->id);
    w_key(b, sep, "rank", false);
    na_buf_addf(b, "%u", r->rank);
    w_key(b, sep, "score", false);
    w_real(b, r->score);
    w_key(b, sep, "date", false);
    w_str(b, na_printer_day(m->date, day));
    w_key(b, sep, "title", false);
    w_str(b, m->title);
    w_key(b, sep, "source", false);
    w_str(b, m->source);
    w_key(b, sep, "url", false);
    w_str(b, m->url);
    w_list(b, sep, "people", &m->people, false);
    w_list(b, sep, "places", &m->places, false);
    w_list(b, sep, "orgs", &m->orgs, false);
    w_list(b, sep, "topics", &m->topics, false);
    w_key(b, sep, "snippet", false);
    w_str(b, r->snippet);
    w_key(b, sep, "date_source", false);
    w_str(b, m->date_source);
    w_key(b, sep, "extracted", false);
    na_buf_addc(b, '{');
    w_list(b, sep, "people", &m->extracted_people, true);
    w_list(b, sep, "places", &m->extracted_places, false);
    w_list(b, sep, "orgs", &m->extracted_orgs, false);
    w_list(b, sep, "mentioned", &m->mentioned, false);
    na_buf_addc(b, '}');
    w_list(b, sep, "sources", &m->sources, false);
    na_buf_addc(b, '}');
}

static void json_result(na_printer_t *p, const na_pr_result_t *r)
{
    json_printer_t *j = (json_printer_t *)p;
    if (j->values++)
        na_buf_adds(&j->out, ", ");
    write_result(&j->out, &spaced, r);
}

static void json_facet_begin(na_printer_t *p, const char *name)
{
    json_printer_t *j = (json_printer_t *)p;
    open_facets(j);
    /* jansson's object kept a name's first place and its last value;
     * the values of one name are the same each time it is asked. */
    j->skip = na_strlist_contains(&j->seen, name);
    j->values = 0;
    if (j->skip)
        return;
    na_strlist_add(&j->seen, name);
    if (j->seen.count > 1)
        na_buf_adds(&j->out, ", ");
    w_str(&j->out, name);
    na_buf_adds(&j->out, ": [");
}

static void json_facet_value(na_printer_t *p, const char *value, unsigned count)
{
    json_printer_t *j = (json_printer_t *)p;
    if (j->skip)
        return;
    if (j->values++)
        na_buf_adds(&j->out, ", ");
    na_buf_adds(&j->out, "{\"value\": ");
    w_str(&j->out, value);
    na_buf_addf(&j->out, ", \"count\": %u}", count);
}

static void json_facet_end(na_printer_t *p)
{
    json_printer_t *j = (json_printer_t *)p;
    if (!j->skip)
        na_buf_addc(&j->out, ']');
    j->skip = false;
}

static void json_search_end(na_printer_t *p, double elapsed_ms)
{
    json_printer_t *j = (json_printer_t *)p;
    open_facets(j);
    na_buf_adds(&j->out, "}, \"elapsed_ms\": ");
    w_real(&j->out, elapsed_ms);
    na_buf_addc(&j->out, '}');
    na_buf_addc(&j->out, '\n');
    fwrite(j->out.data, 1, j->out.len, p->out);
    na_buf_reset(&j->out);
}

static void json_article(na_printer_t *p, const na_pr_meta_t *m, const char *body, size_t body_len)
{
    json_t *o = new_root();
    json_object_set_new(o, "id", jstr(m->id));
    json_object_set_new(o, "title", jstr(m->title));
    json_object_set_new(o, "date", jstr(m->date));
    json_object_set_new(o, "source", jstr(m->source));
    json_object_set_new(o, "url", jstr(m->url));
    json_object_set_new(o, "language", jstr(m->language));
    json_object_set_new(o, "dateline", jstr(m->dateline));
    json_object_set_new(o, "format", jstr(m->format));
    json_object_set_new(o, "sources", jlist(&m->sources));
    json_object_set_new(o, "authors", jlist(&m->authors));
    json_object_set_new(o, "people", jlist(&m->people));
    json_object_set_new(o, "places", jlist(&m->places));
    json_object_set_new(o, "orgs", jlist(&m->orgs));
    json_object_set_new(o, "topics", jlist(&m->topics));
    json_object_set_new(o, "exchanges", jlist(&m->exchanges));
    json_object_set_new(o, "date_source", jstr(m->date_source));
    json_object_set_new(o, "extracted", jextracted(m));
    json_t *extra = json_object();
    for (size_t i = 0; i < m->extra_count; i++)
        json_object_set_new(extra, m->extra[i].key, jstr(m->extra[i].value));
    json_object_set_new(o, "extra", extra);
    json_object_set_new(o, "body", body ? jstrn(body, body_len) : json_null());
    dump(p, o);
    json_decref(o);
}

static void json_destroy(na_printer_t *p)
{
    json_printer_t *j = (json_printer_t *)p;
    na_buf_release(&j->out);
    na_strlist_clear(&j->seen);
    free(j);
}

na_printer_t *na_printer_json_new(FILE *out)
{
    json_printer_t *j = na_xcalloc(1, sizeof *j);
    j->base.out = out;
    j->base.hl_start = "";
    j->base.hl_end = "";
    j->base.count = json_count;
    j->base.search_begin = json_search_begin;
    j->base.result = json_result;
    j->base.facet_begin = json_facet_begin;
    j->base.facet_value = json_facet_value;
    j->base.facet_end = json_facet_end;
    j->base.search_end = json_search_end;
    j->base.article = json_article;
    j->base.destroy = json_destroy;
    return &j->base;
}

/* ---- JSON Lines: one compact result object a line ---- */

static void jsonl_result(na_printer_t *p, const na_pr_result_t *r)
{
    json_printer_t *j = (json_printer_t *)p;
    na_buf_reset(&j->out);
    write_result(&j->out, &compact, r);
    na_buf_addc(&j->out, '\n');
    fwrite(j->out.data, 1, j->out.len, p->out);
}

static void jsonl_nothing(na_printer_t *p) {}
static void jsonl_count(na_printer_t *p, const char *query, unsigned total) {}
static void jsonl_search_begin(na_printer_t *p, const na_pr_search_t *s) {}
static void jsonl_facet_begin(na_printer_t *p, const char *name) {}
static void jsonl_facet_value(na_printer_t *p, const char *value, unsigned count) {}
static void jsonl_search_end(na_printer_t *p, double elapsed_ms) {}

na_printer_t *na_printer_jsonl_new(FILE *out)
{
    na_printer_t *p = na_printer_json_new(out);
    p->count = jsonl_count;
    p->search_begin = jsonl_search_begin;
    p->result = jsonl_result;
    p->facet_begin = jsonl_facet_begin;
    p->facet_value = jsonl_facet_value;
    p->facet_end = jsonl_nothing;
    p->search_end = jsonl_search_end;
    return p;
}
