/* main.c - newsarc-search: keyword and faceted queries over a newsarc
 * database, as text for a terminal or JSON for scripts. */
#include <getopt.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ac-config.h"
#include "article.h"
#include "config.h"
#include "parse.h"
#include "printer.h"
#include "query.h"
#include "record.h"
#include "schema.h"
#include "util.h"
#include "xapian-c.h"

/* Exit statuses, documented in newsarc-search(1) and README. */
enum { EXIT_OK = 0, EXIT_NO_ARTICLE = 1, EXIT_USAGE = 2, EXIT_DATABASE = 3 };

enum { OPT_FORMAT = 256, OPT_FACET, OPT_FACET_SIZE, OPT_FILTER, OPT_SORT, OPT_LIMIT, OPT_OFFSET, OPT_COUNT,
       OPT_SHOW, OPT_RAW };

static const struct option long_options[] = {
    { "db", required_argument, NULL, 'd' },
    { "config", required_argument, NULL, 'c' },
    { "quiet", no_argument, NULL, 'q' },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { "format", required_argument, NULL, OPT_FORMAT },
    { "facet", required_argument, NULL, OPT_FACET },
    { "facet-size", required_argument, NULL, OPT_FACET_SIZE },
    { "filter", required_argument, NULL, OPT_FILTER },
    { "sort", required_argument, NULL, OPT_SORT },
    { "limit", required_argument, NULL, OPT_LIMIT },
    { "offset", required_argument, NULL, OPT_OFFSET },
    { "count", no_argument, NULL, OPT_COUNT },
    { "show", required_argument, NULL, OPT_SHOW },
    { "raw", no_argument, NULL, OPT_RAW },
    { NULL, 0, NULL, 0 },
};

typedef enum { SORT_RELEVANCE, SORT_NEWEST, SORT_OLDEST } sort_t;

typedef struct {
    na_strlist_t dbs;
    const char *config;
    bool quiet;
    int verbose;
    bool json;
    na_strlist_t facets;
    unsigned facet_size;
    na_strlist_t filters;
    sort_t sort;
    unsigned limit, offset;
    bool count;
    const char *show;
    bool raw;
    char *query;
} options_t;

static void usage(FILE *out)
{
    fputs("Usage: newsarc-search [OPTION]... [QUERY]...\n"
          "       newsarc-search [OPTION]... --show ID\n"
          "Search a newsarc database.\n"
          "\n"
          "QUERY uses Xapian's syntax (AND OR NOT, +word -word, \"phrases\", wild*) with\n"
          "the fields title: person: place: org: topic: source: id: and date:, which\n"
          "takes YYYY, YYYY-MM, YYYY-MM-DD or a range A..B (either end may be empty).\n"
          "An empty query matches every article.\n"
          "\n"
          "  -d, --db PATH          the database; repeat to search shards as one;\n"
          "                         tcp:HOST:PORT for a remote xapian-tcpsrv\n"
          "  -c, --config FILE      read this configuration file\n"
          "      --format FMT       text (default) or json\n"
          "      --facet NAME       count values among all matches: person, place, org,\n"
          "                         topic, source, year, month (repeatable)\n"
          "      --facet-size N     values shown per facet (default 10)\n"
          "      --filter NAME=VAL  keep matches with this value (repeatable; values of\n"
          "                         one facet are ORed, facets ANDed)\n"
          "      --sort ORDER       relevance (default), newest or oldest\n"
          "      --limit N          results to show (default 10)\n"
          "      --offset N         results to skip (default 0)\n"
          "      --count            print only the exact number of matches\n"
          "      --show ID          print one article: metadata, then text\n"
          "      --raw              with --show, the original bytes exactly as stored\n"
          "  -q, --quiet            no warnings\n"
          "  -v, --verbose          print the parsed query on standard error\n"
          "  -h, --help             show this help and exit\n"
          "  -V, --version          show the version and exit\n"
          "\n"
          "Exit status: 0 success (with or without matches), 1 no article with the\n"
          "--show ID, 2 usage or query error, 3 database error.\n",
          out);
}

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("newsarc-search: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'newsarc-search --help' for more information.\n", stderr);
    return EXIT_USAGE;
}

static bool parse_uint(const char *s, unsigned max, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || *s == '-' || v > max)
        return false;
    *out = (unsigned)v;
    return true;
}

