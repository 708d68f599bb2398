/* main.c - newsarc-search: keyword and faceted search over a newsarc
 * database, showing one stored article, and the HTTP server and CGI
 * front ends (server.c) over the same engine (engine.h).
 *
 * This file is the command line: options become a request, the engine
 * runs it, a printer (printer.h) writes the result and status_to_exit()
 * turns the engine's status into the exit status.  Start-up stays close
 * to Xapian's own quest: the engine reads only what the query needs. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "engine.h"
#include "printer.h"
#include "query.h"
#include "schema.h"
#include "server.h"
#include "util.h"
#include "xapian-c.h"

#define PROG "newsarc-search"

/* Exit statuses, documented in newsarc-search(1) and README; every exit
 * goes through status_to_exit() or names one of these. */
enum {
    SEARCH_EXIT_OK = 0,         /* the search ran, with or without matches */
    SEARCH_EXIT_NO_ARTICLE = 1, /* --show: no article has that id or source, or a path holds several */
    SEARCH_EXIT_USAGE = 2,      /* usage, configuration or query syntax error */
    SEARCH_EXIT_DATABASE = 3,   /* no database, or it cannot be read */
    SEARCH_EXIT_OUTPUT = NA_CLI_EXIT_OUTPUT /* 74: standard output could not be written */
};

static int status_to_exit(na_status_t st)
{
    switch (st) {
    case NA_OK: return SEARCH_EXIT_OK;
    case NA_ERR_NOT_FOUND: return SEARCH_EXIT_NO_ARTICLE;
    case NA_ERR_INVALID:
    case NA_ERR_PARSE:
    case NA_ERR_QUERY: return SEARCH_EXIT_USAGE;
    case NA_ERR_IO: return SEARCH_EXIT_OUTPUT;
    case NA_ERR_NOMEM:
    case NA_ERR_INTERNAL:
    case NA_ERR_DATABASE:
    case NA_ERR_LOCKED:
    case NA_ERR_CORRUPT: return SEARCH_EXIT_DATABASE;
    }
    return SEARCH_EXIT_DATABASE;
}

/* The engine's statuses as the command line reports them: an alias table
 * that cannot be read is a configuration error, not an output error. */
static int engine_status_to_exit(na_status_t st)
{
    switch (st) {
    case NA_ERR_IO: return status_to_exit(NA_ERR_PARSE);
    default: return status_to_exit(st);
    }
}


typedef struct {
    na_strlist_t dbs;         /* -d, repeatable: shards searched as one */
    const char *config;       /* -c */
    bool quiet;               /* -q: no warnings, no header line */
    int verbose;              /* -v: the parsed query, timings and originals read on stderr */
    na_print_format_t format; /* --format */
    bool facets_given;        /* --facet: else the configuration's */
    bool markers;             /* --highlight-markers */
    const char *serve;        /* --serve [HOST:]PORT */
    const char *log;          /* --log FILE */
    const char *static_dir;   /* --static DIR */
    int shard_failure;        /* --shard-failure (na_shard_failure_t); -1: the configuration's */
    na_request_t req;         /* what to search or show */
    char *query;              /* the QUERY words joined with spaces */
} options_t;

enum {
    OPT_FACET = NA_CLI_OPT_FIRST, OPT_FACET_SIZE, OPT_FILTER, OPT_SORT, OPT_LIMIT, OPT_OFFSET,
    OPT_COUNT, OPT_SHOW, OPT_RAW, OPT_ALL, OPT_MARKERS, OPT_SERVE, OPT_LOG, OPT_STATIC, OPT_SHARD_FAILURE
};

static const struct option long_options[] = {
    NA_CLI_LONG_OPTIONS,
    { "facet", required_argument, NULL, OPT_FACET },
    { "facet-size", required_argument, NULL, OPT_FACET_SIZE },
    { "filter", required_argument, NULL, OPT_FILTER },
    { "sort", required_argument, NULL, OPT_SORT },
    { "limit", required_argument, NULL, OPT_LIMIT },
    { "offset", required_argument, NULL, OPT_OFFSET },
    { "count", no_argument, NULL, OPT_COUNT },
    { "show", required_argument, NULL, OPT_SHOW },
    { "raw", no_argument, NULL, OPT_RAW },
    { "all", no_argument, NULL, OPT_ALL },
    { "highlight-markers", no_argument, NULL, OPT_MARKERS },
    { "serve", required_argument, NULL, OPT_SERVE },
    { "log", required_argument, NULL, OPT_LOG },
    { "static", required_argument, NULL, OPT_STATIC },
    { "shard-failure", required_argument, NULL, OPT_SHARD_FAILURE },
    { NULL, 0, NULL, 0 },
};

