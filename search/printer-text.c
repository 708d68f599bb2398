/* printer-text.c - results for a person at a terminal: one block per
 * article with date, title, places and people and a snippet. */
#include <string.h>

#include "printer.h"

static void print_list(FILE *out, const char *label, json_t *arr)
{
    if (!json_array_size(arr))
        return;
    fprintf(out, "   %s: ", label);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) fprintf(out, "%s%s", i ? ", " : "", json_string_value(v));
    fputc('\n', out);
}

static void text_begin(na_printer_t *p, const na_search_info_t *info)
{
    if (info->quiet)
        return;
    const char *noun = info->total == 1 ? "match" : "matches";
    unsigned first = info->offset + 1;
    unsigned last = info->offset + info->limit < info->total ? info->offset + info->limit : info->total;
    if (info->total == 0)
        fprintf(p->out, "0 matches\n");
    else if (first > last)
        fprintf(p->out, "%u %s; none shown from %u on\n", info->total, noun, first);
    else if (first == last)
        fprintf(p->out, "%u %s; showing %u\n", info->total, noun, first);
    else
        fprintf(p->out, "%u %s; showing %u-%u\n", info->total, noun, first, last);
}

static void text_hit(na_printer_t *p, const na_hit_t *h)
{
    char day[11];
    na_meta_day(h->meta, day);
    const char *title = na_meta_str(h->meta, "title");
    fprintf(p->out, "\n%u. %s%s%s\n", h->rank, day, *day ? "  " : "", *title ? title : "(no title)");
    fprintf(p->out, "   id: %s\n", na_meta_str(h->meta, "id"));
    if (*na_meta_str(h->meta, "source"))
        fprintf(p->out, "   source: %s\n", na_meta_str(h->meta, "source"));
    print_list(p->out, "places", json_object_get(h->meta, "places"));
    print_list(p->out, "people", json_object_get(h->meta, "people"));
    print_list(p->out, "orgs", json_object_get(h->meta, "orgs"));
    if (h->snippet && *h->snippet) {
        fputs("   ", p->out);
        for (const char *s = h->snippet; *s; s++)
            fputc(*s == '\n' ? ' ' : *s, p->out);
        fputc('\n', p->out);
    }
}

static void text_facet(na_printer_t *p, const char *name, const na_xfacet_count_t *counts, size_t n)
{
    fprintf(p->out, "\n%s:\n", name);
    if (!n)
        fprintf(p->out, "  (none)\n");
    for (size_t i = 0; i < n; i++)
        fprintf(p->out, "  %u  %s\n", counts[i].count, counts[i].value);
}

static void text_end(na_printer_t *p, double elapsed_ms) { (void)p; (void)elapsed_ms; }

static void text_count(na_printer_t *p, const char *query, unsigned total)
{
    (void)query;
    fprintf(p->out, "%u\n", total);
}

static void print_value(FILE *out, const char *key, json_t *v)
{
    if (json_is_string(v) && *json_string_value(v)) {
        fprintf(out, "%s: %s\n", key, json_string_value(v));
    } else if (json_is_array(v) && json_array_size(v)) {
        fprintf(out, "%s: ", key);
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) fprintf(out, "%s%s", i ? ", " : "", json_string_value(item));
        fputc('\n', out);
    }
}

/* --show: "key: value" lines in a fixed order, then the source's other
 * keys, a blank line and the text. */
static void text_article(na_printer_t *p, json_t *meta, const char *body)
{
    static const char *const keys[] = { "id", "title", "date", "source", "url", "authors", "people",
                                         "places", "orgs", "topics", "exchanges", "dateline", "language",
                                         "format" };
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        print_value(p->out, keys[i], json_object_get(meta, keys[i]));
    const char *key;
    json_t *v;
    json_object_foreach(json_object_get(meta, "extra"), key, v) print_value(p->out, key, v);
    if (body)
        fprintf(p->out, "\n%s\n", body);
}

static void text_free(na_printer_t *p) { free(p); }

na_printer_t *na_printer_text_new(FILE *out, bool terminal)
{
    na_printer_t *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->begin = text_begin;
    p->hit = text_hit;
    p->facet = text_facet;
    p->end = text_end;
    p->count = text_count;
    p->article = text_article;
    p->free = text_free;
    p->out = out;
    p->hl_start = terminal ? "\033[1m" : "";
    p->hl_end = terminal ? "\033[0m" : "";
    return p;
}
