/* engine.c - newsarc-search's engine: requests in, results out (see
 * engine.h), for the command line, the HTTP server and CGI alike.
 *
 * A search does only what its query needs: the alias tables are read only
 * when a field value must be normalised (or once, by a server), a
 * multi-valued facet costs one value read per match (its values packed in
 * one slot), a query of one term, and the facets of a query of every
 * document, are counted from the index rather than match by match, and a
 * result's snippet comes from the start of its text kept in the record's
 * metadata when that is enough, so that only the articles on the page
 * whose snippet lies further in are decompressed and parsed again.  A
 * query of filters alone, whose matches all weigh 0, finds its page
 * among the newest articles first, by their date terms, rather than by
 * sorting every match (page_by_date()). */
#include "engine.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "display.h"
#include "normalise.h"
#include "parse.h"
#include "query.h"
#include "record.h"
#include "schema.h"
#include "strmap.h"
#include "utf8.h"

/* Snippets (see snippet_window()): their length, the text shown before
 * the first query word at most, how many query words are looked for and
 * how many of their places in an article. */
#define SNIPPET_BYTES 200
#define SNIPPET_LEAD 40
#define SNIPPET_MAX_WORDS 32
#define SNIPPET_MAX_HITS 256

bool na_sort_from_name(const char *name, na_sort_t *sort)
{
    static const char *const names[] = { "relevance", "newest", "oldest" };
    for (int i = 0; i < 3; i++)
        if (strcmp(name, names[i]) == 0) {
            *sort = (na_sort_t)i;
            return true;
        }
    return false;
}

void na_request_init(na_request_t *r)
{
    memset(r, 0, sizeof *r);
    r->facet_size = 10;
    r->limit = 10;
}

void na_request_release(na_request_t *r)
{
    na_strlist_clear(&r->facets);
    na_strlist_clear(&r->filters);
}

/* A facet: the field counted and, for mentioned, the grain. */
typedef struct {
    const na_field_info_t *field;
    int grain; /* index into na_mentioned_grains; mentioned only */
} facet_spec_t;

/* Parses the facet NAME (na_schema_facet_parse()). */
static bool facet_spec_parse(const char *name, facet_spec_t *out)
{
    out->field = na_schema_facet_parse(name, &out->grain);
    return out->field != NULL;
}

na_status_t na_request_validate(na_request_t *r, const na_engine_limits_t *limits, bool *limit_cut,
                                na_error_t *err)
{
    if (limit_cut)
        *limit_cut = false;
    size_t qlen = r->query ? strlen(r->query) : 0;
    if (r->query && r->query_len && r->query_len != qlen)
        return na_error_set(err, NA_ERR_INVALID, "the query holds a NUL byte");
    if (limits->max_query_bytes && qlen > limits->max_query_bytes)
        return na_error_set(err, NA_ERR_INVALID, "the query is %zu bytes long; at most %zu are allowed", qlen,
                            limits->max_query_bytes);
    if (r->query && !na_utf8_valid(r->query, qlen))
        return na_error_set(err, NA_ERR_INVALID, "the query is not valid UTF-8");
    for (size_t i = 0; i < r->facets.count; i++) {
        facet_spec_t spec;
        if (!facet_spec_parse(r->facets.items[i], &spec)) {
            char names[256];
            na_schema_facet_names(names, sizeof names);
            return na_error_set(err, NA_ERR_INVALID, "unknown facet '%s' (%s)", r->facets.items[i], names);
        }
    }
    for (size_t i = 0; i < r->filters.count; i++) {
        const na_field_info_t *f;
        const char *v;
        if (!na_utf8_valid(r->filters.items[i], strlen(r->filters.items[i])))
            return na_error_set(err, NA_ERR_INVALID, "a filter is not valid UTF-8");
        na_status_t st = na_query_filter_split(r->filters.items[i], &f, &v, err);
        if (st)
            return st;
    }
    if (!r->all && limits->max_offset && r->offset > limits->max_offset)
        return na_error_set(err, NA_ERR_INVALID,
                            "offset %u is past the deepest page allowed (%u); export every match instead",
                            r->offset, limits->max_offset);
    if (!r->all && limits->max_limit && r->limit > limits->max_limit) {
        r->limit = limits->max_limit;
        if (limit_cut)
            *limit_cut = true;
    }
    return NA_OK;
}

/* ---- the engine and its connections ---- */

struct na_engine {
    const na_config_t *cfg;
    na_strlist_t specs;
    bool from_config;
    na_normaliser_t *norm; /* NULL: each query loads what it needs */
    na_engine_limits_t limits;
    na_xdb_remote_t remote; /* timeouts of remote shards */
    bool partial;           /* shard_failure partial: answer without the shards that fail */
    bool sort_ranks;        /* connections sort through rank tables (na_engine_keep_sort_ranks()) */
};

/* One database of the spec list.  Blobs name compression dictionaries by
 * an id that is only meaningful in their own database, so they are read
 * shard by shard. */
typedef struct {
    const char *spec;          /* borrowed from the connection's specs */
    na_xdb_t *db;              /* the shard alone */
    na_record_reader_t *reader;
} shard_t;

/* A stub file the shard list was read from: when it changes (a shard
 * added, a generation switched), everything is opened anew, which
 * Xapian's reopen() does not do. */
typedef struct {
    char *path;
    struct stat stamp;
    bool present;
} watch_t;

struct na_engine_conn {
    na_engine_t *eng;
    na_xdb_t *db;              /* the shards that answered, as one */
    shard_t *shards;           /* those shards, in the order of db's sub-databases */
    size_t shard_count;
    na_strlist_t specs;        /* every shard, the engine's specs with their stubs read */
    na_strlist_t failed, why;  /* the shards left out (partial) and why */
    bool remote;               /* some shard answering is remote */
    watch_t *watches;
    size_t watch_count;
    na_strmap_t forms;         /* display metadata key -> form to print (owned; "" for none), at this revision */
};

/* A query word as snippet_window() looks for it. */
typedef struct {
    const char *word; /* lower case; borrowed from search_t.words */
    size_t len;
    size_t k;         /* bytes a word of the text must start with */
} qword_t;

/* One run of a request. */
typedef struct {
    na_engine_conn_t *conn;
    const na_request_t *req;
    const na_config_t *cfg;
    const char *hl_start, *hl_end;
    na_strlist_t words;        /* the query's words, for snippet windows */
    qword_t qwords[SNIPPET_MAX_WORDS];
    size_t nqwords;
    na_buf_t raw;              /* the current result's original bytes */
    na_strlist_t *warnings;
    unsigned originals_read;   /* hits whose snippet needed the stored original */
} search_t;

na_status_t na_engine_open(const na_config_t *cfg, const char *const *specs, size_t count, bool from_config,
                           bool preload, na_engine_t **out, na_error_t *err)
{
    *out = NULL;
    if (!count)
        return na_error_set(err, NA_ERR_INVALID, "no database given");
    na_engine_t *e = na_xcalloc(1, sizeof *e);
    e->cfg = cfg;
    for (size_t i = 0; i < count; i++)
        na_strlist_add(&e->specs, specs[i]);
    e->from_config = from_config;
    e->limits.max_query_bytes = cfg->max_query_bytes;
    e->limits.max_limit = (unsigned)cfg->max_limit;
    e->limits.max_offset = (unsigned)cfg->max_offset;
    e->limits.time_budget_ms = (unsigned)cfg->time_budget_ms;
    e->remote.timeout_ms = (unsigned)cfg->remote_timeout_ms;
    e->remote.connect_timeout_ms = (unsigned)cfg->remote_connect_timeout_ms;
    e->partial = cfg->shard_failure == NA_SHARD_PARTIAL;
    if (preload) {
        /* Mapped compiled when there is a cache: a CGI request is one
         * process, which would parse them all otherwise. */
        na_status_t st = na_cli_tables_open(cfg, true, &e->norm, NULL, 0, err);
        if (st) {
            na_engine_free(e);
            return st;
        }
    }
    *out = e;
    return NA_OK;
}

void na_engine_free(na_engine_t *eng)
{
    if (!eng)
        return;
    na_strlist_clear(&eng->specs);
    na_normaliser_free(eng->norm);
    free(eng);
}

const na_engine_limits_t *na_engine_limits(const na_engine_t *eng)
{
    return &eng->limits;
}

void na_engine_keep_sort_ranks(na_engine_t *eng)
{
    eng->sort_ranks = true;
}

const na_config_t *na_engine_config(const na_engine_t *eng)
{
    return eng->cfg;
}

static void conn_close(na_engine_conn_t *c)
{
    na_strmap_release(&c->forms, free);
    for (size_t i = 0; c->shards && i < c->shard_count; i++) {
        na_record_reader_free(c->shards[i].reader);
        na_xdb_close(c->shards[i].db);
    }
    free(c->shards);
    c->shards = NULL;
    c->shard_count = 0;
    c->remote = false;
    na_xdb_close(c->db);
    c->db = NULL;
    for (size_t i = 0; i < c->watch_count; i++)
        free(c->watches[i].path);
    free(c->watches);
    c->watches = NULL;
    c->watch_count = 0;
    na_strlist_clear(&c->specs);
    na_strlist_clear(&c->failed);
    na_strlist_clear(&c->why);
}

void na_engine_conn_free(na_engine_conn_t *conn)
{
    if (!conn)
        return;
    conn_close(conn);
    free(conn);
}

static bool is_remote(const char *spec)
{
    return strncmp(spec, "tcp:", 4) == 0;
}

/* ---- stub files ----
 *
 * Xapian reads a stub file itself, but through one it returns metadata
 * from the first database only (each shard has its own compression
 * dictionaries and slot counts) and takes no timeouts for its remote
 * lines, and one shard that fails fails them all.  So newsarc reads the
 * stubs itself and opens their databases one by one: a stub file given
 * with -d, and the stub of a folder of shards (DB/XAPIANDB naming
 * DB/1987, DB/1988, ...).  The stub of a folder of generations (one line
 * naming gen-N, as --rebuild leaves it) is left to the binding, which
 * follows its switches. */

