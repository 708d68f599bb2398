/* printer-text.c - newsarc-search's output for a person at a terminal.
 *
 *   3 matches; showing 1-3
 *
 *   1. 2025-06-09  European Central Bank holds rates as inflation cools
 *      id: sample-ecb-rates
 *      places: Frankfurt, Germany, Euro area
 *      people: Christine Lagarde
 *      FRANKFURT, June 9 - The European Central Bank kept its deposit
 *      rate unchanged ...
 *
 *   place:
 *     2  Germany
 *
 * Results are written as they come, so the first appears at once.
 * Snippets are wrapped to 78 columns; the ANSI bold markers a terminal
 * gets take no room. */
#include "printer.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define WRAP_COLUMNS 78
#define INDENT "   "

typedef struct {
    na_printer_t base;
    bool quiet;
    bool started;       /* something was printed: blocks need a blank line first */
    int count_width;    /* digits of the current facet's largest count */
    size_t facet_values;
} text_printer_t;

static void separate(text_printer_t *t)
{
    if (t->started)
        fputc('\n', t->base.out);
    t->started = true;
}

/* Columns S takes on a terminal: UTF-8 continuation bytes and ANSI escape
 * sequences take none. */
static size_t visible_width(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0x1b) {
            while (i + 1 < n && !((s[i + 1] >= 'A' && s[i + 1] <= 'Z') || (s[i + 1] >= 'a' && s[i + 1] <= 'z')))
                i++;
            i++; /* the final letter */
            continue;
        }
        if ((c & 0xC0) != 0x80)
            w++;
    }
    return w;
}

/* Writes TEXT (words separated by single spaces) in lines of at most
 * WRAP_COLUMNS, each starting with INDENT. */
static void print_wrapped(FILE *out, const char *text)
{
    size_t col = 0;
    const char *p = text;
    while (*p) {
        const char *end = strchr(p, ' ');
        if (!end)
            end = p + strlen(p);
        size_t n = (size_t)(end - p), w = visible_width(p, n);
        if (col && col + 1 + w > WRAP_COLUMNS) {
            fputc('\n', out);
            col = 0;
        }
        if (col == 0) {
            fputs(INDENT, out);
            col = strlen(INDENT);
        } else {
            fputc(' ', out);
            col++;
        }
        fwrite(p, 1, n, out);
        col += w;
        p = *end ? end + 1 : end;
    }
    if (col)
        fputc('\n', out);
}

static void print_list(FILE *out, const char *label, const na_pr_list_t *list)
{
    if (!list->count)
        return;
    fputs(label, out);
    for (size_t i = 0; i < list->count; i++)
        fprintf(out, "%s%s", i ? ", " : " ", list->items[i]);
    fputc('\n', out);
}

static void text_count(na_printer_t *p, const char *query, unsigned total)
{
    fprintf(p->out, "%u\n", total);
}

static void text_search_begin(na_printer_t *p, const na_pr_search_t *s)
{
    text_printer_t *t = (text_printer_t *)p;
    if (t->quiet)
        return;
    /* Past the time budget the count is where the counting stopped. */
    fprintf(p->out, "%s%u match%s", s->complete ? "" : "at least ", s->total, s->total == 1 ? "" : "es");
    unsigned shown = s->offset < s->total ? s->total - s->offset : 0;
    if (shown > s->limit)
        shown = s->limit;
    if (shown == 1)
        fprintf(p->out, "; showing %u", s->offset + 1);
    else if (shown)
        fprintf(p->out, "; showing %u-%u", s->offset + 1, s->offset + shown);
    else if (s->total && s->limit)
        fprintf(p->out, "; none after %u", s->offset);
    fputc('\n', p->out);
    t->started = true;
}

static void text_result(na_printer_t *p, const na_pr_result_t *r)
{
    text_printer_t *t = (text_printer_t *)p;
    const na_pr_meta_t *m = r->meta;
    char day[11];
    separate(t);
    const char *d = na_printer_day(m->date, day);
    fprintf(p->out, "%u. %-10s  %s\n", r->rank, d ? d : "(undated)",
            m->title && *m->title ? m->title : "(no title)");
    fprintf(p->out, INDENT "id: %s\n", m->id ? m->id : "?");
    print_list(p->out, INDENT "places:", &m->places);
    print_list(p->out, INDENT "people:", &m->people);
    if (r->snippet && *r->snippet)
        print_wrapped(p->out, r->snippet);
}

