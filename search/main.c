/* main.c - newsarc-search: keyword and faceted search over a newsarc
 * database, and showing one stored article.
 *
 * A run does only what its query needs: the alias tables are read only
 * when a field value must be normalised, facet slots are looked up only
 * for the facets asked for, a query of one term is counted from the index
 * rather than match by match, and a result's snippet comes from the start
 * of its text kept in the record's metadata when that is enough, so that
 * only the articles on the page whose snippet lies further in are
 * decompressed and parsed again (and the compression dictionary is read
 * only then), so start-up stays close to Xapian's own quest.  Everything
 * printed goes through one printer (printer.h), whatever the format. */
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
#include "display.h"
#include "parse.h"
#include "printer.h"
#include "query.h"
#include "record.h"
#include "schema.h"
#include "utf8.h"
#include "util.h"
#include "xapian-c.h"

#define PROG "newsarc-search"
/* Snippets (see snippet_window()): their length, the text shown before
 * the first query word at most, how many query words are looked for and
 * how many of their places in an article. */
#define SNIPPET_BYTES 200
#define SNIPPET_LEAD 40
#define SNIPPET_MAX_WORDS 32
#define SNIPPET_MAX_HITS 256

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
    default: return SEARCH_EXIT_DATABASE;
    }
}

typedef enum { SORT_RELEVANCE, SORT_NEWEST, SORT_OLDEST } sort_t;

typedef struct {
    na_strlist_t dbs;         /* -d, repeatable: shards searched as one */
    const char *config;       /* -c */
    bool quiet;               /* -q: no warnings, no header line */
    int verbose;              /* -v: the parsed query and timings on stderr */
    na_print_format_t format; /* --format */
    na_strlist_t facets;      /* --facet, checked, without repeats */
    unsigned facet_size;      /* --facet-size; 0: all values */
    na_strlist_t filters;     /* --filter NAME=VALUE, checked */
    sort_t sort;              /* --sort */
    unsigned limit, offset;   /* --limit, --offset */
    bool count;               /* --count */
    const char *show;         /* --show ID */
    bool raw;                 /* --raw */
    char *query;              /* the QUERY words joined with spaces */
} options_t;

