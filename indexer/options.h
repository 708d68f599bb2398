/* options.h - newsarc-index's command line. */
#ifndef NA_INDEX_OPTIONS_H
#define NA_INDEX_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "article.h"
#include "config.h"

typedef enum { NA_OUT_TEXT = 0, NA_OUT_JSON } na_out_format_t;

typedef struct {
    const char *db;          /* -d; NULL: from the configuration */
    const char *config;      /* -c; NULL: the usual search */
    bool quiet;              /* -q */
    int verbose;             /* -v, repeatable */
    na_out_format_t format;  /* --format */
    na_format_t input_format;/* --input-format; AUTO: by extension or content */
    bool extract_set;        /* --extract given */
    na_extract_mode_t extract;
    bool extract_only;       /* --extract-only: print what extraction finds, index nothing */
    bool stats;              /* --stats */
    bool force;              /* --force: reindex unchanged articles too */
    bool rebuild;            /* --rebuild: index every stored original again into a new database */
    bool prune;              /* --prune: remove sources whose file is gone */
    bool delete_ids;         /* --delete: the arguments are ids of articles to remove */
    bool refresh;            /* --refresh: reindex out-of-date articles from their stored originals */
    int wait;                /* --wait SECONDS; -1: lock_wait from the configuration */
    const char *log;         /* --log FILE; NULL: none */
    int shard_by;            /* --shard-by: NA_SHARD_BY_*; -1: shard_by from the configuration */
    char **paths;            /* borrowed from argv */
    size_t path_count;
} na_index_options_t;

/* Exit statuses, documented in newsarc-index(1) and README. */
enum {
    NA_EXIT_OK = 0,
    NA_EXIT_REJECTED = 1,   /* some inputs rejected, the rest indexed */
    NA_EXIT_USAGE = 2,      /* usage or configuration error */
    NA_EXIT_DATABASE = 3,   /* the database could not be opened or written */
    NA_EXIT_OUTPUT = 74,    /* output (or the --log file) could not be written */
    NA_EXIT_LOCKED = 75,    /* another newsarc-index holds the database: try later */
    NA_EXIT_INTERRUPTED = 130, /* stopped by SIGINT after committing what was done */
    NA_EXIT_TERMINATED = 143   /* stopped by SIGTERM after committing what was done */
};

/* Parses ARGV into OPTS.  Returns -1 to go on, or an exit status when the
 * program should stop now (after --help, --version or a usage error,
 * which it has already reported). */
int na_index_options_parse(int argc, char **argv, na_index_options_t *opts);

#endif