#define STUB_DEPTH 4
#define STUB_MAX_BYTES 65536

static void watch(na_engine_conn_t *c, const char *path)
{
    c->watches = na_xrealloc(c->watches, (c->watch_count + 1) * sizeof *c->watches);
    watch_t *w = &c->watches[c->watch_count++];
    w->path = na_xstrdup(path);
    w->present = stat(path, &w->stamp) == 0;
}

static bool watch_changed(const watch_t *w)
{
    struct stat sb;
    bool present = stat(w->path, &sb) == 0;
    if (present != w->present)
        return true;
    return present && (sb.st_ino != w->stamp.st_ino || sb.st_dev != w->stamp.st_dev ||
                       sb.st_size != w->stamp.st_size || sb.st_mtim.tv_sec != w->stamp.st_mtim.tv_sec ||
                       sb.st_mtim.tv_nsec != w->stamp.st_mtim.tv_nsec);
}

/* Reads the entries of the stub file PATH into ENTRIES as specs: "auto
 * P", "glass P", "chert P" or a bare P (relative to the file's folder)
 * as paths, "remote HOST:PORT" as tcp:HOST:PORT; blank lines and "#"
 * comments skipped.  False when the file cannot be read or holds a line
 * newsarc does not read itself (a remote program, an in-memory
 * database): Xapian then opens the stub as it is. */
static bool stub_entries(const char *path, na_strlist_t *entries)
{
    na_buf_t b = NA_BUF_INIT;
    struct stat sb;
    if (stat(path, &sb) != 0 || sb.st_size > STUB_MAX_BYTES || na_read_file(path, &b) != 0) {
        na_buf_release(&b);
        return false;
    }
    char *dir = na_xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash)
        slash[1] = '\0';
    else
        dir[0] = '\0';
    bool ok = true;
    char *save = NULL;
    for (char *line = strtok_r(b.data ? b.data : "", "\n", &save); ok && line; line = strtok_r(NULL, "\n", &save)) {
        size_t len = strlen(line);
        while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
            line[--len] = '\0';
        while (*line == ' ' || *line == '\t')
            line++;
        if (!*line || *line == '#')
            continue;
        char *sp = strpbrk(line, " \t");
        const char *arg = sp ? sp + strspn(sp, " \t") : "";
        size_t kw = sp ? (size_t)(sp - line) : strlen(line);
        if (kw == 6 && strncmp(line, "remote", 6) == 0) {
            if (*arg == ':' || !strchr(arg, ':'))
                ok = false; /* a program to run, not HOST:PORT */
            else
                na_strlist_take(entries, na_xasprintf("tcp:%s", arg));
        } else if ((kw == 4 && strncmp(line, "auto", 4) == 0) || (kw == 5 && strncmp(line, "glass", 5) == 0) ||
                   (kw == 5 && strncmp(line, "chert", 5) == 0)) {
            if (!*arg)
                ok = false;
            else
                na_strlist_take(entries, arg[0] == '/' ? na_xstrdup(arg) : na_xasprintf("%s%s", dir, arg));
        } else if (!sp) {
            na_strlist_take(entries, line[0] == '/' ? na_xstrdup(line) : na_xasprintf("%s%s", dir, line));
        } else {
            ok = false; /* inmemory, or a kind Xapian may learn */
        }
    }
    free(dir);
    na_buf_release(&b);
    return ok;
}

/* Whether PATH is a folder holding a stub file XAPIANDB. */
static bool is_stub_dir(const char *path)
{
    struct stat sb;
    char *stub = na_xasprintf("%s/XAPIANDB", path);
    bool yes = stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) && stat(stub, &sb) == 0 && S_ISREG(sb.st_mode);
    free(stub);
    return yes;
}

/* Adds SPEC to C's shards, or the shards its stub lists. */
static void expand_spec(na_engine_conn_t *c, const char *spec, int depth)
{
    struct stat sb;
    if (is_remote(spec) || depth > STUB_DEPTH || stat(spec, &sb) != 0) {
        na_strlist_add(&c->specs, spec);
        return;
    }
    na_strlist_t entries = NA_STRLIST_INIT;
    char *stub = NULL;
    bool expand = false;
    if (S_ISREG(sb.st_mode)) {
        stub = na_xstrdup(spec);
        expand = stub_entries(stub, &entries) && entries.count;
    } else if (is_stub_dir(spec)) {
        stub = na_xasprintf("%s/XAPIANDB", spec);
        /* A folder of shards, not one of generations: several entries,
         * or entries that are archives themselves, or remote ones. */
        if (stub_entries(stub, &entries) && entries.count) {
            expand = entries.count > 1;
            for (size_t i = 0; !expand && i < entries.count; i++)
                expand = is_remote(entries.items[i]) || is_stub_dir(entries.items[i]);
        }
    }
    if (stub)
        watch(c, stub);
    if (expand)
        for (size_t i = 0; i < entries.count; i++)
            expand_spec(c, entries.items[i], depth + 1);
    else
        na_strlist_add(&c->specs, spec);
    na_strlist_clear(&entries);
    free(stub);
}

/* Opening a remote shard is a connection (xapian-tcpsrv forks for it)
 * and a handshake: shards are opened at once, each from its own thread,
 * when any is remote, so a process pays for one, not for all. */
typedef struct {
    const char *spec;
    const na_xdb_remote_t *remote;
    na_xdb_t *db;
    na_status_t st;
    na_error_t why;
} shard_open_t;

static void *shard_open_run(void *arg)
{
    shard_open_t *o = arg;
    o->st = na_xdb_open_with(&o->spec, 1, o->remote, &o->db, &o->why);
    return NULL;
}

/* Runs RUN on each of the N jobs at JOBS (SIZE bytes apart) and returns
 * when all are done: each from its own thread when THREADS and N > 1,
 * else (or when a thread cannot start) one after another here. */
static void run_jobs(void *jobs, size_t n, size_t size, void *(*run)(void *), bool threads)
{
    pthread_t *tids = na_xcalloc(n ? n : 1, sizeof *tids);
    bool *started = na_xcalloc(n ? n : 1, sizeof *started);
    for (size_t i = 0; i < n; i++) {
        void *job = (char *)jobs + i * size;
        if (threads && n > 1)
            started[i] = pthread_create(&tids[i], NULL, run, job) == 0;
        if (!started[i])
            run(job);
    }
    for (size_t i = 0; i < n; i++)
        if (started[i])
            pthread_join(tids[i], NULL);
    free(tids);
    free(started);
}

/* Opens C's N specs; caller frees the array and closes the handles. */
static shard_open_t *shards_open(na_engine_conn_t *c, size_t n)
{
    shard_open_t *o = na_xcalloc(n ? n : 1, sizeof *o);
    bool any_remote = false;
    for (size_t i = 0; i < n; i++) {
        o[i].spec = c->specs.items[i];
        o[i].remote = &c->eng->remote;
        any_remote |= is_remote(c->specs.items[i]);
    }
    run_jobs(o, n, sizeof *o, shard_open_run, any_remote);
    return o;
}

static na_status_t conn_connect(na_engine_conn_t *c, na_error_t *err)
{
    na_engine_t *e = c->eng;
    const char *const *specs = (const char *const *)e->specs.items;
    for (size_t i = 0; i < e->specs.count; i++) {
        struct stat sb;
        if (is_remote(specs[i]) || stat(specs[i], &sb) == 0)
            continue;
        if (e->from_config)
            return na_error_set(err, NA_ERR_DATABASE, "no database at '%s': run 'newsarc-index PATH...' to create it",
                                specs[i]);
        return na_error_set(err, NA_ERR_DATABASE,
                            "no database at '%s': run 'newsarc-index -d %s PATH...' to create it", specs[i],
                            specs[i]);
    }
    for (size_t i = 0; i < e->specs.count; i++)
        expand_spec(c, specs[i], 0);
    size_t n = c->specs.count;
    c->shards = na_xcalloc(n ? n : 1, sizeof *c->shards);
    na_xdb_t **parts = na_xcalloc(n ? n : 1, sizeof *parts);
    na_status_t st = NA_OK;
    na_error_t why;
    shard_open_t *opened = shards_open(c, n);
    for (size_t i = 0; st == NA_OK && i < n; i++) {
        const char *spec = c->specs.items[i];
        na_xdb_t *db = opened[i].db;
        na_status_t o = opened[i].st;
        why = opened[i].why;
        opened[i].db = NULL;
        if (o == NA_OK) {
            c->remote |= is_remote(spec);
            c->shards[c->shard_count].spec = spec;
            c->shards[c->shard_count].db = db;
            parts[c->shard_count++] = db;
        } else if (n == 1) {
            st = na_error_set(err, NA_ERR_DATABASE, "cannot open database '%s': %s", spec, why.message);
        } else if (!e->partial) {
            st = na_error_set(err, NA_ERR_DATABASE, "cannot open shard '%s': %s", spec, why.message);
        } else {
            na_strlist_add(&c->failed, spec);
            na_strlist_add(&c->why, why.message);
        }
    }
    for (size_t i = 0; i < n; i++)
        na_xdb_close(opened[i].db); /* those after a failure */
    free(opened);
    if (st == NA_OK && !c->shard_count)
        st = na_error_set(err, NA_ERR_DATABASE, "no shard can be opened: '%s': %s", c->failed.items[0],
                          c->why.items[0]);
    if (st == NA_OK && na_xdb_combine(parts, c->shard_count, &c->db, &why) != NA_OK)
        st = na_error_set(err, NA_ERR_DATABASE, "cannot open the databases: %s", why.message);
    free(parts);
    if (st)
        return st;
    if (e->sort_ranks)
        na_xdb_keep_ranks(c->db);
    /* An article has one date, so at most one term of each grain: a
     * range of whole months or days is counted from its terms' frequencies. */
    na_xdb_declare_single_term(c->db, NA_PREFIX_YEAR, 4);
    na_xdb_declare_single_term(c->db, NA_PREFIX_MONTH, 6);
    na_xdb_declare_single_term(c->db, NA_PREFIX_DAY, 8);
    /* Every query reads the indexed stopwords: once per revision. */
    na_xdb_keep_metadata(c->db, NA_META_STOPWORDS);
    /* A database written by a newer layout would be misread: refuse it. */
    char *version = NULL;
    size_t len = 0;
    st = na_xdb_get_metadata(c->db, NA_META_SCHEMA, &version, &len, &why);
    if (st == NA_OK && len && (len != strlen(NA_SCHEMA_VERSION) || memcmp(version, NA_SCHEMA_VERSION, len) != 0))
        st = na_error_set(err, NA_ERR_DATABASE, "database '%s' has layout %.*s; this newsarc-search reads layout %s",
                          specs[0], (int)len, version, NA_SCHEMA_VERSION);
    else if (st && st != NA_ERR_NOT_FOUND)
        st = na_error_set(err, NA_ERR_DATABASE, "cannot read database '%s': %s", specs[0], why.message);
    else
        st = NA_OK;
    free(version);
    return st;
}

