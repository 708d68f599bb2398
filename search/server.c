/* server.c - the HTTP server (--serve, libmicrohttpd) and CGI front ends
 * of newsarc-search (routes in server.h).
 *
 * Both turn a request into a method, a path and a list of parameters,
 * hand them to route(), which runs the engine and fills a reply (status,
 * type, headers, body from a buffer, a file or an export stream), and
 * send the reply their own way.  The server keeps the engine (config,
 * alias tables) for the life of the process and each worker thread its
 * own database connection, refreshed before every request so that new
 * commits and a rebuild's switch are picked up without a restart. */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "engine.h"
#include "printer.h"
#include "query.h"
#include "schema.h"
#include "util.h"

#define PROG "newsarc-search"
/* The server's own limits on a request, below libmicrohttpd's memory
 * limit so that its JSON answers come before libmicrohttpd's own. */
#define MAX_URL_BYTES (64 * 1024)
#define MAX_HEADER_BYTES (32 * 1024)
/* libmicrohttpd clears the part of this a request used before the next
 * one on a kept-alive connection, and its read buffer starts at half of
 * it: at 512 KiB that clearing was an eighth of a search's instructions.
 * 256 KiB still holds a request line of about 250 KB, so the server's
 * own 414 answers every URL of a size a client sends in practice. */
#define CONNECTION_MEMORY (256 * 1024)
#define EXPORT_PAGE 500
/* Seconds SIGTERM waits for the requests in flight. */
#define DRAIN_SECONDS 10

int status_to_http(na_status_t st)
{
    switch (st) {
    case NA_OK: return 200;
    case NA_ERR_INVALID:
    case NA_ERR_QUERY: return 400;
    case NA_ERR_NOT_FOUND: return 404;
    case NA_ERR_DATABASE:
    case NA_ERR_LOCKED: return 503;
    case NA_ERR_NOMEM:
    case NA_ERR_IO:
    case NA_ERR_PARSE:
    case NA_ERR_CORRUPT:
    case NA_ERR_INTERNAL: return 500;
    }
    return 500;
}

static const char *reason_phrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
    }
}

/* ---- the engine, shared and replaced on SIGHUP ---- */

/* An engine with its configuration, counted: a worker's connection or an
 * export in progress keeps the engine it was opened with until it is
 * done, while SIGHUP installs a new one for the requests that follow. */
typedef struct {
    na_config_t cfg;
    na_engine_t *eng;
    char *static_root;        /* realpath of the static folder, or NULL */
    atomic_int refs;
} engine_ref_t;

static pthread_mutex_t engine_lock = PTHREAD_MUTEX_INITIALIZER;
static engine_ref_t *current;

static engine_ref_t *engine_acquire(void)
{
    pthread_mutex_lock(&engine_lock);
    engine_ref_t *e = current;
    if (e)
        atomic_fetch_add(&e->refs, 1);
    pthread_mutex_unlock(&engine_lock);
    return e;
}

static void engine_release(engine_ref_t *e)
{
    if (!e || atomic_fetch_sub(&e->refs, 1) != 1)
        return;
    na_engine_free(e->eng);
    na_config_release(&e->cfg);
    free(e->static_root);
    free(e);
}

/* The static folder: the option's, else the configuration's; from the
 * build tree, where the data folder is the source tree's config/, the
 * page is the source tree's www/. */
static char *static_root(const char *option, const na_config_t *cfg)
{
    char *root = realpath(option ? option : cfg->static_dir, NULL);
    if (root || option)
        return root;
    char *data = na_config_data_dir();
    size_t n = strlen(data);
    if (n > 7 && strcmp(data + n - 7, "/config") == 0) {
        data[n - 7] = '\0';
        char *www = na_xasprintf("%s/www", data);
        root = realpath(www, NULL);
        free(www);
    }
    free(data);
    return root;
}

/* Loads the configuration and opens an engine over it, for the server
 * when SERVE, else for one CGI request (a process each, so the parsed
 * configuration comes from its cache).  Statuses of na_cli_config_load(),
 * na_config_check() and na_engine_open(). */
static na_status_t engine_load(const char *config, const char *const *dbs, size_t n, const char *static_dir,
                               int shard_failure, bool serve, engine_ref_t **out, na_error_t *err)
{
    engine_ref_t *e = na_xcalloc(1, sizeof *e);
    atomic_init(&e->refs, 1);
    na_status_t st = na_cli_config_load(&e->cfg, config, err);
    if (st) {
        free(e);
        return st;
    }
    st = na_config_check(&e->cfg, err);
    if (shard_failure >= 0)
        e->cfg.shard_failure = shard_failure;
    const char *const *specs = n ? dbs : (const char *const *)&e->cfg.database;
    if (st == NA_OK)
        st = na_engine_open(&e->cfg, specs, n ? n : 1, n == 0, true, &e->eng, err);
    if (st) {
        engine_release(e);
        return st;
    }
    /* A server answers many searches per revision; CGI answers one. */
    if (serve)
        na_engine_keep_sort_ranks(e->eng);
    e->static_root = static_root(static_dir, &e->cfg);
    *out = e;
    return NA_OK;
}

/* ---- requests and replies ---- */

typedef struct {
    char *key, *value;
    size_t value_len; /* a NUL inside shows as a length past strlen() */
} param_t;

typedef struct {
    param_t *items;
    size_t count;
} params_t;