static void text_facet_begin(na_printer_t *p, const char *name)
{
    text_printer_t *t = (text_printer_t *)p;
    separate(t);
    fprintf(p->out, "%s:\n", name);
    t->count_width = 0;
    t->facet_values = 0;
}

static void text_facet_value(na_printer_t *p, const char *value, unsigned count)
{
    text_printer_t *t = (text_printer_t *)p;
    /* Counts come most frequent first, so the first is the widest. */
    if (t->count_width == 0)
        t->count_width = snprintf(NULL, 0, "%u", count);
    fprintf(p->out, "  %*u  %s\n", t->count_width, count, value);
    t->facet_values++;
}

static void text_facet_end(na_printer_t *p)
{
    text_printer_t *t = (text_printer_t *)p;
    if (!t->facet_values)
        fputs("  (none)\n", p->out);
}

static void text_search_end(na_printer_t *p, double elapsed_ms)
{
}


static void print_field(FILE *out, const char *key, const char *value)
{
    if (value && *value)
        fprintf(out, "%s: %s\n", key, value);
}

static void text_article(na_printer_t *p, const na_pr_meta_t *m, const char *body, size_t body_len)
{
    FILE *out = p->out;
    print_field(out, "id", m->id);
    print_field(out, "title", m->title);
    print_field(out, "date", m->date);
    print_field(out, "date source", m->date_source);
    print_field(out, "source", m->source);
    print_field(out, "url", m->url);
    print_field(out, "dateline", m->dateline);
    print_list(out, "authors:", &m->authors);
    print_list(out, "people:", &m->people);
    print_list(out, "places:", &m->places);
    print_list(out, "orgs:", &m->orgs);
    print_list(out, "topics:", &m->topics);
    print_list(out, "exchanges:", &m->exchanges);
    print_list(out, "mentioned:", &m->mentioned);
    /* Which of the names above extraction found in the text. */
    print_list(out, "extracted people:", &m->extracted_people);
    print_list(out, "extracted places:", &m->extracted_places);
    print_list(out, "extracted orgs:", &m->extracted_orgs);
    /* Every name the text gives, one a line: "*" marks the salient ones. */
    for (size_t i = 0; i < m->name_count; i++)
        fprintf(out, "name: %s %s (%u)%s\n", m->names[i].type, m->names[i].name, m->names[i].count,
                m->names[i].salient ? " *" : "");
    for (size_t i = 0; i < m->extra_count; i++)
        print_field(out, m->extra[i].key, m->extra[i].value);
    print_field(out, "language", m->language);
    print_field(out, "format", m->format);
    /* One line each: a path may hold ", ". */
    for (size_t i = 0; i < m->sources.count; i++)
        print_field(out, "file", m->sources.items[i]);
    if (body && body_len) {
        fputc('\n', out);
        fwrite(body, 1, body_len, out);
        if (body[body_len - 1] != '\n')
            fputc('\n', out);
    }
}

static void text_destroy(na_printer_t *p)
{
    free(p);
}

na_printer_t *na_printer_text_new(FILE *out, const na_printer_options_t *opts)
{
    text_printer_t *t = na_xcalloc(1, sizeof *t);
    t->base.out = out;
    t->base.hl_start = opts && opts->highlight ? "\033[1m" : "";
    t->base.hl_end = opts && opts->highlight ? "\033[0m" : "";
    t->base.count = text_count;
    t->base.search_begin = text_search_begin;
    t->base.result = text_result;
    t->base.facet_begin = text_facet_begin;
    t->base.facet_value = text_facet_value;
    t->base.facet_end = text_facet_end;
    t->base.search_end = text_search_end;
    t->base.article = text_article;
    t->base.destroy = text_destroy;
    t->quiet = opts && opts->quiet;
    return &t->base;
}
