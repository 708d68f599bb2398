/* test-xapian.c - the C binding over libxapian, on real databases: errors
 * become statuses (missing, locked, damaged, bad query), field handlers,
 * exact multi-slot facets, sorting, shards and a remote xapian-tcpsrv. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "util.h"
#include "xapian-c.h"

static char dir[] = "/tmp/newsarc-xapian.XXXXXX";
static char *seen_value; /* what the last field handler received */

static na_status_t place_field(void *ud, const char *value, na_xquery_t **out, na_error_t *err)
{
    (void)ud;
    free(seen_value);
    seen_value = na_xstrdup(value);
    if (strcmp(value, "nowhere") == 0)
        return na_error_set(err, NA_ERR_QUERY, "no such place '%s'", value);
    char *lower = na_x_utf8_lower(value, strlen(value));
    char *term = na_xasprintf("XPLACE%s", lower);
    *out = na_xquery_term(term);
    free(term);
    free(lower);
    return NA_OK;
}

/* Adds an article with places in slots 200+i and the date in slot 0. */
static void add_doc(na_xwdb_t *db, na_xindexer_t *ix, const char *id, const char *text, const char *date,
                    const char *const *places)
{
    na_xdoc_t *doc = na_xdoc_new();
    na_xindexer_begin(ix, doc);
    na_xindexer_index(ix, text, strlen(text), "", 1);
    char *q = na_xasprintf("Q%s", id);
    na_xdoc_add_boolean_term(doc, q);
    for (size_t i = 0; places[i]; i++) {
        char *lower = na_x_utf8_lower(places[i], strlen(places[i]));
        char *t = na_xasprintf("XPLACE%s", lower);
        na_xdoc_add_boolean_term(doc, t);
        na_xdoc_add_value(doc, 200 + (na_slot_t)i, places[i], strlen(places[i]));
        free(t);
        free(lower);
    }
    na_xdoc_add_value(doc, 0, date, strlen(date));
    na_xdoc_set_data(doc, id, strlen(id));
    if (na_xwdb_replace(db, q, doc, NULL) != NA_OK)
        CHECK(0, "replace a document");
    free(q);
    na_xdoc_free(doc);
}

static unsigned count(na_xdb_t *db, const char *query)
{
    na_xqp_t *qp = NULL;
    na_xquery_t *q = NULL;
    na_xenquire_t *enq = NULL;
    na_xmset_t *m = NULL;
    unsigned total = 99999;
    na_xqp_new(db, "english", &qp, NULL);
    na_xqp_add_field(qp, "place", place_field, NULL);
    if (na_xqp_parse(qp, query, &q, NULL) == NA_OK && na_xenquire_new(db, &enq, NULL) == NA_OK) {
        na_xenquire_set_query(enq, q);
        if (na_xenquire_run(enq, 0, 10, true, &m, NULL) == NA_OK)
            total = na_xmset_total(m);
    }
    na_xmset_free(m);
    na_xenquire_free(enq);
    na_xquery_free(q);
    na_xqp_free(qp);
    return total;
}

static char *facet_dump(na_xdb_t *db, const char *query)
{
    na_xqp_t *qp = NULL;
    na_xquery_t *q = NULL;
    na_xenquire_t *enq = NULL;
    na_xmset_t *m = NULL;
    na_buf_t out = NA_BUF_INIT;
    na_xqp_new(db, "english", &qp, NULL);
    na_xqp_add_field(qp, "place", place_field, NULL);
    na_xqp_parse(qp, query, &q, NULL);
    na_xenquire_new(db, &enq, NULL);
    na_xenquire_set_query(enq, q);
    na_slot_t slots[] = { 200, 201, 202 };
    int f = na_xenquire_add_facet(enq, slots, 3);
    if (na_xenquire_run(enq, 0, 0, true, &m, NULL) == NA_OK) {
        na_xfacet_count_t *c = NULL;
        size_t n = 0;
        na_xenquire_facet(enq, f, 0, &c, &n, NULL);
        for (size_t i = 0; i < n; i++)
            na_buf_addf(&out, "%s=%u;", c[i].value, c[i].count);
        na_xfacet_free(c, n);
    }
    na_xmset_free(m);
    na_xenquire_free(enq);
    na_xquery_free(q);
    na_xqp_free(qp);
    return na_buf_detach(&out, NULL);
}