static void params_add(params_t *p, const char *key, const char *value, size_t len)
{
    p->items = na_xrealloc(p->items, (p->count + 1) * sizeof *p->items);
    char *v = na_xstrndup(value, len);
    p->items[p->count++] = (param_t){ na_xstrdup(key), v, len };
}

static void params_clear(params_t *p)
{
    for (size_t i = 0; i < p->count; i++) {
        free(p->items[i].key);
        free(p->items[i].value);
    }
    free(p->items);
    p->items = NULL;
    p->count = 0;
}

static const param_t *param_get(const params_t *p, const char *key)
{
    for (size_t i = 0; i < p->count; i++)
        if (strcmp(p->items[i].key, key) == 0)
            return &p->items[i];
    return NULL;
}

typedef struct {
    int status;
    const char *type;        /* Content-Type */
    na_buf_t body;
    int fd;                  /* a static file to send, or -1 */
    size_t file_size;
    na_export_t *export;     /* a stream of JSON Lines, or NULL */
    na_request_t *export_req;
    na_engine_conn_t *export_conn;
    engine_ref_t *export_engine;
    bool page;               /* the page's files: their Content-Security-Policy */
    bool allow_header;       /* 405: say what is allowed */
    char *cors;              /* Access-Control-Allow-Origin, or NULL */
} reply_t;

static void reply_init(reply_t *r)
{
    memset(r, 0, sizeof *r);
    r->fd = -1;
    r->type = "application/json";
}

static void reply_release(reply_t *r)
{
    na_buf_release(&r->body);
    if (r->fd >= 0)
        close(r->fd);
    na_export_free(r->export);
    na_engine_conn_free(r->export_conn);
    if (r->export_req) {
        free((char *)r->export_req->query);
        na_request_release(r->export_req);
        free(r->export_req);
    }
    engine_release(r->export_engine);
    free(r->cors);
    memset(r, 0, sizeof *r);
    r->fd = -1;
}

static void reply_error(reply_t *r, int status, const char *message)
{
    na_buf_reset(&r->body);
    r->status = status;
    r->type = "application/json";
    json_t *o = json_pack("{s:{s:i, s:s}}", "error", "code", status, "message", message);
    if (!o) /* a message that is not UTF-8 */
        o = json_pack("{s:{s:i, s:s}}", "error", "code", status, "message", "bad request");
    char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
    na_buf_adds(&r->body, s);
    na_buf_addc(&r->body, '\n');
    free(s);
    json_decref(o);
}

/* Runs PRINT with a printer writing into R's body. */
static FILE *body_stream(reply_t *r, char **mem, size_t *len)
{
    *mem = NULL;
    *len = 0;
    return open_memstream(mem, len);
}

static void body_take(reply_t *r, FILE *f, char **mem, size_t *len)
{
    fclose(f);
    na_buf_add(&r->body, *mem, *len);
    free(*mem);
}

/* A number parameter: digits only, within unsigned. */
static bool number_param(const params_t *p, const char *key, unsigned *out, reply_t *r)
{
    const param_t *v = param_get(p, key);
    if (!v)
        return true;
    errno = 0;
    char *end;
    unsigned long n = v->value[0] >= '0' && v->value[0] <= '9' ? strtoul(v->value, &end, 10) : 0;
    if (v->value[0] < '0' || v->value[0] > '9' || errno || *end || n > UINT_MAX) {
        char msg[128];
        snprintf(msg, sizeof msg, "parameter '%s' takes a number from 0", key);
        reply_error(r, 400, msg);
        return false;
    }
    *out = (unsigned)n;
    return true;
}

/* Fills REQ from the parameters of a search, facets or export route.
 * False, with R holding the error, for a bad parameter. */
static bool request_from_params(const params_t *p, engine_ref_t *e, na_request_t *req, reply_t *r)
{
    for (size_t i = 0; i < p->count; i++)
        if (strlen(p->items[i].value) != p->items[i].value_len) {
            char msg[128];
            snprintf(msg, sizeof msg, "parameter '%.40s' holds a NUL byte", p->items[i].key);
            reply_error(r, 400, msg);
            return false;
        }
    const param_t *q = param_get(p, "q");
    if (q) {
        req->query = q->value;
        req->query_len = q->value_len;
    }
    for (size_t i = 0; i < p->count; i++) {
        if (strcmp(p->items[i].key, "facet") == 0)
            na_strlist_add_unique(&req->facets, p->items[i].value);
        else if (strcmp(p->items[i].key, "filter") == 0)
            na_strlist_add(&req->filters, p->items[i].value);
    }
    const param_t *sort = param_get(p, "sort");
    if (sort && !na_sort_from_name(sort->value, &req->sort)) {
        reply_error(r, 400, "parameter 'sort' is relevance, newest or oldest");
        return false;
    }
    if (!number_param(p, "offset", &req->offset, r) || !number_param(p, "limit", &req->limit, r) ||
        !number_param(p, "facet_size", &req->facet_size, r))
        return false;
    const param_t *hl = param_get(p, "hl");
    if (hl && strcmp(hl->value, "1") == 0) {
        req->hl_start = NA_HL_MARK_START;
        req->hl_end = NA_HL_MARK_END;
    }
    req->hide_sources = !e->cfg.http_show_sources;
    na_error_t err;
    if (na_request_validate(req, na_engine_limits(e->eng), NULL, &err) != NA_OK) {
        reply_error(r, 400, err.message);
        return false;
    }
    return true;
}