/* The schema's facet names, wrapped under the options' help column. */
static void print_facet_names(FILE *out)
{
    char names[512];
    na_schema_facet_names(names, sizeof names);
    size_t col = 0;
    for (char *w = strtok(names, " "); w; w = strtok(NULL, " ")) {
        size_t len = strlen(w);
        if (col && col + 1 + len > 79) {
            fputc('\n', out);
            col = 0;
        }
        int n = fprintf(out, "%s%s", col ? " " : "                          ", w);
        col += n > 0 ? (size_t)n : 0;
    }
    fputc('\n', out);
}

static void usage(FILE *out)
{
    fputs("Usage: " PROG " [OPTION]... [QUERY]...\n"
          "       " PROG " [OPTION]... --show ID [--raw]\n"
          "       " PROG " [OPTION]... --serve [HOST:]PORT\n"
          "Search a newsarc database.  The QUERY words are joined with spaces; no QUERY\n"
          "matches every article.  Started by a web server (GATEWAY_INTERFACE set), it\n"
          "answers one CGI request with the HTTP API of --serve.\n"
          "\n"
          "Query syntax: words (stemmed), \"phrases\", AND OR NOT, +word -word, wild*,\n"
          "and fields: title:WORD, person:NAME, place:NAME, org:NAME, topic:NAME,\n"
          "source:NAME, year:YYYY, month:YYYY-MM, day:YYYY-MM-DD, id:ID, date:D or\n"
          "date:A..B (D, A, B as YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD; either end of a\n"
          "range may be empty), mentioned:P or mentioned:A..B (articles whose text\n"
          "mentions that period).  author:NAME matches an article's authors.\n"
          "Quote names with blanks: place:\"United States\".  Case and accents do not\n"
          "matter: grimsson finds Grímsson, place:Zurich finds Zürich.\n"
          "\n"
          "  -d, --db PATH           the database (default: from the configuration);\n"
          "                          repeat to search several as one; tcp:HOST:PORT for\n"
          "                          one served by xapian-tcpsrv\n"
          "  -c, --config FILE       read this configuration file\n"
          "  -q, --quiet             no header line, no warnings\n"
          "  -v, --verbose           print the parsed query, timings and the snippets read\n"
          "                          from stored originals on stderr\n"
          "      --format FMT        text (default), json, or jsonl (one result a line)\n"
          "      --facet NAME        count the values of NAME among all matches\n"
          "                          (repeatable; mentioned counts by month); a filter\n"
          "                          on NAME does not narrow NAME's own counts; NAME:\n",
          out);
    print_facet_names(out);
    fputs(
          "      --facet-size N      show the N most frequent values (default 10; 0: all)\n"
          "      --filter NAME=VALUE keep only matches with this value (repeatable;\n"
          "                          values of one NAME are ORed, names ANDed)\n"
          "      --sort ORDER        relevance (default), newest or oldest\n"
          "      --limit N           show N results (default 10; at most max_limit)\n"
          "      --offset N          skip the first N results (at most max_offset)\n"
          "      --all               every match, a line each (with --format jsonl)\n"
          "      --count             print only the exact number of matches\n"
          "      --highlight-markers wrap matched terms of snippets in U+E000 and U+E001\n"
          "      --show ID|PATH      print the article ID, or the one read from PATH (a file,\n"
          "                          or FILE#N, its Nth record): metadata, then text\n"
          "      --raw               with --show: the original bytes exactly as stored\n"
          "      --serve [HOST:]PORT answer the HTTP API (default host 127.0.0.1)\n"
          "      --log FILE          with --serve: one line per request to FILE (default\n"
          "                          standard error); SIGHUP reopens it\n"
          "      --static DIR        with --serve or CGI: the search page's folder\n"
          "      --shard-failure MODE\n"
          "                          a shard that cannot be reached or does not answer:\n"
          "                          fail (default, exit 3) or partial (answer from the\n"
          "                          others, saying which were left out)\n"
          "  -h, --help              show this help and exit\n"
          "  -V, --version           show the version and exit\n"
          "\n"
          "Exit status: 0 the search ran (with or without matches), 1 --show found no\n"
          "such article, 2 usage, configuration or query error, 3 database error,\n"
          "74 output could not be written.\n",
          out);
}

