/* engine.h - the search engine behind every front end of newsarc-search:
 * the command line, the HTTP server and CGI run the same requests through
 * it and print its results with the same printers (printer.h).
 *
 * A request (na_request_t) says what is asked; na_request_validate()
 * checks it against the engine's limits.  The engine (na_engine_t) is
 * opened once per process: the configuration, the database specs, the
 * limits and (for a long-running process) the alias tables.  Xapian's
 * objects are not thread-safe, so each thread searches through its own
 * connection (na_engine_conn_t), which holds the database handles and
 * reopens them when the database has changed: a new commit, a stub file
 * switched to a new generation by --rebuild, or Xapian's
 * DatabaseModifiedError, after which the request is run again once.
 * The engine never prints: results, warnings and errors come back as
 * data and statuses, which front ends map to their own world
 * (status_to_exit(), status_to_http()).
 *
 * Shards: a spec may be a Xapian stub file or an archive of shards (a
 * folder whose stub XAPIANDB lists them); the engine reads those stubs
 * itself and opens every shard on its own (remote ones with the
 * configuration's remote_timeout and remote_connect_timeout), then
 * searches them as one, so that answers do not depend on the layout:
 * every sort ends in NA_SLOT_SORT (date, then id).  A shard that cannot be
 * opened, or fails during a search (after which the connection is opened
 * again and the request run once more), fails the request naming it, or
 * with shard_failure partial is left out and listed in the result.
 */
#ifndef NA_SEARCH_ENGINE_H
#define NA_SEARCH_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "printer.h"
#include "status.h"
#include "util.h"
#include "xapian-c.h"

/* U+E000 and U+E001 (private use): what a snippet puts around matched
 * terms for a program that highlights them itself (the search page). */
#define NA_HL_MARK_START "\xee\x80\x80"
#define NA_HL_MARK_END "\xee\x80\x81"

typedef enum { NA_SORT_RELEVANCE = 0, NA_SORT_NEWEST, NA_SORT_OLDEST } na_sort_t;

/* Sets *SORT from NAME ("relevance", "newest", "oldest"); false otherwise. */
bool na_sort_from_name(const char *name, na_sort_t *sort);

/* One request.  Strings are borrowed by the engine for the call. */
typedef struct {
    const char *query;       /* query text; NULL or "": every article */
    size_t query_len;        /* its length as received (a NUL inside is refused) */
    na_strlist_t facets;     /* facet names, checked by na_request_validate() */
    na_strlist_t filters;    /* "NAME=VALUE" */
    unsigned facet_size;     /* values per facet; 0: all */
    na_sort_t sort;
    unsigned offset, limit;
    bool count;              /* the number of matches only */
    bool all;                /* every match (export): no cap on limit */
    const char *show;        /* the article to show: an id (or a path, with show_paths) */
    bool show_paths;         /* --show may name a source path (the CLI; never over HTTP) */
    bool raw;                /* with show: the original bytes */
    const char *hl_start, *hl_end; /* around matched terms in snippets; NULL: none */
    bool hide_sources;       /* leave source paths out of what is printed */
    const char *facet_prefix;/* na_engine_facet(): values whose key or a word of it starts so */
} na_request_t;

/* Empties R: no query, facet size 10, limit 10, relevance. */
void na_request_init(na_request_t *r);
/* Frees the lists R owns; R can be filled again. */
void na_request_release(na_request_t *r);

/* What the engine allows; from the configuration (config.h). */
typedef struct {
    size_t max_query_bytes;  /* longest query text */
    unsigned max_limit;      /* results per page; a larger limit is cut to it */
    unsigned max_offset;     /* deepest offset; further pages are the export's */
    unsigned time_budget_ms; /* per query; 0: none.  Past it the counting stops
                              * and the result says it is not complete */
} na_engine_limits_t;

/* Checks R against LIMITS: query length, NUL bytes and UTF-8, facet
 * names, filters, offset.  A limit over the cap is cut to it, with
 * *LIMIT_CUT set (may be NULL).  NA_ERR_INVALID with a one-line message
 * saying what is wrong; NA_OK otherwise.  Never prints. */