/* Replies with the engine's error ST, ERR. */
static void engine_error(reply_t *r, na_status_t st, const na_error_t *err)
{
    int status = status_to_http(st);
    /* A database's inner state is no business of a client. */
    reply_error(r, status, status == 503 ? "the database cannot be opened now" : err->message);
}

/* Shards left out of an answer (shard_failure: partial), said once on
 * standard error when one is first left out and again when an answer
 * has it back, not at every request while it is down.  Process-wide:
 * the workers' connections retry a failed shard each at its next
 * request, so while one recovers a line may come twice. */
static pthread_mutex_t shards_lock = PTHREAD_MUTEX_INITIALIZER;
static na_strlist_t shards_out = NA_STRLIST_INIT;

static void report_shards(const na_result_t *res)
{
    pthread_mutex_lock(&shards_lock);
    /* Every answer covers every shard: one not left out of it is back. */
    na_strlist_t still = NA_STRLIST_INIT;
    for (size_t i = 0; i < shards_out.count; i++) {
        if (na_strlist_contains(&res->failed_shards, shards_out.items[i]))
            na_strlist_add(&still, shards_out.items[i]);
        else
            fprintf(stderr, PROG ": shard '%s' answers again\n", shards_out.items[i]);
    }
    for (size_t i = 0; i < res->failed_shards.count; i++)
        if (na_strlist_add_unique(&still, res->failed_shards.items[i]) &&
            !na_strlist_contains(&shards_out, res->failed_shards.items[i]))
            fprintf(stderr, PROG ": warning: shard '%s' left out of answers: %s\n", res->failed_shards.items[i],
                    res->failed_errors.items[i]);
    na_strlist_clear(&shards_out);
    shards_out = still;
    pthread_mutex_unlock(&shards_lock);
}

static void route_search(na_engine_conn_t *conn, engine_ref_t *e, const params_t *p, reply_t *r)
{
    na_request_t req;
    na_request_init(&req);
    if (request_from_params(p, e, &req, r)) {
        na_result_t res;
        na_error_t err;
        na_status_t st = na_engine_search(conn, &req, &res, &err);
        if (st) {
            engine_error(r, st, &err);
        } else {
            report_shards(&res);
            char *mem;
            size_t len;
            FILE *f = body_stream(r, &mem, &len);
            na_printer_t *pr = na_printer_new(NA_PRINT_JSON, f, NULL);
            na_result_print(&res, pr);
            na_printer_free(pr);
            body_take(r, f, &mem, &len);
            r->status = 200;
        }
        na_result_release(&res);
    }
    na_request_release(&req);
}

static void route_facet(na_engine_conn_t *conn, engine_ref_t *e, const char *name, const params_t *p, reply_t *r)
{
    na_request_t req;
    na_request_init(&req);
    na_strlist_add(&req.facets, name);
    const param_t *prefix = param_get(p, "prefix");
    req.facet_prefix = prefix ? prefix->value : NULL;
    params_t rest = { NULL, 0 };
    /* limit= is the number of values here, not of results. */
    for (size_t i = 0; i < p->count; i++) {
        const char *k = p->items[i].key;
        if (strcmp(k, "limit") == 0)
            params_add(&rest, "facet_size", p->items[i].value, p->items[i].value_len);
        else if (strcmp(k, "q") == 0 || strcmp(k, "filter") == 0 || strcmp(k, "prefix") == 0)
            params_add(&rest, k, p->items[i].value, p->items[i].value_len);
    }
    if (prefix && strlen(prefix->value) != prefix->value_len)
        reply_error(r, 400, "parameter 'prefix' holds a NUL byte");
    else if (request_from_params(&rest, e, &req, r)) {
        na_result_t res;
        na_error_t err;
        na_status_t st = na_engine_facet(conn, &req, &res, &err);
        if (st) {
            engine_error(r, st, &err);
        } else {
            report_shards(&res);
            json_t *values = json_array();
            const na_facet_result_t *f = res.facet_count ? &res.facets[0] : NULL;
            for (size_t i = 0; f && i < f->count; i++)
                json_array_append_new(values, json_pack("{s:s, s:i}", "value", f->values[i].value, "count",
                                                        (json_int_t)f->values[i].count));
            json_t *o = json_pack("{s:i, s:s, s:s, s:i, s:b, s:o, s:f}", "format_version", NA_PRINTER_FORMAT_VERSION,
                                  "query", res.query, "facet", name, "total", (json_int_t)res.total, "complete",
                                  res.complete, "values", values, "elapsed_ms", res.elapsed_ms);
            char *s = o ? json_dumps(o, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6)) : NULL;
            if (s) {
                na_buf_adds(&r->body, s);
                na_buf_addc(&r->body, '\n');
                r->status = 200;
            } else {
                reply_error(r, 500, "cannot write the facet");
            }
            free(s);
            json_decref(o);
        }
        na_result_release(&res);
    }
    params_clear(&rest);
    na_request_release(&req);
}

