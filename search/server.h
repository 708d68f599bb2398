/* server.h - newsarc-search's HTTP front ends: the server of --serve
 * (libmicrohttpd) and CGI, answering the same routes with the same JSON.
 *
 * Routes (GET and HEAD only; anything else is 405):
 *   /api/search?q=&facet=&filter=&sort=&offset=&limit=&facet_size=&hl=
 *                      the JSON of newsarc-search --format json with the
 *                      same options (facet and filter repeat; hl=1 wraps
 *                      matched terms of snippets in U+E000 ... U+E001)
 *   /api/article/ID    the article as JSON (--show ID --format json)
 *   /api/article/ID/raw  its original bytes
 *   /api/facets/NAME?q=&filter=&prefix=&limit=
 *                      one facet's values for the query, those whose key
 *                      or one of its words starts with PREFIX
 *   /api/export?q=&filter=&sort=  every match, JSON Lines (--format jsonl --all)
 *   /api/health        {"status": "ok", "articles", "last_commit"}; 503 when
 *                      the database cannot be opened
 *   / and other paths  files of the static folder (the search page)
 * Errors are {"error": {"code": HTTP_STATUS, "message"}}: 400 a bad
 * parameter or query (the message gives the column), 404 no such article
 * or path, 405 a method other than GET or HEAD, 413 a request body, 414 a
 * URL over 64 KiB, 431 headers over 32 KiB, 503 while the database cannot
 * be opened or, with shard_failure fail, a shard fails (with partial the
 * answer is a 200 whose JSON lists the shards left out), 500 anything else.  Source paths are left out of the JSON
 * unless the configuration's http_show_sources says otherwise.
 */
#ifndef NA_SEARCH_SERVER_H
#define NA_SEARCH_SERVER_H

#include <stddef.h>

#include "status.h"

typedef struct {
    const char *listen;       /* "[HOST:]PORT"; host 127.0.0.1 unless given */
    const char *log;          /* one line per request; NULL: standard error */
    const char *static_dir;   /* NULL: the configuration's */
    const char *config;       /* the configuration file (NULL: the usual search) */
    const char *const *dbs;   /* -d; none: the configuration's database */
    size_t db_count;
    int shard_failure;        /* --shard-failure (na_shard_failure_t); -1: the configuration's */
} na_server_options_t;

/* The HTTP status for an engine status. */
int status_to_http(na_status_t st);

/* Runs the server until SIGTERM or SIGINT, after which the requests in
 * flight finish; SIGHUP reopens the log and reloads the configuration and
 * alias tables.  Returns the exit status: 0 after a clean stop, 2 for a
 * bad listen address or configuration, 3 when the port cannot be bound. */
int na_server_main(const na_server_options_t *opts);

/* Answers the one CGI request of the environment (REQUEST_METHOD,
 * PATH_INFO, QUERY_STRING) on standard output; returns 0, or 74 when the
 * output could not be written. */
int na_cgi_main(void);

#endif