na_status_t na_request_validate(na_request_t *r, const na_engine_limits_t *limits, bool *limit_cut,
                                na_error_t *err);

typedef struct na_engine na_engine_t;
typedef struct na_engine_conn na_engine_conn_t;

/* Opens an engine over the COUNT database SPECS (paths, stub files or
 * tcp:HOST:PORT; copied) with CFG (borrowed: must outlive the engine).
 * FROM_CONFIG: the spec is the configuration's default, which error
 * messages then say.  PRELOAD: load the alias tables now, once, for a
 * process that runs many queries (NA_ERR_PARSE or NA_ERR_IO when they
 * cannot be read), mapped compiled from the cache when there is one
 * (na_cli_tables_cache()); otherwise each query loads what it needs.  Databases
 * are opened by connections, not here.  Caller owns *OUT; free with
 * na_engine_free() (NULL is ignored), after every connection. */
na_status_t na_engine_open(const na_config_t *cfg, const char *const *specs, size_t count, bool from_config,
                           bool preload, na_engine_t **out, na_error_t *err);
void na_engine_free(na_engine_t *eng);
/* The engine's limits (borrowed, valid while ENG lives). */
const na_engine_limits_t *na_engine_limits(const na_engine_t *eng);
const na_config_t *na_engine_config(const na_engine_t *eng);
/* For a process that answers many searches (the server): connections
 * opened from now on sort through a table of ranks they read once per
 * revision (na_xdb_keep_ranks()), which gives the same order for less
 * work per match; a single query would pay more for the table. */
void na_engine_keep_sort_ranks(na_engine_t *eng);

/* Opens the databases for one thread.  NA_ERR_DATABASE, the message
 * saying which database and why (a missing one names the indexer command
 * that creates it), when they cannot be opened or have a layout this
 * program cannot read; with several shards, "cannot open shard 'SPEC':
 * REASON" for the first that fails (shard_failure fail), or, with
 * partial, only when none can be opened.  The shards left out are tried
 * again by na_engine_conn_refresh().  When a shard is remote, the
 * shards are opened at once (one short-lived thread each).  A connection
 * keeps the facets' display forms it has read until a reopen sees a new
 * revision.  Caller owns *OUT; free with na_engine_conn_free() (NULL is
 * ignored). */
na_status_t na_engine_conn_open(na_engine_t *eng, na_engine_conn_t **out, na_error_t *err);
void na_engine_conn_free(na_engine_conn_t *conn);
/* Reopens CONN's databases when they have changed since it last looked
 * (a commit, a stub file pointing elsewhere), dropping the display forms
 * it kept when they may have.  Statuses as
 * na_engine_conn_open(); on failure CONN must be freed. */
na_status_t na_engine_conn_refresh(na_engine_conn_t *conn, na_error_t *err);

/* ---- results ---- */

typedef struct {
    char *value;    /* as printed: the display form of a folded key */
    unsigned count;
} na_facet_value_t;

typedef struct {
    char *name;     /* as asked for ("place", "mentioned:year") */
    na_facet_value_t *values;
    size_t count;
} na_facet_result_t;

typedef struct na_hit_store na_hit_store_t; /* private: the hits' metadata */

typedef struct {
    const char *query;     /* borrowed from the request */
    unsigned total;        /* matches: exact when complete, else a lower bound */
    bool complete;         /* false: the time budget stopped the counting */
    bool count_only;
    unsigned offset, limit;
    na_pr_result_t *hits;  /* the page, metadata borrowed from the store */
    size_t hit_count;
    na_facet_result_t *facets;
    size_t facet_count;
    na_strlist_t warnings; /* one line each, without the program's name */
    unsigned shards;       /* shards searched and left out; set with failed_shards */
    na_strlist_t failed_shards; /* shard_failure partial: the shards left out, */
    na_strlist_t failed_errors; /* and why (also among the warnings) */
    double elapsed_ms;     /* time spent in the engine */
    char *described;       /* Xapian's description of the query */
    unsigned originals_read; /* hits of the page whose snippet the record's
                              * lead could not give, so their stored original
                              * was decompressed (for -v and the benchmarks) */
    na_hit_store_t *store_;
} na_result_t;