static void route_article(na_engine_conn_t *conn, engine_ref_t *e, const char *id, bool raw, reply_t *r)
{
    na_request_t req;
    na_request_init(&req);
    req.show = id;
    req.hide_sources = !e->cfg.http_show_sources;
    na_shown_t a;
    memset(&a, 0, sizeof a);
    na_error_t err;
    /* Not raw for the engine: the metadata names the format, and so the type. */
    na_status_t st = !*id ? na_error_set(&err, NA_ERR_NOT_FOUND, "no article id given")
                          : na_engine_show(conn, &req, &a, &err);
    if (st) {
        engine_error(r, st, &err);
    } else if (raw) {
        const char *f = a.meta ? a.meta->format : NULL;
        if (f && strcmp(f, "markdown") == 0)
            r->type = "text/markdown; charset=utf-8";
        else if (f && strcmp(f, "jsonl") == 0)
            r->type = "application/json";
        else if (f && strcmp(f, "yaml") == 0)
            r->type = "application/yaml";
        else if (f && strcmp(f, "reuters") == 0)
            r->type = "application/sgml";
        else
            r->type = "text/plain; charset=utf-8";
        na_buf_add(&r->body, a.raw, a.raw_len);
        r->status = 200;
    } else {
        char *mem;
        size_t len;
        FILE *out = body_stream(r, &mem, &len);
        na_printer_t *pr = na_printer_new(NA_PRINT_JSON, out, NULL);
        pr->article(pr, a.meta, a.body, a.body_len);
        na_printer_free(pr);
        body_take(r, out, &mem, &len);
        r->status = 200;
    }
    na_shown_release(&a);
    na_request_release(&req);
}

static void route_health(na_engine_conn_t *conn, reply_t *r)
{
    unsigned n = 0;
    long long t = 0;
    na_error_t err;
    if (!conn || na_engine_health(conn, &n, &t, &err) != NA_OK) {
        reply_error(r, 503, "the database cannot be opened now");
        return;
    }
    char when[32] = "";
    time_t tt = (time_t)t;
    struct tm tm;
    if (t && gmtime_r(&tt, &tm))
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *o = json_pack("{s:i, s:s, s:i, s:o}", "format_version", NA_PRINTER_FORMAT_VERSION, "status", "ok",
                          "articles", (json_int_t)n, "last_commit", *when ? json_string(when) : json_null());
    char *s = json_dumps(o, JSON_PRESERVE_ORDER);
    na_buf_adds(&r->body, s);
    na_buf_addc(&r->body, '\n');
    free(s);
    json_decref(o);
    r->status = 200;
}

/* Starts an export: the reply streams it with its own connection and
 * engine reference, as it may outlive the handler's. */
static void route_export(engine_ref_t *e, const params_t *p, reply_t *r)
{
    na_request_t *req = na_xcalloc(1, sizeof *req);
    na_request_init(req);
    params_t rest = { NULL, 0 };
    for (size_t i = 0; i < p->count; i++) {
        const char *k = p->items[i].key;
        if (strcmp(k, "q") == 0 || strcmp(k, "filter") == 0 || strcmp(k, "sort") == 0)
            params_add(&rest, k, p->items[i].value, p->items[i].value_len);
    }
    req->all = true;
    r->export_req = req;
    if (!request_from_params(&rest, e, req, r)) {
        params_clear(&rest);
        req->query = NULL;
        return;
    }
    /* The request outlives the parameters. */
    req->query = req->query ? na_xstrdup(req->query) : NULL;
    params_clear(&rest);
    na_error_t err;
    na_status_t st = na_engine_conn_open(e->eng, &r->export_conn, &err);
    if (st == NA_OK)
        st = na_export_begin(r->export_conn, req, &r->export, &err);
    if (st) {
        engine_error(r, st, &err);
        return;
    }
    atomic_fetch_add(&e->refs, 1);
    r->export_engine = e;
    r->type = "application/x-ndjson";
    r->status = 200;
}

/* Writes up to N more lines of R's export into R's body; true at the end. */
static bool export_more(reply_t *r, bool *failed)
{
    char *mem;
    size_t len;
    FILE *f = body_stream(r, &mem, &len);
    na_printer_t *pr = na_printer_new(NA_PRINT_JSONL, f, NULL);
    bool done = false;
    na_error_t err;
    *failed = na_export_next(r->export, pr, EXPORT_PAGE, &done, &err) != NA_OK;
    na_printer_free(pr);
    body_take(r, f, &mem, &len);
    return done || *failed;
}

static const struct {
    const char *ext, *type;
} content_types[] = {
    { ".html", "text/html; charset=utf-8" }, { ".css", "text/css; charset=utf-8" },
    { ".js", "text/javascript; charset=utf-8" }, { ".mjs", "text/javascript; charset=utf-8" },
    { ".json", "application/json" }, { ".svg", "image/svg+xml" }, { ".png", "image/png" },
    { ".ico", "image/x-icon" }, { ".txt", "text/plain; charset=utf-8" }, { ".webmanifest", "application/manifest+json" },
};

/* Serves PATH from the static folder, never a file outside it: no "..",
 * no backslash, no dot-file, and a symlink must not lead out. */
