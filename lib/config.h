/* config.h - newsarc.yaml: one table of keys, defaults and bounds.
 *
 * Where the configuration comes from, first found wins:
 *   1. the file given with --config (EXPLICIT below), else $NEWSARC_CONFIG;
 *   2. ./newsarc.yaml;
 *   3. the installed $(sysconfdir)/newsarc/newsarc.yaml;
 *   4. the built-in defaults alone.
 * A file need only set the keys it changes; command-line options override
 * the result.  Relative paths in a file are resolved against the file's
 * own directory, and data files (alias tables, the model, the gazetteers)
 * not found there are looked for in the data folder (na_config_data_dir).
 * The default database is $(localstatedir)/lib/newsarc/newsarc.db
 * (NA_DATABASE, set at build time), whichever file was read.
 */
#ifndef NA_CONFIG_H
#define NA_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "article.h"
#include "status.h"
#include "util.h"

typedef enum { NA_EXTRACT_AUTO = 0, NA_EXTRACT_ALWAYS, NA_EXTRACT_NEVER } na_extract_mode_t;

/* What extraction can find, each with its own mode. */
typedef enum {
    NA_EXTRACT_PEOPLE = 0,
    NA_EXTRACT_PLACES,
    NA_EXTRACT_ORGS,
    NA_EXTRACT_DATES, /* publication date fallbacks and mentioned dates */
    NA_EXTRACT_KINDS
} na_extract_kind_t;

/* "people", "places", "orgs", "dates". */
const char *na_extract_kind_name(na_extract_kind_t kind);

/* Sets *OUT to the mode NAME names ("auto", "always", "never"); false,
 * leaving *OUT alone, for any other NAME. */
bool na_extract_mode_from_name(const char *name, na_extract_mode_t *out);

typedef enum { NA_SHARD_FAIL = 0, NA_SHARD_PARTIAL } na_shard_failure_t;

/* Sets *OUT from NAME ("fail", "partial"); false, leaving it, otherwise. */
bool na_shard_failure_from_name(const char *name, na_shard_failure_t *out);

typedef struct {
    char *path;
    na_format_t format; /* NA_FORMAT_AUTO: by extension or content */
} na_config_source_t;

/* Where the file wrote the value of KEY ("language", "aliases.places"). */
typedef struct {
    char *key;
    size_t line, column; /* from 1 */
} na_config_mark_t;

/* shard_by: how newsarc-index splits an archive into time shards. */
enum { NA_SHARD_BY_NONE = 0, NA_SHARD_BY_YEAR, NA_SHARD_BY_MONTH };

/* "none", "year", "month" for NA_SHARD_BY_*; "?" for any other KIND. */
const char *na_shard_by_name(int kind);

/* Sets *OUT to the NA_SHARD_BY_* NAME names; false, leaving *OUT alone,
 * for any other NAME. */
bool na_shard_by_from_name(const char *name, int *out);