na_status_t na_engine_conn_open(na_engine_t *eng, na_engine_conn_t **out, na_error_t *err)
{
    na_engine_conn_t *c = na_xcalloc(1, sizeof *c);
    c->eng = eng;
    na_status_t st = conn_connect(c, err);
    if (st) {
        na_engine_conn_free(c);
        c = NULL;
    }
    *out = c;
    return st;
}

static na_status_t conn_reconnect(na_engine_conn_t *c, na_error_t *err)
{
    conn_close(c);
    return conn_connect(c, err);
}

na_status_t na_engine_conn_refresh(na_engine_conn_t *c, na_error_t *err)
{
    /* Shards left out are tried again: they may be back. */
    bool whole = !c->db || c->failed.count;
    for (size_t i = 0; !whole && i < c->watch_count; i++)
        whole = watch_changed(&c->watches[i]);
    for (size_t i = 0; !whole && i < c->shard_count; i++)
        whole = na_xdb_stub_changed(c->shards[i].db);
    if (whole)
        return conn_reconnect(c, err);
    na_error_t why;
    /* Cheap when nothing changed: Xapian compares revisions.  The shards
     * share their databases with the combined handle, whose stubs are
     * theirs, just read. */
    bool changed = true;
    na_status_t st = na_xdb_refresh_revision(c->db, &changed, &why);
    if (st)
        return conn_reconnect(c, err);
    if (changed)
        na_strmap_release(&c->forms, free);
    return NA_OK;
}

/* The shard holding DOCID of C's combined database, and (when IN_SHARD
 * is not NULL) its docid there: Xapian interleaves the docids of N
 * databases, document d of shard k (from 0) being (d - 1) * N + k + 1. */
static size_t shard_of(const na_engine_conn_t *c, na_docid_t docid, na_docid_t *in_shard)
{
    size_t n = c->shard_count > 1 ? c->shard_count : 1;
    if (in_shard)
        *in_shard = (na_docid_t)((docid - 1) / n + 1);
    return (size_t)(docid - 1) % n;
}

/* Appends the original bytes of the article whose document data is VIEW
 * and whose docid in the combined database is DOCID. */
