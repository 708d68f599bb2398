/* fuzz-query.c - libFuzzer harness for newsarc-search's query parser.
 * The first line of the input is the query text, each further line (at
 * most eight) a --filter spec, cut at the first NUL as a command line
 * would be; na_query_build() and na_query_words() are called as
 * search/main.c calls them, over an empty database made once, with the
 * project's configuration so that field values go through the real
 * alias tables.  NA_FUZZ_CONFIG names that file (set by tests/fuzz/run). */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "query.h"
#include "xapian-c.h"

#ifndef NA_FUZZ_CONFIG
#error "NA_FUZZ_CONFIG must name the configuration file"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static na_config_t cfg;
static na_xdb_t *db;
static char dbdir[4096];

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static void cleanup(void)
{
    na_xdb_close(db);
    na_config_release(&cfg);
    if (dbdir[0])
        nftw(dbdir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void die(const char *what, const na_error_t *err)
{
    fprintf(stderr, "fuzz-query: %s: %s\n", what, err->message);
    exit(2);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    na_error_t err;
    na_error_clear(&err);
    if (na_config_load_file(&cfg, NA_FUZZ_CONFIG, &err) != NA_OK)
        die(NA_FUZZ_CONFIG, &err);
    const char *tmp = getenv("TMPDIR");
    snprintf(dbdir, sizeof dbdir, "%s/newsarc-fuzz-query.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dbdir)) {
        perror("fuzz-query: mkdtemp");
        exit(2);
    }
    atexit(cleanup);
    char path[4200];
    snprintf(path, sizeof path, "%s/db", dbdir);
    na_xwdb_t *w = NULL;
    if (na_xwdb_open(path, true, &w, &err) != NA_OK || na_xwdb_close(w, &err) != NA_OK)
        die(path, &err);
    const char *spec = path;
    if (na_xdb_open(&spec, 1, &db, &err) != NA_OK)
        die(path, &err);
    return 0;
}

#define MAX_FILTERS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    size_t len = nul ? (size_t)(nul - data) : size;
    char *text = malloc(len + 1);
    if (!text)
        return 0;
    memcpy(text, data, len);
    text[len] = '\0';

    const char *filters[MAX_FILTERS];
    size_t nfilters = 0;
    for (char *nl = strchr(text, '\n'); nl; nl = strchr(nl + 1, '\n')) {
        *nl = '\0';
        if (nfilters < MAX_FILTERS)
            filters[nfilters++] = nl + 1;
    }

    na_error_t err;
    na_error_clear(&err);
    na_xquery_t *q = NULL;
    na_status_t st = na_query_build(db, &cfg, text, filters, nfilters, &q, &err);
    if (st == NA_OK) {
        if (!q)
            abort();
        char *d = na_xquery_describe(q);
        free(d);
        na_strlist_t words = NA_STRLIST_INIT;
        na_query_words(text, &words);
        na_strlist_clear(&words);
    } else if (!err.message[0] || strchr(err.message, '\n')) {
        /* The program prints the message as one line. */
        fprintf(stderr, "fuzz-query: status %d without a one-line message\n", (int)st);
        abort();
    }
    na_xquery_free(q);
    free(text);
    return 0;
}