static void build(const char *path)
{
    na_xwdb_t *w = NULL;
    na_xindexer_t *ix = NULL;
    CHECK_INT(na_xwdb_open(path, true, &w, NULL), NA_OK, "create a database");
    CHECK_INT(na_xindexer_new("english", &ix, NULL), NA_OK, "an English indexer");
    const char *stop[] = { "the" };
    na_xindexer_set_stopwords(ix, stop, 1);
    const char *p1[] = { "United States", "Japan", NULL };
    const char *p2[] = { "Japan", NULL };
    const char *p3[] = { "United States", "Japan", "Z\xc3\xbcrich", NULL };
    add_doc(w, ix, "a", "The central banks were cutting rates in Tokyo.", "19870302100000", p1);
    add_doc(w, ix, "b", "Rice farmers protested in Tokyo.", "19870301090000", p2);
    add_doc(w, ix, "c", "Banks in Z\xc3\xbcrich raised fees; the U.S. dollar fell.", "19870303080000", p3);
    add_doc(w, ix, "b", "Rice farmers marched in Osaka.", "19870301090000", p2); /* replaces b */
    CHECK_INT(na_xwdb_doccount(w), 3, "replacing by unique term keeps one document per id");
    CHECK_INT(na_xwdb_set_metadata(w, "k", "v1", 2, NULL), NA_OK, "set metadata");
    char *v = NULL;
    size_t len;
    na_xwdb_get_metadata(w, "k", &v, &len, NULL);
    CHECK_STR(v, "v1", "metadata round trip");
    free(v);
    CHECK_INT(na_xwdb_get_metadata(w, "missing", &v, &len, NULL), NA_ERR_NOT_FOUND, "missing metadata");
    na_docid_t id;
    CHECK_INT(na_xwdb_find(w, "Qc", &id, NULL), NA_OK, "find by term");
    CHECK_INT(na_xwdb_find(w, "Qzzz", &id, NULL), NA_ERR_NOT_FOUND, "find a missing term");

    na_xwdb_t *second = NULL;
    na_error_t err;
    CHECK_INT(na_xwdb_open(path, true, &second, &err), NA_ERR_LOCKED, "a second writer is locked out");
    CHECK_INT(na_xwdb_close(w, NULL), NA_OK, "commit and close");
    na_xindexer_free(ix);
}