/* Runs the search R (validated) through CONN into *OUT, which the caller
 * releases with na_result_release() whatever the status.  Statuses:
 * NA_ERR_QUERY (the message quotes the query and gives the column),
 * NA_ERR_INVALID (a bad filter value), NA_ERR_PARSE or NA_ERR_IO (an
 * alias table cannot be read), NA_ERR_DATABASE (and the binding's other
 * statuses) when the database fails. */
na_status_t na_engine_search(na_engine_conn_t *conn, const na_request_t *r, na_result_t *out, na_error_t *err);

/* One facet's values for the request R (R->facets holds its one name;
 * R->facet_prefix keeps only the values whose folded key, or a word of
 * it, starts with the prefix's; R->facet_size values at most), counted
 * disjunctively as na_engine_search() counts them.  *OUT as there. */
na_status_t na_engine_facet(na_engine_conn_t *conn, const na_request_t *r, na_result_t *out, na_error_t *err);

void na_result_release(na_result_t *res);

/* Prints RES through P: a count, or a search with its results and facets. */
void na_result_print(const na_result_t *res, na_printer_t *p);

/* ---- export: every match, a page at a time ---- */

typedef struct na_export na_export_t;
/* Starts exporting the matches of R (its query, filters and sort; a
 * stable order: ties by date then id, as every sort) through CONN.  Statuses as
 * na_engine_search().  Caller owns *OUT; free with na_export_free()
 * (NULL is ignored), before CONN. */
na_status_t na_export_begin(na_engine_conn_t *conn, const na_request_t *r, na_export_t **out, na_error_t *err);
/* Prints up to N more matches through P (its result call, no snippet);
 * *DONE becomes true after the last.  Statuses as na_engine_search().
 * When commits take away the revision being read (Xapian's
 * DatabaseModifiedError), the connection reopens and the export goes on
 * at the new revision with the matches it has not printed yet (a match
 * is printed once at most; those added meanwhile are printed too); the
 * error is returned only when it comes back five times in a
 * row with nothing printed.  A call may then print fewer than N. */
na_status_t na_export_next(na_export_t *x, na_printer_t *p, size_t n, bool *done, na_error_t *err);
/* The number of matches at the revision being exported. */
unsigned na_export_total(const na_export_t *x);
/* Warnings about the whole export, one line each without the program's
 * name: with shard_failure partial, one per shard left out.  Borrowed;
 * valid until na_export_free(X). */
const na_strlist_t *na_export_warnings(const na_export_t *x);
void na_export_free(na_export_t *x);

/* ---- one article ---- */

typedef struct na_shown_view na_shown_view_t; /* private */

typedef struct {
    const na_pr_meta_t *meta; /* borrowed from the view */
    const char *body;         /* the text, parsed again; borrowed */
    size_t body_len;
    const char *raw;          /* the original bytes; borrowed */
    size_t raw_len;
    const char **ids;         /* when the path named several articles: their ids */
    size_t id_count;
    na_strlist_t warnings;
    na_shown_view_t *view_;
} na_shown_t;

/* Finds the article R->show names (an id, or with R->show_paths a source
 * path, "FILE#N" for one record) and fills *OUT (released with
 * na_shown_release() whatever the status).  NA_ERR_NOT_FOUND when no
 * article has it, and also when a path holds several, whose ids are then
 * in OUT->ids; the binding's statuses on a database failure. */
na_status_t na_engine_show(na_engine_conn_t *conn, const na_request_t *r, na_shown_t *out, na_error_t *err);
void na_shown_release(na_shown_t *a);

/* ---- health ---- */

/* Sets *ARTICLES to the number of articles and *COMMIT_TIME to the time
 * of the last commit (seconds since the epoch; 0 when unknown, as for a
 * remote database).  The binding's statuses on failure. */
na_status_t na_engine_health(na_engine_conn_t *conn, unsigned *articles, long long *commit_time, na_error_t *err);

#endif
