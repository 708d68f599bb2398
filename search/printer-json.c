/* printer-json.c - results as one JSON object, for scripts and search
 * pages.  Written with jansson, so escaping is never done by hand. */
#include <string.h>

#include "printer.h"

static json_t *list_or_empty(json_t *meta, const char *key)
{
    json_t *v = json_object_get(meta, key);
    return json_is_array(v) ? json_incref(v) : json_array();
}

static void json_begin(na_printer_t *p, const na_search_info_t *info)
{
    p->doc = json_pack("{s:i, s:s, s:I, s:I, s:I, s:[], s:{}}", "format_version", NA_JSON_FORMAT_VERSION,
                       "query", info->query, "total", (json_int_t)info->total, "offset", (json_int_t)info->offset,
                       "limit", (json_int_t)info->limit, "results", "facets");
}

static json_t *str_or_null(json_t *meta, const char *key)
{
    const char *s = na_meta_str(meta, key);
    return *s ? json_string(s) : json_null();
}

static void json_hit(na_printer_t *p, const na_hit_t *h)
{
    char day[11];
    na_meta_day(h->meta, day);
    json_t *r = json_object();
    json_object_set_new(r, "id", str_or_null(h->meta, "id"));
    json_object_set_new(r, "rank", json_integer(h->rank));
    json_object_set_new(r, "score", json_real(h->score));
    json_object_set_new(r, "date", *day ? json_string(day) : json_null());
    json_object_set_new(r, "title", str_or_null(h->meta, "title"));
    json_object_set_new(r, "source", str_or_null(h->meta, "source"));
    json_object_set_new(r, "url", str_or_null(h->meta, "url"));
    json_object_set_new(r, "people", list_or_empty(h->meta, "people"));
    json_object_set_new(r, "places", list_or_empty(h->meta, "places"));
    json_object_set_new(r, "orgs", list_or_empty(h->meta, "orgs"));
    json_object_set_new(r, "topics", list_or_empty(h->meta, "topics"));
    json_object_set_new(r, "snippet", h->snippet ? json_string(h->snippet) : json_null());
    json_array_append_new(json_object_get(p->doc, "results"), r);
}

static void json_facet(na_printer_t *p, const char *name, const na_xfacet_count_t *counts, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:I}", "value", counts[i].value, "count",
                                             (json_int_t)counts[i].count));
    json_object_set_new(json_object_get(p->doc, "facets"), name, arr);
}

static void dump(na_printer_t *p)
{
    json_dumpf(p->doc, p->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fputc('\n', p->out);
    json_decref(p->doc);
    p->doc = NULL;
}

static void json_end(na_printer_t *p, double elapsed_ms)
{
    json_object_set_new(p->doc, "elapsed_ms", json_real(elapsed_ms));
    dump(p);
}

static void json_count(na_printer_t *p, const char *query, unsigned total)
{
    p->doc = json_pack("{s:i, s:s, s:I}", "format_version", NA_JSON_FORMAT_VERSION, "query", query, "total",
                       (json_int_t)total);
    dump(p);
}

static void json_article(na_printer_t *p, json_t *meta, const char *body)
{
    p->doc = json_deep_copy(meta);
    json_object_set_new(p->doc, "format_version", json_integer(NA_JSON_FORMAT_VERSION));
    json_object_set_new(p->doc, "body", body ? json_string(body) : json_null());
    dump(p);
}

static void json_free(na_printer_t *p)
{
    json_decref(p->doc);
    free(p);
}

na_printer_t *na_printer_json_new(FILE *out)
{
    na_printer_t *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->begin = json_begin;
    p->hit = json_hit;
    p->facet = json_facet;
    p->end = json_end;
    p->count = json_count;
    p->article = json_article;
    p->free = json_free;
    p->out = out;
    p->hl_start = p->hl_end = "";
    return p;
}