typedef struct {
    char *file;            /* the file read, or NULL for built-in defaults */
    char *database;        /* default NA_DATABASE */
    char *language;        /* default "english" */
    na_strlist_t stopwords;/* default: a short English list */
    na_strlist_t facets;   /* facets shown when none asked for: default none */
    na_extract_mode_t extract[NA_EXTRACT_KINDS]; /* default auto */
    bool extract_city_countries; /* a city also counts its country: default true */
    char *ner_model;       /* the tagger's model; default in the data folder */
    char *gazetteer;       /* gazetteer folder; default in the data folder */
    int compression_level; /* 1..9, default 9 */
    size_t commit_every;   /* articles per commit, default 10000 */
    size_t max_article_bytes; /* largest input read, default 64 MiB */
    size_t commit_bytes;   /* article bytes per commit, default 64 MiB */
    bool prune;            /* remove sources whose file is gone: default false */
    int prune_max;         /* percent of the articles a prune may remove: default 10 */
    int lock_wait;         /* seconds to wait for the write lock: default 0 */
    int shard_by;          /* NA_SHARD_BY_*: time shards of a new archive; default none */
    size_t index_memory;   /* MB the indexer may use, default 256 */
    char *alias_places;    /* alias table paths, resolved; NULL: none */
    char *alias_people;
    char *alias_orgs;
    char *alias_topics;
    char *alias_sources;
    na_config_source_t *sources; /* default: none */
    size_t source_count;
    /* newsarc-search's limits, for every front end (engine.h). */
    size_t max_query_bytes;  /* default 4096 */
    size_t max_limit;        /* default 100 */
    size_t max_offset;       /* default 10000 */
    size_t time_budget_ms;   /* default 2000; 0: none */
    /* Shards (engine.h): a shard that cannot be opened or does not answer
     * fails the search, or is left out of a partial answer that says so. */
    int shard_failure;       /* na_shard_failure_t, default NA_SHARD_FAIL */
    size_t remote_timeout_ms;         /* a remote shard's idle limit, default 10000 */
    size_t remote_connect_timeout_ms; /* connecting to one, default 10000 */
    /* newsarc-search --serve and CGI. */
    size_t server_threads;   /* default 4 */
    size_t server_connections; /* default 256 */
    size_t server_timeout;   /* seconds, default 30 */
    char *static_dir;        /* the search page's files; default the data folder's www */
    bool http_show_sources;  /* source paths in the HTTP API's JSON: default false */
    na_strlist_t cors_origins; /* origins given CORS headers: default none */
    na_config_mark_t *marks; /* each key the file set, for na_config_check() */
    size_t mark_count;
} na_config_t;

/* The data folder: $(datadir)/newsarc, or the source tree's config/ for
 * a program run from its build tree before "make install", so that an
 * uninstalled program finds its model and tables.  Caller frees. */
char *na_config_data_dir(void);

/* Fills CFG from the first configuration found (see above).  EXPLICIT may
 * be NULL.  NA_ERR_NOT_FOUND when EXPLICIT (or $NEWSARC_CONFIG) names a
 * file that does not exist; NA_ERR_PARSE with "file:line:column: reason"
 * for a bad file (bad YAML, unknown key, wrong type, out of bounds).  On
 * failure CFG holds nothing that needs releasing. */
na_status_t na_config_load(na_config_t *cfg, const char *explicit_path, na_error_t *err);

/* Checks what loading cannot: that the language has a stemmer and that
 * every alias table can be read.  Both programs call it after loading, so
 * they accept and refuse the same configurations.  NA_ERR_PARSE with
 * "FILE:LINE:COLUMN: reason" pointing at the value (just "FILE: reason",
 * or "built-in defaults: reason", for a default); NA_OK otherwise.  The
 * tables' contents are checked when they are loaded (normalise.h). */
na_status_t na_config_check(const na_config_t *cfg, na_error_t *err);

/* Reads exactly the file at PATH over the built-in defaults. */
na_status_t na_config_load_file(na_config_t *cfg, const char *path, na_error_t *err);

/* The file na_config_load() reads for EXPLICIT (may be NULL): EXPLICIT,
 * else $NEWSARC_CONFIG, else ./newsarc.yaml or the installed one when
 * they exist; NULL for the built-in defaults alone.  Borrowed: EXPLICIT,
 * the environment's or a constant. */
const char *na_config_find(const char *explicit_path);

/* As na_config_load_file(), through the cache file CACHE (NULL: none): it
 * holds the loaded form, used while this program, the data folder, the
 * current folder (for a relative PATH), PATH's whole contents and the
 * existence of each data file looked for are as they were, else the file
 * is parsed and CACHE written again (a failure to write it is ignored).
 * Statuses as na_config_load_file(). */
na_status_t na_config_load_file_cached(na_config_t *cfg, const char *path, const char *cache, na_error_t *err);

/* For na_config_load_file() and its tests: removes from the LEN bytes at
 * TEXT, in place, the comment lines libyaml would skip (a '#' in column 0
 * in a file without quotes or block scalars, outside flow collections,
 * the next line with content starting in column 0), keeping each line's
 * newline so that line numbers stay.  Returns the new length. */
size_t na__config_drop_comments(char *text, size_t len);

/* Built-in defaults only. */
void na_config_defaults(na_config_t *cfg);

/* Frees what CFG owns; CFG can be loaded again afterwards. */
void na_config_release(na_config_t *cfg);

#endif
