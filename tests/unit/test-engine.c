/* test-engine.c - the search engine's request checks, its limits, a
 * reader meeting Xapian's DatabaseModifiedError (the engine reopens and
 * runs the request again, where a plain reader fails; an export it
 * overtakes goes on), and the JSON printers writing what jansson would. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "engine.h"
#include "printer.h"
#include "query.h"
#include "record.h"
#include "unit.h"
#include "utf8.h"
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

/* A scratch database being written, and an engine and a connection
 * reading it. */
typedef struct {
    char dir[32];
    char *path;
    na_xwdb_t *w;
    na_config_t cfg;
    na_engine_t *eng;
    na_engine_conn_t *conn;
} scratch_t;

/* Makes a folder from TEMPLATE and a database in it for S->w to write;
 * false when there is no folder to work in. */
static bool scratch_begin(scratch_t *s, const char *template)
{
    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "%s", template);
    if (!mkdtemp(s->dir)) {
        CHECK(0, "a scratch folder");
        return false;
    }
    if (asprintf(&s->path, "%s/db", s->dir) < 0)
        return false;
    CHECK_INT(na_xwdb_open(s->path, true, &s->w, NULL), NA_OK, "a database to write");
    return true;
}

/* Opens S's engine, with the default configuration, and a connection. */
static void scratch_connect(scratch_t *s, na_error_t *err)
{
    na_config_defaults(&s->cfg);
    const char *specs[] = { s->path };
    CHECK_INT(na_engine_open(&s->cfg, specs, 1, false, false, &s->eng, err), NA_OK, "the engine opens");
    CHECK_INT(na_engine_conn_open(s->eng, &s->conn, err), NA_OK, "a connection opens");
}

/* Closes everything S opened and removes its folder. */
static void scratch_end(scratch_t *s)
{
    na_engine_conn_free(s->conn);
    na_engine_free(s->eng);
    na_config_release(&s->cfg);
    na_xwdb_close(s->w, NULL);
    char *cmd = NULL;
    if (asprintf(&cmd, "rm -rf '%s'", s->dir) >= 0 && system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", s->dir);
    free(cmd);
    free(s->path);
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
    scratch_t sc;
    if (!scratch_begin(&sc, "/tmp/newsarc-engine-XXXXXX"))
        return;
    na_xwdb_t *w = sc.w;
    write_round(w, 0, 3000);

    na_error_t err;
    scratch_connect(&sc, &err);
    na_engine_conn_t *conn = sc.conn;
    const char *specs[] = { sc.path };
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
    scratch_end(&sc);
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

/* Checks that PR printed TOTAL articles, none twice (sorts its ids). */
static void check_each_once(id_printer_t *pr, int total)
{
    CHECK_INT(pr->ids.count, total, "... printing every article");
    qsort(pr->ids.items, pr->ids.count, sizeof *pr->ids.items, cmp_str);
    bool twice = false;
    for (size_t i = 1; i < pr->ids.count; i++)
        twice = twice || strcmp(pr->ids.items[i - 1], pr->ids.items[i]) == 0;
    CHECK(!twice, "... each once");
}

/* An export overtaken by a writer's commits between its pages goes on:
 * every article printed once, those added meanwhile too. */
static void test_export_modified(void)
{
    scratch_t sc;
    if (!scratch_begin(&sc, "/tmp/newsarc-export-XXXXXX"))
        return;
    na_xwdb_t *w = sc.w;
    write_records(w, 0, 0, 2000);

    na_error_t err;
    scratch_connect(&sc, &err);
    na_engine_conn_t *conn = sc.conn;
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
        check_each_once(&pr, total);
        na_export_free(x);
        na_strlist_clear(&pr.ids);
    }

    /* Overtaken before its first page, with nothing printed yet: it
     * starts again at the new revision (with no printed match to skip). */
    r.sort = NA_SORT_RELEVANCE;
    id_printer_t pr;
    memset(&pr, 0, sizeof pr);
    pr.base.result = keep_id;
    na_export_t *x = NULL;
    bool done = false;
    CHECK_INT(na_export_begin(conn, &r, &x, &err), NA_OK, "an export begins");
    int total = (int)na_export_total(x);
    for (int round = 1; round <= 4; round++) {
        write_records(w, round + 20, 0, total);
        write_records(w, round + 20, total, total + 50);
        total += 50;
    }
    na_status_t st = NA_OK;
    while (st == NA_OK && !done)
        st = na_export_next(x, &pr.base, 300, &done, &err);
    CHECK_INT(st, NA_OK, "an export overtaken before its first page goes on");
    check_each_once(&pr, total);
    na_export_free(x);
    na_strlist_clear(&pr.ids);
    na_request_release(&r);
    scratch_end(&sc);
}

/* ---- the JSON printer against jansson ---- */

/* LIST as jansson's array of its strings. */
static json_t *ref_list(const na_pr_list_t *list)
{
    json_t *a = json_array();
    for (size_t i = 0; i < list->count; i++)
        json_array_append_new(a, json_string(list->items[i]));
    return a;
}

static json_t *ref_str(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (!j) {
        char *clean = na_utf8_sanitize(s, strlen(s));
        j = json_string(clean);
        free(clean);
    }
    return j;
}

/* Result R as jansson's object, the keys in printer.h's order. */
static json_t *ref_result(const na_pr_result_t *r)
{
    const na_pr_meta_t *m = r->meta;
    char day[11];
    json_t *o = json_object(), *x = json_object();
    json_object_set_new(o, "id", ref_str(m->id));
    json_object_set_new(o, "rank", json_integer(r->rank));
    json_object_set_new(o, "score", json_real(r->score));
    json_object_set_new(o, "date", ref_str(na_printer_day(m->date, day)));
    json_object_set_new(o, "title", ref_str(m->title));
    json_object_set_new(o, "source", ref_str(m->source));
    json_object_set_new(o, "url", ref_str(m->url));
    json_object_set_new(o, "people", ref_list(&m->people));
    json_object_set_new(o, "places", ref_list(&m->places));
    json_object_set_new(o, "orgs", ref_list(&m->orgs));
    json_object_set_new(o, "topics", ref_list(&m->topics));
    json_object_set_new(o, "snippet", ref_str(r->snippet));
    json_object_set_new(o, "date_source", ref_str(m->date_source));
    json_object_set_new(x, "people", ref_list(&m->extracted_people));
    json_object_set_new(x, "places", ref_list(&m->extracted_places));
    json_object_set_new(x, "orgs", ref_list(&m->extracted_orgs));
    json_object_set_new(x, "mentioned", ref_list(&m->mentioned));
    json_object_set_new(o, "extracted", x);
    json_object_set_new(o, "sources", ref_list(&m->sources));
    return o;
}

/* What printer P writes for a search of N results R, then FACETS (NULL
 * ended, each name followed by its values and counts), as a string. */
static char *print_with(na_printer_t *(*make)(FILE *), const na_pr_search_t *s, const na_pr_result_t *r, size_t n,
                        const char *const *facets, double elapsed)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    na_printer_t *p = make(f);
    p->search_begin(p, s);
    for (size_t i = 0; i < n; i++)
        p->result(p, &r[i]);
    for (size_t i = 0; facets[i]; i++) {
        p->facet_begin(p, facets[i]);
        for (i++; facets[i] && strcmp(facets[i], "."); i += 2)
            p->facet_value(p, facets[i], (unsigned)atoi(facets[i + 1]));
        p->facet_end(p);
    }
    p->search_end(p, elapsed);
    na_printer_free(p);
    fclose(f);
    return text;
}