static void route_static(engine_ref_t *e, const char *path, reply_t *r)
{
    if (!e->static_root) {
        reply_error(r, 404, "no such path (no static folder)");
        return;
    }
    bool bad = strchr(path, '\\') != NULL || path[0] != '/';
    for (const char *s = path; !bad && (s = strchr(s, '/')); s++)
        bad = s[1] == '.';
    if (bad) {
        reply_error(r, 404, "no such path");
        return;
    }
    char *want = na_xasprintf("%s%s%s", e->static_root, path,
                              path[strlen(path) - 1] == '/' ? "index.html" : "");
    char *real = realpath(want, NULL);
    struct stat sb;
    size_t n = strlen(e->static_root);
    if (real && stat(real, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        char *index = na_xasprintf("%s/index.html", real);
        free(real);
        real = realpath(index, NULL);
        free(index);
    }
    int fd = -1;
    if (real && strncmp(real, e->static_root, n) == 0 && real[n] == '/' && stat(real, &sb) == 0 &&
        S_ISREG(sb.st_mode))
        fd = open(real, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        free(want);
        free(real);
        reply_error(r, 404, "no such path");
        return;
    }
    r->type = "application/octet-stream";
    const char *dot = strrchr(real, '.');
    for (size_t i = 0; dot && i < sizeof content_types / sizeof *content_types; i++)
        if (strcmp(dot, content_types[i].ext) == 0)
            r->type = content_types[i].type;
    r->fd = fd;
    r->file_size = (size_t)sb.st_size;
    r->page = true;
    r->status = 200;
    free(want);
    free(real);
}

/* Sets R's CORS header when ORIGIN is one the configuration allows. */
static void cors(engine_ref_t *e, const char *origin, reply_t *r)
{
    if (!origin)
        return;
    for (size_t i = 0; i < e->cfg.cors_origins.count; i++) {
        const char *o = e->cfg.cors_origins.items[i];
        if (strcmp(o, "*") == 0 || strcmp(o, origin) == 0) {
            r->cors = na_xstrdup(strcmp(o, "*") == 0 ? "*" : origin);
            return;
        }
    }
}

/* Answers METHOD PATH with PARAMS into R.  CONN is the caller's
 * connection, NULL when the database cannot be opened now. */
static void route(engine_ref_t *e, na_engine_conn_t *conn, const char *method, const char *path, const params_t *p,
                  const char *origin, reply_t *r)
{
    if (strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0)
        cors(e, origin, r);
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        reply_error(r, 405, "only GET and HEAD are allowed");
        r->allow_header = true;
        return;
    }
    if (strncmp(path, "/api/", 5) != 0) {
        route_static(e, path, r);
        return;
    }
    const char *api = path + 5;
    if (strcmp(api, "health") == 0) {
        route_health(conn, r);
        return;
    }
    bool known = strcmp(api, "search") == 0 || strcmp(api, "export") == 0 || strncmp(api, "article/", 8) == 0 ||
                 strncmp(api, "facets/", 7) == 0;
    if (!known) {
        reply_error(r, 404, "no such path");
        return;
    }
    if (!conn) {
        reply_error(r, 503, "the database cannot be opened now");
        return;
    }
    if (strcmp(api, "search") == 0) {
        route_search(conn, e, p, r);
    } else if (strcmp(api, "export") == 0) {
        route_export(e, p, r);
    } else if (strncmp(api, "facets/", 7) == 0) {
        route_facet(conn, e, api + 7, p, r);
    } else {
        const char *id = api + 8;
        size_t n = strlen(id);
        bool raw = n > 4 && strcmp(id + n - 4, "/raw") == 0;
        char *copy = na_xstrndup(id, raw ? n - 4 : n);
        route_article(conn, e, copy, raw, r);
        free(copy);
    }
}

static const char *const api_csp = "default-src 'none'; frame-ancestors 'none'";
static const char *const page_csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                                    "frame-ancestors 'none'";

/* The headers every reply carries, as name and value pairs. */
static size_t security_headers(const reply_t *r, const char *out[][2])
{
    size_t n = 0;
    out[n][0] = "X-Content-Type-Options", out[n++][1] = "nosniff";
    out[n][0] = "Referrer-Policy", out[n++][1] = "no-referrer";
    out[n][0] = "X-Frame-Options", out[n++][1] = "DENY";
    out[n][0] = "Content-Security-Policy", out[n++][1] = r->page ? page_csp : api_csp;
    if (!r->page)
        out[n][0] = "Cache-Control", out[n++][1] = "no-store";
    if (r->allow_header)
        out[n][0] = "Allow", out[n++][1] = "GET, HEAD";
    if (r->cors) {
        out[n][0] = "Access-Control-Allow-Origin", out[n++][1] = r->cors;
        out[n][0] = "Vary", out[n++][1] = "Origin";
    }
    return n;
}

/* ---- the HTTP server ---- */

typedef struct {
    struct MHD_Daemon *daemon;
    const na_server_options_t *opts;
    pthread_mutex_t log_lock;
    FILE *log;
    atomic_int in_flight;
} server_t;

static server_t server;

/* One request on a connection, from the URI callback to completion. */
typedef struct {
    struct timespec start;
    char *uri;       /* as received, for the log */
    bool started;    /* the handler has seen it: its method is known */
    int status;
    size_t bytes;
    bool nul_in_path;
    char method[16];
    reply_t reply;
} request_t;

/* A worker thread's connection and the engine it was opened with. */
typedef struct {
    engine_ref_t *engine;
    na_engine_conn_t *conn;
} worker_t;

/* Each worker thread's, freed when libmicrohttpd ends the thread. */
static pthread_key_t worker_key;
static pthread_once_t worker_once = PTHREAD_ONCE_INIT;

static void worker_free(void *p)
{
    worker_t *w = p;
    na_engine_conn_free(w->conn);
    engine_release(w->engine);
    free(w);
}

static void worker_key_make(void)
{
    pthread_key_create(&worker_key, worker_free);
}

/* This thread's connection, opened or reopened as needed; NULL (the
 * database cannot be opened) makes the request a 503.  *E gets the
 * engine to answer with (released by the caller). */
