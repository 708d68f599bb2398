/* printer.h - one output interface for text and JSON (as notmuch's
 * sprinter): the search code says what to print, a printer decides how.
 *
 * JSON output is one object per run; its shape is versioned by the
 * "format_version" key (see README, "JSON output"). */
#ifndef NA_SEARCH_PRINTER_H
#define NA_SEARCH_PRINTER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "xapian-c.h"

#define NA_JSON_FORMAT_VERSION 1

typedef struct {
    const char *query;
    unsigned total; /* exact */
    unsigned offset;
    unsigned limit;
    bool quiet;     /* no header line in text */
} na_search_info_t;

typedef struct {
    unsigned rank;       /* 1-based */
    double score;
    json_t *meta;        /* borrowed: the stored metadata object */
    const char *snippet; /* borrowed; may be NULL */
} na_hit_t;

typedef struct na_printer na_printer_t;

struct na_printer {
    void (*begin)(na_printer_t *p, const na_search_info_t *info);
    void (*hit)(na_printer_t *p, const na_hit_t *hit);
    void (*facet)(na_printer_t *p, const char *name, const na_xfacet_count_t *counts, size_t count);
    void (*end)(na_printer_t *p, double elapsed_ms);
    void (*count)(na_printer_t *p, const char *query, unsigned total);
    /* One article for --show: META borrowed, BODY may be NULL. */
    void (*article)(na_printer_t *p, json_t *meta, const char *body);
    void (*free)(na_printer_t *p);

    FILE *out;
    const char *hl_start, *hl_end; /* snippet highlighting */
    json_t *doc;                   /* JSON printer state */
};

/* TERMINAL: highlight matches in bold. */
na_printer_t *na_printer_text_new(FILE *out, bool terminal);
na_printer_t *na_printer_json_new(FILE *out);

/* Helpers for printers. */
const char *na_meta_str(json_t *meta, const char *key);
/* "YYYY-MM-DD" of the metadata's date into OUT (11 bytes), "" if none. */
void na_meta_day(json_t *meta, char out[11]);

#endif
