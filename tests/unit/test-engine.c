/* test-engine.c - the search engine's request checks, its limits, and a
 * reader meeting Xapian's DatabaseModifiedError: the engine reopens and
 * runs the request again, where a plain reader fails; an export it
 * overtakes goes on. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "engine.h"
#include "printer.h"
#include "record.h"
#include "unit.h"
#include "xapian-c.h"

static const struct {
    const char *query;
    size_t query_len;       /* 0: strlen */
    const char *facet, *filter;
    unsigned offset, limit;
    bool all;
    na_status_t want;
    unsigned want_limit;    /* after the check */
    const char *message;    /* a part of the message, for errors */
} cases[] = {
    { "rates", 0, "place", "year=1987", 0, 10, false, NA_OK, 10, NULL },
    { "", 0, "day", "day=1987-03-02", 0, 10, false, NA_OK, 10, NULL },
    { "", 0, "mentioned:quarter", NULL, 0, 10, false, NA_OK, 10, NULL },
    { "x", 0, NULL, NULL, 0, 1000, false, NA_OK, 100, NULL },           /* cut to the cap */
    { "x", 0, NULL, NULL, 0, 1000, true, NA_OK, 1000, NULL },           /* the export has none */
    { "x", 0, NULL, NULL, 10000, 10, false, NA_OK, 10, NULL },          /* the deepest page */
    { "x", 0, NULL, NULL, 10001, 10, false, NA_ERR_INVALID, 10, "offset 10001" },
    { "a\0b", 3, NULL, NULL, 0, 10, false, NA_ERR_INVALID, 10, "NUL" },
    { "\xff\xfe", 0, NULL, NULL, 0, 10, false, NA_ERR_INVALID, 10, "UTF-8" },
    { "x", 0, "colour", NULL, 0, 10, false, NA_ERR_INVALID, 10, "unknown facet 'colour'" },
    { "x", 0, "place:year", NULL, 0, 10, false, NA_ERR_INVALID, 10, "unknown facet" },
    { "x", 0, NULL, "year=87", 0, 10, false, NA_ERR_INVALID, 10, "YYYY" },
    { "x", 0, NULL, "day=1987-3-2", 0, 10, false, NA_ERR_INVALID, 10, "YYYY-MM-DD" },
    { "x", 0, NULL, "colour=red", 0, 10, false, NA_ERR_INVALID, 10, "day" }, /* names listed from the table */
};

static void test_validate(void)
{
    na_engine_limits_t limits = { 4096, 100, 10000, 2000 };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        na_request_t r;
        na_request_init(&r);
        r.query = cases[i].query;
        r.query_len = cases[i].query_len ? cases[i].query_len : strlen(cases[i].query);
        if (cases[i].facet)
            na_strlist_add(&r.facets, cases[i].facet);
        if (cases[i].filter)
            na_strlist_add(&r.filters, cases[i].filter);
        r.offset = cases[i].offset;
        r.limit = cases[i].limit;
        r.all = cases[i].all;
        na_error_t err;
        na_error_clear(&err);
        bool cut = false;
        char what[96];
        snprintf(what, sizeof what, "case %zu: status", i);
        CHECK_INT(na_request_validate(&r, &limits, &cut, &err), cases[i].want, what);
        snprintf(what, sizeof what, "case %zu: limit", i);
        CHECK_INT(r.limit, cases[i].want_limit, what);
        snprintf(what, sizeof what, "case %zu: says it was cut", i);
        CHECK(cut == (cases[i].want == NA_OK && r.limit != cases[i].limit), what);
        if (cases[i].message) {
            snprintf(what, sizeof what, "case %zu: message", i);
            CHECK(strstr(err.message, cases[i].message) != NULL, what);
        }
        na_request_release(&r);
    }
    char long_query[5000];
    memset(long_query, 'a', sizeof long_query - 1);
    long_query[sizeof long_query - 1] = '\0';
    na_request_t r;
    na_request_init(&r);
    r.query = long_query;
    na_error_t err;
    CHECK_INT(na_request_validate(&r, &limits, NULL, &err), NA_ERR_INVALID, "a query over the longest allowed");
    CHECK(strstr(err.message, "at most 4096") != NULL, "... says the limit");
    na_request_release(&r);
    na_sort_t s;
    CHECK(na_sort_from_name("newest", &s) && s == NA_SORT_NEWEST, "sort newest");
    CHECK(!na_sort_from_name("sideways", &s), "no sort sideways");
}