static na_engine_conn_t *worker_conn(engine_ref_t **e)
{
    pthread_once(&worker_once, worker_key_make);
    worker_t *w = pthread_getspecific(worker_key);
    if (!w) {
        w = na_xcalloc(1, sizeof *w);
        pthread_setspecific(worker_key, w);
    }
    *e = engine_acquire();
    if (w->engine != *e) {
        na_engine_conn_free(w->conn);
        w->conn = NULL;
        engine_release(w->engine);
        w->engine = *e;
        atomic_fetch_add(&(*e)->refs, 1);
    }
    na_error_t err;
    if (w->conn && na_engine_conn_refresh(w->conn, &err) != NA_OK) {
        na_engine_conn_free(w->conn);
        w->conn = NULL;
    }
    if (!w->conn && na_engine_conn_open((*e)->eng, &w->conn, &err) != NA_OK)
        w->conn = NULL;
    return w->conn;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    request_t *rq = na_xcalloc(1, sizeof *rq);
    clock_gettime(CLOCK_MONOTONIC, &rq->start);
    size_t n = strlen(uri);
    rq->uri = na_xstrndup(uri, n > 300 ? 300 : n);
    /* Control characters would forge log lines. */
    for (char *s = rq->uri; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f || *s == '"')
            *s = '?';
    const char *q = strchr(uri, '?');
    size_t plen = q ? (size_t)(q - uri) : n;
    for (size_t i = 0; i + 2 < plen && !rq->nul_in_path; i++)
        rq->nul_in_path = uri[i] == '%' && uri[i + 1] == '0' && uri[i + 2] == '0';
    reply_init(&rq->reply);
    rq->reply.status = 0;
    if (n > MAX_URL_BYTES)
        reply_error(&rq->reply, 414, "the URL is too long");
    snprintf(rq->method, sizeof rq->method, "-");
    /* In flight from its request line on, not from its last header: a
     * client still sending headers when SIGTERM comes is answered too. */
    atomic_fetch_add(&server.in_flight, 1);
    return rq;
}

static enum MHD_Result collect_param(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                     const char *value, size_t value_size)
{
    params_add(cls, key ? key : "", value ? value : "", value ? value_size : 0);
    return MHD_YES;
}

static enum MHD_Result sum_headers(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                   const char *value, size_t value_size)
{
    *(size_t *)cls += key_size + value_size + 4;
    return MHD_YES;
}

static ssize_t export_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    request_t *rq = cls;
    reply_t *r = &rq->reply;
    while (r->body.len == 0) {
        if (!r->export)
            return MHD_CONTENT_READER_END_OF_STREAM;
        bool failed = false;
        if (export_more(r, &failed)) {
            na_export_free(r->export);
            r->export = NULL;
            if (failed)
                return MHD_CONTENT_READER_END_WITH_ERROR;
        }
    }
    size_t n = r->body.len < max ? r->body.len : max;
    memcpy(buf, r->body.data, n);
    memmove(r->body.data, r->body.data + n, r->body.len - n);
    r->body.len -= n;
    r->body.data[r->body.len] = '\0';
    rq->bytes += n;
    return (ssize_t)n;
}

static void send_reply(struct MHD_Connection *c, request_t *rq, bool head)
{
    reply_t *r = &rq->reply;
    struct MHD_Response *resp;
    if (r->export && !head) {
        resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, export_reader, rq, NULL);
    } else if (r->fd >= 0) {
        resp = head ? MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT)
                    : MHD_create_response_from_fd(r->file_size, r->fd);
        if (!head)
            r->fd = -1; /* libmicrohttpd closes it */
        rq->bytes = r->file_size;
    } else {
        size_t len = r->body.len;
        resp = MHD_create_response_from_buffer(head ? 0 : len, head ? (void *)"" : r->body.data,
                                               head ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_COPY);
        rq->bytes = len;
    }
    if (!resp)
        return;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->type);
    const char *h[12][2];
    size_t n = security_headers(r, h);
    for (size_t i = 0; i < n; i++)
        MHD_add_response_header(resp, h[i][0], h[i][1]);
    rq->status = r->status;
    MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **ctx)
{
    request_t *rq = *ctx;
    if (!rq) /* no URI callback: should not happen, but be safe */
        *ctx = rq = on_uri(NULL, url, c);
    if (!rq->started) {
        rq->started = true;
        snprintf(rq->method, sizeof rq->method, "%s", method);
        for (char *m = rq->method; *m; m++)
            if ((unsigned char)*m <= 0x20 || *m == '"' || *m == 0x7f)
                *m = '?';
        if (rq->reply.status == 0) {
            size_t hsize = 0;
            MHD_get_connection_values_n(c, MHD_HEADER_KIND, sum_headers, &hsize);
            if (hsize > MAX_HEADER_BYTES)
                reply_error(&rq->reply, 431, "the request headers are too large");
            else if (rq->nul_in_path)
                reply_error(&rq->reply, 400, "the path holds a NUL byte");
        }
        if (rq->reply.status == 0 && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
            reply_error(&rq->reply, 405, "only GET and HEAD are allowed");
            rq->reply.allow_header = true;
        }
        if (rq->reply.status == 0 && strlen(url) > MAX_URL_BYTES)
            reply_error(&rq->reply, 414, "the URL is too long");
        if (rq->reply.status)
            goto answer_later;
        return MHD_YES; /* the body, if any, comes next */
    }
    if (*upload_size) {
        if (rq->reply.status == 0 || rq->reply.status == 405) {
            if (rq->reply.status == 0)
                reply_error(&rq->reply, 413, "a request takes no body");
        }
        *upload_size = 0; /* discarded */
        return MHD_YES;
    }
answer_later:
    if (*upload_size && rq->reply.status) {
        *upload_size = 0;
        return MHD_YES;
    }
    if (rq->reply.status == 0) {
        params_t p = { NULL, 0 };
        MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, collect_param, &p);
        engine_ref_t *e = NULL;
        na_engine_conn_t *conn = worker_conn(&e);
        const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
        route(e, conn, method, url, &p, origin, &rq->reply);
        engine_release(e);
        params_clear(&p);
    }
    send_reply(c, rq, strcmp(method, "HEAD") == 0);
    return MHD_YES;
}

