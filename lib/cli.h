/* cli.h - what the command lines of newsarc-index and newsarc-search have
 * in common: the shared options and how a usage error and the version
 * are reported.
 *
 * Each program lists NA_CLI_LONG_OPTIONS first in its own getopt_long()
 * table, passes NA_CLI_SHORT_OPTIONS as the short options and numbers its
 * own long-only options from NA_CLI_OPT_FIRST; it handles the shared
 * options' values itself (-d means one database to one, several to the
 * other). */
#ifndef NA_CLI_H
#define NA_CLI_H

#include <getopt.h>

#include "config.h"

/* -d DB, -c FILE, -q, -v, -h, -V; the leading ':' makes getopt_long()
 * answer ':' for a missing value. */
#define NA_CLI_SHORT_OPTIONS ":d:c:qvhV"

enum { NA_CLI_OPT_FORMAT = 256, NA_CLI_OPT_FIRST };

#define NA_CLI_LONG_OPTIONS                                                   \
    { "db", required_argument, NULL, 'd' },                                  \
    { "config", required_argument, NULL, 'c' },                              \
    { "quiet", no_argument, NULL, 'q' },                                     \
    { "verbose", no_argument, NULL, 'v' },                                   \
    { "help", no_argument, NULL, 'h' },                                      \
    { "version", no_argument, NULL, 'V' },                                   \
    { "format", required_argument, NULL, NA_CLI_OPT_FORMAT }

/* Prints "PROG: error: MESSAGE" and a pointer to --help on standard
 * error and returns 2, the exit status of a usage error for both
 * programs. */
int na_cli_usage_error(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "PROG VERSION (xapian VERSION)" on standard output. */
void na_cli_version(const char *prog);

/* The exit status of both programs when standard output cannot be
 * written (sysexits.h's EX_IOERR). */
#define NA_CLI_EXIT_OUTPUT 74

/* Flushes standard output.  Returns 0 when everything written to it so
 * far has gone out; otherwise prints "PROG: error: cannot write the
 * output: REASON" on standard error and returns NA_CLI_EXIT_OUTPUT.
 * Programs call it before exiting, on every path that writes output. */
int na_cli_flush_output(const char *prog);

/* The file both programs keep CFG's alias tables and place gazetteer in
 * compiled (normalise.h: na_normaliser_open()), one per set of table
 * paths: in $NEWSARC_CACHE (empty: no cache), else in newsarc/ of
 * $XDG_CACHE_HOME or of ~/.cache, made when missing.  Malloc()ed; NULL
 * when there is no cache folder. */
char *na_cli_tables_cache(const na_config_t *cfg);

/* Loads the configuration as na_config_load() does, keeping its parsed
 * form in the cache folder (see na_cli_tables_cache()), one file per
 * configuration path: a start-up then maps no YAML parser's work.
 * Statuses as na_config_load(). */
na_status_t na_cli_config_load(na_config_t *cfg, const char *explicit_path, na_error_t *err);

struct na_normaliser;
/* CFG's tables as both programs open them: mapped from the compiled file
 * in the cache when it is fresh, else parsed from the table files (and
 * compiled there for the next run); with no cache folder, parsed when
 * PARSE_WITHOUT_CACHE, else *OUT is NULL and the caller parses what it
 * needs.  NOTE (NOTE_SIZE bytes; may be NULL) gets which form was used
 * and why, for -v.  Fails as na_normaliser_load() does. */
na_status_t na_cli_tables_open(const na_config_t *cfg, bool parse_without_cache, struct na_normaliser **out,
                               char *note, size_t note_size, na_error_t *err);

#endif