/* Writes COUNT documents, each with the term "common" and its own,
 * replacing those of the last call, and commits. */
static void write_round(na_xwdb_t *db, int round, int count)
{
    na_xdoc_t *doc = na_xdoc_new();
    for (int i = 0; i < count; i++) {
        char id[32], term[48];
        snprintf(id, sizeof id, "Qdoc%d", i);
        snprintf(term, sizeof term, "round%dword%d", round, i);
        na_xdoc_clear(doc);
        na_xdoc_add_boolean_term(doc, "common");
        na_xdoc_add_boolean_term(doc, term);
        na_xdoc_add_boolean_term(doc, id);
        na_xdoc_set_data(doc, term, strlen(term));
        na_xwdb_replace(db, id, doc, NULL);
    }
    na_xdoc_free(doc);
    na_xwdb_commit(db, NULL);
}

static void test_database_modified(void)
{
    char dir[] = "/tmp/newsarc-engine-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0, "a scratch folder");
        return;
    }
    char *path = NULL;
    if (asprintf(&path, "%s/db", dir) < 0)
        return;
    na_xwdb_t *w = NULL;
    CHECK_INT(na_xwdb_open(path, true, &w, NULL), NA_OK, "a database to write");
    write_round(w, 0, 3000);

    na_config_t cfg;
    na_config_defaults(&cfg);
    const char *specs[] = { path };
    na_engine_t *eng = NULL;
    na_engine_conn_t *conn = NULL;
    na_error_t err;
    CHECK_INT(na_engine_open(&cfg, specs, 1, false, false, &eng, &err), NA_OK, "the engine opens");
    CHECK_INT(na_engine_conn_open(eng, &conn, &err), NA_OK, "a connection opens");
    na_xdb_t *plain = NULL;
    CHECK_INT(na_xdb_open(specs, 1, &plain, &err), NA_OK, "a plain reader opens");

    /* Both read the first revision... */
    na_request_t r;
    na_request_init(&r);
    r.query = "";
    r.limit = 0;
    na_result_t res;
    CHECK_INT(na_engine_search(conn, &r, &res, &err), NA_OK, "the engine searches");
    CHECK_INT(res.total, 3000, "... all of the first round");
    na_result_release(&res);

    /* ...then the writer moves on by several revisions, reusing the
     * blocks the readers' revision lived in. */
    for (int round = 1; round <= 4; round++)
        write_round(w, round, 3000);

    na_xenquire_t *enq = NULL;
    na_xmset_t *mset = NULL;
    na_xquery_t *q = na_xquery_term("round4word7");
    na_status_t st = na_xenquire_new(plain, &enq, &err);
    if (st == NA_OK) {
        na_xenquire_set_query(enq, q);
        st = na_xenquire_run(enq, 0, 10, true, &mset, &err);
    }
    bool provoked = st == NA_ERR_DATABASE && strstr(err.message, "DatabaseModifiedError");
    if (st == NA_OK)
        provoked = na_xmset_total(mset) == 0; /* still the old revision: no such term */
    CHECK(provoked, "the plain reader is left behind (DatabaseModifiedError or the old revision)");
    na_xmset_free(mset);
    na_xenquire_free(enq);
    na_xquery_free(q);

    /* The engine, not refreshed, meets the error and runs again. */
    r.query = "Common"; /* capitalised: unstemmed, the term itself */
    r.limit = 5;
    st = na_engine_search(conn, &r, &res, &err);
    CHECK_INT(st, NA_OK, "the engine's search succeeds on the changed database");
    CHECK_INT(res.total, 3000, "... with every document");
    na_result_release(&res);
    na_request_release(&r);

    /* refresh() reaches the latest revision. */
    CHECK_INT(na_engine_conn_refresh(conn, &err), NA_OK, "refresh");
    na_xdb_close(plain);
    na_engine_conn_free(conn);
    na_engine_free(eng);
    na_config_release(&cfg);
    na_xwdb_close(w, NULL);
    char *cmd = NULL;
    if (asprintf(&cmd, "rm -rf '%s'", dir) >= 0 && system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    free(cmd);
    free(path);
}

/* Writes documents FIRST..LAST-1, each with the term "common" and a
 * record whose id is "docN" and whose title names ROUND, replacing those
 * of earlier calls, and commits. */