static void log_line(struct MHD_Connection *c, request_t *rq)
{
    char host[INET6_ADDRSTRLEN] = "-";
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr)
        getnameinfo(ci->client_addr,
                    ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in),
                    host, sizeof host, NULL, 0, NI_NUMERICHOST);
    time_t now = time(NULL);
    struct tm tm;
    char when[32];
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    double ms = (double)(t.tv_sec - rq->start.tv_sec) * 1e3 + (double)(t.tv_nsec - rq->start.tv_nsec) / 1e6;
    pthread_mutex_lock(&server.log_lock);
    if (server.log) {
        fprintf(server.log, "%s %s \"%s %s\" %d %zu %.1fms\n", when, host, rq->method, rq->uri ? rq->uri : "-",
                rq->status, rq->bytes, ms);
        fflush(server.log);
    }
    pthread_mutex_unlock(&server.log_lock);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **ctx, enum MHD_RequestTerminationCode toe)
{
    request_t *rq = *ctx;
    if (!rq)
        return;
    /* A request the handler never answered (a client too slow for
     * server_timeout or gone, or one libmicrohttpd refused itself) is
     * logged with status 0. */
    log_line(c, rq);
    atomic_fetch_sub(&server.in_flight, 1);
    reply_release(&rq->reply);
    free(rq->uri);
    free(rq);
    *ctx = NULL;
}

static FILE *open_log(const char *path)
{
    if (!path)
        return stderr;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    return fd < 0 ? NULL : fdopen(fd, "a");
}

/* Parses "[HOST:]PORT" (HOST may be [v6]) into ADDR. */
static bool parse_listen(const char *spec, struct sockaddr_storage *addr, socklen_t *len)
{
    const char *colon = strrchr(spec, ':');
    char *host = colon ? na_xstrndup(spec, (size_t)(colon - spec)) : na_xstrdup("127.0.0.1");
    const char *port = colon ? colon + 1 : spec;
    if (host[0] == '[') {
        size_t n = strlen(host);
        if (n < 2 || host[n - 1] != ']') {
            free(host);
            return false;
        }
        memmove(host, host + 1, n - 2);
        host[n - 2] = '\0';
    }
    char *end;
    errno = 0;
    long p = strtol(port, &end, 10);
    bool ok = *port && !*end && !errno && p >= 0 && p <= 65535;
    struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_PASSIVE, .ai_family = AF_UNSPEC,
                              .ai_socktype = SOCK_STREAM };
    struct addrinfo *ai = NULL;
    if (ok && (!*host || getaddrinfo(*host ? host : NULL, port, &hints, &ai) != 0 || !ai))
        ok = false;
    if (ok) {
        memcpy(addr, ai->ai_addr, ai->ai_addrlen);
        *len = ai->ai_addrlen;
    }
    if (ai)
        freeaddrinfo(ai);
    free(host);
    return ok;
}

static void reload(const na_server_options_t *o)
{
    pthread_mutex_lock(&server.log_lock);
    if (o->log) {
        FILE *f = open_log(o->log);
        if (f) {
            if (server.log && server.log != stderr)
                fclose(server.log);
            server.log = f;
        }
    }
    pthread_mutex_unlock(&server.log_lock);
    engine_ref_t *e = NULL;
    na_error_t err;
    if (engine_load(o->config, o->dbs, o->db_count, o->static_dir, o->shard_failure, true, &e, &err) != NA_OK) {
        fprintf(stderr, PROG ": error: reload: %s; keeping the configuration in use\n", err.message);
        return;
    }
    pthread_mutex_lock(&engine_lock);
    engine_ref_t *old = current;
    current = e;
    pthread_mutex_unlock(&engine_lock);
    engine_release(old);
    fprintf(stderr, PROG ": configuration reloaded\n");
}