static na_status_t read_raw(na_engine_conn_t *c, na_docid_t docid, const na_record_view_t *view, na_buf_t *out,
                            na_error_t *err)
{
    shard_t *sh = &c->shards[shard_of(c, docid, NULL)];
    if (!sh->reader)
        sh->reader = na_record_reader_new(sh->db);
    return na_record_reader_raw(sh->reader, view, out, err);
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* ---- metadata: record.h reads it, na_record_meta_load() as shown ---- */

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

static void warning(search_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warning(search_t *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    na_buf_t b = NA_BUF_INIT;
    na_buf_vaddf(&b, fmt, ap);
    va_end(ap);
    na_strlist_take(s->warnings, na_buf_detach(&b, NULL));
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

/* na_query_is_word_byte() as a table: snippet_window() asks it of every
 * byte of every lead it reads, and a call per byte was a fifth of the
 * window's cost. */
static bool word_bytes[256];
static pthread_once_t word_bytes_once = PTHREAD_ONCE_INIT;

static void word_bytes_fill(void)
{
    for (unsigned c = 0; c < 256; c++)
        word_bytes[c] = na_query_is_word_byte((unsigned char)c);
}

/* Sets up S->qwords from S->words.  A word of the text looks like a form
 * of the query word W when it starts with W's first K bytes, case aside:
 * a stem shares most of its word's start ("prices", "priced": "pric").
 * This only chooses where to look; Xapian decides what is highlighted. */
static void snippet_prepare(search_t *s)
{
    pthread_once(&word_bytes_once, word_bytes_fill);
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
        unsigned char top = (unsigned char)text[i];
        if (!word_bytes[top])
            continue;
        size_t j = i + 1; /* the word is [i, j) */
        while (j < len && word_bytes[(unsigned char)text[j]]) {
            if ((unsigned char)text[j] > top)
                top = (unsigned char)text[j];
            j++;
        }
        if (j == len && !whole) { /* it may go on past the start given */
            known = i;
            break;
        }
        /* Query words are accent-folded, so the word is compared folded:
         * "Grímsson" is a hit for "grimsson". */
        const char *word = text + i;
        size_t wlen = j - i;
        char fold[64];
        if (wlen < sizeof fold && top >= 0xc3 && na_utf8_folds(word, wlen)) { /* no byte below 0xc3 folds */
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
 * plain text with the request's highlighting, or to NULL when Xapian
 * fails (ERR says why).  TEXT and WHOLE as for snippet_window(): returns
 * false, setting nothing, when the start of the text given cannot tell. */
static bool make_snippet(search_t *s, na_xmset_t *mset, const char *text, size_t len, bool whole, char **out,
                         na_error_t *err)
{
    window_t w;
    if (!snippet_window(s, text, len, whole, &w))
        return false;
    *out = NULL;
    char *plain;
    if (*s->hl_start || *s->hl_end) {
        char *hl = NULL;
        if (na_xmset_snippet(mset, text + w.a, w.b - w.a, SNIPPET_BYTES, s->cfg->language, s->hl_start,
                             s->hl_end, "...", &hl, err) != NA_OK)
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
        /* Built by hand: a formatted print cost more than the rest of
         * the snippet's making. */
        size_t a = cut_start ? 3 : 0, e = cut_end ? 3 : 0;
        char *marked = na_xmalloc(a + plen + e + 1);
        memcpy(marked, "...", a);
        memcpy(marked + a, plain, plen);
        memcpy(marked + a + plen, "...", e);
        marked[a + plen + e] = '\0';
        free(plain);
        plain = marked;
    }
    *out = plain;
    return true;
}
/* ---- searching ---- */

/* Adds facet SPEC to ENQ: its slot (a mentioned grain's own), packed for
 * a multi-valued field, and for a field whose terms hold exactly the
 * keys its slot does (the folded multi-valued ones; mentioned mixes its
 * grains under one prefix) the prefix from whose term frequencies a
 * match of every document is counted.  Returns the facet's index. */
static int facet_add(na_xenquire_t *enq, const facet_spec_t *spec)
{
    const na_field_info_t *f = spec->field;
    bool mentioned = f == &na_fields[NA_FIELD_MENTIONED];
    na_slot_t slot = mentioned ? na_mentioned_grains[spec->grain].slot : f->slot;
    const char *prefix = f->multi && !mentioned && na_schema_folded(f) ? f->prefix : NULL;
    return na_xenquire_add_facet(enq, slot, f->multi, prefix);
}

/* The hits of a page and what their printed form borrows. */
struct na_hit_store {
    na_record_meta_t *metas;
    char **data;
    char **snippets;
    size_t count;
};

static void hit_store_free(na_hit_store_t *hs)
{
    if (!hs)
        return;
    for (size_t i = 0; i < hs->count; i++) {
        na_record_meta_release(&hs->metas[i]);
        free(hs->data[i]);
        free(hs->snippets[i]);
    }
    free(hs->metas);
    free(hs->data);
    free(hs->snippets);
    free(hs);
}

static const na_record_list_t no_sources = { NULL, 0 };

/* A page's documents over remote shards.  Reading a hit's document is a
 * round trip to its shard, and one hit after another the page waits for
 * each in turn; so each shard's hits are read from its own thread, and
 * the page waits about as long as for the shard with most of them. */
typedef struct {
    na_xdb_t *db;       /* the shard alone */
    const na_docid_t *docids; /* N docids in the shard */
    const size_t *hits; /* N indexes into the page */
    size_t n;
    char **data;        /* the page's, by hit index */
    size_t *lens;
    na_status_t st;
    na_error_t err;
} page_job_t;

static void *page_job_run(void *arg)
{
    page_job_t *j = arg;
    for (size_t i = 0; j->st == NA_OK && i < j->n; i++)
        j->st = na_xdb_get_data(j->db, j->docids[i], &j->data[j->hits[i]], &j->lens[j->hits[i]], &j->err);
    return NULL;
}

/* Reads the documents of MSET's N hits into DATA and LENS (caller frees
 * each DATA[i]), each shard's from its own thread. */
static na_status_t page_fetch(na_engine_conn_t *c, na_xmset_t *mset, size_t n, char **data, size_t *lens,
                              na_error_t *err)
{
    size_t ns = c->shard_count;
    page_job_t *jobs = na_xcalloc(ns, sizeof *jobs);
    na_docid_t *docids = na_xcalloc(n ? n : 1, sizeof *docids);
    size_t *hits = na_xcalloc(n ? n : 1, sizeof *hits);
    /* Grouped by shard. */
    size_t at = 0;
    for (size_t k = 0; k < ns; k++) {
        jobs[k] = (page_job_t){ c->shards[k].db, docids + at, hits + at, 0, data, lens, NA_OK, { 0 } };
        for (size_t i = 0; i < n; i++) {
            na_docid_t d;
            if (shard_of(c, na_xmset_docid(mset, i), &d) == k) {
                docids[at] = d;
                hits[at++] = i;
                jobs[k].n++;
            }
        }
    }
    run_jobs(jobs, ns, sizeof *jobs, page_job_run, true);
    na_status_t st = NA_OK;
    for (size_t k = 0; st == NA_OK && k < ns; k++)
        if (jobs[k].st)
            st = na_error_set(err, jobs[k].st, "%s", jobs[k].err.message);
    free(docids);
    free(hits);
    free(jobs);
    return st;
}

/* Loads hit I of MSET into slot K of the store: metadata and, when
 * SNIPPETS, the snippet.  DATA (may be NULL: read it from MSET) is the
 * hit's document, LEN bytes, which the store takes. */
static na_status_t load_hit(search_t *s, na_xmset_t *mset, size_t i, char *data, size_t len, na_hit_store_t *hs,
                            size_t k, bool snippets, na_error_t *err)
{
    na_status_t st = data ? NA_OK : na_xmset_data(mset, i, &data, &len, err);
    if (st)
        return st;
    na_docid_t docid = na_xmset_docid(mset, i);
    na_record_view_t view;
    na_record_meta_t *meta = &hs->metas[k];
    hs->data[k] = data;
    bool readable = na_record_decode(data, len, &view, NULL) == NA_OK;
    if (!na_record_meta_load(readable ? view.meta : "", readable ? view.meta_len : 0, false, meta))
        warning(s, "document %u: unreadable metadata", docid);
    if (s->req->hide_sources)
        meta->sources = no_sources;
    if (!snippets)
        return NA_OK;
    /* The snippet comes from the article's text, which is not in the
     * index: from the start of it kept in the metadata when that is
     * enough, else decompress the stored original and parse it again.
     * A record without a lead has no text: the indexer gives every
     * non-empty text a lead (na_record_meta_add_lead()), the parsers give
     * a text that is blank none, and a database of another layout is
     * rebuilt before it is searched; so its original would be parsed
     * again for no snippet. */
    char *snippet = NULL;
    na_error_t why;
    bool done = !meta->lead ||
                make_snippet(s, mset, meta->lead, strlen(meta->lead), !meta->lead_cut, &snippet, &why);
    na_buf_reset(&s->raw);
    if (done) {
        /* from the lead, or none */
    } else if (readable) {
        s->originals_read++;
        if (read_raw(s->conn, docid, &view, &s->raw, &why) == NA_OK) {
            size_t blen = 0;
            char *body = article_body(meta->format, &s->raw, &blen);
            if (body)
                make_snippet(s, mset, body, blen, true, &snippet, &why);
            free(body);
        } else {
            warning(s, "'%s': no snippet: %s", meta->id ? meta->id : "?", why.message);
        }
    }
    hs->snippets[k] = snippet;
    return NA_OK;
}

/* ---- facets ---- */

/* Display forms are read after counting, per printed value and shard,
 * and through xapian-tcpsrv each read is a round trip.  So the reads of
 * one facet go out together, every shard's from its own thread when
 * shards are remote (the latency is then one shard's, not their sum), and
 * what was read is kept per connection until a reopen sees a new
 * revision, so a server reads each form once. */

/* Forms kept per connection at most: past this the cache starts again. */
#define FORMS_CACHE_MAX 65536

/* The reads of one shard. */
typedef struct {
    na_xdb_t *db;
    char *const *mkeys;
    size_t n;
    char **vals; /* N entries, NULL when the shard has none */
    size_t *lens;
    na_status_t st;
    na_error_t err;
} meta_job_t;

static void *meta_job_run(void *arg)
{
    meta_job_t *j = arg;
    for (size_t i = 0; j->st == NA_OK && i < j->n; i++) {
        j->st = na_xdb_get_metadata(j->db, j->mkeys[i], &j->vals[i], &j->lens[i], &j->err);
        if (j->st == NA_ERR_NOT_FOUND)
            j->st = NA_OK;
    }
    return NULL;
}

/* Sets FORMS[i] to the form to print for KEYS[i] (N values of the folded
 * field F as counted): the most frequent spelling the display entries of
 * all shards give it, or NULL (print the key) when none has an entry.
 * Caller frees each FORMS[i]. */
static na_status_t display_forms(search_t *s, const na_field_info_t *f, char *const *keys, size_t n, char **forms,
                                 na_error_t *err)
{
    na_engine_conn_t *c = s->conn;
    char **mkeys = na_xcalloc(n ? n : 1, sizeof *mkeys);
    size_t *want = na_xcalloc(n ? n : 1, sizeof *want); /* the values not cached */
    size_t nw = 0;
    for (size_t i = 0; i < n; i++) {
        forms[i] = NULL;
        char *mkey = na_schema_display_meta_key(f, keys[i]);
        const char *hit = na_strmap_get(&c->forms, mkey);
        if (hit) {
            forms[i] = *hit ? na_xstrdup(hit) : NULL;
            free(mkey);
        } else {
            want[nw] = i;
            mkeys[nw++] = mkey;
        }
    }
    na_status_t st = NA_OK;
    size_t ns = c->shard_count;
    meta_job_t *jobs = na_xcalloc(ns ? ns : 1, sizeof *jobs);
    for (size_t k = 0; nw && k < ns; k++) {
        meta_job_t *j = &jobs[k];
        j->mkeys = mkeys;
        j->n = nw;
        j->vals = na_xcalloc(nw, sizeof *j->vals);
        j->lens = na_xcalloc(nw, sizeof *j->lens);
        j->db = c->shards[k].db;
    }
    if (nw)
        run_jobs(jobs, ns, sizeof *jobs, meta_job_run, c->remote);
    for (size_t k = 0; nw && k < ns; k++) {
        if (st == NA_OK && jobs[k].st) {
            st = jobs[k].st;
            na_error_set(err, st, "%s", jobs[k].err.message);
        }
    }
    /* Summed in shard order whatever order the reads ended in. */
    for (size_t w = 0; st == NA_OK && w < nw; w++) {
        size_t i = want[w];
        na_display_tally_t tally = NA_DISPLAY_TALLY_INIT;
        for (size_t k = 0; k < ns; k++)
            if (jobs[k].vals[w])
                na_display_tally_add_stored(&tally, keys[i], jobs[k].vals[w], jobs[k].lens[w]);
        const char *best = na_display_tally_best(&tally);
        forms[i] = best ? na_xstrdup(best) : NULL;
        if (c->forms.count >= FORMS_CACHE_MAX)
            na_strmap_release(&c->forms, free);
        free(na_strmap_put(&c->forms, mkeys[w], na_xstrdup(best ? best : "")));
        na_display_tally_release(&tally);
    }
    for (size_t k = 0; nw && k < ns; k++) {
        for (size_t w = 0; w < nw; w++)
            free(jobs[k].vals[w]);
        free(jobs[k].vals);
        free(jobs[k].lens);
    }
    if (st)
        for (size_t i = 0; i < n; i++) {
            free(forms[i]);
            forms[i] = NULL;
        }
    for (size_t w = 0; w < nw; w++)
        free(mkeys[w]);
    free(mkeys);
    free(want);
    free(jobs);
    return st;
}

/* Whether PREFIX (folded) starts KEY or one of its words. */
static bool key_matches(const char *key, const char *prefix)
{
    size_t n = strlen(prefix);
    for (const char *p = key; p; p = strchr(p, ' ')) {
        if (*p == ' ')
            p++;
        if (strncmp(p, prefix, n) == 0)
            return true;
    }
    return false;
}

static int by_value(const void *a, const void *b)
{
    return strcmp(((const na_xfacet_count_t *)a)->value, ((const na_xfacet_count_t *)b)->value);
}

static int by_count(const void *a, const void *b)
{
    const na_xfacet_count_t *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->value, y->value);
}

/* The day facet counts the sortable date slot ("YYYYMMDDHHMMSS") by its
 * first eight digits: each article has one date, so the sum per day is
 * exact.  A month-precise date (day 00) has no day.  Replaces the N
 * VALUES with the days, most frequent first, at most MAX (0: all). */
static void days_from_dates(na_xfacet_count_t **values, size_t *n, size_t max)
{
    na_xfacet_count_t *in = *values;
    na_xfacet_count_t *out = na_xcalloc(*n ? *n : 1, sizeof *out);
    size_t k = 0;
    /* Sorted by value, equal days are neighbours. */
    qsort(in, *n, sizeof *in, by_value);
    for (size_t i = 0; i < *n; i++) {
        const char *v = in[i].value;
        if (strlen(v) < 8 || strncmp(v + 6, "00", 2) == 0)
            continue;
        char day[11];
        snprintf(day, sizeof day, "%.4s-%.2s-%.2s", v, v + 4, v + 6);
        if (k && strcmp(out[k - 1].value, day) == 0) {
            out[k - 1].count += in[i].count;
            continue;
        }
        out[k].value = na_xstrdup(day);
        out[k++].count = in[i].count;
    }
    na_xfacet_free(in, *n);
    qsort(out, k, sizeof *out, by_count);
    if (max && k > max) {
        for (size_t i = max; i < k; i++)
            free(out[i].value);
        k = max;
    }
    *values = out;
    *n = k;
}

/* Whether a filter of R names the field SPEC counts. */
static bool facet_filtered(const na_request_t *r, const facet_spec_t *spec)
{
    for (size_t i = 0; i < r->filters.count; i++) {
        const na_field_info_t *f;
        const char *value;
        if (na_query_filter_split(r->filters.items[i], &f, &value, NULL) == NA_OK && f == spec->field)
            return true;
    }
    return false;
}

static na_status_t build_query(search_t *s, const char *const *filters, size_t count, na_xquery_t **q,
                               na_error_t *err)
{
    return na_query_build_with(s->conn->db, s->cfg, s->conn->eng->norm, s->req->query, filters, count, q, err);
}

static void apply_budget(search_t *s, na_xenquire_t *enq)
{
    unsigned ms = s->conn->eng->limits.time_budget_ms;
    if (ms && !s->req->all)
        na_xenquire_set_time_limit(enq, ms / 1000.0);
}

/* Whether a run that took MS and gave MSET counted every match. */
static bool run_complete(search_t *s, const na_xmset_t *mset, double ms)
{
    unsigned budget = s->conn->eng->limits.time_budget_ms;
    /* Bounds can agree (a one-term query) while the spies stopped early,
     * so a run that reached the budget is taken as stopped by it. */
    return na_xmset_exact(mset) && (!budget || s->req->all || ms < budget);
}

/* Counts facet SPEC disjunctively: over the matches of the query with
 * every filter except those on SPEC's own field, so that choosing one of
 * its values leaves the others' counts standing.  A second exact match,
 * counting only.  *VALUES as for na_xenquire_facet(), at most MAX. */
static na_status_t count_unfiltered(search_t *s, const facet_spec_t *spec, size_t max, na_xfacet_count_t **values,
                                    size_t *n, bool *complete, na_error_t *err)
{
    const na_request_t *r = s->req;
    *values = NULL;
    *n = 0;
    na_strlist_t others = NA_STRLIST_INIT;
    for (size_t i = 0; i < r->filters.count; i++) {
        const na_field_info_t *f;
        const char *value;
        if (na_query_filter_split(r->filters.items[i], &f, &value, NULL) == NA_OK && f != spec->field)
            na_strlist_add(&others, r->filters.items[i]);
    }
    na_xquery_t *q = NULL;
    na_xenquire_t *enq = NULL;
    na_xmset_t *mset = NULL;
    na_status_t st = build_query(s, (const char *const *)others.items, others.count, &q, err);
    if (st == NA_OK)
        st = na_xenquire_new(s->conn->db, &enq, err);
    if (st == NA_OK) {
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        na_xenquire_set_query(enq, q);
        apply_budget(s, enq);
        int index = facet_add(enq, spec);
        st = na_xenquire_run(enq, 0, 0, true, &mset, err);
        if (st == NA_OK && !run_complete(s, mset, ms_since(&t0)))
            *complete = false;
        if (st == NA_OK)
            st = na_xenquire_facet(enq, index, max, values, n, err);
    }
    na_xmset_free(mset);
    na_xenquire_free(enq);
    na_xquery_free(q);
    na_strlist_clear(&others);
    return st;
}

/* Fills OUT with facet NAME, SPEC as parsed: from the main match ENQ
 * (its INDEX there) when no filter is on its field, else counted on its
 * own; the values as printed, keeping only those PREFIX (may be NULL)
 * matches. */
static na_status_t facet_collect(search_t *s, na_xenquire_t *enq, const char *name, facet_spec_t spec, int index,
                                 const char *prefix, bool *complete, na_facet_result_t *out, na_error_t *err)
{
    out->name = na_xstrdup(name);
    bool day = spec.field == &na_fields[NA_FIELD_DAY];
    bool folded = na_schema_folded(spec.field);
    char *fprefix = prefix && *prefix ? (folded ? na_schema_value_key(spec.field, prefix) : na_xstrdup(prefix)) : NULL;
    if (fprefix && !folded)
        for (char *c = fprefix; *c; c++)
            *c = (char)na_ascii_lower((unsigned char)*c);
    /* Cut after choosing: the day facet sums values first, a prefix drops some. */
    size_t max = day || fprefix ? 0 : s->req->facet_size;
    na_xfacet_count_t *values = NULL;
    size_t n = 0;
    na_status_t st = NA_OK;
    if (index < 0)
        st = count_unfiltered(s, &spec, max, &values, &n, complete, err);
    else
        st = na_xenquire_facet(enq, index, max, &values, &n, err);
    if (st == NA_OK && day)
        days_from_dates(&values, &n, fprefix ? 0 : s->req->facet_size);
    out->values = na_xcalloc(n ? n : 1, sizeof *out->values);
    for (size_t i = 0; st == NA_OK && i < n; i++) {
        if (fprefix && !key_matches(values[i].value, fprefix))
            continue;
        if (fprefix && s->req->facet_size && out->count >= s->req->facet_size)
            break;
        out->values[out->count].value = values[i].value; /* the key, replaced below */
        values[i].value = NULL;
        out->values[out->count++].count = values[i].count;
    }
    if (st == NA_OK && folded && out->count) {
        char **keys = na_xcalloc(out->count, sizeof *keys);
        char **forms = na_xcalloc(out->count, sizeof *forms);
        for (size_t i = 0; i < out->count; i++)
            keys[i] = out->values[i].value;
        st = display_forms(s, spec.field, keys, out->count, forms, err);
        for (size_t i = 0; st == NA_OK && i < out->count; i++)
            if (forms[i]) {
                free(out->values[i].value);
                out->values[i].value = forms[i];
            }
        free(keys);
        free(forms);
    }
    free(fprefix);
    na_xfacet_free(values, n);
    return st;
}

static void search_init(search_t *s, na_engine_conn_t *conn, const na_request_t *r, na_result_t *out)
{
    memset(s, 0, sizeof *s);
    s->conn = conn;
    s->req = r;
    s->cfg = conn->eng->cfg;
    s->hl_start = r->hl_start ? r->hl_start : "";
    s->hl_end = r->hl_end ? r->hl_end : "";
    s->warnings = &out->warnings;
}

static void search_release(search_t *s)
{
    na_strlist_clear(&s->words);
    na_buf_release(&s->raw);
}

/* Whether ERR is Xapian's word that the database changed under a reader,
 * or that a remote shard failed: then the connection reopens (leaving a
 * shard that fails again out, or failing for it, as shard_failure says)
 * and the request runs once more. */
static bool db_modified(na_status_t st, const na_error_t *err)
{
    return st == NA_ERR_DATABASE && err &&
           (strstr(err->message, "DatabaseModifiedError") || strncmp(err->message, "Network", 7) == 0);
}

/* Every order ends in NA_SLOT_SORT (date, then id), never in docids, so
 * that a page does not depend on how the archive is split; equal scores
 * put the newest first. */
static void set_sort(na_xenquire_t *enq, na_sort_t sort)
{
    if (sort == NA_SORT_RELEVANCE)
        na_xenquire_set_sort_relevance_then(enq, NA_SLOT_SORT, true);
    else
        na_xenquire_set_sort(enq, NA_SLOT_SORT, sort == NA_SORT_NEWEST);
}

/* Copies the shards C left out into OUT, each with a warning. */
static void note_failed(const na_engine_conn_t *c, na_result_t *out)
{
    out->shards = (unsigned)(c->shard_count + c->failed.count);
    for (size_t i = 0; i < c->failed.count; i++) {
        na_strlist_add(&out->failed_shards, c->failed.items[i]);
        na_strlist_add(&out->failed_errors, c->why.items[i]);
        na_strlist_take(&out->warnings, na_xasprintf("shard '%s' left out of the answer: %s", c->failed.items[i],
                                                     c->why.items[i]));
    }
}

/* ---- the page of a weightless query ---- */

/* A query of filters alone weighs every match 0, so by relevance (or
 * newest first) its page is its newest matches by NA_SLOT_SORT, which
 * starts with the date.  Xapian finds them by reading the sort value of
 * every match, which for a filter matching thousands of articles costs
 * several times all the rest of the search.  The date terms tell where
 * the newest articles are: an article sorts at or after day D of month
 * M (value YYYYMMDD000000 on) exactly when it has a day term of M from D
 * on, a month term of a later month or a year term of a later year, the
 * terms and the value being written from the one date (the indexer's
 * add_date()).  So the page is looked for among the newest articles
 * first, more of them until it fills, and the total and facets come
 * from a run that sorts nothing. */

/* How many matches a page must at least be a part of to be cut for: a
 * sort of fewer costs less than the tries. */
#define CUT_MIN_MATCHES 16

/* Date terms of one grain, oldest first, with their frequencies. */
typedef struct {
    struct date_term {
        char term[NA_DATE_TERM_SIZE];
        unsigned freq;
    } *items;
    size_t count, alloc;
    size_t digits; /* after the prefix: 4, 6 or 8 */
} date_terms_t;

static bool date_term_add(const char *term, size_t len, unsigned freq, void *ud)
{
    date_terms_t *t = ud;
    if (len != 1 + t->digits || len >= NA_DATE_TERM_SIZE)
        return true;
    for (size_t i = 1; i < len; i++)
        if (term[i] < '0' || term[i] > '9')
            return true;
    if (t->count == t->alloc) {
        t->alloc = t->alloc ? 2 * t->alloc : 16;
        t->items = na_xrealloc(t->items, t->alloc * sizeof *t->items);
    }
    memcpy(t->items[t->count].term, term, len + 1);
    t->items[t->count++].freq = freq;
    return true;
}

static na_status_t date_terms_read(na_xdb_t *db, const char *prefix, size_t digits, date_terms_t *out,
                                   na_error_t *err)
{
    memset(out, 0, sizeof *out);
    out->digits = digits;
    return na_xdb_each_term(db, prefix, date_term_add, out, err);
}

/* Sets *OUT to a filter on the articles from some day on that holds at
 * least TARGET dated articles, as few more as the terms allow, counting
 * from the month TOP (an index into MONTHS) down, when the query has no
 * match in any later month or year (see newest_match()); NULL when that
 * takes in every month. */
static na_status_t date_cut(na_xdb_t *db, const date_terms_t *months, const date_terms_t *years, size_t top,
                            unsigned long target, na_xquery_t **out, na_error_t *err)
{
    *out = NULL;
    unsigned long have = 0;
    size_t m = top + 1;
    while (m > 0 && have + months->items[m - 1].freq < target)
        have += months->items[--m].freq;
    if (m == 0)
        return NA_OK;
    const char *cut = months->items[m - 1].term; /* MYYYYMM */
    na_xquery_t *f = NULL;
    for (size_t i = m; i <= top; i++)
        f = na_xquery_combine(NA_XQ_OR, f, na_xquery_term(months->items[i].term));
    const char *newest = months->items[top].term;
    for (size_t i = 0; i < years->count; i++)
        if (strncmp(years->items[i].term + 1, cut + 1, 4) > 0 &&
            (top + 1 == months->count || strncmp(years->items[i].term + 1, newest + 1, 4) <= 0))
            f = na_xquery_combine(NA_XQ_OR, f, na_xquery_term(years->items[i].term));
    /* The cut month's newest days, or all of it when they hold too few
     * (its articles dated to the month alone sort before its days). */
    char prefix[NA_DATE_TERM_SIZE];
    snprintf(prefix, sizeof prefix, "D%s", cut + 1);
    date_terms_t days;
    na_status_t st = date_terms_read(db, prefix, 8, &days, err);
    size_t d = days.count;
    while (st == NA_OK && d > 0 && have < target)
        have += days.items[--d].freq;
    /* A day's term more costs a posting list opened, less than sorting
     * a few more articles. */
    if (st == NA_OK && have >= target)
        for (size_t i = d; i < days.count; i++)
            f = na_xquery_combine(NA_XQ_OR, f, na_xquery_term(days.items[i].term));
    else if (st == NA_OK)
        f = na_xquery_combine(NA_XQ_OR, f, na_xquery_term(cut));
    free(days.items);
    if (st)
        na_xquery_free(f);
    else
        *out = f;
    return st;
}

/* Sets *ANY to whether Q has a match among the articles with TERM. */
static na_status_t any_match(na_xdb_t *db, const na_xquery_t *q, const char *term, bool *any, na_error_t *err)
{
    na_xenquire_t *enq = NULL;
    na_xmset_t *mset = NULL;
    na_status_t st = na_xenquire_new(db, &enq, err);
    if (st == NA_OK) {
        na_xquery_t *pq = na_xquery_combine(NA_XQ_FILTER, na_xquery_copy(q), na_xquery_term(term));
        na_xenquire_set_query(enq, pq);
        na_xenquire_set_sort(enq, -1, false); /* all weigh 0: the first match in docid order will do */
        st = na_xenquire_run(enq, 0, 1, false, &mset, err);
        na_xquery_free(pq);
    }
    *any = st == NA_OK && na_xmset_size(mset) > 0;
    na_xmset_free(mset);
    na_xenquire_free(enq);
    return st;
}

/* Sets *TOP to the index in MONTHS of the newest month in which Q has a
 * match, when Q has none in a later year; else to MONTHS' last.  A query of its own
 * dates (date:1987-03) has none among the newest articles, where the cut
 * would look for its page in vain: one look at each year from the newest,
 * then at each month of the year found. */
static na_status_t newest_match(na_xdb_t *db, const na_xquery_t *q, const date_terms_t *months,
                                const date_terms_t *years, size_t *top, na_error_t *err)
{
    *top = months->count - 1;
    bool any = false;
    na_status_t st = NA_OK;
    size_t y = years->count;
    while (st == NA_OK && !any && y > 0)
        st = any_match(db, q, years->items[--y].term, &any, err);
    if (st || !any)
        return st;
    const char *year = years->items[y].term + 1;
    size_t m = months->count;
    while (m > 0 && strncmp(months->items[m - 1].term + 1, year, 4) > 0)
        m--;
    for (any = false; st == NA_OK && !any && m > 0 && strncmp(months->items[m - 1].term + 1, year, 4) == 0;)
        st = any_match(db, q, months->items[--m].term, &any, err);
    /* None in a month: its matches there are dated to the year alone. */
    if (st == NA_OK && any)
        *top = m;
    return st;
}

/* Sets *MSET to the page OFFSET, LIMIT of weightless query Q among its
 * TOTAL matches (exactly counted), newest first, read with sort SORT.
 * *PAGE is the enquire it came from (caller frees). */
static na_status_t page_by_date(search_t *s, const na_xquery_t *q, unsigned offset, unsigned limit, unsigned total,
                                na_xenquire_t **page, na_xmset_t **mset, na_error_t *err)
{
    na_xdb_t *db = s->conn->db;
    unsigned long want = (unsigned long)offset + limit, fill = total > offset ? total - offset : 0;
    if (fill > limit)
        fill = limit;
    int tries = total / CUT_MIN_MATCHES > want ? 0 : 3;
    date_terms_t months, years;
    memset(&months, 0, sizeof months);
    memset(&years, 0, sizeof years);
    na_status_t st = tries < 3 ? date_terms_read(db, NA_PREFIX_MONTH, 6, &months, err) : NA_OK;
    if (st == NA_OK && tries < 3)
        st = date_terms_read(db, NA_PREFIX_YEAR, 4, &years, err);
    /* Twice the articles that would hold the page were matches spread
     * evenly over time, from the newest match on after a first miss, then
     * eight times more at each try. */
    unsigned long target = total ? 2 * want * na_xdb_doccount(db) / total + want : 0;
    size_t top = months.count ? months.count - 1 : 0;
    for (; st == NA_OK && !*mset; tries++) {
        na_xquery_t *cut = NULL;
        /* A first try that misses may be a query of old articles: look
         * for its newest month, and count from there. */
        if (tries == 1)
            st = newest_match(db, q, &months, &years, &top, err);
        if (st == NA_OK && tries < 3 && total && months.count)
            st = date_cut(db, &months, &years, top, target, &cut, err);
        if (st)
            break;
        na_xquery_t *pq = cut ? na_xquery_combine(NA_XQ_FILTER, na_xquery_copy(q), cut) : na_xquery_copy(q);
        na_xenquire_free(*page);
        *page = NULL;
        st = na_xenquire_new(db, page, err);
        if (st == NA_OK) {
            na_xenquire_set_query(*page, pq);
            set_sort(*page, s->req->sort);
            st = na_xenquire_run(*page, offset, limit, false, mset, err);
        }
        na_xquery_free(pq);
        if (st == NA_OK && cut && na_xmset_size(*mset) < fill) {
            na_xmset_free(*mset);
            *mset = NULL;
            if (tries) /* the first miss moves the start, not the size */
                target *= 8;
        }
    }
    free(months.items);
    free(years.items);
    return st;
}

static na_status_t run_search(na_engine_conn_t *conn, const na_request_t *r, bool facets_only, na_result_t *out,
                              na_error_t *err)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    search_t s;
    search_init(&s, conn, r, out);
    out->query = r->query ? r->query : "";
    out->offset = r->offset;
    out->limit = r->limit;
    out->count_only = r->count;
    out->complete = true;
    na_xquery_t *q = NULL;
    na_status_t st = build_query(&s, (const char *const *)r->filters.items, r->filters.count, &q, err);
    if (st) {
        search_release(&s);
        return st;
    }
    na_query_words(r->query ? r->query : "", &s.words);
    snippet_prepare(&s);
    out->described = na_xquery_describe(q);
    na_xenquire_t *enq = NULL, *page = NULL;
    na_xmset_t *mset = NULL;
    int *facet_index = na_xcalloc(r->facets.count + 1, sizeof *facet_index);
    facet_spec_t *specs = na_xcalloc(r->facets.count + 1, sizeof *specs);
    unsigned offset = r->count || facets_only ? 0 : r->offset, limit = r->count || facets_only ? 0 : r->limit;
    /* A weightless query's page comes from the newest articles on (see
     * page_by_date()); the run counting its matches sorts nothing. */
    bool by_date = limit && !conn->remote && (r->sort == NA_SORT_RELEVANCE || r->sort == NA_SORT_NEWEST) &&
                   na_xquery_weightless(q);
    st = na_xenquire_new(conn->db, &enq, err);
    if (st == NA_OK) {
        na_xenquire_set_query(enq, q);
        if (by_date)
            na_xenquire_set_sort(enq, -1, false);
        else
            set_sort(enq, r->sort);
        apply_budget(&s, enq);
    }
    for (size_t i = 0; st == NA_OK && !r->count && i < r->facets.count; i++) {
        facet_spec_parse(r->facets.items[i], &specs[i]); /* checked with the request */
        /* A facet with a filter on its own field is counted apart, without it (-1). */
        facet_index[i] = facet_filtered(r, &specs[i]) ? -1 : facet_add(enq, &specs[i]);
    }
    /* EXACT: every match is visited, so the total and facets are exact
     * (unless the time budget stops the counting). */
    struct timespec tr;
    clock_gettime(CLOCK_MONOTONIC, &tr);
    /* Xapian's spies count some of a remote shard's best matches twice
     * when the page holds fewer than all matches (its own count and the
     * page it sends back), unless every shard is remote (the binding then
     * leaves the counting to the servers): with local and remote shards
     * mixed, the facets are counted in a run without a page, and the page
     * is a run without spies. */
    bool split = (conn->remote && r->facets.count && limit && !na_xdb_all_remote(conn->db)) || by_date;
    if (st == NA_OK)
        st = na_xenquire_run(enq, split ? 0 : offset, split ? 0 : limit, true, &mset, err);
    if (st == NA_OK) {
        out->total = na_xmset_total(mset);
        out->complete = run_complete(&s, mset, ms_since(&tr));
    }
    if (st == NA_OK && split && by_date && out->complete) {
        na_xmset_free(mset);
        mset = NULL;
        st = page_by_date(&s, q, offset, limit, out->total, &page, &mset, err);
    } else if (st == NA_OK && split) {
        na_xmset_free(mset);
        mset = NULL;
        st = na_xenquire_new(conn->db, &page, err);
        if (st == NA_OK) {
            na_xenquire_set_query(page, q);
            set_sort(page, r->sort);
            st = na_xenquire_run(page, offset, limit, false, &mset, err);
        }
    }
    if (st == NA_OK && !r->count) {
        size_t n = na_xmset_size(mset);
        na_hit_store_t *hs = na_xcalloc(1, sizeof *hs);
        hs->metas = na_xcalloc(n ? n : 1, sizeof *hs->metas);
        hs->data = na_xcalloc(n ? n : 1, sizeof *hs->data);
        hs->snippets = na_xcalloc(n ? n : 1, sizeof *hs->snippets);
        out->store_ = hs;
        out->hits = na_xcalloc(n ? n : 1, sizeof *out->hits);
        char **data = na_xcalloc(n ? n : 1, sizeof *data);
        size_t *lens = na_xcalloc(n ? n : 1, sizeof *lens);
        if (conn->remote && conn->shard_count > 1 && n > 1)
            st = page_fetch(conn, mset, n, data, lens, err);
        for (size_t i = 0; st == NA_OK && i < n; i++) {
            hs->count = i + 1;
            st = load_hit(&s, mset, i, data[i], lens[i], hs, i, true, err);
            data[i] = NULL; /* the store's now */
            if (st == NA_OK) {
                out->hits[i] = (na_pr_result_t){ na_xmset_rank(mset, i) + 1, na_xmset_weight(mset, i), &hs->metas[i],
                                                 hs->snippets[i] };
                out->hit_count = i + 1;
            }
        }
        for (size_t i = 0; i < n; i++)
            free(data[i]); /* those not loaded after a failure */
        free(data);
        free(lens);
        out->originals_read = s.originals_read;
        out->facets = na_xcalloc(r->facets.count + 1, sizeof *out->facets);
        for (size_t i = 0; st == NA_OK && i < r->facets.count; i++) {
            st = facet_collect(&s, enq, r->facets.items[i], specs[i], facet_index[i], r->facet_prefix,
                               &out->complete, &out->facets[i], err);
            out->facet_count = i + 1;
        }
    }
    free(facet_index);
    free(specs);
    na_xmset_free(mset);
    na_xenquire_free(page);
    na_xenquire_free(enq);
    na_xquery_free(q);
    search_release(&s);
    out->elapsed_ms = ms_since(&t0);
    return st;
}

static na_status_t search_retrying(na_engine_conn_t *conn, const na_request_t *r, bool facets_only,
                                   na_result_t *out, na_error_t *err)
{
    memset(out, 0, sizeof *out);
    na_status_t st = run_search(conn, r, facets_only, out, err);
    if (db_modified(st, err)) {
        na_result_release(out);
        st = conn_reconnect(conn, err);
        if (st == NA_OK)
            st = run_search(conn, r, facets_only, out, err);
    }
    if (st == NA_OK)
        note_failed(conn, out);
    return st;
}

na_status_t na_engine_search(na_engine_conn_t *conn, const na_request_t *r, na_result_t *out, na_error_t *err)
{
    return search_retrying(conn, r, false, out, err);
}

na_status_t na_engine_facet(na_engine_conn_t *conn, const na_request_t *r, na_result_t *out, na_error_t *err)
{
    return search_retrying(conn, r, true, out, err);
}

void na_result_release(na_result_t *res)
{
    if (!res)
        return;
    hit_store_free(res->store_);
    free(res->hits);
    for (size_t i = 0; i < res->facet_count; i++) {
        for (size_t k = 0; k < res->facets[i].count; k++)
            free(res->facets[i].values[k].value);
        free(res->facets[i].values);
        free(res->facets[i].name);
    }
    free(res->facets);
    na_strlist_clear(&res->warnings);
    na_strlist_clear(&res->failed_shards);
    na_strlist_clear(&res->failed_errors);
    free(res->described);
    memset(res, 0, sizeof *res);
}

void na_result_print(const na_result_t *res, na_printer_t *p)
{
    if (res->count_only) {
        p->count(p, res->query, res->total);
        return;
    }
    na_pr_search_t summary = { res->query,
                               res->total,
                               res->offset,
                               res->limit,
                               res->complete,
                               res->shards,
                               (const char *const *)res->failed_shards.items,
                               (const char *const *)res->failed_errors.items,
                               res->failed_shards.count };
    p->search_begin(p, &summary);
    for (size_t i = 0; i < res->hit_count; i++)
        p->result(p, &res->hits[i]);
    for (size_t i = 0; i < res->facet_count; i++) {
        p->facet_begin(p, res->facets[i].name);
        for (size_t k = 0; k < res->facets[i].count; k++)
            p->facet_value(p, res->facets[i].values[k].value, res->facets[i].values[k].count);
        p->facet_end(p);
    }
    p->search_end(p, res->elapsed_ms);
}

/* ---- export ----
 *
 * An export reads page after page of one revision.  When a writer's
 * commits take that revision away (DatabaseModifiedError), the export
 * reopens and matches again at the new revision from the start, leaving
 * out the documents it has printed already (by docid: replacing an
 * article keeps its docid): nothing is printed twice, and every match of
 * the new revision not yet printed follows. */

/* Restarts after a DatabaseModifiedError at most this many times in a
 * row without printing anything, like search_retrying()'s one retry but
 * for a long read that many commits may overtake. */
#define EXPORT_RETRIES 5

struct na_export {
    na_engine_conn_t *conn;
    const na_request_t *req;
    na_xquery_t *query;
    na_xenquire_t *enq;
    unsigned total, done; /* matches at this revision; those of them gone through */
    na_docid_t *sent;     /* docids printed, the first sent_sorted in order */
    size_t sent_count, sent_cap, sent_sorted;
    na_strlist_t warnings;
};

/* Matches X's request at the connection's revision from the start. */
static na_status_t export_match(na_export_t *x, na_error_t *err)
{
    na_xenquire_free(x->enq);
    na_xquery_free(x->query);
    x->enq = NULL;
    x->query = NULL;
    x->done = 0;
    na_result_t dummy;
    memset(&dummy, 0, sizeof dummy);
    search_t s;
    search_init(&s, x->conn, x->req, &dummy);
    na_xmset_t *mset = NULL;
    const na_request_t *r = x->req;
    na_status_t st = build_query(&s, (const char *const *)r->filters.items, r->filters.count, &x->query, err);
    if (st == NA_OK)
        st = na_xenquire_new(x->conn->db, &x->enq, err);
    if (st == NA_OK) {
        na_xenquire_set_query(x->enq, x->query);
        set_sort(x->enq, r->sort);
        st = na_xenquire_run(x->enq, 0, 0, true, &mset, err);
    }
    if (st == NA_OK)
        x->total = na_xmset_total(mset);
    na_xmset_free(mset);
    search_release(&s);
    na_strlist_clear(&dummy.warnings);
    return st;
}

na_status_t na_export_begin(na_engine_conn_t *conn, const na_request_t *r, na_export_t **out, na_error_t *err)
{
    *out = NULL;
    na_export_t *x = na_xcalloc(1, sizeof *x);
    x->conn = conn;
    x->req = r;
    na_status_t st = export_match(x, err);
    if (db_modified(st, err)) {
        st = conn_reconnect(conn, err);
        if (st == NA_OK)
            st = export_match(x, err);
    }
    if (st) {
        na_export_free(x);
        return st;
    }
    /* An export prints no result object to list the shards left out in:
     * the warnings are all that says the export is incomplete. */
    for (size_t i = 0; i < conn->failed.count; i++)
        na_strlist_take(&x->warnings, na_xasprintf("shard '%s' left out of the export: %s", conn->failed.items[i],
                                                   conn->why.items[i]));
    *out = x;
    return NA_OK;
}

static int cmp_docid(const void *a, const void *b)
{
    na_docid_t x = *(const na_docid_t *)a, y = *(const na_docid_t *)b;
    return x < y ? -1 : x > y;
}

static bool export_sent(const na_export_t *x, na_docid_t docid)
{
    return x->sent_sorted && bsearch(&docid, x->sent, x->sent_sorted, sizeof *x->sent, cmp_docid);
}

static void export_mark(na_export_t *x, na_docid_t docid)
{
    if (x->sent_count == x->sent_cap) {
        x->sent_cap = x->sent_cap ? 2 * x->sent_cap : 256;
        x->sent = na_xrealloc(x->sent, x->sent_cap * sizeof *x->sent);
    }
    x->sent[x->sent_count++] = docid;
}

/* Prints the matches of the next page of N not printed yet; *PRINTED
 * gets how many were. */
static na_status_t export_page(na_export_t *x, na_printer_t *p, size_t n, bool *done, size_t *printed,
                               na_error_t *err)
{
    *printed = 0;
    na_result_t scratch;
    memset(&scratch, 0, sizeof scratch);
    search_t s;
    search_init(&s, x->conn, x->req, &scratch);
    na_xmset_t *mset = NULL;
    /* Each page is its own match over the same revision: the sort key is
     * unique (it ends in the id), so pages neither skip nor repeat a match. */
    na_status_t st = na_xenquire_run(x->enq, x->done, (unsigned)n, false, &mset, err);
    size_t got = st == NA_OK ? na_xmset_size(mset) : 0;
    na_hit_store_t hs = { na_xcalloc(1, sizeof(na_record_meta_t)), na_xcalloc(1, sizeof(char *)), na_xcalloc(1, sizeof(char *)), 1 };
    for (size_t i = 0; st == NA_OK && i < got; i++) {
        na_docid_t docid = na_xmset_docid(mset, i);
        if (export_sent(x, docid))
            continue;
        st = load_hit(&s, mset, i, NULL, 0, &hs, 0, false, err);
        if (st == NA_OK) {
            na_pr_result_t res = { na_xmset_rank(mset, i) + 1, na_xmset_weight(mset, i), &hs.metas[0], NULL };
            p->result(p, &res);
            export_mark(x, docid);
            ++*printed;
        }
        na_record_meta_release(&hs.metas[0]);
        free(hs.data[0]);
        hs.data[0] = NULL;
    }
    free(hs.metas);
    free(hs.data);
    free(hs.snippets);
    if (st == NA_OK) {
        x->done += (unsigned)got;
        if (got < n || x->done >= x->total)
            *done = true;
    }
    na_xmset_free(mset);
    search_release(&s);
    na_strlist_clear(&scratch.warnings);
    return st;
}

na_status_t na_export_next(na_export_t *x, na_printer_t *p, size_t n, bool *done, na_error_t *err)
{
    *done = false;
    size_t printed = 0;
    na_status_t st = export_page(x, p, n, done, &printed, err);
    for (int retries = 0; db_modified(st, err) && retries < EXPORT_RETRIES; retries++) {
        if (printed)
            retries = 0; /* progress: the writer is not outrunning every read */
        /* Nothing printed yet leaves sent NULL, which qsort() must not get. */
        if (x->sent_count)
            qsort(x->sent, x->sent_count, sizeof *x->sent, cmp_docid);
        x->sent_sorted = x->sent_count;
        st = conn_reconnect(x->conn, err);
        if (st == NA_OK)
            st = export_match(x, err);
        if (st == NA_OK)
            st = export_page(x, p, n, done, &printed, err);
    }
    return st;
}

unsigned na_export_total(const na_export_t *x)
{
    return x->total;
}

const na_strlist_t *na_export_warnings(const na_export_t *x)
{
    return &x->warnings;
}

void na_export_free(na_export_t *x)
{
    if (!x)
        return;
    na_xenquire_free(x->enq);
    na_xquery_free(x->query);
    free(x->sent);
    na_strlist_clear(&x->warnings);
    free(x);
}

/* ---- one article ---- */

struct na_shown_view {
    na_record_meta_t meta;
    char *data;
    char *body;
    na_buf_t raw;
    na_strlist_t ids;
};

/* The articles read from ARG taken as a path: all of a file's, or with
 * "#N" after the path, the one of its Nth record.  *IDS gets their docids
 * (caller frees). */
static na_status_t find_by_path(na_engine_conn_t *c, const char *arg, na_docid_t **ids, size_t *n, na_error_t *err)
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
    na_status_t st = na_xdb_postings(c->db, term, ids, n, err);
    free(term);
    free(canon);
    size_t kept = 0;
    for (size_t i = 0; st == NA_OK && source && i < *n; i++) {
        char *data = NULL;
        size_t len = 0;
        na_record_view_t view;
        if (na_xdb_get_data(c->db, (*ids)[i], &data, &len, NULL) == NA_OK &&
            na_record_decode(data, len, &view, NULL) == NA_OK) {
            na_record_meta_t m;
            na_record_meta_load(view.meta, view.meta_len, false, &m);
            bool match = false;
            for (size_t k = 0; k < m.sources.count && !match; k++)
                match = strcmp(m.sources.items[k], source) == 0;
            na_record_meta_release(&m);
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

/* The ids of the articles IDS, into V->ids. */
static na_status_t list_ids(na_engine_conn_t *c, const na_docid_t *ids, size_t n, na_shown_view_t *v,
                            na_error_t *err)
{
    for (size_t i = 0; i < n; i++) {
        char *data = NULL;
        size_t len = 0;
        na_record_view_t view;
        na_status_t st = na_xdb_get_data(c->db, ids[i], &data, &len, err);
        if (st == NA_OK)
            st = na_record_decode(data, len, &view, err);
        if (st) {
            free(data);
            return st;
        }
        na_record_meta_t m;
        na_record_meta_load(view.meta, view.meta_len, false, &m);
        if (m.id)
            na_strlist_add(&v->ids, m.id);
        na_record_meta_release(&m);
        free(data);
    }
    return NA_OK;
}

static na_status_t show_once(na_engine_conn_t *c, const na_request_t *r, na_shown_t *out, na_error_t *err)
{
    na_shown_view_t *v = na_xcalloc(1, sizeof *v);
    out->view_ = v;
    const char *id = r->show;
    char *term = na_schema_id_term(id);
    na_docid_t docid = 0;
    na_status_t st = na_xdb_find(c->db, term, &docid, err);
    free(term);
    if (st == NA_ERR_NOT_FOUND && r->show_paths) {
        /* Not an id: perhaps a path the article was read from. */
        na_docid_t *ids = NULL;
        size_t n = 0;
        st = find_by_path(c, id, &ids, &n, err);
        if (st == NA_OK && n == 1) {
            docid = ids[0];
        } else if (st == NA_OK && n > 1) {
            st = list_ids(c, ids, n, v, err);
            out->ids = (const char **)v->ids.items;
            out->id_count = v->ids.count;
            if (st == NA_OK)
                st = na_error_set(err, NA_ERR_NOT_FOUND, "'%s' holds %zu articles; show one by id:", id, n);
        } else if (st == NA_OK || st == NA_ERR_NOT_FOUND) {
            st = NA_ERR_NOT_FOUND;
        }
        free(ids);
        if (st && st != NA_ERR_NOT_FOUND)
            return st;
        if (out->id_count)
            return NA_ERR_NOT_FOUND;
    }
    if (st == NA_ERR_NOT_FOUND)
        return na_error_set(err, NA_ERR_NOT_FOUND, r->show_paths ? "no article with id or source '%s'"
                                                                 : "no article with id '%s'", id);
    size_t len = 0;
    na_record_view_t view;
    if (st == NA_OK)
        st = na_xdb_get_data(c->db, docid, &v->data, &len, err);
    if (st == NA_OK)
        st = na_record_decode(v->data, len, &view, err);
    if (st == NA_OK)
        st = read_raw(c, docid, &view, &v->raw, err);
    if (st) {
        char reason[sizeof err->message];
        snprintf(reason, sizeof reason, "%s", err ? err->message : "");
        return na_error_set(err, st, "article '%s': %s", id, reason);
    }
    out->raw = v->raw.data;
    out->raw_len = v->raw.len;
    if (r->raw)
        return NA_OK;
    if (!na_record_meta_load(view.meta, view.meta_len, true, &v->meta))
        na_strlist_take(&out->warnings, na_xasprintf("article '%s': unreadable metadata", id));
    if (!v->meta.id)
        v->meta.id = id;
    if (r->hide_sources)
        v->meta.sources = no_sources;
    size_t blen = 0;
    v->body = article_body(v->meta.format, &v->raw, &blen);
    if (!v->body) { /* show what was stored rather than nothing */
        v->body = na_utf8_sanitize(v->raw.data, v->raw.len);
        blen = strlen(v->body);
    }
    out->meta = &v->meta;
    out->body = v->body;
    out->body_len = blen;
    return NA_OK;
}

na_status_t na_engine_show(na_engine_conn_t *conn, const na_request_t *r, na_shown_t *out, na_error_t *err)
{
    memset(out, 0, sizeof *out);
    na_status_t st = show_once(conn, r, out, err);
    if (db_modified(st, err)) {
        na_shown_release(out);
        st = conn_reconnect(conn, err);
        if (st == NA_OK)
            st = show_once(conn, r, out, err);
    }
    return st;
}

void na_shown_release(na_shown_t *a)
{
    if (!a)
        return;
    na_shown_view_t *v = a->view_;
    if (v) {
        na_record_meta_release(&v->meta);
        free(v->data);
        free(v->body);
        na_buf_release(&v->raw);
        na_strlist_clear(&v->ids);
        free(v);
    }
    na_strlist_clear(&a->warnings);
    memset(a, 0, sizeof *a);
}

/* ---- health ---- */

/* The time of the last commit of the local database at PATH: a glass
 * database rewrites its version file at every commit; a stub file names
 * its databases, one a line ("auto PATH", "glass PATH" or a bare PATH,
 * relative to the stub's folder). */
static long long commit_time(const char *path, int depth)
{
    struct stat sb;
    if (depth > 4 || stat(path, &sb) != 0)
        return 0;
    if (S_ISDIR(sb.st_mode)) {
        char *v = na_xasprintf("%s/iamglass", path);
        long long t = stat(v, &sb) == 0 ? (long long)sb.st_mtim.tv_sec : 0;
        free(v);
        if (t == 0) {
            /* An archive kept as generations: the folder's stub names one. */
            char *stub = na_xasprintf("%s/XAPIANDB", path);
            t = commit_time(stub, depth + 1);
            free(stub);
        }
        return t;
    }
    na_buf_t b = NA_BUF_INIT;
    long long best = 0;
    if (sb.st_size < 65536 && na_read_file(path, &b) == 0) {
        char *dir = na_xstrdup(path);
        char *slash = strrchr(dir, '/');
        if (slash)
            slash[1] = '\0';
        else
            dir[0] = '\0';
        char *save = NULL;
        for (char *line = strtok_r(b.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            char *sp = strchr(line, ' ');
            const char *target = sp ? sp + 1 : line;
            if (!*target || *line == '#' || strncmp(line, "remote", 6) == 0)
                continue;
            char *full = target[0] == '/' ? na_xstrdup(target) : na_xasprintf("%s%s", dir, target);
            long long t = commit_time(full, depth + 1);
            free(full);
            if (t > best)
                best = t;
        }
        free(dir);
    }
    na_buf_release(&b);
    return best;
}

na_status_t na_engine_health(na_engine_conn_t *conn, unsigned *articles, long long *commit, na_error_t *err)
{
    *articles = na_xdb_doccount(conn->db);
    *commit = 0;
    for (size_t i = 0; i < conn->shard_count; i++)
        if (!is_remote(conn->shards[i].spec)) {
            long long t = commit_time(conn->shards[i].spec, 0);
            if (t > *commit)
                *commit = t;
        }
    return NA_OK;
}