static void write_records(na_xwdb_t *db, int round, int first, int last)
{
    na_xdoc_t *doc = na_xdoc_new();
    na_buf_t data = NA_BUF_INIT;
    for (int i = first; i < last; i++) {
        char id[32], qid[40], title[48];
        snprintf(id, sizeof id, "doc%d", i);
        snprintf(qid, sizeof qid, "Q%s", id);
        snprintf(title, sizeof title, "round %d of %d", round, i);
        na_record_meta_t m = { .id = id, .title = title };
        na_buf_reset(&data);
        na_record_build(&m, NULL, "", 0, &data);
        na_xdoc_clear(doc);
        na_xdoc_add_boolean_term(doc, "common");
        na_xdoc_add_boolean_term(doc, qid);
        na_xdoc_set_data(doc, data.data, data.len);
        na_xwdb_replace(db, qid, doc, NULL);
    }
    na_buf_release(&data);
    na_xdoc_free(doc);
    na_xwdb_commit(db, NULL);
}

/* A printer that keeps the ids of the results it is given. */
typedef struct {
    na_printer_t base;
    na_strlist_t ids;
} id_printer_t;

static void keep_id(na_printer_t *p, const na_pr_result_t *r)
{
    na_strlist_add(&((id_printer_t *)(void *)p)->ids, r->meta->id ? r->meta->id : "?");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* An export overtaken by a writer's commits between its pages goes on:
 * every article printed once, those added meanwhile too. */
static void test_export_modified(void)
{
    char dir[] = "/tmp/newsarc-export-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0, "a scratch folder");
        return;
    }
    char *path = NULL;
    if (asprintf(&path, "%s/db", dir) < 0)
        return;
    na_xwdb_t *w = NULL;
    CHECK_INT(na_xwdb_open(path, true, &w, NULL), NA_OK, "a database to write");
    write_records(w, 0, 0, 2000);

    na_config_t cfg;
    na_config_defaults(&cfg);
    const char *specs[] = { path };
    na_engine_t *eng = NULL;
    na_engine_conn_t *conn = NULL;
    na_error_t err;
    CHECK_INT(na_engine_open(&cfg, specs, 1, false, false, &eng, &err), NA_OK, "the engine opens");
    CHECK_INT(na_engine_conn_open(eng, &conn, &err), NA_OK, "a connection opens");
    na_request_t r;
    na_request_init(&r);
    r.query = "Common";
    r.all = true;
    for (int sort = 0; sort < 2; sort++) {
        r.sort = sort ? NA_SORT_NEWEST : NA_SORT_RELEVANCE;
        id_printer_t pr;
        memset(&pr, 0, sizeof pr);
        pr.base.result = keep_id;
        na_export_t *x = NULL;
        bool done = false;
        CHECK_INT(na_export_begin(conn, &r, &x, &err), NA_OK, "an export begins");
        CHECK_INT(na_export_total(x), 2000 + 200 * sort, "... over every article");
        na_status_t st = na_export_next(x, &pr.base, 300, &done, &err);
        CHECK(st == NA_OK && pr.ids.count == 300 && !done, "a first page");
        /* The writer rewrites every article and adds some, several
         * revisions on: the export's revision is gone. */
        int total = 2000 + 200 * sort;
        for (int round = 1; round <= 4; round++) {
            write_records(w, round + 10 * sort, 0, total);
            write_records(w, round + 10 * sort, total, total + 50);
            total += 50;
        }
        while (st == NA_OK && !done)
            st = na_export_next(x, &pr.base, 300, &done, &err);
        CHECK_INT(st, NA_OK, "the export goes on past the commits");
        if (st)
            fprintf(stderr, "# %s\n", err.message);
        CHECK_INT(pr.ids.count, total, "... printing every article");
        qsort(pr.ids.items, pr.ids.count, sizeof *pr.ids.items, cmp_str);
        bool twice = false;
        for (size_t i = 1; i < pr.ids.count; i++)
            twice = twice || strcmp(pr.ids.items[i - 1], pr.ids.items[i]) == 0;
        CHECK(!twice, "... each once");
        na_export_free(x);
        na_strlist_clear(&pr.ids);
    }
    na_request_release(&r);
    na_engine_conn_free(conn);
    na_engine_free(eng);
    na_config_release(&cfg);
    na_xwdb_close(w, NULL);
    char *cmd = NULL;
    if (asprintf(&cmd, "rm -rf '%s'", dir) >= 0 && system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    free(cmd);
    free(path);
}

int main(void)
{
    test_validate();
    test_database_modified();
    test_export_modified();
    return unit_done();
}
