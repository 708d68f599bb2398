/* cli.c - the command-line parts both programs share (cli.h). */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ac-config.h"
#include "hash.h"
#include "normalise.h"
#include "util.h"
#include "xapian-c.h"

int na_cli_usage_error(const char *prog, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: error: ", prog);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
    return 2;
}

int na_cli_flush_output(const char *prog)
{
    /* An error in an earlier write leaves the stream's error flag set,
     * with errno long gone: the flush itself usually says why. */
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return 0;
    int e = errno ? errno : EIO;
    fprintf(stderr, "%s: error: cannot write the output: %s\n", prog, na_strerror(e));
    return NA_CLI_EXIT_OUTPUT;
}

void na_cli_version(const char *prog)
{
    printf("%s %s (xapian %s)\n", prog, PACKAGE_VERSION, na_x_version());
}

/* The folder of compiled tables: $NEWSARC_CACHE (empty: none), else
 * newsarc/ in $XDG_CACHE_HOME or in ~/.cache, made when missing.  NULL
 * when there is none. */
static char *cache_dir(void)
{
    const char *env = getenv("NEWSARC_CACHE");
    char *dir;
    if (env)
        dir = *env ? na_xstrdup(env) : NULL;
    else if ((env = getenv("XDG_CACHE_HOME")) && *env == '/')
        dir = na_xasprintf("%s/newsarc", env);
    else if ((env = getenv("HOME")) && *env == '/')
        dir = na_xasprintf("%s/.cache/newsarc", env);
    else
        dir = NULL;
    if (!dir)
        return NULL;
    /* ~/.cache may not exist yet: make it, then newsarc/ in it. */
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            free(dir);
            return NULL;
        }
        *slash = '/';
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        free(dir);
        return NULL;
    }
    return dir;
}

/* One compiled file per set of table paths, so that configurations
 * naming other tables do not take turns overwriting one file. */
char *na_cli_tables_cache(const na_config_t *cfg)
{
    const char *paths[] = { cfg->alias_places, cfg->alias_people, cfg->alias_orgs, cfg->alias_topics,
                            cfg->alias_sources, cfg->gazetteer };
    char cwd[4096];
    uint64_t h = NA_HASH_SEED;
    /* Relative paths name other files from another folder. */
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
        if (paths[i] && paths[i][0] != '/' && getcwd(cwd, sizeof cwd)) {
            h = na_hash64(h, cwd, strlen(cwd) + 1);
            break;
        }
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
        h = paths[i] ? na_hash64(h, paths[i], strlen(paths[i]) + 1) : na_hash64(h, "", 1);
    char hex[17];
    na_hash64_hex(h, NULL, 0, hex);
    char *dir = cache_dir();
    char *path = dir ? na_xasprintf("%s/tables-%s", dir, hex) : NULL;
    free(dir);
    return path;
}

na_status_t na_cli_config_load(na_config_t *cfg, const char *explicit_path, na_error_t *err)
{
    const char *path = na_config_find(explicit_path);
    if (!path) {
        na_config_defaults(cfg);
        return NA_OK;
    }
    /* One cache file per configuration path (and folder, for a relative
     * one), as for the tables. */
    char cwd[4096];
    uint64_t h = na_hash64(NA_HASH_SEED, path, strlen(path) + 1);
    if (path[0] != '/' && getcwd(cwd, sizeof cwd))
        h = na_hash64(h, cwd, strlen(cwd) + 1);
    char hex[17];
    na_hash64_hex(h, NULL, 0, hex);
    char *dir = cache_dir();
    char *cache = dir ? na_xasprintf("%s/config-%s", dir, hex) : NULL;
    free(dir);
    na_status_t st = na_config_load_file_cached(cfg, path, cache, err);
    free(cache);
    return st;
}

na_status_t na_cli_tables_open(const na_config_t *cfg, bool parse_without_cache, na_normaliser_t **out,
                               char *note, size_t note_size, na_error_t *err)
{
    char scratch[1];
    if (!note) {
        note = scratch;
        note_size = sizeof scratch;
    }
    *out = NULL;
    char *cache = na_cli_tables_cache(cfg);
    if (!cache) {
        snprintf(note, note_size, "parsed the tables (no cache folder)");
        return parse_without_cache ? na_normaliser_load(cfg, out, err) : NA_OK;
    }
    na_tables_form_t form;
    na_error_t why;
    na_status_t st = na_normaliser_open(cfg, cache, out, &form, &why, err);
    if (st == NA_OK && form == NA_TABLES_MAPPED)
        snprintf(note, note_size, "mapped compiled tables %s", cache);
    else if (st == NA_OK)
        snprintf(note, note_size, "parsed the tables (%s)%s%s", why.message,
                 form == NA_TABLES_COMPILED ? "; compiled them to " : "", form == NA_TABLES_COMPILED ? cache : "");
    free(cache);
    return st;
}