static void test_json_printer(void)
{
    static const char *const people[] = { "Ana \"Q\" Lima", "tab\there", "\x01\x1f\x7f" };
    static const char *const places[] = { "Z\xc3\xbcrich", "back\\slash/solidus", "" };
    static const char *const lines[] = { "new\nline\r\b\f" };
    na_pr_meta_t m1, m2;
    memset(&m1, 0, sizeof m1);
    memset(&m2, 0, sizeof m2);
    m1.id = "a1";
    m1.title = "Caf\xe9 au lait"; /* not UTF-8: converted, as jansson needs */
    m1.date = "1987-03-02T10:00:00";
    m1.source = "Wire";
    m1.people = (na_pr_list_t){ people, 3 };
    m1.places = (na_pr_list_t){ places, 3 };
    m1.extracted_orgs = (na_pr_list_t){ lines, 1 };
    m1.sources = (na_pr_list_t){ places, 2 };
    m1.date_source = "dateline";
    m2.id = "b\"2";
    const na_pr_result_t results[] = {
        { 1, 12.345678901, &m1, "a \xee\x80\x80snippet\xee\x80\x81 \"quoted\"" },
        { 2, 0.0, &m2, NULL },
        { 3, 1e-7, &m2, "" },
        { 4, 123456789.0, &m2, "x" },
        { 5, 1e21, &m2, "y" },
        { 6, 100.0, &m2, "z" },
    };
    static const char *const facets[] = { "place", "Z\xc3\xbcrich", "3", "Oslo\t", "1", ".", "topic", ".",
                                          "place", "Z\xc3\xbcrich", "3", "Oslo\t", "1", ".", "mentioned:day",
                                          "1987-03-02", "2", ".", NULL };
    const na_pr_search_t s = { "q \"x\" \\ \x02", 1234, 10, 20, false };
    double elapsed = 3.25;

    json_t *root = json_object(), *res = json_array(), *fs = json_object();
    json_object_set_new(root, "format_version", json_integer(NA_PRINTER_FORMAT_VERSION));
    json_object_set_new(root, "query", ref_str(s.query));
    json_object_set_new(root, "total", json_integer(s.total));
    json_object_set_new(root, "complete", json_boolean(s.complete));
    json_object_set_new(root, "offset", json_integer(s.offset));
    json_object_set_new(root, "limit", json_integer(s.limit));
    json_object_set_new(root, "results", res);
    json_object_set_new(root, "facets", fs);
    char *lines_want = NULL;
    size_t lines_len = 0;
    FILE *lf = open_memstream(&lines_want, &lines_len);
    for (size_t i = 0; i < sizeof results / sizeof *results; i++) {
        json_t *o = ref_result(&results[i]);
        char *compact = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(6));
        fprintf(lf, "%s\n", compact);
        free(compact);
        json_array_append_new(res, o);
    }
    fclose(lf);
    for (size_t i = 0; facets[i]; i++) {
        json_t *a = json_array();
        json_object_set_new(fs, facets[i], a);
        for (i++; facets[i] && strcmp(facets[i], "."); i += 2) {
            json_t *v = json_object();
            json_object_set_new(v, "value", ref_str(facets[i]));
            json_object_set_new(v, "count", json_integer(atoi(facets[i + 1])));
            json_array_append_new(a, v);
        }
    }
    json_object_set_new(root, "elapsed_ms", json_real(elapsed));
    char *want = json_dumps(root, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(root);

    size_t n = sizeof results / sizeof *results;
    char *got = print_with(na_printer_json_new, &s, results, n, facets, elapsed);
    size_t wlen = strlen(want);
    CHECK(got && strncmp(got, want, wlen) == 0 && strcmp(got + wlen, "\n") == 0,
          "JSON printer: the bytes jansson writes, escapes, reals and a facet asked twice included");
    if (got && (strncmp(got, want, wlen) != 0 || strcmp(got + wlen, "\n") != 0))
        printf("#   got  %s#   want %s\n", got, want);
    free(got);
    got = print_with(na_printer_jsonl_new, &s, results, n, facets, elapsed);
    CHECK_STR(got, lines_want, "JSON Lines printer: jansson's compact lines");
    free(got);
    static const char *const no_facets[] = { NULL };
    got = print_with(na_printer_json_new, &s, results, 0, no_facets, 0.5);
    CHECK(got && strstr(got, "\"results\": [], \"facets\": {}, \"elapsed_ms\": 0.5}\n") != NULL,
          "  no results, no facets: [] and {}");
    free(got);
    free(want);
    free(lines_want);
}