int na_server_main(const na_server_options_t *o)
{
    struct sockaddr_storage addr;
    socklen_t alen = 0;
    if (!parse_listen(o->listen, &addr, &alen)) {
        fprintf(stderr, PROG ": error: --serve '%s': expected [HOST:]PORT with a numeric host\n", o->listen);
        return 2;
    }
    na_error_t err;
    engine_ref_t *e = NULL;
    if (engine_load(o->config, o->dbs, o->db_count, o->static_dir, o->shard_failure, true, &e, &err) != NA_OK) {
        fprintf(stderr, PROG ": error: %s\n", err.message);
        return 2;
    }
    current = e;
    server.opts = o;
    pthread_mutex_init(&server.log_lock, NULL);
    server.log = open_log(o->log);
    if (!server.log) {
        fprintf(stderr, PROG ": error: cannot open the log '%s': %s\n", o->log, na_strerror(errno));
        engine_release(e);
        return 2;
    }
    /* The workers inherit this mask: signals go to the sigwait() below. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* A database that cannot be opened now is a 503 until it can. */
    na_engine_conn_t *probe = NULL;
    if (na_engine_conn_open(e->eng, &probe, &err) != NA_OK)
        fprintf(stderr, PROG ": warning: %s; answering 503 until it can be opened\n", err.message);
    na_engine_conn_free(probe);

    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC;
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    server.daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)e->cfg.server_threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)e->cfg.server_connections, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)e->cfg.server_timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY, MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_END);
    if (!server.daemon) {
        fprintf(stderr, PROG ": error: cannot listen on '%s'\n", o->listen);
        engine_release(e);
        return 3;
    }
    /* Port 0 takes a free one: say which, for whoever started us. */
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(server.daemon, MHD_DAEMON_INFO_BIND_PORT);
    char host[INET6_ADDRSTRLEN] = "?";
    getnameinfo((struct sockaddr *)&addr, alen, host, sizeof host, NULL, 0, NI_NUMERICHOST);
    fprintf(stderr, PROG ": listening on %s%s%s:%u\n", addr.ss_family == AF_INET6 ? "[" : "", host,
            addr.ss_family == AF_INET6 ? "]" : "", di ? (unsigned)di->port : 0u);
    for (;;) {
        int sig = 0;
        if (sigwait(&set, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            reload(o);
            continue;
        }
        break;
    }
    /* Stop taking connections, let the requests in flight finish. */
    MHD_socket ls = MHD_quiesce_daemon(server.daemon);
    if (ls != MHD_INVALID_SOCKET)
        close(ls);
    for (int i = 0; i < DRAIN_SECONDS * 100 && atomic_load(&server.in_flight) > 0; i++)
        nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
    MHD_stop_daemon(server.daemon);
    fprintf(stderr, PROG ": stopped\n");
    pthread_mutex_lock(&engine_lock);
    engine_ref_t *last = current;
    current = NULL;
    pthread_mutex_unlock(&engine_lock);
    engine_release(last);
    if (server.log && server.log != stderr)
        fclose(server.log);
    return 0;
}

/* ---- CGI ---- */

static int hex(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes LEN bytes of S (%XX, and "+" as a blank when FORM) into OUT,
 * returning the decoded length (a %00 stays in, as a NUL). */
static size_t url_decode(const char *s, size_t len, bool form, char *out)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' && i + 2 < len + 0 && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out[n++] = (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else if (s[i] == '+' && form) {
            out[n++] = ' ';
        } else {
            out[n++] = s[i];
        }
    }
    out[n] = '\0';
    return n;
}

static void parse_query_string(const char *qs, params_t *p)
{
    while (qs && *qs) {
        const char *amp = strchr(qs, '&');
        size_t len = amp ? (size_t)(amp - qs) : strlen(qs);
        const char *eq = memchr(qs, '=', len);
        size_t klen = eq ? (size_t)(eq - qs) : len;
        char *key = na_xmalloc(klen + 1), *value = na_xmalloc(len + 1);
        url_decode(qs, klen, true, key);
        size_t vlen = eq ? url_decode(eq + 1, len - klen - 1, true, value) : 0;
        value[vlen] = '\0';
        if (klen)
            params_add(p, key, value, vlen);
        free(key);
        free(value);
        qs = amp ? amp + 1 : NULL;
    }
}

int na_cgi_main(void)
{
    const char *method = getenv("REQUEST_METHOD");
    const char *path_info = getenv("PATH_INFO");
    const char *qs = getenv("QUERY_STRING");
    const char *origin = getenv("HTTP_ORIGIN");
    method = method && *method ? method : "GET";
    char *path = na_xstrdup(path_info && *path_info ? path_info : "/");
    reply_t r;
    reply_init(&r);
    params_t p = { NULL, 0 };
    parse_query_string(qs, &p);
    engine_ref_t *e = NULL;
    na_engine_conn_t *conn = NULL;
    na_error_t err;
    size_t qlen = qs ? strlen(qs) : 0;
    if (strlen(path) + qlen > MAX_URL_BYTES) {
        reply_error(&r, 414, "the URL is too long");
    } else if (engine_load(NULL, NULL, 0, NULL, -1, false, &e, &err) != NA_OK) {
        reply_error(&r, 500, "the configuration cannot be read");
        fprintf(stderr, PROG ": error: %s\n", err.message);
    } else {
        if (na_engine_conn_open(e->eng, &conn, &err) != NA_OK) {
            fprintf(stderr, PROG ": error: %s\n", err.message);
            conn = NULL;
        }
        route(e, conn, method, path, &p, origin, &r);
    }
    printf("Status: %d %s\r\nContent-Type: %s\r\n", r.status, reason_phrase(r.status), r.type);
    const char *h[12][2];
    size_t n = security_headers(&r, h);
    for (size_t i = 0; i < n; i++)
        printf("%s: %s\r\n", h[i][0], h[i][1]);
    printf("\r\n");
    bool head = strcmp(method, "HEAD") == 0;
    if (!head && r.fd >= 0) {
        char buf[65536];
        ssize_t got;
        while ((got = read(r.fd, buf, sizeof buf)) > 0)
            fwrite(buf, 1, (size_t)got, stdout);
    } else if (!head && r.export) {
        bool failed = false;
        for (;;) {
            bool done = export_more(&r, &failed);
            fwrite(r.body.data, 1, r.body.len, stdout);
            na_buf_reset(&r.body);
            if (done)
                break;
        }
    } else if (!head) {
        fwrite(r.body.data, 1, r.body.len, stdout);
    }
    reply_release(&r);
    params_clear(&p);
    na_engine_conn_free(conn);
    engine_release(e);
    free(path);
    if (fflush(stdout) != 0 || ferror(stdout))
        return 74;
    return 0;
}
