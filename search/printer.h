/* printer.h - one output interface for every format newsarc-search
 * writes (after notmuch's sprinter.h).
 *
 * main.c says what to print, in the same calls for every format; a
 * printer decides how.  The text printer writes blocks for a person at a
 * terminal as it goes; the JSON printer writes one object at the end, in
 * jansson's layout (a search straight into a buffer, counts and articles
 * through jansson).  A new format (HTML for a search page) is a
 * new printer-*.c file and one line in na_printer_new().
 *
 * Calls come in one of these orders:
 *   count
 *   search_begin, result..., then per facet facet_begin, facet_value...,
 *     facet_end, then search_end
 *   article
 * Strings passed in are borrowed for the call only.
 *
 * JSON shapes (format_version 1; any incompatible change bumps it), also
 * described by doc/newsarc-json.schema.json:
 *   search:  {"format_version", "query", "total", "complete", "offset", "limit",
 *             "results": [{"id", "rank", "score", "date", "title",
 *                          "source", "url", "people", "places", "orgs",
 *                          "topics", "snippet", "date_source", "extracted",
 *                          "sources"}],
 *             "facets": {NAME: [{"value", "count"}]}, "elapsed_ms"}
 *            and, only when shards were left out of the answer (shard_failure
 *            partial), "shards": {"total", "failed": [{"shard", "error"}]}
 *            after "limit"
 *   count:   {"format_version", "query", "total"}
 *   article: {"format_version", "id", "title", "date", "source", "url",
 *             "language", "dateline", "format", "sources", "authors",
 *             "people", "places", "orgs", "topics", "exchanges", "extra",
 *             "body"}
 * Absent strings are null, absent lists [].
 */
#ifndef NA_SEARCH_PRINTER_H
#define NA_SEARCH_PRINTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "record.h"

#define NA_PRINTER_FORMAT_VERSION 1

/* JSONL: one line per result (the result object of a search, its snippet
 * null when none was made), nothing else: the export's format. */
typedef enum { NA_PRINT_TEXT = 0, NA_PRINT_JSON, NA_PRINT_JSONL } na_print_format_t;

/* An article's metadata as shown: record.h's struct, read by
 * na_record_meta_load(), the one owner of the record's format. */
typedef na_record_meta_t na_pr_meta_t;
typedef na_record_list_t na_pr_list_t;

typedef struct {
    const char *query;   /* the query as given (words joined with spaces) */
    unsigned total;      /* exact number of matching articles */
    unsigned offset;     /* matches skipped before the first result */
    unsigned limit;      /* results asked for */
    bool complete;       /* false: the time budget stopped the counting;
                          * total and facet counts are then lower bounds */
    unsigned shards;     /* shards searched or left out, when some were left out */
    const char *const *failed_shards; /* the FAILED_COUNT shards left out, as given */
    const char *const *failed_errors; /* and why, one line each */
    size_t failed_count; /* 0: every shard answered (no "shards" in the JSON) */
} na_pr_search_t;

typedef struct {
    unsigned rank;       /* 1-based position among all matches */
    double score;        /* Xapian's weight; 0 when sorting by date */
    const na_pr_meta_t *meta;
    const char *snippet; /* matched terms wrapped in the printer's hl_start and
                          * hl_end, whitespace collapsed; NULL when unknown */
} na_pr_result_t;

typedef struct na_printer na_printer_t;

struct na_printer {
    FILE *out;
    /* What a snippet should put around matched terms for this printer
     * (never NULL; "" for none): the engine's request says it. */
    const char *hl_start, *hl_end;

    void (*count)(na_printer_t *p, const char *query, unsigned total);
    void (*search_begin)(na_printer_t *p, const na_pr_search_t *search);
    void (*result)(na_printer_t *p, const na_pr_result_t *result);
    void (*facet_begin)(na_printer_t *p, const char *name);
    void (*facet_value)(na_printer_t *p, const char *value, unsigned count);
    void (*facet_end)(na_printer_t *p);
    void (*search_end)(na_printer_t *p, double elapsed_ms);
    /* One whole article: metadata, then BODY_LEN bytes of text (may be NULL). */
    void (*article)(na_printer_t *p, const na_pr_meta_t *meta, const char *body, size_t body_len);
    void (*destroy)(na_printer_t *p);
};

typedef struct {
    bool highlight; /* text: bold matched terms (ANSI), for a terminal */
    bool quiet;     /* text: no header line above the results */
} na_printer_options_t;

/* Returns a printer of FORMAT writing to OUT (borrowed; must outlive the
 * printer).  Caller owns it; free with na_printer_free(). */
na_printer_t *na_printer_new(na_print_format_t format, FILE *out, const na_printer_options_t *opts);
na_printer_t *na_printer_text_new(FILE *out, const na_printer_options_t *opts);
na_printer_t *na_printer_json_new(FILE *out);
na_printer_t *na_printer_jsonl_new(FILE *out);

/* Frees P; NULL is ignored. */
void na_printer_free(na_printer_t *p);

/* Sets *FORMAT from NAME ("text", "json", "jsonl"); false for an unknown name. */
bool na_printer_format_from_name(const char *name, na_print_format_t *format);

/* Flushes P's output.  Returns 0, or the errno of a failed write. */
int na_printer_flush(na_printer_t *p);

/* Returns a malloc()ed copy of the LEN bytes of the snippet S (plain
 * text: the binding undoes the HTML escapes of Xapian's snippets; a NUL
 * ends it early) with every run of whitespace made one space, trimmed, so
 * that line breaks of the article do not break the layout.  Caller
 * frees. */
char *na_printer_plain_snippet(const char *s, size_t len);

/* Copies the "YYYY-MM-DD" that the ISO date ISO starts with, or all of a
 * month- or year-precise ISO ("YYYY-MM", "YYYY"), into OUT and returns
 * OUT; returns NULL when ISO is NULL or of another form. */
const char *na_printer_day(const char *iso, char out[11]);

#endif