enum {
    OPT_FACET = NA_CLI_OPT_FIRST, OPT_FACET_SIZE, OPT_FILTER, OPT_SORT, OPT_LIMIT, OPT_OFFSET,
    OPT_COUNT, OPT_SHOW, OPT_RAW
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
    { NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
    fputs("Usage: " PROG " [OPTION]... [QUERY]...\n"
          "       " PROG " [OPTION]... --show ID [--raw]\n"
          "Search a newsarc database.  The QUERY words are joined with spaces; no QUERY\n"
          "matches every article.\n"
          "\n"
          "Query syntax: words (stemmed), \"phrases\", AND OR NOT, +word -word, wild*,\n"
          "and fields: title:WORD, person:NAME, place:NAME, org:NAME, topic:NAME,\n"
          "source:NAME, year:YYYY, month:YYYY-MM, id:ID, date:D or date:A..B (D, A, B as\n"
          "YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD; either end of a range may be empty),\n"
          "mentioned:P or mentioned:A..B (articles whose text mentions that period).\n"
          "author:NAME matches an article's authors.\n"
          "Quote names with blanks: place:\"United States\".  Case and accents do not\n"
          "matter: grimsson finds Grímsson, place:Zurich finds Zürich.\n"
          "\n"
          "  -d, --db PATH           the database (default: from the configuration);\n"
          "                          repeat to search several as one; tcp:HOST:PORT for\n"
          "                          one served by xapian-tcpsrv\n"
          "  -c, --config FILE       read this configuration file\n"
          "  -q, --quiet             no header line, no warnings\n"
          "  -v, --verbose           print the parsed query and timings on stderr\n"
          "      --format FMT        text (default) or json\n"
          "      --facet NAME        count the values of NAME among all matches:\n"
          "                          person, place, org, topic, source, year, month,\n"
          "                          author, mentioned (by month), mentioned:year,\n"
          "                          mentioned:quarter, mentioned:month, mentioned:day\n"
          "                          (repeatable); a filter on NAME does not narrow\n"
          "                          NAME's own counts\n"
          "      --facet-size N      show the N most frequent values (default 10; 0: all)\n"
          "      --filter NAME=VALUE keep only matches with this value (repeatable;\n"
          "                          values of one NAME are ORed, names ANDed)\n"
          "      --sort ORDER        relevance (default), newest or oldest\n"
          "      --limit N           show N results (default 10)\n"
          "      --offset N          skip the first N results\n"
          "      --count             print only the exact number of matches\n"
          "      --show ID|PATH      print the article ID, or the one read from PATH (a file,\n"
          "                          or FILE#N, its Nth record): metadata, then text\n"
          "      --raw               with --show: the original bytes exactly as stored\n"
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

/* A --facet: the field counted and, for mentioned, the grain. */
typedef struct {
    const na_field_info_t *field;
    int grain; /* index into na_mentioned_grains; mentioned only */
} facet_spec_t;

/* Parses the facet NAME: a field, or "mentioned:GRAIN" for a grain other
 * than the month "mentioned" counts by. */
static bool facet_spec_parse(const char *name, facet_spec_t *out)
{
    const char *colon = strchr(name, ':');
    char *field = na_xstrndup(name, colon ? (size_t)(colon - name) : strlen(name));
    out->field = na_field_by_name(field);
    out->grain = NA_MENTIONED_DEFAULT_GRAIN;
    free(field);
    if (!out->field)
        return false;
    if (!colon)
        return true;
    if (out->field != &na_fields[NA_FIELD_MENTIONED])
        return false;
    for (int g = 0; g < NA_MENTIONED_GRAINS; g++)
        if (strcmp(colon + 1, na_mentioned_grains[g].name) == 0) {
            out->grain = g;
            return true;
        }
    return false;
}

/* Checks a facet NAME and adds it to LIST once. */
static bool add_facet(na_strlist_t *list, const char *name)
{
    facet_spec_t spec;
    if (!facet_spec_parse(name, &spec))
        return false;
    na_strlist_add_unique(list, name);
    return true;
}

static void options_release(options_t *o)
{
    na_strlist_clear(&o->dbs);
    na_strlist_clear(&o->facets);
    na_strlist_clear(&o->filters);
    free(o->query);
}

/* Parses ARGV into O.  Returns -1 to go on, or the exit status when the
 * program should stop now (after --help, --version or a usage error,
 * already reported). */
static int parse_options(int argc, char **argv, options_t *o)
{
    memset(o, 0, sizeof *o);
    o->facet_size = 10;
    o->limit = 10;
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
                return usage_error("unknown output format '%s' (text or json)", optarg);
            break;
        case OPT_FACET:
            if (!add_facet(&o->facets, optarg))
                return usage_error("unknown facet '%s' (person, place, org, topic, source, year, month, author, "
                                   "mentioned[:year|quarter|month|day])",
                                   optarg);
            break;
        case OPT_FACET_SIZE:
            if (!parse_uint(optarg, &o->facet_size))
                return usage_error("--facet-size takes a number, not '%s'", optarg);
            break;
        case OPT_FILTER:
            if (na_query_filter_split(optarg, &field, &value, &err) != NA_OK)
                return usage_error("%s", err.message);
            na_strlist_add(&o->filters, optarg);
            break;
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
            if (!parse_uint(optarg, &o->limit))
                return usage_error("--limit takes a number, not '%s'", optarg);
            break;
        case OPT_OFFSET:
            if (!parse_uint(optarg, &o->offset))
                return usage_error("--offset takes a number, not '%s'", optarg);
            break;
        case OPT_COUNT: o->count = true; break;
        case OPT_SHOW:
            if (!*optarg)
                return usage_error("%s", "--show needs an article id");
            o->show = optarg;
            break;
        case OPT_RAW: o->raw = true; break;
        case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
        default: return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (o->raw && !o->show)
        return usage_error("%s", "--raw needs --show ID");
    if (o->show && (optind < argc || o->count || o->filters.count))
        return usage_error("%s", "--show ID takes no QUERY, --count or --filter");
    na_buf_t q = NA_BUF_INIT;
    for (int i = optind; i < argc; i++) {
        if (i > optind)
            na_buf_addc(&q, ' ');
        na_buf_adds(&q, argv[i]);
    }
    o->query = na_buf_detach(&q, NULL);
    return -1;
}

/* ---- the database ---- */

/* One database of the -d list.  Blobs name compression dictionaries by an
 * id that is only meaningful in their own database, and per-field slot
 * counts differ between databases, so both are read shard by shard. */
typedef struct {
    const char *spec;
    na_xdb_t *db;              /* the shard alone; for a single shard the search db */
    bool own_db;
    na_record_reader_t *reader;
} shard_t;

/* A query word as snippet_window() looks for it. */
typedef struct {
    const char *word; /* lower case; borrowed from search_t.words */
    size_t len;
    size_t k;         /* bytes a word of the text must start with */
} qword_t;

typedef struct {
    const options_t *opts;
    const na_config_t *cfg;
    const char *const *specs;
    size_t shard_count;
    bool specs_from_config;
    na_xdb_t *db;              /* all shards as one */
    shard_t *shards;
    na_printer_t *printer;
    na_strlist_t words;        /* the query's words, for snippet windows */
    qword_t qwords[SNIPPET_MAX_WORDS];
    size_t nqwords;
    na_buf_t raw;              /* the current result's original bytes */
    struct timespec start;
} search_t;

static double ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

static na_status_t open_database(search_t *s)
{
    na_error_t err;
    for (size_t i = 0; i < s->shard_count; i++) {
        const char *spec = s->specs[i];
        struct stat sb;
        if (strncmp(spec, "tcp:", 4) == 0 || stat(spec, &sb) == 0)
            continue;
        if (s->specs_from_config)
            report("no database at '%s': run 'newsarc-index PATH...' to create it", spec);
        else
            report("no database at '%s': run 'newsarc-index -d %s PATH...' to create it", spec, spec);
        return NA_ERR_DATABASE;
    }
    na_status_t st = na_xdb_open(s->specs, s->shard_count, &s->db, &err);
    if (st) {
        if (s->shard_count == 1)
            report("cannot open database '%s': %s", s->specs[0], err.message);
        else
            report("cannot open the databases: %s", err.message);
        return NA_ERR_DATABASE;
    }
    /* A database written by a newer layout would be misread: refuse it. */
    char *version = NULL;
    size_t len = 0;
    st = na_xdb_get_metadata(s->db, NA_META_SCHEMA, &version, &len, &err);
    if (st == NA_OK && len && (len != strlen(NA_SCHEMA_VERSION) ||
                               memcmp(version, NA_SCHEMA_VERSION, len) != 0)) {
        report("database '%s' has layout %.*s; this " PROG " reads layout %s", s->specs[0],
               (int)len, version, NA_SCHEMA_VERSION);
        st = NA_ERR_DATABASE;
    } else if (st && st != NA_ERR_NOT_FOUND) {
        report("cannot read database '%s': %s", s->specs[0], err.message);
    } else {
        st = NA_OK;
    }
    free(version);
    if (st)
        return NA_ERR_DATABASE;
    s->shards = na_xcalloc(s->shard_count, sizeof *s->shards);
    for (size_t i = 0; i < s->shard_count; i++)
        s->shards[i].spec = s->specs[i];
    if (s->shard_count == 1)
        s->shards[0].db = s->db;
    return NA_OK;
}

static void close_database(search_t *s)
{
    for (size_t i = 0; s->shards && i < s->shard_count; i++) {
        na_record_reader_free(s->shards[i].reader);
        if (s->shards[i].own_db)
            na_xdb_close(s->shards[i].db);
    }
    free(s->shards);
    na_xdb_close(s->db);
}

/* Shard I on its own, opened on first use. */
static na_status_t shard_db(search_t *s, size_t i, na_xdb_t **out, na_error_t *err)
{
    shard_t *sh = &s->shards[i];
    if (!sh->db) {
        na_status_t st = na_xdb_open(&sh->spec, 1, &sh->db, err);
        if (st) {
            char reason[sizeof err->message];
            snprintf(reason, sizeof reason, "%s", err->message);
            return na_error_set(err, st, "%s: %s", sh->spec, reason);
        }
        sh->own_db = true;
    }
    *out = sh->db;
    return NA_OK;
}

/* Appends the original bytes of the article whose document data is VIEW
 * and whose docid in the combined database is DOCID. */
static na_status_t read_raw(search_t *s, na_docid_t docid, const na_record_view_t *view,
                            na_buf_t *out, na_error_t *err)
{
    /* Xapian interleaves the docids of several databases: the shard of
     * docid d is (d - 1) mod n. */
    size_t i = s->shard_count > 1 ? (size_t)(docid - 1) % s->shard_count : 0;
    shard_t *sh = &s->shards[i];
    if (!sh->reader) {
        na_xdb_t *db;
        na_status_t st = shard_db(s, i, &db, err);
        if (st)
            return st;
        sh->reader = na_record_reader_new(db);
    }
    return na_record_reader_raw(sh->reader, view, out, err);
}

/* ---- metadata ---- */

/* An article's metadata JSON, held while the printer borrows from it:
 * read by record.h's reader for a result, or as a jansson tree when
 * everything is shown (--show) or that reader leaves the text to jansson. */
typedef struct {
    na_record_meta_t fields; /* the reader's, when it read them */
    json_t *json;            /* otherwise */
    na_pr_meta_t meta;
    const char *lead;        /* the start of the text, if the record has it */
    bool lead_cut;           /* ... and that is not all of it */
    const char **lists[14];
    na_pr_pair_t *extra;
    na_strlist_t owned; /* extra values that were not strings, as JSON */
} meta_t;

static const char *meta_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static na_pr_list_t pr_list(na_record_list_t l)
{
    na_pr_list_t out = { l.items, l.count };
    return out;
}

/* People, places and orgs show supplied and extracted values alike: list N
 * of M becomes SUPPLIED followed by the EXTRACTED values it lacks. */
static void merge_lists(meta_t *m, int n, na_pr_list_t *supplied, const na_pr_list_t *extracted)
{
    if (!extracted->count)
        return;
    const char **items = na_xcalloc(supplied->count + extracted->count, sizeof *items);
    size_t k = 0;
    for (size_t i = 0; i < supplied->count; i++)
        items[k++] = supplied->items[i];
    for (size_t i = 0; i < extracted->count; i++) {
        bool seen = false;
        for (size_t j = 0; j < supplied->count && !seen; j++)
            seen = strcmp(supplied->items[j], extracted->items[i]) == 0;
        if (!seen)
            items[k++] = extracted->items[i];
    }
    m->lists[n] = items;
    supplied->items = items;
    supplied->count = k;
}

static void meta_list_in(meta_t *m, int n, json_t *o, const char *key, na_pr_list_t *out)
{
    json_t *a = json_object_get(o, key);
    size_t count = json_is_array(a) ? json_array_size(a) : 0;
    const char **items = na_xcalloc(count ? count : 1, sizeof *items);
    size_t k = 0;
    for (size_t i = 0; i < count; i++) {
        const char *v = json_string_value(json_array_get(a, i));
        if (v)
            items[k++] = v;
    }
    m->lists[n] = items;
    out->items = items;
    out->count = k;
}

/* Reads the LEN bytes of metadata JSON at DATA into M, with the extra
 * keys only when FULL (results show none); false when they are not a
 * JSON object (M is then empty but usable). */
static bool meta_load(meta_t *m, const char *data, size_t len, bool full)
{
    memset(m, 0, sizeof *m);
    if (!full && na_record_meta_read(data, len, &m->fields)) {
        const na_record_meta_t *f = &m->fields;
        na_pr_meta_t *p = &m->meta;
        p->id = f->id;
        p->title = f->title;
        p->date = f->date;
        p->source = f->source;
        p->url = f->url;
        p->language = f->language;
        p->dateline = f->dateline;
        p->format = f->format;
        p->sources = pr_list(f->sources);
        p->authors = pr_list(f->authors);
        p->people = pr_list(f->people);
        p->places = pr_list(f->places);
        p->orgs = pr_list(f->orgs);
        p->topics = pr_list(f->topics);
        p->exchanges = pr_list(f->exchanges);
        p->date_source = f->date_source;
        p->extracted_people = pr_list(f->extracted_people);
        p->extracted_places = pr_list(f->extracted_places);
        p->extracted_orgs = pr_list(f->extracted_orgs);
        p->mentioned = pr_list(f->mentioned);
        merge_lists(m, 6, &p->people, &p->extracted_people);
        merge_lists(m, 7, &p->places, &p->extracted_places);
        merge_lists(m, 8, &p->orgs, &p->extracted_orgs);
        m->lead = f->lead;
        m->lead_cut = f->lead_cut;
        return true;
    }
    m->json = json_loadb(data, len, 0, NULL);
    bool ok = json_is_object(m->json);
    if (!ok) {
        json_decref(m->json);
        m->json = json_object();
    }
    na_pr_meta_t *p = &m->meta;
    p->id = meta_str(m->json, "id");
    p->title = meta_str(m->json, "title");
    p->date = meta_str(m->json, "date");
    p->source = meta_str(m->json, "source");
    p->url = meta_str(m->json, "url");
    p->language = meta_str(m->json, "language");
    p->dateline = meta_str(m->json, "dateline");
    p->format = meta_str(m->json, "format");
    meta_list_in(m, 13, m->json, "sources", &p->sources);
    m->lead = meta_str(m->json, "lead");
    m->lead_cut = json_is_true(json_object_get(m->json, "lead_cut"));
    meta_list_in(m, 0, m->json, "authors", &p->authors);
    meta_list_in(m, 1, m->json, "people", &p->people);
    meta_list_in(m, 2, m->json, "places", &p->places);
    meta_list_in(m, 3, m->json, "orgs", &p->orgs);
    meta_list_in(m, 4, m->json, "topics", &p->topics);
    meta_list_in(m, 5, m->json, "exchanges", &p->exchanges);
    p->date_source = meta_str(m->json, "date_source");
    json_t *found = json_object_get(m->json, "extracted");
    meta_list_in(m, 9, found, "people", &p->extracted_people);
    meta_list_in(m, 10, found, "places", &p->extracted_places);
    meta_list_in(m, 11, found, "orgs", &p->extracted_orgs);
    meta_list_in(m, 12, found, "mentioned", &p->mentioned);
    merge_lists(m, 6, &p->people, &p->extracted_people);
    merge_lists(m, 7, &p->places, &p->extracted_places);
    merge_lists(m, 8, &p->orgs, &p->extracted_orgs);
    json_t *extra = full ? json_object_get(m->json, "extra") : NULL;
    if (json_is_object(extra) && json_object_size(extra)) {
        m->extra = na_xcalloc(json_object_size(extra), sizeof *m->extra);
        const char *key;
        json_t *v;
        json_object_foreach(extra, key, v) {
            const char *text = json_string_value(v);
            if (!text) {
                char *dumped = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
                if (!dumped)
                    continue;
                na_strlist_take(&m->owned, dumped);
                text = dumped;
            }
            m->extra[p->extra_count].key = key;
            m->extra[p->extra_count].value = text;
            p->extra_count++;
        }
        p->extra = m->extra;
    }
    return ok;
}

static void meta_release(meta_t *m)
{
    for (size_t i = 0; i < sizeof m->lists / sizeof *m->lists; i++)
        free(m->lists[i]);
    free(m->extra);
    na_strlist_clear(&m->owned);
    json_decref(m->json);
    na_record_meta_release(&m->fields);
    memset(m, 0, sizeof *m);
}

/* Parses RAW again as the format it was indexed as and returns its text
 * (caller frees), or NULL. */
static char *article_body(const char *format, const na_buf_t *raw, size_t *len)
{
    na_format_t f = format ? na_format_from_name(format) : NA_FORMAT_AUTO;
    const unsigned char *bytes = (const unsigned char *)raw->data;
    if (f == NA_FORMAT_AUTO)
        f = na_parse_detect("", bytes, raw->len);
    na_article_t *a = NULL;
    char *body = NULL;
    if (na_parse_one(f, bytes, raw->len, &a, NULL) == NA_OK && a->body) {
        body = a->body;
        a->body = NULL;
        *len = strlen(body);
    }
    na_article_free(a);
    return body;
}

static void warning(const search_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warning(const search_t *s, const char *fmt, ...)
{
    if (s->opts->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs(PROG ": warning: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* ---- snippets ----
 *
 * A snippet is SNIPPET_BYTES of the article's text around the stretch
 * where most of the query's words appear.  newsarc chooses that window
 * itself, from the words of the query as typed, and gives Xapian only the
 * window, to highlight the terms that match (stemmed as the index is).
 * Giving Xapian more, for it to choose, would make it weigh every word it
 * reads by that word's frequency in the database, one B-tree lookup per
 * distinct word, and that cost more than the search itself.  Without
 * highlighting (JSON, or text that is not for a terminal) Xapian would
 * return the window unchanged, so it is not called at all. */

static bool is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* Sets up S->qwords from S->words.  A word of the text looks like a form
 * of the query word W when it starts with W's first K bytes, case aside:
 * a stem shares most of its word's start ("prices", "priced": "pric").
 * This only chooses where to look; Xapian decides what is highlighted. */
static void snippet_prepare(search_t *s)
{
    s->nqwords = s->words.count < SNIPPET_MAX_WORDS ? s->words.count : SNIPPET_MAX_WORDS;
    for (size_t i = 0; i < s->nqwords; i++) {
        qword_t *q = &s->qwords[i];
        q->word = s->words.items[i];
        q->len = strlen(q->word);
        q->k = q->len <= 4 ? q->len : (q->len - 3 > 4 ? q->len - 3 : 4);
    }
}

/* Does a sentence start at BODY[AT]: after a blank that follows the end
 * of a sentence (Xapian's rule for its own snippets), or at the start? */
static bool sentence_starts_at(const char *body, size_t at)
{
    size_t i = at;
    if (i == 0)
        return true;
    if (!na_is_space((unsigned char)body[i - 1]))
        return false;
    while (i > 0 && na_is_space((unsigned char)body[i - 1]))
        i--;
    return i == 0 || body[i - 1] == '.' || body[i - 1] == '?' || body[i - 1] == '!';
}

/* Where a snippet is cut from the article's text. */
typedef struct {
    size_t a, b;      /* the window [a, b) */
    bool at_sentence; /* a starts a sentence: no "..." in front */
    bool cut_end;     /* text other than blanks follows b: "..." after */
} window_t;

/* Chooses the part of the article's text to make a snippet from: at most
 * SNIPPET_BYTES, starting up to SNIPPET_LEAD bytes before the first of
 * the hits whose stretch holds the most query words (a word found whole,
 * or with a short ending, counting twice: "rates" for "rate", where
 * "international" for "interest" counts once), the first such stretch on
 * ties; at a sentence start when one lies in the lead-in.  With no hits,
 * the text's beginning.  TEXT holds LEN bytes of the text: all of it when
 * WHOLE, else only its start (a record's lead), and then the function
 * returns false, setting nothing, unless the window is bound to be the
 * same as in the whole text: when the query has no words, or the stretch
 * holds every word found whole and lies inside TEXT, and TEXT goes on
 * past the window. */
static bool snippet_window(const search_t *s, const char *text, size_t len, bool whole, window_t *w)
{
    size_t pos[SNIPPET_MAX_HITS];
    unsigned which[SNIPPET_MAX_HITS], strong[SNIPPET_MAX_HITS];
    size_t hits = 0;
    size_t known = len; /* words before this are known whole */
    for (size_t i = 0; s->nqwords && i < len && hits < SNIPPET_MAX_HITS; i++) {
        if (!is_word_byte((unsigned char)text[i]))
            continue;
        size_t j = i + 1; /* the word is [i, j) */
        while (j < len && is_word_byte((unsigned char)text[j]))
            j++;
        if (j == len && !whole) { /* it may go on past the start given */
            known = i;
            break;
        }
        /* Query words are accent-folded, so the word is compared folded:
         * "Grímsson" is a hit for "grimsson". */
        const char *word = text + i;
        size_t wlen = j - i;
        char fold[64];
        if (wlen < sizeof fold && na_utf8_folds(word, wlen)) {
            wlen = na_utf8_fold(word, wlen, fold);
            word = fold;
        }
        unsigned char first = wlen ? (unsigned char)na_ascii_lower((unsigned char)word[0]) : 0;
        unsigned w_bits = 0, s_bits = 0;
        for (size_t k = 0; k < s->nqwords; k++) {
            const qword_t *q = &s->qwords[k];
            if ((unsigned char)q->word[0] != first || wlen < q->k)
                continue;
            size_t n = 1;
            while (n < q->k && (unsigned char)na_ascii_lower((unsigned char)word[n]) == (unsigned char)q->word[n])
                n++;
            if (n < q->k)
                continue;
            w_bits |= 1u << k;
            if (wlen <= q->len + 3)
                s_bits |= 1u << k;
        }
        if (w_bits) {
            pos[hits] = i;
            which[hits] = w_bits;
            strong[hits++] = s_bits;
        }
        i = j; /* text[j] is not a word byte */
    }
    size_t best = 0;
    int best_score = 0;
    for (size_t i = 0; i < hits; i++) {
        unsigned seen = 0, seen_strong = 0;
        for (size_t j = i; j < hits && pos[j] < pos[i] + SNIPPET_BYTES - SNIPPET_LEAD; j++) {
            seen |= which[j];
            seen_strong |= strong[j];
        }
        int score = __builtin_popcount(seen) + __builtin_popcount(seen_strong);
        if (score > best_score) {
            best_score = score;
            best = pos[i];
        }
    }
    /* Nothing later can beat a stretch with every word found whole, and
     * the stretches before it are seen whole when it is. */
    if (!whole && (best_score < 2 * (int)s->nqwords || best + SNIPPET_BYTES - SNIPPET_LEAD > known))
        return false;

    size_t a = best > SNIPPET_LEAD ? best - SNIPPET_LEAD : 0;
    bool sentence = a == 0;
    for (size_t i = a; !sentence && i < best; i++)
        if (!na_is_space((unsigned char)text[i]) && sentence_starts_at(text, i)) {
            a = i;
            sentence = true;
        }
    if (!sentence) { /* start after a blank, never inside a word or a character */
        while (a < best && !na_is_space((unsigned char)text[a]))
            a++;
        while (a < best && na_is_space((unsigned char)text[a]))
            a++;
        sentence = sentence_starts_at(text, a);
    }
    size_t b = a + SNIPPET_BYTES;
    if (b >= len) {
        if (!whole)
            return false;
        b = len;
    } else {
        while (b > a && !na_is_space((unsigned char)text[b]))
            b--;
        if (b == a) { /* one long word: cut it, but not inside a character */
            b = a + SNIPPET_BYTES;
            while (b > a && ((unsigned char)text[b] & 0xC0) == 0x80)
                b--;
        }
    }
    size_t rest = b;
    while (rest < len && na_is_space((unsigned char)text[rest]))
        rest++;
    if (rest == len && !whole)
        return false;
    w->a = a;
    w->b = b;
    w->at_sentence = sentence;
    w->cut_end = rest < len;
    return true;
}

/* Sets *OUT to the snippet of the query in the LEN bytes of TEXT, as
 * plain text with the printer's highlighting, or to NULL when Xapian
 * fails (ERR says why).  TEXT and WHOLE as for snippet_window(): returns
 * false, setting nothing, when the start of the text given cannot tell. */
static bool make_snippet(search_t *s, na_xmset_t *mset, const char *text, size_t len, bool whole, char **out,
                         na_error_t *err)
{
    window_t w;
    if (!snippet_window(s, text, len, whole, &w))
        return false;
    *out = NULL;
    const na_printer_t *p = s->printer;
    char *plain;
    if (*p->hl_start || *p->hl_end) {
        char *hl = NULL;
        if (na_xmset_snippet(mset, text + w.a, w.b - w.a, SNIPPET_BYTES, s->cfg->language, p->hl_start,
                             p->hl_end, "...", &hl, err) != NA_OK)
            return true;
        plain = na_printer_plain_snippet(hl, strlen(hl));
        free(hl);
    } else {
        plain = na_printer_plain_snippet(text + w.a, w.b - w.a);
    }
    size_t plen = strlen(plain);
    /* Mark where the window cut the text, unless Xapian did. */
    bool cut_start = plen && !w.at_sentence && strncmp(plain, "...", 3) != 0;
    bool cut_end = plen && w.cut_end && (plen < 3 || strcmp(plain + plen - 3, "...") != 0);
    if (cut_end) /* as Xapian does: "said, the" cut after "said" is "said..." */
        while (plen > 1 && (plain[plen - 1] == ',' || plain[plen - 1] == ';' || plain[plen - 1] == ':'))
            plain[--plen] = '\0';
    if (cut_start || cut_end) {
        char *marked = na_xasprintf("%s%s%s", cut_start ? "..." : "", plain, cut_end ? "..." : "");
        free(plain);
        plain = marked;
    }
    *out = plain;
    return true;
}

/* ---- searching ---- */

/* The value slots holding the values facet SPEC counts.  A multi-valued
 * field uses as many slots as its most-tagged article had, which the
 * indexer records per database; the most any shard uses is counted.  The
 * mentioned field's grains each have their range, sized by one record. */
static na_status_t facet_slots(search_t *s, const facet_spec_t *spec, na_slot_t *slots,
                               size_t *count, na_error_t *err)
{
    const na_field_info_t *f = spec->field;
    na_slot_t base = f == &na_fields[NA_FIELD_MENTIONED] ? na_mentioned_grains[spec->grain].slot : f->slot;
    *count = 0;
    if (!f->multi) {
        slots[0] = f->slot;
        *count = 1;
        return NA_OK;
    }
    char key[64];
    snprintf(key, sizeof key, NA_META_SLOTS_FMT, f->name);
    size_t used = 0;
    for (size_t i = 0; i < s->shard_count; i++) {
        na_xdb_t *db;
        na_status_t st = shard_db(s, i, &db, err);
        char *v = NULL;
        size_t len = 0;
        if (st == NA_OK)
            st = na_xdb_get_metadata(db, key, &v, &len, err);
        if (st == NA_ERR_NOT_FOUND)
            st = NA_OK;
        size_t n = v ? strtoul(v, NULL, 10) : 0;
        free(v);
        if (st)
            return st;
        if (n > used)
            used = n;
    }
    if (used > NA_MAX_FIELD_VALUES)
        used = NA_MAX_FIELD_VALUES;
    for (size_t i = 0; i < used; i++)
        slots[i] = base + (na_slot_t)i;
    *count = used;
    return NA_OK;
}

static na_status_t print_result(search_t *s, na_xmset_t *mset, size_t i, na_error_t *err)
{
    char *data = NULL;
    size_t len = 0;
    na_status_t st = na_xmset_data(mset, i, &data, &len, err);
    if (st)
        return st;
    na_docid_t docid = na_xmset_docid(mset, i);
    na_record_view_t view;
    meta_t meta;
    bool readable = na_record_decode(data, len, &view, err) == NA_OK;
    if (!meta_load(&meta, readable ? view.meta : "", readable ? view.meta_len : 0, false))
        warning(s, "document %u: unreadable metadata", docid);

    /* The snippet comes from the article's text, which is not in the
     * index: from the start of it kept in the metadata when that is
     * enough, else decompress the stored original and parse it again. */
    char *snippet = NULL;
    na_error_t why;
    bool done = meta.lead && make_snippet(s, mset, meta.lead, strlen(meta.lead), !meta.lead_cut, &snippet, &why);
    na_buf_reset(&s->raw);
    if (done) {
        /* from the lead */
    } else if (readable && read_raw(s, docid, &view, &s->raw, &why) == NA_OK) {
        size_t blen = 0;
        char *body = article_body(meta.meta.format, &s->raw, &blen);
        if (body)
            make_snippet(s, mset, body, blen, true, &snippet, &why);
        free(body);
    } else if (readable) {
        warning(s, "'%s': no snippet: %s", meta.meta.id ? meta.meta.id : "?", why.message);
    }

    na_pr_result_t r = { na_xmset_rank(mset, i) + 1, na_xmset_weight(mset, i), &meta.meta, snippet };
    s->printer->result(s->printer, &r);
    free(snippet);
    meta_release(&meta);
    free(data);
    return NA_OK;
}

/* ---- facets ---- */

/* Sets *OUT to the form to print for KEY, a value of the folded field F
 * as counted: the most frequent spelling the display entries of all
 * shards give it, or NULL (print KEY) when none has an entry.  Caller
 * frees *OUT. */
static na_status_t display_form(search_t *s, const na_field_info_t *f, const char *key, char **out,
                                na_error_t *err)
{
    *out = NULL;
    char *mkey = na_schema_display_meta_key(f, key);
    na_display_tally_t tally = NA_DISPLAY_TALLY_INIT;
    na_status_t st = NA_OK;
    for (size_t i = 0; st == NA_OK && i < s->shard_count; i++) {
        na_xdb_t *db;
        char *v = NULL;
        size_t len = 0;
        st = shard_db(s, i, &db, err);
        if (st == NA_OK)
            st = na_xdb_get_metadata(db, mkey, &v, &len, err);
        if (st == NA_ERR_NOT_FOUND)
            st = NA_OK;
        if (st == NA_OK && v)
            na_display_tally_add_stored(&tally, key, v, len);
        free(v);
    }
    const char *best = na_display_tally_best(&tally);
    if (st == NA_OK && best)
        *out = na_xstrdup(best);
    na_display_tally_release(&tally);
    free(mkey);
    return st;
}

/* Prints the facet NAME (SPEC) from the N counts in VALUES, each folded
 * key as its display form. */
static na_status_t print_facet(search_t *s, const char *name, const facet_spec_t *spec,
                               const na_xfacet_count_t *values, size_t n, na_error_t *err)
{
    bool folded = na_schema_folded(spec->field);
    s->printer->facet_begin(s->printer, name);
    for (size_t i = 0; i < n; i++) {
        char *form = NULL;
        na_status_t st = folded ? display_form(s, spec->field, values[i].value, &form, err) : NA_OK;
        if (st)
            return st;
        s->printer->facet_value(s->printer, form ? form : values[i].value, values[i].count);
        free(form);
    }
    s->printer->facet_end(s->printer);
    return NA_OK;
}

/* Whether a --filter names the field SPEC counts. */
static bool facet_filtered(const options_t *o, const facet_spec_t *spec)
{
    for (size_t i = 0; i < o->filters.count; i++) {
        const na_field_info_t *f;
        const char *value;
        if (na_query_filter_split(o->filters.items[i], &f, &value, NULL) == NA_OK && f == spec->field)
            return true;
    }
    return false;
}

/* Counts facet SPEC disjunctively: over the matches of the query with
 * every filter except those on SPEC's own field, so that choosing one of
 * its values leaves the others' counts standing.  A second exact match,
 * counting only.  *VALUES as for na_xenquire_facet(). */
static na_status_t count_unfiltered(search_t *s, const facet_spec_t *spec, na_xfacet_count_t **values,
                                    size_t *n, na_error_t *err)
{
    const options_t *o = s->opts;
    *values = NULL;
    *n = 0;
    na_strlist_t others = NA_STRLIST_INIT;
    for (size_t i = 0; i < o->filters.count; i++) {
        const na_field_info_t *f;
        const char *value;
        if (na_query_filter_split(o->filters.items[i], &f, &value, NULL) == NA_OK && f != spec->field)
            na_strlist_add(&others, o->filters.items[i]);
    }
    na_slot_t slots[NA_MAX_FIELD_VALUES];
    size_t nslots = 0;
    na_xquery_t *q = NULL;
    na_xenquire_t *enq = NULL;
    na_xmset_t *mset = NULL;
    na_status_t st = facet_slots(s, spec, slots, &nslots, err);
    if (st == NA_OK && nslots)
        st = na_query_build(s->db, s->cfg, o->query, (const char *const *)others.items, others.count, &q, err);
    if (st == NA_OK && nslots)
        st = na_xenquire_new(s->db, &enq, err);
    if (st == NA_OK && nslots) {
        na_xenquire_set_query(enq, q);
        int index = na_xenquire_add_facet(enq, slots, nslots);
        st = na_xenquire_run(enq, 0, 0, true, &mset, err);
        if (st == NA_OK)
            st = na_xenquire_facet(enq, index, o->facet_size, values, n, err);
    }
    na_xmset_free(mset);
    na_xenquire_free(enq);
    na_xquery_free(q);
    na_strlist_clear(&others);
    return st;
}

/* Prints facet I of FACETS: from the main match when no filter is on its
 * field (INDEX, -1 when it has no slots), else counted on its own. */
static na_status_t facet_out(search_t *s, na_xenquire_t *enq, const char *name, int index, na_error_t *err)
{
    facet_spec_t spec;
    facet_spec_parse(name, &spec); /* checked with the options */
    na_xfacet_count_t *values = NULL;
    size_t n = 0;
    na_status_t st = NA_OK;
    if (facet_filtered(s->opts, &spec))
        st = count_unfiltered(s, &spec, &values, &n, err);
    else if (index >= 0)
        st = na_xenquire_facet(enq, index, s->opts->facet_size, &values, &n, err);
    if (st == NA_OK)
        st = print_facet(s, name, &spec, values, n, err);
    na_xfacet_free(values, n);
    return st;
}

static na_status_t run_search(search_t *s, const na_strlist_t *facets)
{
    const options_t *o = s->opts;
    na_error_t err;
    na_error_clear(&err);
    na_xquery_t *q = NULL;
    na_status_t st = na_query_build(s->db, s->cfg, o->query, (const char *const *)o->filters.items,
                                    o->filters.count, &q, &err);
    if (st) {
        report("%s", err.message);
        /* An alias table that cannot be read is a configuration error. */
        return st == NA_ERR_IO ? NA_ERR_PARSE : st;
    }
    na_query_words(o->query, &s->words);
    snippet_prepare(s);
    if (o->verbose) {
        char *d = na_xquery_describe(q);
        fprintf(stderr, PROG ": query: %s\n", d ? d : "?");
        free(d);
    }
    na_xenquire_t *enq = NULL;
    na_xmset_t *mset = NULL;
    int *facet_index = na_xcalloc(facets->count + 1, sizeof *facet_index);
    st = na_xenquire_new(s->db, &enq, &err);
    if (st == NA_OK) {
        na_xenquire_set_query(enq, q);
        if (o->sort != SORT_RELEVANCE)
            na_xenquire_set_sort(enq, NA_SLOT_DATE, o->sort == SORT_NEWEST);
    }
    for (size_t i = 0; st == NA_OK && !o->count && i < facets->count; i++) {
        na_slot_t slots[NA_MAX_FIELD_VALUES];
        size_t n = 0;
        facet_spec_t spec;
        facet_spec_parse(facets->items[i], &spec);
        facet_index[i] = -1;
        if (facet_filtered(o, &spec))
            continue; /* counted apart, without its own filters */
        st = facet_slots(s, &spec, slots, &n, &err);
        facet_index[i] = n ? na_xenquire_add_facet(enq, slots, n) : -1;
    }
    /* EXACT: every match is visited, so the total and facets are exact. */
    if (st == NA_OK)
        st = na_xenquire_run(enq, o->count ? 0 : o->offset, o->count ? 0 : o->limit, true, &mset, &err);
    if (st == NA_OK && o->count) {
        if (o->verbose)
            fprintf(stderr, PROG ": %u matches in %.2f ms\n", na_xmset_total(mset), ms_since(&s->start));
        s->printer->count(s->printer, o->query, na_xmset_total(mset));
    } else if (st == NA_OK) {
        na_pr_search_t summary = { o->query, na_xmset_total(mset), o->offset, o->limit };
        s->printer->search_begin(s->printer, &summary);
        for (size_t i = 0; st == NA_OK && i < na_xmset_size(mset); i++)
            st = print_result(s, mset, i, &err);
        for (size_t i = 0; st == NA_OK && i < facets->count; i++)
            st = facet_out(s, enq, facets->items[i], facet_index[i], &err);
        if (st == NA_OK) {
            double ms = ms_since(&s->start);
            if (o->verbose)
                fprintf(stderr, PROG ": %u matches in %.2f ms\n", summary.total, ms);
            s->printer->search_end(s->printer, ms);
        }
    }
    if (st)
        report("%s", err.message);
    free(facet_index);
    na_xmset_free(mset);
    na_xenquire_free(enq);
    na_xquery_free(q);
    return st ? NA_ERR_DATABASE : NA_OK;
}

/* ---- --show ---- */

/* The articles read from ARG taken as a path: all of a file's, or with
 * "#N" after the path, the one of its Nth record.  *IDS gets their docids
 * (caller frees). */
static na_status_t find_by_path(search_t *s, const char *arg, na_docid_t **ids, size_t *n, na_error_t *err)
{
    *ids = NULL;
    *n = 0;
    char *canon = realpath(arg, NULL);
    char *source = NULL; /* the one source asked for, or NULL: the whole file */
    const char *hash = strrchr(arg, '#');
    if (!canon && hash && hash[1] && strspn(hash + 1, "0123456789") == strlen(hash + 1)) {
        char *file = na_xstrndup(arg, (size_t)(hash - arg));
        canon = realpath(file, NULL);
        free(file);
        if (canon)
            source = na_xasprintf("%s%s", canon, hash);
    }
    if (!canon)
        return NA_ERR_NOT_FOUND;
    char *term = na_schema_file_term(canon);
    na_status_t st = na_xdb_postings(s->db, term, ids, n, err);
    free(term);
    free(canon);
    size_t kept = 0;
    for (size_t i = 0; st == NA_OK && source && i < *n; i++) {
        char *data = NULL;
        size_t len = 0;
        na_record_view_t view;
        if (na_xdb_get_data(s->db, (*ids)[i], &data, &len, NULL) == NA_OK &&
            na_record_decode(data, len, &view, NULL) == NA_OK) {
            meta_t m;
            meta_load(&m, view.meta, view.meta_len, false);
            bool match = false;
            for (size_t k = 0; k < m.meta.sources.count && !match; k++)
                match = strcmp(m.meta.sources.items[k], source) == 0;
            meta_release(&m);
            if (match)
                (*ids)[kept++] = (*ids)[i];
        }
        free(data);
    }
    if (source)
        *n = kept;
    free(source);
    return st;
}

/* Prints the ids of the articles IDS when a path names several: one a
 * line, or with --format json {"format_version", "ids": [...]}. */
static na_status_t list_ids(search_t *s, const na_docid_t *ids, size_t n, na_error_t *err)
{
    json_t *list = s->opts->format == NA_PRINT_JSON ? json_array() : NULL;
    for (size_t i = 0; i < n; i++) {
        char *data = NULL;
        size_t len = 0;
        na_record_view_t view;
        na_status_t st = na_xdb_get_data(s->db, ids[i], &data, &len, err);
        if (st == NA_OK)
            st = na_record_decode(data, len, &view, err);
        if (st) {
            free(data);
            json_decref(list);
            return st;
        }
        meta_t m;
        meta_load(&m, view.meta, view.meta_len, false);
        if (m.meta.id && list)
            json_array_append_new(list, json_string(m.meta.id));
        else if (m.meta.id)
            fprintf(s->printer->out, "%s\n", m.meta.id);
        meta_release(&m);
        free(data);
    }
    if (list) {
        json_t *o = json_pack("{s:i, s:o}", "format_version", NA_PRINTER_FORMAT_VERSION, "ids", list);
        json_dumpf(o, s->printer->out, JSON_COMPACT);
        fputc('\n', s->printer->out);
        json_decref(o);
    }
    return NA_OK;
}

static na_status_t show_article(search_t *s, const char *id)
{
    na_error_t err;
    na_error_clear(&err);
    char *term = na_schema_id_term(id);
    na_docid_t docid = 0;
    na_status_t st = na_xdb_find(s->db, term, &docid, &err);
    free(term);
    if (st == NA_ERR_NOT_FOUND) {
        /* Not an id: perhaps a path the article was read from. */
        na_docid_t *ids = NULL;
        size_t n = 0;
        st = find_by_path(s, id, &ids, &n, &err);
        if (st == NA_OK && n == 1) {
            docid = ids[0];
        } else if (st == NA_OK && n > 1) {
            report("'%s' holds %zu articles; show one by id:", id, n);
            st = list_ids(s, ids, n, &err);
            free(ids);
            if (st) {
                report("%s", err.message);
                return NA_ERR_DATABASE;
            }
            return NA_ERR_NOT_FOUND;
        } else if (st == NA_OK || st == NA_ERR_NOT_FOUND) {
            st = NA_ERR_NOT_FOUND;
        }
        free(ids);
    }
    if (st == NA_ERR_NOT_FOUND) {
        report("no article with id or source '%s'", id);
        return NA_ERR_NOT_FOUND;
    }
    char *data = NULL;
    size_t len = 0;
    na_record_view_t view;
    na_buf_t raw = NA_BUF_INIT;
    if (st == NA_OK)
        st = na_xdb_get_data(s->db, docid, &data, &len, &err);
    if (st == NA_OK)
        st = na_record_decode(data, len, &view, &err);
    if (st == NA_OK)
        st = read_raw(s, docid, &view, &raw, &err);
    if (st) {
        report("article '%s': %s", id, err.message);
        free(data);
        na_buf_release(&raw);
        return NA_ERR_DATABASE;
    }
    if (s->opts->raw) {
        /* Byte-exact: fwrite, never a string function, so NULs and
         * invalid UTF-8 pass through. */
        fwrite(raw.data, 1, raw.len, s->printer->out);
    } else {
        meta_t meta;
        if (!meta_load(&meta, view.meta, view.meta_len, true))
            warning(s, "article '%s': unreadable metadata", id);
        if (!meta.meta.id)
            meta.meta.id = id;
        size_t blen = 0;
        char *body = article_body(meta.meta.format, &raw, &blen);
        if (!body) { /* show what was stored rather than nothing */
            body = na_utf8_sanitize(raw.data, raw.len);
            blen = strlen(body);
        }
        s->printer->article(s->printer, &meta.meta, body, blen);
        free(body);
        meta_release(&meta);
    }
    free(data);
    na_buf_release(&raw);
    return NA_OK;
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
    search_t s;
    memset(&s, 0, sizeof s);
    clock_gettime(CLOCK_MONOTONIC, &s.start);

    options_t opts;
    int rc = parse_options(argc, argv, &opts);
    if (rc >= 0) {
        options_release(&opts);
        return rc == SEARCH_EXIT_OK ? na_cli_flush_output(PROG) : rc; /* after --help, --version */
    }
    na_config_t cfg;
    na_error_t err;
    if (na_config_load(&cfg, opts.config, &err) != NA_OK) {
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
    na_status_t st = NA_OK;
    /* Facets asked for on the command line, else the configuration's. */
    na_strlist_t facets = NA_STRLIST_INIT;
    const na_strlist_t *want = opts.facets.count ? &opts.facets : &cfg.facets;
    for (size_t i = 0; i < want->count && st == NA_OK; i++)
        if (!add_facet(&facets, want->items[i])) {
            report("%s: unknown facet '%s' (person, place, org, topic, source, year, month, mentioned, author)",
                   cfg.file ? cfg.file : "configuration", want->items[i]);
            st = NA_ERR_PARSE;
        }

    s.opts = &opts;
    s.cfg = &cfg;
    if (opts.dbs.count) {
        s.specs = (const char *const *)opts.dbs.items;
        s.shard_count = opts.dbs.count;
    } else {
        s.specs = (const char *const *)&cfg.database;
        s.shard_count = 1;
        s.specs_from_config = true;
    }
    if (st == NA_OK)
        st = open_database(&s);
    if (st == NA_OK) {
        na_printer_options_t popts = { want_highlight(&opts), opts.quiet };
        s.printer = na_printer_new(opts.format, stdout, &popts);
        st = opts.show ? show_article(&s, opts.show) : run_search(&s, &facets);
        int e = na_printer_flush(s.printer);
        if (e) {
            report("cannot write the output: %s", strerror(e));
            if (st == NA_OK)
                st = NA_ERR_IO;
        }
    }
    na_printer_free(s.printer);
    close_database(&s);
    na_strlist_clear(&s.words);
    na_buf_release(&s.raw);
    na_strlist_clear(&facets);
    na_config_release(&cfg);
    options_release(&opts);
    return status_to_exit(st);
}
