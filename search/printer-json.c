/* printer-json.c - newsarc-search's output for programs: one JSON object
 * per run, built with jansson and written at the end (shapes in
 * printer.h).  Every key is always present, so a consumer need not test
 * for it: absent strings are null, absent lists []. */
#include "printer.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "util.h"

typedef struct {
    na_printer_t base;
    json_t *root;   /* the search object being built */
    json_t *facet;  /* the facet list being filled */
} json_printer_t;

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

static void dump(na_printer_t *p, json_t *o)
{
    json_dumpf(o, p->out, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    fputc('\n', p->out);
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
    json_decref(j->root);
    j->root = new_root();
    json_object_set_new(j->root, "query", jstr(s->query));
    json_object_set_new(j->root, "total", json_integer(s->total));
    json_object_set_new(j->root, "complete", json_boolean(s->complete));
    json_object_set_new(j->root, "offset", json_integer(s->offset));
    json_object_set_new(j->root, "limit", json_integer(s->limit));
    if (s->failed_count) {
        json_t *failed = json_array();
        for (size_t i = 0; i < s->failed_count; i++) {
            json_t *f = json_object();
            json_object_set_new(f, "shard", jstr(s->failed_shards[i]));
            json_object_set_new(f, "error", jstr(s->failed_errors[i]));
            json_array_append_new(failed, f);
        }
        json_t *shards = json_object();
        json_object_set_new(shards, "total", json_integer(s->shards));
        json_object_set_new(shards, "failed", failed);
        json_object_set_new(j->root, "shards", shards);
    }
    json_object_set_new(j->root, "results", json_array());
    json_object_set_new(j->root, "facets", json_object());
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

static json_t *result_object(const na_pr_result_t *r)
{
    const na_pr_meta_t *m = r->meta;
    char day[11];
    json_t *o = json_object();
    json_object_set_new(o, "id", jstr(m->id));
    json_object_set_new(o, "rank", json_integer(r->rank));
    json_object_set_new(o, "score", json_real(r->score));
    json_object_set_new(o, "date", jstr(na_printer_day(m->date, day)));
    json_object_set_new(o, "title", jstr(m->title));
    json_object_set_new(o, "source", jstr(m->source));
    json_object_set_new(o, "url", jstr(m->url));
    json_object_set_new(o, "people", jlist(&m->people));
    json_object_set_new(o, "places", jlist(&m->places));
    json_object_set_new(o, "orgs", jlist(&m->orgs));
    json_object_set_new(o, "topics", jlist(&m->topics));
    json_object_set_new(o, "snippet", jstr(r->snippet));
    json_object_set_new(o, "date_source", jstr(m->date_source));
    json_object_set_new(o, "extracted", jextracted(m));
    json_object_set_new(o, "sources", jlist(&m->sources));
    return o;
}

static void json_result(na_printer_t *p, const na_pr_result_t *r)
{
    json_printer_t *j = (json_printer_t *)p;
    json_array_append_new(json_object_get(j->root, "results"), result_object(r));
}

static void json_facet_begin(na_printer_t *p, const char *name)
{
    json_printer_t *j = (json_printer_t *)p;
    j->facet = json_array();
    json_object_set_new(json_object_get(j->root, "facets"), name, j->facet);
}

static void json_facet_value(na_printer_t *p, const char *value, unsigned count)
{
    json_printer_t *j = (json_printer_t *)p;
    json_t *o = json_object();
    json_object_set_new(o, "value", jstr(value));
    json_object_set_new(o, "count", json_integer(count));
    json_array_append_new(j->facet, o);
}

static void json_facet_end(na_printer_t *p)
{
    ((json_printer_t *)p)->facet = NULL;
}

static void json_search_end(na_printer_t *p, double elapsed_ms)
{
    json_printer_t *j = (json_printer_t *)p;
    json_object_set_new(j->root, "elapsed_ms", json_real(elapsed_ms));
    dump(p, j->root);
    json_decref(j->root);
    j->root = NULL;
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
    json_decref(j->root);
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
    json_t *o = result_object(r);
    json_dumpf(o, p->out, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(6));
    fputc('\n', p->out);
    json_decref(o);
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