/* Returns -1 to go on, or the exit status. */
static int parse_options(int argc, char **argv, options_t *o)
{
    memset(o, 0, sizeof *o);
    o->facet_size = 10;
    o->limit = 10;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":d:c:qvhV", long_options, NULL)) != -1) {
        switch (c) {
        case 'd': na_strlist_add(&o->dbs, optarg); break;
        case 'c': o->config = optarg; break;
        case 'q': o->quiet = true; break;
        case 'v': o->verbose++; break;
        case 'h': usage(stdout); return EXIT_OK;
        case 'V': printf("newsarc-search %s (xapian %s)\n", PACKAGE_VERSION, na_x_version()); return EXIT_OK;
        case OPT_FORMAT:
            if (strcmp(optarg, "json") == 0)
                o->json = true;
            else if (strcmp(optarg, "text") != 0)
                return usage_error("unknown output format '%s' (text or json)", optarg);
            break;
        case OPT_FACET:
            if (!na_field_by_name(optarg))
                return usage_error("unknown facet '%s' (person, place, org, topic, source, year, month)", optarg);
            na_strlist_add_unique(&o->facets, optarg);
            break;
        case OPT_FACET_SIZE:
            if (!parse_uint(optarg, 100000, &o->facet_size))
                return usage_error("--facet-size takes a number, not '%s'", optarg);
            break;
        case OPT_FILTER: {
            const char *eq = strchr(optarg, '=');
            char *name = eq ? strndup(optarg, (size_t)(eq - optarg)) : NULL;
            bool known = name && (na_field_by_name(name) || strcmp(name, "id") == 0 || strcmp(name, "date") == 0);
            free(name);
            if (!eq || !eq[1])
                return usage_error("--filter '%s': should be NAME=VALUE", optarg);
            if (!known)
                return usage_error("--filter '%s': unknown name (person, place, org, topic, source, year, "
                                   "month, id, date)", optarg);
            na_strlist_add(&o->filters, optarg);
            break;
        }
        case OPT_SORT:
            if (strcmp(optarg, "relevance") == 0)
                o->sort = SORT_RELEVANCE;
            else if (strcmp(optarg, "newest") == 0)
                o->sort = SORT_NEWEST;
            else if (strcmp(optarg, "oldest") == 0)
                o->sort = SORT_OLDEST;
            else
                return usage_error("unknown sort order '%s' (relevance, newest, oldest)", optarg);
            break;
        case OPT_LIMIT:
            if (!parse_uint(optarg, 100000, &o->limit))
                return usage_error("--limit takes a number, not '%s'", optarg);
            break;
        case OPT_OFFSET:
            if (!parse_uint(optarg, 1000000000, &o->offset))
                return usage_error("--offset takes a number, not '%s'", optarg);
            break;
        case OPT_COUNT: o->count = true; break;
        case OPT_SHOW: o->show = optarg; break;
        case OPT_RAW: o->raw = true; break;
        case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
        default: return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (o->raw && !o->show)
        return usage_error("%s", "--raw goes with --show ID");
    if (o->show && (optind < argc || o->count || o->facets.count || o->filters.count))
        return usage_error("%s", "--show ID takes no QUERY, --count, --facet or --filter");
    na_buf_t q = NA_BUF_INIT;
    for (int i = optind; i < argc; i++) {
        if (q.len)
            na_buf_addc(&q, ' ');
        na_buf_adds(&q, argv[i]);
    }
    o->query = na_buf_detach(&q, NULL);
    return -1;
}

static void options_release(options_t *o)
{
    na_strlist_clear(&o->dbs);
    na_strlist_clear(&o->facets);
    na_strlist_clear(&o->filters);
    free(o->query);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int db_error(na_status_t st, const char *what, const na_error_t *err)
{
    if (st == NA_ERR_QUERY || st == NA_ERR_INVALID) {
        fprintf(stderr, "newsarc-search: error: %s\n", err->message);
        return EXIT_USAGE;
    }
    fprintf(stderr, "newsarc-search: error: %s: %s\n", what, err->message);
    return EXIT_DATABASE;
}

/* The body of a stored article, parsed again from its original bytes. */
static char *stored_body(json_t *meta, const na_buf_t *raw)
{
    na_format_t format = na_format_from_name(na_meta_str(meta, "format"));
    if (format == NA_FORMAT_AUTO)
        return NULL;
    na_article_t *a = NULL;
    if (na_parse_one(format, (const unsigned char *)raw->data, raw->len, &a, NULL) != NA_OK)
        return NULL;
    char *body = a->body;
    a->body = NULL;
    na_article_free(a);
    return body;
}

/* Decodes document data into its metadata and, when wanted, raw bytes. */
static na_status_t open_record(na_record_reader_t *reader, const char *data, size_t len, json_t **meta,
                               na_buf_t *raw, na_error_t *err)
{
    na_record_view_t view;
    na_status_t st = na_record_decode(data, len, &view, err);
    if (st)
        return st;
    json_error_t jerr;
    *meta = json_loadb(view.meta, view.meta_len, 0, &jerr);
    if (!*meta)
        return na_error_set(err, NA_ERR_CORRUPT, "stored metadata is not JSON: %s", jerr.text);
    return raw ? na_record_reader_raw(reader, &view, raw, err) : NA_OK;
}

static int show_article(na_xdb_t *db, const options_t *o, na_printer_t *printer)
{
    na_error_t err;
    char *term = na_xasprintf("%s%s", NA_PREFIX_ID, o->show);
    na_docid_t docid;
    na_status_t st = na_xdb_find(db, term, &docid, &err);
    free(term);
    if (st == NA_ERR_NOT_FOUND) {
        fprintf(stderr, "newsarc-search: error: no article with id '%s'\n", o->show);
        return EXIT_NO_ARTICLE;
    }
    char *data = NULL;
    size_t len = 0;
    if (st == NA_OK)
        st = na_xdb_get_data(db, docid, &data, &len, &err);
    json_t *meta = NULL;
    na_buf_t raw = NA_BUF_INIT;
    na_record_reader_t *reader = na_record_reader_new(db);
    if (st == NA_OK)
        st = open_record(reader, data, len, &meta, &raw, &err);
    int rc = EXIT_OK;
    if (st) {
        rc = db_error(st, o->show, &err);
    } else if (o->raw) {
        if (fwrite(raw.data, 1, raw.len, stdout) != raw.len)
            rc = EXIT_DATABASE;
    } else {
        char *body = stored_body(meta, &raw);
        printer->article(printer, meta, body);
        free(body);
    }
    json_decref(meta);
    na_buf_release(&raw);
    na_record_reader_free(reader);
    free(data);
    return rc;
}

/* The slots a facet's values are kept in: a multi-valued field uses as
 * many consecutive slots as its longest list (recorded in metadata). */
static size_t facet_slots(na_xdb_t *db, const na_field_info_t *fi, na_slot_t *slots)
{
    if (!fi->multi) {
        slots[0] = fi->slot;
        return 1;
    }
    char key[64], *val = NULL;
    size_t len = 0, n = 0;
    snprintf(key, sizeof key, NA_META_SLOTS_FMT, fi->name);
    if (na_xdb_get_metadata(db, key, &val, &len, NULL) == NA_OK)
        n = strtoul(val, NULL, 10);
    free(val);
    if (n > NA_MAX_FIELD_VALUES)
        n = NA_MAX_FIELD_VALUES;
    for (size_t i = 0; i < n; i++)
        slots[i] = fi->slot + (na_slot_t)i;
    return n;
}

static int run_search(na_xdb_t *db, const options_t *o, const na_config_t *cfg, na_printer_t *printer,
                      double start)
{
    na_error_t err;
    na_query_builder_t *qb = NULL;
    na_xquery_t *query = NULL;
    na_xenquire_t *enq = NULL;
    na_xmset_t *mset = NULL;
    na_record_reader_t *reader = NULL;
    int rc = EXIT_OK;

    na_status_t st = na_query_builder_new(db, cfg, &qb, &err);
    if (st == NA_OK)
        st = na_query_build(qb, o->query, o->filters.items, o->filters.count, &query, &err);
    if (st) {
        rc = db_error(st, "query", &err);
        goto out;
    }
    if (o->verbose) {
        char *d = na_xquery_describe(query);
        fprintf(stderr, "newsarc-search: %s\n", d ? d : "?");
        free(d);
    }
    st = na_xenquire_new(db, &enq, &err);
    if (st) {
        rc = db_error(st, "search", &err);
        goto out;
    }
    na_xenquire_set_query(enq, query);
    if (o->sort != SORT_RELEVANCE)
        na_xenquire_set_sort(enq, NA_SLOT_DATE, o->sort == SORT_NEWEST);

    const na_strlist_t *facets = o->facets.count ? &o->facets : &cfg->facets;
    int facet_ids[NA_FIELD_COUNT];
    size_t facet_count = 0;
    if (!o->count) {
        for (size_t i = 0; i < facets->count && facet_count < NA_FIELD_COUNT; i++) {
            na_slot_t slots[NA_MAX_FIELD_VALUES];
            size_t n = facet_slots(db, na_field_by_name(facets->items[i]), slots);
            facet_ids[facet_count++] = na_xenquire_add_facet(enq, slots, n);
        }
    }
    st = na_xenquire_run(enq, o->count ? 0 : o->offset, o->count ? 0 : o->limit, true, &mset, &err);
    if (st) {
        rc = db_error(st, "search", &err);
        goto out;
    }
    unsigned total = na_xmset_total(mset);
    if (o->count) {
        printer->count(printer, o->query, total);
        goto out;
    }
    na_search_info_t info = { o->query, total, o->offset, o->limit, o->quiet };
    printer->begin(printer, &info);
    reader = na_record_reader_new(db);
    for (size_t i = 0; i < na_xmset_size(mset); i++) {
        char *data = NULL, *snippet = NULL, *body = NULL;
        size_t len = 0;
        json_t *meta = NULL;
        na_buf_t raw = NA_BUF_INIT;
        st = na_xmset_data(mset, i, &data, &len, &err);
        if (st == NA_OK)
            st = open_record(reader, data, len, &meta, &raw, &err);
        if (st == NA_OK) {
            body = stored_body(meta, &raw);
            if (body)
                na_xmset_snippet(mset, body, strlen(body), 200, cfg->language, printer->hl_start,
                                 printer->hl_end, "...", &snippet, NULL);
            na_hit_t hit = { na_xmset_rank(mset, i) + 1, na_xmset_weight(mset, i), meta, snippet };
            printer->hit(printer, &hit);
        } else if (!o->quiet) {
            fprintf(stderr, "newsarc-search: warning: result %zu: %s\n", i + 1, err.message);
        }
        json_decref(meta);
        na_buf_release(&raw);
        free(body);
        free(snippet);
        free(data);
    }
    for (size_t f = 0; f < facet_count; f++) {
        na_xfacet_count_t *counts = NULL;
        size_t n = 0;
        if (na_xenquire_facet(enq, facet_ids[f], o->facet_size, &counts, &n, &err) == NA_OK)
            printer->facet(printer, facets->items[f], counts, n);
        na_xfacet_free(counts, n);
    }
    printer->end(printer, now_ms() - start);
out:
    na_record_reader_free(reader);
    na_xmset_free(mset);
    na_xenquire_free(enq);
    na_xquery_free(query);
    na_query_builder_free(qb);
    return rc;
}

int main(int argc, char **argv)
{
    double start = now_ms();
    options_t o;
    int rc = parse_options(argc, argv, &o);
    if (rc >= 0) {
        options_release(&o);
        return rc;
    }
    na_config_t cfg;
    na_error_t err;
    if (na_config_load(&cfg, o.config, &err) != NA_OK) {
        fprintf(stderr, "newsarc-search: error: %s\n", err.message);
        options_release(&o);
        return EXIT_USAGE;
    }
    if (!o.dbs.count)
        na_strlist_add(&o.dbs, cfg.database);

    na_xdb_t *db = NULL;
    na_printer_t *printer = o.json ? na_printer_json_new(stdout) : na_printer_text_new(stdout, isatty(STDOUT_FILENO));
    na_status_t st = na_xdb_open((const char *const *)o.dbs.items, o.dbs.count, &db, &err);
    if (st == NA_ERR_NOT_FOUND) {
        fprintf(stderr, "newsarc-search: error: no database at '%s': run 'newsarc-index -d %s PATH...' to create it\n",
                o.dbs.items[0], o.dbs.items[0]);
        rc = EXIT_DATABASE;
        goto out;
    } else if (st) {
        rc = db_error(st, o.dbs.items[0], &err);
        goto out;
    }
    rc = o.show ? show_article(db, &o, printer) : run_search(db, &o, &cfg, printer, start);
out:
    if (fflush(stdout) != 0 && rc == EXIT_OK)
        rc = EXIT_DATABASE;
    na_xdb_close(db);
    printer->free(printer);
    na_config_release(&cfg);
    options_release(&o);
    return rc;
}