/* The words a snippet looks for: none from under NOT, -word or -(...),
 * whose operands run as Xapian's parser reads them (checked against its
 * totals on Reuters: "oil NOT opec price" is "oil NOT (opec price)"). */
static void test_query_words(void)
{
    static const struct {
        const char *query, *want;
    } words_cases[] = {
        { "oil NOT opec", "oil" },
        { "oil not opec", "oil" },
        { "NOT opec", "" },
        { "oil NOT opec price", "oil" },
        { "oil NOT opec AND price", "oil price" },
        { "oil NOT opec OR gas", "oil gas" },
        { "oil AND NOT opec", "oil" },
        { "oil NOT (opec OR cartel) price", "oil" },
        { "(oil NOT opec) price", "oil price" },
        { "oil NOT \"crude prices\" gas", "oil" },
        { "oil -opec price", "oil price" },
        { "oil -(opec cartel) price", "oil price" },
        { "oil -title:opec title:gas place:usa", "oil gas" },
        { "oil NOT opec NOT cartel AND gas", "oil gas" },
        { "\"crude oil\" petrol*", "crude oil petrol" },
    };
    for (size_t i = 0; i < sizeof words_cases / sizeof *words_cases; i++) {
        na_strlist_t w = NA_STRLIST_INIT;
        na_query_words(words_cases[i].query, &w);
        char got[256] = "";
        for (size_t k = 0; k < w.count; k++) {
            if (k)
                strcat(got, " ");
            strcat(got, w.items[k]);
        }
        char what[128];
        snprintf(what, sizeof what, "snippet words of '%s'", words_cases[i].query);
        CHECK_STR(got, words_cases[i].want, what);
        na_strlist_clear(&w);
    }
}

int main(void)
{
    test_query_words();
    test_validate();
    test_database_modified();
    test_export_modified();
    test_json_printer();
    return unit_done();
}