int main(void)
{
    if (!mkdtemp(dir))
        unit_skip_all("cannot make a scratch directory");
    char *path = na_xasprintf("%s/db", dir);
    char *path2 = na_xasprintf("%s/db2", dir);
    na_error_t err;

    na_xdb_t *db = NULL;
    const char *missing[] = { "/nonexistent/newsarc-db" };
    CHECK_INT(na_xdb_open(missing, 1, &db, &err), NA_ERR_NOT_FOUND, "a missing database is NOT_FOUND");
    na_xindexer_t *bad = NULL;
    CHECK_INT(na_xindexer_new("klingon", &bad, &err), NA_ERR_INVALID, "an unknown language");

    build(path);
    const char *one[] = { path };
    CHECK_INT(na_xdb_open(one, 1, &db, &err), NA_OK, "open for reading");
    CHECK_INT(count(db, "banks"), 2, "free text matches");
    CHECK_INT(count(db, "bank"), 2, "stems match (banks -> bank)");
    CHECK_INT(count(db, "cut"), 1, "cutting is found as cut");
    CHECK_INT(count(db, "\"central banks\""), 1, "phrases use positions");
    CHECK_INT(count(db, "rice -osaka"), 0, "the replaced text is gone");
    CHECK_INT(count(db, ""), 3, "an empty query matches everything");
    CHECK_INT(count(db, "place:japan"), 3, "a boolean field through the handler");
    CHECK_INT(count(db, "place:\"United States\""), 2, "a quoted field value");
    CHECK_STR(seen_value, "United States", "reaches the handler whole");
    count(db, "place:2025-05..2025-06");
    CHECK_STR(seen_value, "2025-05..2025-06", "a range reaches the handler whole");
    CHECK_INT(count(db, "place:japan NOT tokyo"), 2, "boolean operators");
    CHECK_INT(count(db, "ban*"), 2, "wildcards");

    na_xqp_t *qp = NULL;
    na_xquery_t *q = NULL;
    na_xqp_new(db, "english", &qp, NULL);
    na_xqp_add_field(qp, "place", place_field, NULL);
    CHECK_INT(na_xqp_parse(qp, "place:nowhere", &q, &err), NA_ERR_QUERY, "a handler error is a query error");
    CHECK(strstr(err.message, "no such place") != NULL, "with the handler's message");
    CHECK_INT(na_xqp_parse(qp, "(unbalanced AND", &q, &err), NA_ERR_QUERY, "a syntax error");
    na_xqp_free(qp);

    char *facets = facet_dump(db, "");
    CHECK_STR(facets, "Japan=3;United States=2;Z\xc3\xbcrich=1;", "facets over several slots count exactly");
    free(facets);
    facets = facet_dump(db, "banks");
    CHECK_STR(facets, "Japan=2;United States=2;Z\xc3\xbcrich=1;", "facets among matches only");
    free(facets);

    na_xenquire_t *enq = NULL;
    na_xmset_t *m = NULL;
    na_xenquire_new(db, &enq, NULL);
    na_xquery_t *all = na_xquery_match_all();
    na_xenquire_set_query(enq, all);
    na_xenquire_set_sort(enq, 0, true);
    na_xenquire_run(enq, 0, 10, true, &m, NULL);
    char *d0 = NULL, *d2 = NULL;
    size_t l;
    na_xmset_data(m, 0, &d0, &l, NULL);
    na_xmset_data(m, 2, &d2, &l, NULL);
    CHECK(d0 && d2 && strcmp(d0, "c") == 0 && strcmp(d2, "b") == 0, "sorted by value, newest first");
    free(d0);
    free(d2);
    na_xmset_free(m);
    na_xquery_t *range = na_xquery_value_range(0, "19870302000000", NULL);
    na_xenquire_set_query(enq, range);
    na_xenquire_run(enq, 0, 10, true, &m, NULL);
    CHECK_INT(na_xmset_total(m), 2, "an open value range");
    na_xmset_free(m);
    na_xquery_free(range);

    /* A snippet highlights the matched (stemmed) word. */
    na_xqp_new(db, "english", &qp, NULL);
    na_xqp_parse(qp, "rates", &q, NULL);
    na_xenquire_set_query(enq, q);
    na_xenquire_set_sort(enq, -1, false);
    na_xenquire_run(enq, 0, 10, true, &m, NULL);
    char *snip = NULL;
    const char *text = "The central banks were cutting rates in Tokyo.";
    na_xmset_snippet(m, text, strlen(text), 200, "english", "[", "]", "...", &snip, NULL);
    CHECK(snip && strstr(snip, "[rates]") != NULL, "the snippet highlights the match");
    free(snip);
    na_xmset_free(m);
    na_xquery_free(q);
    na_xquery_free(all);
    na_xqp_free(qp);
    na_xenquire_free(enq);

    char *low = na_x_utf8_lower("\xc3\x9c" "BER Z\xc3\x9cRICH", 13);
    CHECK_STR(low, "\xc3\xbc" "ber z\xc3\xbcrich", "Unicode lower-casing");
    free(low);

    /* Two shards searched as one. */
    build(path2);
    const char *two[] = { path, path2 };
    na_xdb_t *both = NULL;
    CHECK_INT(na_xdb_open(two, 2, &both, &err), NA_OK, "open two shards");
    CHECK_INT(na_xdb_doccount(both), 6, "documents of both");
    facets = facet_dump(both, "");
    CHECK_STR(facets, "Japan=6;United States=4;Z\xc3\xbcrich=2;", "facets summed over shards");
    free(facets);
    na_xdb_close(both);

    /* The same through xapian-tcpsrv, which knows only stock match spies. */
    if (system("command -v xapian-tcpsrv >/dev/null 2>&1") != 0) {
        printf("ok %d # SKIP xapian-tcpsrv not found (Debian package xapian-tools)\n", ++unit_count);
    } else {
        int port = 20000 + (int)(getpid() % 20000);
        pid_t pid = fork();
        if (pid == 0) {
            /* Its own process group: the server signals its group when it stops. */
            setpgid(0, 0);
            char portstr[16];
            snprintf(portstr, sizeof portstr, "%d", port);
            execlp("xapian-tcpsrv", "xapian-tcpsrv", "--interface", "127.0.0.1", "--port", portstr, "--quiet",
                   path, (char *)NULL);
            _exit(127);
        }
        char *spec = na_xasprintf("tcp:127.0.0.1:%d", port);
        const char *remote[] = { spec };
        na_xdb_t *r = NULL;
        na_status_t st = NA_ERR_DATABASE;
        for (int tries = 0; tries < 50 && st != NA_OK; tries++) {
            usleep(100000);
            st = na_xdb_open(remote, 1, &r, &err);
        }
        CHECK_INT(st, NA_OK, "open a remote database");
        if (st == NA_OK) {
            facets = facet_dump(r, "banks");
            CHECK_STR(facets, "Japan=2;United States=2;Z\xc3\xbcrich=1;", "remote facets equal local ones");
            free(facets);
            na_xdb_close(r);
        }
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        free(spec);
    }
    na_xdb_close(db);

    /* A damaged database gives an error status, not a crash. */
    char *cmd = na_xasprintf("for f in %s/*.glass; do dd if=/dev/urandom of=$f bs=1 count=4096 seek=0 "
                             "conv=notrunc status=none; done", path2);
    if (system(cmd) != 0)
        CHECK(0, "damage a copy");
    free(cmd);
    const char *damaged[] = { path2 };
    na_xdb_t *dd = NULL;
    {
        na_status_t st = na_xdb_open(damaged, 1, &dd, &err);
        if (st == NA_OK)
            st = count(dd, "banks") == 99999 ? NA_ERR_CORRUPT : NA_OK;
        CHECK(st != NA_OK, "a damaged database reports an error");
        na_xdb_close(dd);
    }

    cmd = na_xasprintf("rm -rf '%s'", dir);
    if (system(cmd) != 0)
        CHECK(0, "clean up");
    free(cmd);
    free(path);
    free(path2);
    free(seen_value);
    return unit_done();
}