#define usage_error(...) na_cli_usage_error(PROG, __VA_ARGS__)

static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(PROG ": error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static bool parse_uint(const char *s, unsigned *out)
{
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v > UINT_MAX)
        return false;
    *out = (unsigned)v;
    return true;
}

static void options_release(options_t *o)
{
    na_strlist_clear(&o->dbs);
    na_request_release(&o->req);
    free(o->query);
}

/* Parses ARGV into O.  Returns -1 to go on, or the exit status when the
 * program should stop now (after --help, --version or a usage error,
 * already reported). */
static int parse_options(int argc, char **argv, options_t *o)
{
    memset(o, 0, sizeof *o);
    o->shard_failure = -1;
    na_request_init(&o->req);
    na_request_t *r = &o->req;
    opterr = 0;
    int c;
    na_error_t err;
    const na_field_info_t *field;
    const char *value;
    while ((c = getopt_long(argc, argv, NA_CLI_SHORT_OPTIONS, long_options, NULL)) != -1) {
        switch (c) {
        case 'd': na_strlist_add(&o->dbs, optarg); break;
        case 'c': o->config = optarg; break;
        case 'q': o->quiet = true; break;
        case 'v': o->verbose++; break;
        case 'h': usage(stdout); return SEARCH_EXIT_OK;
        case 'V':
            na_cli_version(PROG);
            return SEARCH_EXIT_OK;
        case NA_CLI_OPT_FORMAT:
            if (!na_printer_format_from_name(optarg, &o->format))
                return usage_error("unknown output format '%s' (text, json or jsonl)", optarg);
            break;
        case OPT_FACET: {
            na_request_t one;
            na_request_init(&one);
            na_strlist_add(&one.facets, optarg);
            na_engine_limits_t none = { 0, 0, 0, 0 };
            na_status_t st = na_request_validate(&one, &none, NULL, &err);
            na_request_release(&one);
            if (st)
                return usage_error("%s", err.message);
            na_strlist_add_unique(&r->facets, optarg);
            o->facets_given = true;
            break;
        }
        case OPT_FACET_SIZE:
            if (!parse_uint(optarg, &r->facet_size))
                return usage_error("--facet-size takes a number, not '%s'", optarg);
            break;
        case OPT_FILTER:
            if (na_query_filter_split(optarg, &field, &value, &err) != NA_OK)
                return usage_error("%s", err.message);
            na_strlist_add(&r->filters, optarg);
            break;
        case OPT_SORT:
            if (!na_sort_from_name(optarg, &r->sort))
                return usage_error("unknown sort order '%s' (relevance, newest, oldest)", optarg);
            break;
        case OPT_LIMIT:
            if (!parse_uint(optarg, &r->limit))
                return usage_error("--limit takes a number, not '%s'", optarg);
            break;
        case OPT_OFFSET:
            if (!parse_uint(optarg, &r->offset))
                return usage_error("--offset takes a number, not '%s'", optarg);
            break;
        case OPT_COUNT: r->count = true; break;
        case OPT_ALL: r->all = true; break;
        case OPT_MARKERS: o->markers = true; break;
        case OPT_SHOW:
            if (!*optarg)
                return usage_error("%s", "--show needs an article id");
            r->show = optarg;
            break;
        case OPT_RAW: r->raw = true; break;
        case OPT_SERVE: o->serve = optarg; break;
        case OPT_LOG: o->log = optarg; break;
        case OPT_STATIC: o->static_dir = optarg; break;
        case OPT_SHARD_FAILURE: {
            na_shard_failure_t mode;
            if (!na_shard_failure_from_name(optarg, &mode))
                return usage_error("unknown shard failure mode '%s' (fail or partial)", optarg);
            o->shard_failure = (int)mode;
            break;
        }
        case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
        default: return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (r->raw && !r->show)
        return usage_error("%s", "--raw needs --show ID");
    if (r->show && (optind < argc || r->count || r->filters.count))
        return usage_error("%s", "--show ID takes no QUERY, --count or --filter");
    if (r->all && o->format != NA_PRINT_JSONL)
        return usage_error("%s", "--all needs --format jsonl");
    if (r->all && (r->count || r->show))
        return usage_error("%s", "--all takes no --count or --show");
    if (o->serve && (optind < argc || r->show || r->count || r->all))
        return usage_error("%s", "--serve takes no QUERY, --show, --count or --all");
    if (o->log && !o->serve)
        return usage_error("%s", "--log needs --serve");
    na_buf_t q = NA_BUF_INIT;
    for (int i = optind; i < argc; i++) {
        if (i > optind)
            na_buf_addc(&q, ' ');
        na_buf_adds(&q, argv[i]);
    }
    o->query = na_buf_detach(&q, &r->query_len);
    r->query = o->query;
    r->show_paths = true;
    return -1;
}

/* Prints the warnings the engine gave, unless -q. */
static void print_warnings(const options_t *o, const na_strlist_t *w)
{
    for (size_t i = 0; !o->quiet && i < w->count; i++)
        fprintf(stderr, PROG ": warning: %s\n", w->items[i]);
}

/* Prints the ids of a path that holds several articles: one a line, or
 * with --format json {"format_version", "ids": [...]}. */
static void list_ids(const options_t *o, const na_shown_t *a)
{
    if (o->format == NA_PRINT_JSON) {
        json_t *list = json_array();
        for (size_t i = 0; i < a->id_count; i++)
            json_array_append_new(list, json_string(a->ids[i]));
        json_t *j = json_pack("{s:i, s:o}", "format_version", NA_PRINTER_FORMAT_VERSION, "ids", list);
        json_dumpf(j, stdout, JSON_COMPACT);
        fputc('\n', stdout);
        json_decref(j);
        return;
    }
    for (size_t i = 0; i < a->id_count; i++)
        printf("%s\n", a->ids[i]);
}

static na_status_t show_article(const options_t *o, na_engine_conn_t *conn, na_printer_t *p)
{
    na_shown_t a;
    na_error_t err;
    na_error_clear(&err);
    na_status_t st = na_engine_show(conn, &o->req, &a, &err);
    print_warnings(o, &a.warnings);
    if (st == NA_ERR_NOT_FOUND) {
        report("%s", err.message);
        if (a.id_count)
            list_ids(o, &a);
    } else if (st) {
        report("%s", err.message);
    } else if (o->req.raw) {
        /* Byte-exact: fwrite, never a string function, so NULs and
         * invalid UTF-8 pass through. */
        fwrite(a.raw, 1, a.raw_len, p->out);
    } else {
        p->article(p, a.meta, a.body, a.body_len);
    }
    na_shown_release(&a);
    return st;
}

static na_status_t run_search(const options_t *o, na_engine_conn_t *conn, na_printer_t *p)
{
    na_error_t err;
    na_error_clear(&err);
    na_status_t st;
    if (o->req.all) {
        na_export_t *x = NULL;
        st = na_export_begin(conn, &o->req, &x, &err);
        if (st == NA_OK)
            print_warnings(o, na_export_warnings(x));
        bool done = false;
        while (st == NA_OK && !done)
            st = na_export_next(x, p, 1000, &done, &err);
        na_export_free(x);
        if (st)
            report("%s", err.message);
        return st;
    }
    na_result_t res;
    st = na_engine_search(conn, &o->req, &res, &err);
    if (o->verbose && res.described)
        fprintf(stderr, PROG ": query: %s\n", res.described);
    if (o->verbose && *na_query_tables_note())
        fprintf(stderr, PROG ": tables: %s\n", na_query_tables_note());
    print_warnings(o, &res.warnings);
    if (st == NA_OK) {
        if (o->verbose)
            fprintf(stderr, PROG ": %u matches in %.2f ms; %u of %zu snippets from the stored original\n",
                    res.total, res.elapsed_ms, res.originals_read, res.hit_count);
        na_result_print(&res, p);
    } else {
        report("%s", err.message);
    }
    na_result_release(&res);
    return st;
}

/* ---- main ---- */

/* Bold on a terminal unless the user opted out (https://no-color.org). */
static bool want_highlight(const options_t *o)
{
    const char *no_color = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    return o->format == NA_PRINT_TEXT && isatty(STDOUT_FILENO) && !(no_color && *no_color) &&
           !(term && strcmp(term, "dumb") == 0);
}

int main(int argc, char **argv)
{
    /* Started by a web server: one CGI request, answered as --serve would. */
    const char *gateway = getenv("GATEWAY_INTERFACE");
    if (gateway && *gateway && argc == 1)
        return na_cgi_main();

    options_t opts;
    int rc = parse_options(argc, argv, &opts);
    if (rc >= 0) {
        options_release(&opts);
        return rc == SEARCH_EXIT_OK ? na_cli_flush_output(PROG) : rc; /* after --help, --version */
    }
    na_config_t cfg;
    na_error_t err;
    if (na_cli_config_load(&cfg, opts.config, &err) != NA_OK) {
        report("%s", err.message);
        options_release(&opts);
        return status_to_exit(NA_ERR_PARSE); /* any configuration failure */
    }
    if (na_config_check(&cfg, &err) != NA_OK) {
        report("%s", err.message);
        na_config_release(&cfg);
        options_release(&opts);
        return status_to_exit(NA_ERR_PARSE);
    }
    if (opts.shard_failure >= 0)
        cfg.shard_failure = opts.shard_failure;
    if (opts.serve) {
        na_server_options_t so = { opts.serve, opts.log, opts.static_dir, opts.config,
                                   (const char *const *)opts.dbs.items, opts.dbs.count, opts.shard_failure };
        na_config_release(&cfg);
        rc = na_server_main(&so);
        options_release(&opts);
        return rc;
    }
    na_status_t st = NA_OK;
    /* Facets asked for on the command line, else the configuration's. */
    if (!opts.facets_given)
        for (size_t i = 0; i < cfg.facets.count; i++)
            na_strlist_add_unique(&opts.req.facets, cfg.facets.items[i]);
    const char *const *specs = (const char *const *)opts.dbs.items;
    size_t nspecs = opts.dbs.count;
    if (!nspecs) {
        specs = (const char *const *)&cfg.database;
        nspecs = 1;
    }
    na_engine_t *eng = NULL;
    na_engine_conn_t *conn = NULL;
    st = na_engine_open(&cfg, specs, nspecs, !opts.dbs.count, false, &eng, &err);
    bool cut = false;
    if (st == NA_OK) {
        st = na_request_validate(&opts.req, na_engine_limits(eng), &cut, &err);
        if (st && !opts.facets_given && strncmp(err.message, "unknown facet", 13) == 0) {
            report("%s: %s", cfg.file ? cfg.file : "configuration", err.message);
            st = NA_ERR_PARSE;
        } else if (st) {
            report("%s", err.message);
        }
    } else {
        report("%s", err.message);
    }
    if (st == NA_OK && cut && !opts.quiet)
        fprintf(stderr, PROG ": warning: --limit cut to %u (max_limit)\n", opts.req.limit);
    if (st == NA_OK) {
        st = na_engine_conn_open(eng, &conn, &err);
        if (st)
            report("%s", err.message);
    }
    na_printer_t *printer = NULL;
    if (st == NA_OK) {
        na_printer_options_t popts = { want_highlight(&opts), opts.quiet };
        printer = na_printer_new(opts.format, stdout, &popts);
        if (opts.markers) {
            opts.req.hl_start = NA_HL_MARK_START;
            opts.req.hl_end = NA_HL_MARK_END;
        } else {
            opts.req.hl_start = printer->hl_start;
            opts.req.hl_end = printer->hl_end;
        }
        st = opts.req.show ? show_article(&opts, conn, printer) : run_search(&opts, conn, printer);
        rc = engine_status_to_exit(st);
        int e = na_printer_flush(printer);
        if (e) {
            report("cannot write the output: %s", na_strerror(e));
            if (st == NA_OK)
                rc = SEARCH_EXIT_OUTPUT;
        }
    } else {
        rc = engine_status_to_exit(st);
    }
    na_printer_free(printer);
    na_engine_conn_free(conn);
    na_engine_free(eng);
    na_config_release(&cfg);
    options_release(&opts);
    return rc;
}
